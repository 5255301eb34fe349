/*
 * fitmalloc.c: libfitmalloc.so, which replaces a real program's malloc
 * family with fitbench's allocator core, so that any fit policy can run
 * inside real programs:
 *
 *   LD_PRELOAD=libfitmalloc.so FITBENCH_POLICY=best python3 script.py
 *
 * Where it sits: program -> these entry points -> the heap registry
 * (fm_heaps.c) -> a heap of the core (allocator/fitalloc.h); statistics in
 * fm_stats.c. Only the malloc family is exported (fitmalloc.map), so the
 * core's own names never meet the program's.
 *
 * Environment, read once, at the first call (or when the library is
 * loaded, whichever comes first):
 *   FITBENCH_POLICY      first, first-ao, next, best, worst, segfit, tlsf
 *                        or buddy; unset or empty: tlsf (FM_DEFAULT_POLICY).
 *                        Any other value stops the process with one line
 *                        on stderr and status 127: a benchmark that
 *                        silently ran another policy would report numbers
 *                        under the wrong name.
 *   FITBENCH_HEAPS       one (default): one heap behind one lock; thread: a
 *                        heap per thread (fm_heaps.c says why it is not the
 *                        default). Other values stop the process as above.
 *   FITBENCH_STATS=1     report at exit on stderr (fm_stats.c);
 *   FITBENCH_STATS_FILE  ... or appended to this file.
 *   FITBENCH_TRIM        bytes above the heap's break always kept committed
 *                        (a number, K, M or G after it allowed; default the
 *                        core's FA_DEFAULT_TRIM);
 *   FITBENCH_TRIM_DECAY  calls a page must lie unused above the break
 *                        before it goes back to the OS (default the core's
 *                        FA_DEFAULT_TRIM_DECAY; 0: at once, as glibc's
 *                        trim). Values that are not numbers stop the
 *                        process as above.
 *   FITBENCH_STRICT      what a bad pointer does (below).
 *
 * Behaviour, as glibc 2.36 where a program could tell the difference:
 *  - malloc(0) is a unique pointer; a failure is NULL with errno ENOMEM;
 *    calloc and reallocarray check their products for overflow (ENOMEM).
 *  - realloc(NULL, n) is malloc(n); realloc(p, 0) frees p, returns NULL.
 *  - memalign and aligned_alloc accept any alignment: one that is not a
 *    power of two is rounded up to the next, one above SIZE_MAX/2+1 is
 *    EINVAL; posix_memalign returns EINVAL (errno untouched) unless the
 *    alignment is a power-of-two multiple of sizeof(void *), and ENOMEM.
 *    valloc is page-aligned; pvalloc also rounds the size to pages.
 *  - free never changes errno.
 * Bad pointers. Each is named for what it is, in one line on stderr
 * ("fitmalloc: double free of 0x...", "... heap corruption: a block header
 * at or next to 0x... was overwritten ...", a pointer into the middle of
 * a block, one this heap never handed out, one outside every heap such as
 * a stack address), the first FM_SHOWN of them; later ones are counted
 * (FITBENCH_STATS=1 reports them). The core refuses each before it
 * follows anything (fitalloc.h, validate.h), so the heap stays as it was.
 *   FITBENCH_STRICT      0 (default): the call is ignored (free) or fails
 *                        with NULL and errno EINVAL (realloc), and the
 *                        program goes on, so a benchmark of a program with
 *                        a latent bug still finishes and its figures stand;
 *                        1: abort() after the line, as glibc does, to find
 *                        the bug. Other values stop the process as above.
 *   malloc_usable_size of a bad pointer is 0, silently (a query changes
 *   nothing).
 * Heap corruption is found where a free or realloc would follow the
 * overwritten header, and that call is refused; the heap is not repaired.
 * An overflow that also overwrote a free block's list links leaves them
 * on the free list, where a later malloc may follow them and crash: run
 * with FITBENCH_STRICT=1 to stop at the first report.
 * A pointer outside every heap may also be a block of the dynamic loader
 * from before the library was there; none was seen in the programs the
 * tests run, so it is reported like the rest.
 *
 * Safety inside the program:
 *  - No dlsym and no libc allocation: the core gets its memory from mmap,
 *    so the first call (from the dynamic loader, from a constructor) can be
 *    served at once. Initialisation runs under the registry lock (a static
 *    mutex, which never allocates); the fork handlers are registered after
 *    it is released, so that an allocation inside pthread_atfork finds the
 *    library ready.
 *  - fork: the prepare handler takes every lock, the child gets new ones.
 *  - Reports and warnings are written with write(2), never stdio.
 *
 * Limits: a heap reserves FA_DEFAULT_REGION (64 GiB) of address space, so a
 * process holds at most that much at once in one heap (less when ulimit -v
 * forces a smaller reservation); beyond it, malloc fails with ENOMEM.
 */
