/*
 * alloc_user.c: the user's own allocators (group "user"; see user.h): the
 * registry that `-a` fills, and the adapters a cell replays through.
 *
 *   mm:  the shared object user_build.c made from the mm.c, dlopen'd in
 *        the cell. Before every replay: mem_reset_brk, then mm_init, as
 *        the classic driver does. Footprint: mem_heapsize, exact after
 *        every op. Heap check: mm_checkheap where the interface has one
 *        and the file defines it (2016+: false is a violation; 2010-2015:
 *        it returns nothing, so only a checker that stops the process
 *        fails). Range: mem_heap_lo .. mem_heap_hi.
 *   so:  the library preloaded into the cell (cell.c), so plain malloc
 *        reaches it. Footprint: a statistic the library itself exports
 *        that fitbench knows (alloc_system.c's), else the resident
 *        anonymous memory of the process, sampled, less what it was when
 *        the heap was made (each block's pages then touched once).
 *
 * Both count their calls in *fb_alloc_calls, which the cell shares with
 * its parent, so a crash or a hang is placed at its op.
 */
#include "allocators.h"
#include "fbmemlib.h"
#include "mm_iface.h"
#include "user.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile uint64_t fb_calls_here;
volatile uint64_t *fb_alloc_calls = &fb_calls_here;

static fb_user users[FB_USER_MAX];
static size_t nusers;
/* Set once the environment has been read, or once `-a` registered an
 * entry (the parent never reads the environment). */
static int imported;

/* ------------------------------------------------------- the adapters */

/* What the cell's process holds for the one user allocator it runs. */
static struct {
    fb_user *u;
    void *dl;
    int (*init_int)(void);
    _Bool (*init_bool)(void);
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*realloc)(void *, size_t);
    void (*check_void)(int);
    _Bool (*check_bool)(int);
    /* so: */
    size_t (*stat)(void);
    const char *method;
    int statm;
    size_t rss_base;
} cur;

static int user_available(void) { return 1; }

static void *user_sym(const char *name) { return cur.dl ? dlsym(cur.dl, name) : NULL; }

/* Loads u's shared object once per process. 0, or -1 (errno). */
static int mm_load(fb_user *u) {
    if (cur.u == u)
        return 0;
    if (cur.u) {
        errno = EBUSY; /* one user allocator per cell */
        return -1;
    }
    cur.dl = dlopen(u->file, RTLD_NOW | RTLD_LOCAL);
    if (!cur.dl) {
        errno = ENOENT;
        return -1;
    }
    const fb_mm_iface *f = &fb_mm_ifaces[u->iface];
    *(void **)(f->init_bool ? (void *)&cur.init_bool : (void *)&cur.init_int) = user_sym("mm_init");
    *(void **)&cur.malloc = user_sym("mm_malloc");
    *(void **)&cur.free = user_sym("mm_free");
    *(void **)&cur.realloc = user_sym("mm_realloc");
    if (u->has_check && f->check == FB_MM_CHECK_VOID)
        *(void **)&cur.check_void = user_sym("mm_checkheap");
    if (u->has_check && f->check == FB_MM_CHECK_BOOL)
        *(void **)&cur.check_bool = user_sym("mm_checkheap");
    if (!(cur.init_int || cur.init_bool) || !cur.malloc || !cur.free || !cur.realloc) {
        errno = ENOENT;
        return -1;
    }
    cur.u = u;
    return 0;
}

/* mem_reset_brk and mm_init: 0, or -1 when mm_init failed. */
static int mm_start(fb_user *u) {
    *fb_alloc_calls = 0;
    if (fb_mem_setup(u->max_heap) != 0)
        return -1;
    int ok = cur.init_bool ? cur.init_bool() : cur.init_int() == 0;
    return ok ? 0 : -1;
}

static void *mm_create(fb_user *u) {
    if (mm_load(u) != 0)
        return NULL;
    if (mm_start(u) != 0) {
        errno = ECANCELED; /* "operation canceled": mm_init said no */
        return NULL;
    }
    return u;
}

static void mm_destroy(void *h) { (void)h; mem_reset_brk(); }