#include "fm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

fm_mode fm_heap_mode = FM_MODE_ONE;
const char *fm_policy = FM_DEFAULT_POLICY;
int fm_stats_on;
int fm_strict;
size_t fm_region_bytes = FA_DEFAULT_REGION;
size_t fm_trim_threshold = FA_DEFAULT_TRIM, fm_trim_decay = FA_DEFAULT_TRIM_DECAY;
atomic_size_t fm_foreign_frees, fm_foreign_reallocs;

static atomic_int fm_ready;
static size_t fm_page = 4096;

/* Reservations are halved down to this when the address space is limited
 * (ulimit -v) before the library gives up. */
#define FM_MIN_REGION ((size_t)16 << 20)

/* ---------------------------------------------------------------- start */

/* getenv, or, if the first call came before libc set up `environ`, the
 * environment the kernel gave the process. */
static char fm_env_buf[32768];
static const char *fm_getenv(const char *name) {
    if (environ)
        return getenv(name);
    static ssize_t got = -1;
    if (got < 0) {
        int fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
        got = 0;
        if (fd >= 0) {
            ssize_t r;
            while (got < (ssize_t)sizeof fm_env_buf - 1 &&
                   (r = read(fd, fm_env_buf + got, sizeof fm_env_buf - 1 - (size_t)got)) > 0)
                got += r;
            close(fd);
        }
    }
    size_t len = strlen(name);
    for (ssize_t i = 0; i < got; i += (ssize_t)strlen(fm_env_buf + i) + 1)
        if (strncmp(fm_env_buf + i, name, len) == 0 && fm_env_buf[i + (ssize_t)len] == '=')
            return fm_env_buf + i + len + 1;
    return NULL;
}

/* "VAR=VALUE is WHAT; stopping", then exit 127. */
static void fm_stop(const char *var, const char *value, const char *prefix, const char *what) {
    char msg[512];
    size_t n = 0;
    const char *parts[] = {var, "=", value, prefix, what, "; stopping (exit status 127)"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const char *s = parts[i]; *s && n < sizeof msg - 1; s++)
            msg[n++] = *s;
    msg[n] = 0;
    fm_say(msg, NULL, NULL);
    _exit(127);
}

static void fm_configure_count(const char *var, size_t *out) {
    const char *v = fm_getenv(var);
    if (v && *v && fa_parse_count(v, out) != 0)
        fm_stop(var, v, " is not ", "a count (digits, then K, M or G)");
}

static void fm_configure(void) {
    const char *pol = fm_getenv("FITBENCH_POLICY");
    if (pol && *pol) {
        const char *found = NULL;
        char names[256];
        size_t n = 0;
        for (size_t i = 0; i < fa_policy_count(); i++) {
            const char *name = fa_policy_name(i);
            if (strcmp(name, pol) == 0)
                found = name;
            for (const char *s = i ? ", " : ""; *s && n < sizeof names - 1; s++)
                names[n++] = *s;
            for (const char *s = name; *s && n < sizeof names - 1; s++)
                names[n++] = *s;
        }
        names[n] = 0;
        if (!found)
            fm_stop("FITBENCH_POLICY", pol, " is not one of: ", names);
        fm_policy = found; /* the core's own string: the environment may change */
    }
    const char *mode = fm_getenv("FITBENCH_HEAPS");
    if (mode && *mode) {
        if (strcmp(mode, "thread") == 0)
            fm_heap_mode = FM_MODE_THREAD;
        else if (strcmp(mode, "one") != 0)
            fm_stop("FITBENCH_HEAPS", mode, " is not one of: ", "one, thread");
    }
    const char *strict = fm_getenv("FITBENCH_STRICT");
    if (strict && *strict) {
        if (strcmp(strict, "1") == 0)
            fm_strict = 1;
        else if (strcmp(strict, "0") != 0)
            fm_stop("FITBENCH_STRICT", strict, " is not one of: ", "0, 1");
    }
    fm_configure_count("FITBENCH_TRIM", &fm_trim_threshold);
    fm_configure_count("FITBENCH_TRIM_DECAY", &fm_trim_decay);
    fm_stats_setup(fm_getenv("FITBENCH_STATS"), fm_getenv("FITBENCH_STATS_FILE"));
    long pg = sysconf(_SC_PAGESIZE);
    if (pg > 0)
        fm_page = (size_t)pg;
}