/* A reset whose mm_init fails leaves a heap that serves nothing: the
 * replay after it fails with oom at its first allocation. */
static int mm_broken;
static void mm_reset(void *h) { mm_broken = mm_start(h) != 0; }

static void *mm_malloc_op(void *h, size_t n) {
    (void)h;
    ++*fb_alloc_calls;
    return mm_broken ? NULL : cur.malloc(n);
}

/* free(NULL) is skipped: the classic driver never made that call. */
static int mm_free_op(void *h, void *p) {
    (void)h;
    ++*fb_alloc_calls;
    if (p)
        cur.free(p);
    return 0;
}

static void *mm_realloc_op(void *h, void *p, size_t n) {
    (void)h;
    ++*fb_alloc_calls;
    return mm_broken ? NULL : cur.realloc(p, n);
}

static size_t mm_footprint(void *h) { (void)h; return mem_heapsize(); }

static long mm_check(void *h, FILE *log) {
    (void)h;
    (void)log;
    if (cur.check_bool)
        return cur.check_bool(__LINE__) ? 0 : 1;
    if (cur.check_void)
        cur.check_void(0);
    return 0;
}

static void mm_range(void *h, const void **lo, const void **hi) {
    (void)h;
    *lo = mem_heap_lo();
    *hi = (const char *)mem_heap_hi() + 1;
}

static const char *mm_method(void *h) { (void)h; return "mem_heapsize"; }

/* so: ------------------------------------------------------------------ */

/* Resident anonymous bytes of this process (statm: resident - shared). */
static size_t so_rss(void) {
    char buf[128];
    ssize_t n = cur.statm >= 0 ? pread(cur.statm, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return 0;
    buf[n] = 0;
    unsigned long long size, res, shared;
    if (sscanf(buf, "%llu %llu %llu", &size, &res, &shared) != 3)
        return 0;
    return (size_t)((res > shared ? res - shared : 0) * (unsigned long long)sysconf(_SC_PAGESIZE));
}

/* The object that defines sym, compared with the library's path. */
static int so_defines(const char *lib, const char *sym) {
    void *p = dlsym(RTLD_DEFAULT, sym);
    Dl_info di;
    char a[4096], b[4096];
    return p && dladdr(p, &di) && di.dli_fname && realpath(di.dli_fname, a) && realpath(lib, b) &&
           !strcmp(a, b);
}

static void *so_create(fb_user *u) {
    if (!cur.u) {
        if (!so_defines(u->file, "malloc")) {
            errno = ENOENT; /* the cell does not run with the library */
            return NULL;
        }
        cur.u = u;
        cur.statm = -1;
        for (size_t i = 0; !cur.stat && fb_footprint_stat_at(i); i++) {
            const fb_footprint_stat *s = fb_footprint_stat_at(i);
            if (so_defines(u->file, s->symbol))
                cur.stat = s->stat, cur.method = s->method;
        }
        if (!cur.stat) {
            cur.statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
            cur.method = "rss";
        }
    }
    if (cur.u != u) {
        errno = EBUSY;
        return NULL;
    }
    *fb_alloc_calls = 0;
    if (!cur.stat)
        cur.rss_base = so_rss();
    return u;
}

static void so_destroy(void *h) { (void)h; }

/* Measured by resident memory, a block is touched once a page (its bytes
 * kept), as a program that uses its memory would: the replay writes no
 * payload outside the correctness pass, and a page never touched is never
 * resident. */
static void *so_touch(void *p, size_t n) {
    if (p && !cur.stat)
        for (size_t i = 0; i < n; i += 4096)
            ((volatile char *)p)[i] = ((volatile char *)p)[i];
    return p;
}

static void *so_malloc(void *h, size_t n) {
    (void)h;
    ++*fb_alloc_calls;
    return so_touch(malloc(n), n);
}
static int so_free(void *h, void *p) { (void)h; ++*fb_alloc_calls; free(p); return 0; }
static void *so_realloc(void *h, void *p, size_t n) {
    (void)h;
    ++*fb_alloc_calls;
    return so_touch(realloc(p, n), n);
}

static size_t so_footprint(void *h) {
    (void)h;
    if (cur.stat)
        return cur.stat();
    size_t r = so_rss();
    return r > cur.rss_base ? r - cur.rss_base : 0;
}

static const char *so_method(void *h) { (void)h; return cur.method; }

/* One create per slot: the only entry point that is not handed the heap
 * (the slot itself). */
static void *user_create(fb_user *u) { return u->kind == FB_USER_MM ? mm_create(u) : so_create(u); }
#define USER_SLOTS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define USER_CREATE(k)                                            \
    static void *user_create_##k(const fb_alloc_hint *hint) {     \
        (void)hint;                                               \
        return user_create(&users[k]);                            \
    }