static void fm_init(void) {
    int first = 0;
    pthread_mutex_lock(&fm_registry_lock);
    if (!atomic_load_explicit(&fm_ready, memory_order_relaxed)) {
        fm_configure();
        while (!fm_heap_new() && fm_region_bytes / 2 >= FM_MIN_REGION)
            fm_region_bytes /= 2;
        if (atomic_load(&fm_nheaps) == 0)
            fm_say("cannot reserve address space for a heap; every allocation will fail", NULL,
                   NULL);
        atomic_store_explicit(&fm_ready, 1, memory_order_release);
        first = 1;
    }
    pthread_mutex_unlock(&fm_registry_lock);
    if (first) {
        pthread_atfork(fm_fork_prepare, fm_fork_parent, fm_fork_child);
        if (fm_heap_mode == FM_MODE_THREAD && fm_thread_setup() != 0)
            fm_say("no thread key: threads keep their heaps after they exit", NULL, NULL);
    }
}

static fm_heap *fm_here(void) {
    if (!atomic_load_explicit(&fm_ready, memory_order_acquire))
        fm_init();
    return fm_heap_mine();
}

/* Also at load time, so that a wrong FITBENCH_POLICY stops even a program
 * that never allocates, before it has done anything. */
__attribute__((constructor)) static void fm_start(void) {
    if (!atomic_load_explicit(&fm_ready, memory_order_acquire))
        fm_init();
}

__attribute__((destructor)) static void fm_fini(void) {
    if (fm_stats_on && atomic_load(&fm_ready))
        fm_stats_report();
}

/* ------------------------------------------------------ bad pointers */

static atomic_int fm_warned;

/* Called by the core, under the heap's lock, before it rejects a pointer:
 * only remember what to say, outside the lock. */
void fm_core_error(void *ctx, enum fa_error err, const void *ptr, const char *what) {
    fm_heap *m = ctx;
    (void)ptr;
    (void)what;
    m->bad_frees++;
    m->last_error = err;
}

/* A pointer outside every heap's address range (not a code of the core). */
#define FM_OUTSIDE (-1)
/* Bad calls described on stderr before the rest are only counted. */
#define FM_SHOWN 8

/* What is wrong with p, named, then what is done about it; under
 * FITBENCH_STRICT=1 the process aborts (SIGABRT) after saying so. Called
 * with no lock held. */
static void fm_bad(const char *call, const void *p, int err) {
    int n = atomic_fetch_add(&fm_warned, 1);
    if (n >= FM_SHOWN && !fm_strict)
        return;
    const char *act = fm_strict ? "; aborting (FITBENCH_STRICT=1)"
                      : call[0] == 'f' ? "; ignored"
                                       : "; ignored, returning NULL";
    const char *what;
    switch (err) {
    case FA_EDOUBLE: what = "double free of "; break;
    case FA_ECORRUPT: what = "heap corruption: a block header at or next to "; break;
    case FA_EINTERIOR: what = "pointer into the middle of a block: "; break;
    case FA_EALIGN: what = "pointer not aligned like any block: "; break;
    case FA_EFOREIGN: what = "pointer this heap never handed out: "; break;
    default: what = "pointer outside every heap (a stack or static address, or another "
                    "allocator's): ";
    }
    char after[160];
    size_t k = 0;
    const char *parts[] = {err == FA_ECORRUPT ? " was overwritten (a buffer overflow?), at "
                                              : ", at ",
                           call, "()", act};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const char *s = parts[i]; *s && k < sizeof after - 1; s++)
            after[k++] = *s;
    after[k] = 0;
    fm_warn_pointer(what, p, after);
    if (fm_strict)
        abort();
    if (n == FM_SHOWN - 1)
        fm_say("later bad pointers are counted, not shown (FITBENCH_STATS=1 reports them)", NULL,
               NULL);
}

/* ---------------------------------------------------------- allocation */

/* Under m's lock, after the core handed out p for a request of n. */
static void fm_note_alloc(fm_heap *m, void *p, size_t n) {
    m->allocs++;
    if (fm_stats_on) {
        fm_stats_alloc(m, p, n);
        fm_stats_footprint(m);
    }
}

static void *fm_malloc(size_t n) {
    fm_heap *m = fm_here();
    if (!m) {
        errno = ENOMEM;
        return NULL;
    }
    int locked = fm_lock(m);
    void *p = fa_malloc(m->heap, n);
    if (p)
        fm_note_alloc(m, p, n);
    fm_unlock(m, locked);
    return p;
}

/* align: 0 or any power of two up to SIZE_MAX/2+1. */
static void *fm_memalign(size_t align, size_t n) {
    fm_heap *m = fm_here();
    if (!m) {
        errno = ENOMEM;
        return NULL;
    }
    int locked = fm_lock(m);
    void *p = fa_memalign(m->heap, align ? align : 1, n);
    if (p)
        fm_note_alloc(m, p, n);
    fm_unlock(m, locked);
    return p;
}

/* memalign and aligned_alloc, as glibc 2.36 takes their alignment. */
static void *fm_memalign_any(size_t align, size_t n) {
    if (align > SIZE_MAX / 2 + 1) {
        errno = EINVAL;
        return NULL;
    }
    if (align & (align - 1))
        align = (size_t)1 << (64 - __builtin_clzl(align));
    return fm_memalign(align, n);
}

static void fm_free(void *p) {
    if (!p)
        return;
    int saved = errno;
    fm_heap *m = fm_heap_owner(p);
    if (!m) {
        atomic_fetch_add_explicit(&fm_foreign_frees, 1, memory_order_relaxed);
        fm_bad("free", p, FM_OUTSIDE);
        errno = saved;
        return;
    }
    int locked = fm_lock(m);
    int rc = fa_free(m->heap, p);
    if (rc == 0) {
        m->frees++;
        if (fm_stats_on) {
            /* Only a free the core took: one refused (a corrupt header)
             * keeps its payload live. The request table is ours, still
             * intact under the lock. */
            fm_stats_free(m, p);
            fm_stats_footprint(m);
        }
    }
    fm_unlock(m, locked);
    if (rc < 0)
        fm_bad("free", p, -rc);
    errno = saved;
}

static void *fm_realloc(void *p, size_t n) {
    if (!p)
        return fm_malloc(n);
    if (n == 0) {
        fm_free(p);
        return NULL;
    }
    fm_heap *m = fm_heap_owner(p);
    if (!m) {
        atomic_fetch_add_explicit(&fm_foreign_reallocs, 1, memory_order_relaxed);
        fm_bad("realloc", p, FM_OUTSIDE);
        errno = EINVAL;
        return NULL;
    }
    int locked = fm_lock(m);
    size_t bad_before = m->bad_frees;
    void *q = fa_realloc(m->heap, p, n);
    int bad = m->bad_frees != bad_before;
    enum fa_error why = m->last_error;
    if (q) {
        m->reallocs++;
        if (fm_stats_on) {
            fm_stats_free(m, p); /* the old entry is ours, intact even if p moved */
            fm_stats_alloc(m, q, n);
            fm_stats_footprint(m);
        }
    }
    fm_unlock(m, locked);
    if (bad) {
        fm_bad("realloc", p, (int)why);
        errno = EINVAL;
    }
    return q;
}

/* --------------------------------------------------- the exported names */

FM_API void *malloc(size_t n) { return fm_malloc(n); }

FM_API void free(void *p) { fm_free(p); }

FM_API void *calloc(size_t count, size_t size) {
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    /* Zeroed outside the lock: a large calloc does not stall other threads. */
    void *p = fm_malloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

FM_API void *realloc(void *p, size_t n) { return fm_realloc(p, n); }

FM_API void *reallocarray(void *p, size_t count, size_t size) {
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    return fm_realloc(p, n);
}

FM_API int posix_memalign(void **out, size_t align, size_t n) {
    if (align == 0 || align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
        return EINVAL;
    void *p = fm_memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

FM_API void *aligned_alloc(size_t align, size_t n) { return fm_memalign_any(align, n); }

FM_API void *memalign(size_t align, size_t n) { return fm_memalign_any(align, n); }

FM_API void *valloc(size_t n) {
    if (!atomic_load_explicit(&fm_ready, memory_order_acquire))
        fm_init();
    return fm_memalign(fm_page, n);
}

FM_API void *pvalloc(size_t n) {
    if (!atomic_load_explicit(&fm_ready, memory_order_acquire))
        fm_init();
    size_t r;
    if (__builtin_add_overflow(n, 2 * fm_page - 1, &r)) {
        errno = ENOMEM;
        return NULL;
    }
    r = n ? (n + fm_page - 1) & ~(fm_page - 1) : fm_page;
    return fm_memalign(fm_page, r);
}

FM_API size_t malloc_usable_size(void *p) {
    if (!p)
        return 0;
    fm_heap *m = fm_heap_owner(p);
    if (!m)
        return 0;
    int locked = fm_lock(m);
    size_t u = fa_usable_size(m->heap, p);
    fm_unlock(m, locked);
    return u;
}