USER_SLOTS(USER_CREATE)
#define USER_CREATE_REF(k) user_create_##k,
static void *(*const user_creates[])(const fb_alloc_hint *) = {USER_SLOTS(USER_CREATE_REF)};
_Static_assert(sizeof user_creates / sizeof user_creates[0] == FB_USER_MAX, "one create per slot");

/* Fills u->a from the rest of u. */
static void user_fill(fb_user *u, size_t slot) {
    fb_allocator *a = &u->a;
    memset(a, 0, sizeof *a);
    a->name = u->name;
    a->group = "user";
    a->summary = u->summary;
    a->available = user_available;
    a->create = user_creates[slot];
    if (u->kind == FB_USER_MM) {
        if (u->iface >= 0)
            snprintf(u->summary, sizeof u->summary, "your mm.c, %s interface: %.100s",
                     fb_mm_ifaces[u->iface].name, u->path);
        else
            snprintf(u->summary, sizeof u->summary, "your mm.c: %.140s", u->path);
        a->align = u->align ? u->align : 8;
        a->destroy = mm_destroy;
        a->reset = mm_reset;
        a->malloc = mm_malloc_op;
        a->free = mm_free_op;
        a->realloc = mm_realloc_op;
        a->footprint = mm_footprint;
        a->footprint_method = mm_method;
        a->range = mm_range;
        if (u->has_check && u->iface >= 0 && fb_mm_ifaces[u->iface].check != FB_MM_CHECK_NONE)
            a->check = mm_check;
    } else {
        snprintf(u->summary, sizeof u->summary, "your malloc library: %.140s", u->path);
        a->align = 16;
        a->preload = u->file;
        a->footprint_sampled = 1;
        a->destroy = so_destroy;
        a->malloc = so_malloc;
        a->free = so_free;
        a->realloc = so_realloc;
        a->footprint = so_footprint;
        a->footprint_method = so_method;
    }
}

/* ----------------------------------------------------------- registry */

int fb_user_is_spec(const char *word) {
    const char *eq = strchr(word, '=');
    const char *k = eq ? eq + 1 : word;
    return !strncmp(k, "mm:", 3) || !strncmp(k, "so:", 3);
}

/* The default name: the file's stem ("mm" for a/mm.c, "libmy" for
 * libmy.so.1), or the folder's name. */
static void default_name(const char *path, char *name, size_t len) {
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = 0;
    const char *base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
    snprintf(name, len, "%s", base);
    char *dot = strchr(name, '.');
    if (dot && dot != name)
        *dot = 0;
}

static int name_ok(const char *s) {
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(*s == '-' || *s == '_' || *s == '.' || (*s >= '0' && *s <= '9') ||
              (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
            return 0;
    return 1;
}

static fb_user *user_lookup(const char *name) {
    for (size_t i = 0; i < nusers; i++)
        if (!strcmp(users[i].name, name))
            return &users[i];
    return NULL;
}

const fb_allocator *fb_user_add(const char *spec, char *err, size_t errlen) {
    const char *eq = strchr(spec, '=');
    const char *k = eq ? eq + 1 : spec;
    if (nusers == FB_USER_MAX) {
        snprintf(err, errlen, "more than %d allocators of your own", FB_USER_MAX);
        return NULL;
    }
    fb_user *u = &users[nusers];
    memset(u, 0, sizeof *u);
    u->kind = !strncmp(k, "mm:", 3) ? FB_USER_MM : FB_USER_SO;
    u->iface = -1;
    if (!k[3] || strlen(k + 3) >= sizeof u->path) {
        snprintf(err, errlen, "'%.100s': give a path after %.3s", spec, k);
        return NULL;
    }
    snprintf(u->path, sizeof u->path, "%s", k + 3);
    if (eq && (size_t)(eq - spec) < sizeof u->name)
        snprintf(u->name, sizeof u->name, "%.*s", (int)(eq - spec), spec);
    else if (!eq)
        default_name(u->path, u->name, sizeof u->name);
    if (!name_ok(u->name)) {
        snprintf(err, errlen,
                 "'%.100s': name it NAME=%.3sPATH, NAME of letters, digits, '-', '_', '.'",
                 spec, k);
        return NULL;
    }
    if (user_lookup(u->name) || fb_allocator_find(u->name)) {
        snprintf(err, errlen, "'%.100s': the name %s is taken; give another with NAME=%.3sPATH",
                 spec, u->name, k);
        return NULL;
    }
    if (u->kind == FB_USER_SO)
        memcpy(u->file, u->path, strlen(u->path) + 1); /* both 2048 bytes */
    imported = 1;
    user_fill(u, nusers);
    nusers++;
    return &u->a;
}

size_t fb_user_count(void) { return nusers; }
fb_user *fb_user_at(size_t i) {
    if (i >= nusers)
        return NULL;
    user_fill(&users[i], i); /* the build may have set what the adapter reads */
    return &users[i];
}

int fb_user_is(const fb_allocator *a) {
    return a && a >= &users[0].a && a <= &users[FB_USER_MAX - 1].a;
}

/* One line per entry: kind, name, iface, align, max_heap, has_check,
 * file, path, tab-separated. */
int fb_user_export(void) {
    static char env[FB_USER_MAX * 4400];
    size_t n = 0;
    for (size_t i = 0; i < nusers; i++) {
        const fb_user *u = &users[i];
        int w = snprintf(env + n, sizeof env - n, "%d\t%s\t%d\t%zu\t%zu\t%d\t%s\t%s\n", u->kind,
                         u->name, u->iface, u->align, u->max_heap, u->has_check, u->file, u->path);
        if (w < 0 || (size_t)w >= sizeof env - n)
            return -1;
        n += (size_t)w;
    }
    return setenv(FB_USER_ENV, env, 1);
}

static void user_import(void) {
    const char *env = getenv(FB_USER_ENV);
    while (env && *env && nusers < FB_USER_MAX) {
        const char *nl = strchr(env, '\n');
        size_t len = nl ? (size_t)(nl - env) : strlen(env);
        char line[8192];
        if (len >= sizeof line)
            break;
        memcpy(line, env, len);
        line[len] = 0;
        fb_user *u = &users[nusers];
        memset(u, 0, sizeof *u);
        char *f[8], *save = NULL;
        int nf = 0;
        for (char *t = strtok_r(line, "\t", &save); t && nf < 8; t = strtok_r(NULL, "\t", &save))
            f[nf++] = t;
        if (nf == 8) {
            u->kind = atoi(f[0]);
            snprintf(u->name, sizeof u->name, "%s", f[1]);
            u->iface = atoi(f[2]);
            u->align = (size_t)strtoull(f[3], NULL, 10);
            u->max_heap = (size_t)strtoull(f[4], NULL, 10);
            u->has_check = atoi(f[5]);
            snprintf(u->file, sizeof u->file, "%s", f[6]);
            snprintf(u->path, sizeof u->path, "%s", f[7]);
            if (u->kind == FB_USER_SO || (u->iface >= 0 && u->iface < FB_MM_COUNT)) {
                user_fill(u, nusers);
                nusers++;
            }
        }
        env += len + (nl ? 1 : 0);
    }
}

const fb_allocator *fb_user_find(const char *name) {
    if (!imported) {
        imported = 1;
        user_import();
    }
    fb_user *u = user_lookup(name);
    return u ? &u->a : NULL;
}
