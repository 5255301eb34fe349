/*
 * alloc_system.c: the system allocators (glibc, jemalloc, tcmalloc,
 * mimalloc). The cell's process is started with the Debian library
 * preloaded (glibc: none), so plain malloc/free/realloc reach it; this file
 * only finds each library's own footprint statistic, by dlsym so that
 * nothing links against the libraries:
 *
 *   libc      mallinfo2(): arena + hblkhd (main-arena bytes from sbrk plus
 *             mmap'd chunks)
 *   jemalloc  mallctl("stats.mapped") after an "epoch" refresh
 *   tcmalloc  MallocExtension property generic.heap_size minus
 *             tcmalloc.pageheap_unmapped_bytes (bytes reserved and still
 *             mapped)
 *   mimalloc  mi_process_info(): current_commit
 *
 * The figure is process-wide and reported whole: what the library holds
 * from the OS while it serves the trace, including what it maps up front.
 * The cell's process allocates next to nothing itself (the trace arrives
 * in a memfd, the harness's tables come from mmap), and the space pass is
 * the first to run in it, so the figure is the trace's. A "heap" here is
 * only a token: the allocator is one per process.
 */
#include "allocators.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct {
    size_t (*stat)(void);
} sys_heap;

/* Folders where Debian puts the shared libraries. */
static const char *const sys_lib_dirs[] = {
    "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
    "/lib/x86_64-linux-gnu",
};

const char *fb_system_library_path(const char *file, char *buf, size_t len) {
    if (!file)
        return NULL;
    if (strchr(file, '/')) {
        int n = snprintf(buf, len, "%s", file);
        return n > 0 && (size_t)n < len && access(buf, R_OK) == 0 ? buf : NULL;
    }
    for (size_t i = 0; i < sizeof sys_lib_dirs / sizeof sys_lib_dirs[0]; i++) {
        int n = snprintf(buf, len, "%s/%s", sys_lib_dirs[i], file);
        if (n > 0 && (size_t)n < len && access(buf, R_OK) == 0)
            return buf;
    }
    return NULL;
}

static int sys_library_present(const char *lib) {
    char buf[512];
    return lib == NULL || fb_system_library_path(lib, buf, sizeof buf) != NULL;
}

static size_t stat_libc(void) {
    struct mallinfo2 mi = mallinfo2();
    return mi.arena + mi.hblkhd;
}

static size_t stat_jemalloc(void) {
    typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);
    static mallctl_fn ctl;
    if (!ctl)
        *(void **)&ctl = dlsym(RTLD_DEFAULT, "mallctl");
    if (!ctl)
        return 0;
    uint64_t epoch = 1;
    size_t sz = sizeof epoch;
    ctl("epoch", &epoch, &sz, &epoch, sz);
    size_t mapped = 0;
    sz = sizeof mapped;
    if (ctl("stats.mapped", &mapped, &sz, NULL, 0) != 0)
        return 0;
    return mapped;
}

static size_t stat_tcmalloc(void) {
    typedef int (*prop_fn)(const char *, size_t *);
    static prop_fn prop;
    if (!prop)
        *(void **)&prop = dlsym(RTLD_DEFAULT, "MallocExtension_GetNumericProperty");
    if (!prop)
        return 0;
    size_t heap = 0, unmapped = 0;
    prop("generic.heap_size", &heap);
    prop("tcmalloc.pageheap_unmapped_bytes", &unmapped);
    return heap > unmapped ? heap - unmapped : 0;
}

static size_t stat_mimalloc(void) {
    typedef void (*info_fn)(size_t *, size_t *, size_t *, size_t *, size_t *, size_t *, size_t *,
                            size_t *);
    static info_fn info;
    if (!info)
        *(void **)&info = dlsym(RTLD_DEFAULT, "mi_process_info");
    if (!info)
        return 0;
    size_t el, us, sy, rss, prss, commit = 0, pcommit, faults;
    info(&el, &us, &sy, &rss, &prss, &commit, &pcommit, &faults);
    return commit;
}

/* Each statistic by the symbol that a library exports for it, for the
 * user's so: libraries (alloc_user.c); glibc's last, since any library
 * may define mallinfo2 beside its own. */
static const fb_footprint_stat sys_stats[] = {
    {"mallctl", "jemalloc stats.mapped", stat_jemalloc},
    {"MallocExtension_GetNumericProperty", "tcmalloc heap_size-unmapped", stat_tcmalloc},
    {"mi_process_info", "mimalloc current_commit", stat_mimalloc},
    {"mallinfo2", "mallinfo2 arena+hblkhd", stat_libc},
};

const fb_footprint_stat *fb_footprint_stat_at(size_t i) {
    return i < sizeof sys_stats / sizeof sys_stats[0] ? &sys_stats[i] : NULL;
}

static const char *sys_method(void *heap) {
    size_t (*stat)(void) = ((sys_heap *)heap)->stat;
    for (size_t i = 0; i < sizeof sys_stats / sizeof sys_stats[0]; i++)
        if (sys_stats[i].stat == stat)
            return sys_stats[i].method;
    return "statistic";
}

/* The symbol that proves the library is really the one serving malloc. */
static int sys_loaded(const char *name) {
    const char *sym = !strcmp(name, "jemalloc")   ? "mallctl"
                      : !strcmp(name, "tcmalloc") ? "MallocExtension_GetNumericProperty"
                      : !strcmp(name, "mimalloc") ? "mi_process_info"
                                                  : NULL;
    return !sym || dlsym(RTLD_DEFAULT, sym) != NULL;
}

static void *sys_create_with(const char *name, size_t (*stat)(void)) {
    if (!sys_loaded(name)) {
        errno = ENOENT; /* the cell was not started with the library */
        return NULL;
    }
    sys_heap *h = mmap(NULL, sizeof *h, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (h == MAP_FAILED)
        return NULL;
    h->stat = stat;
    return h;
}

static void sys_destroy(void *h) { munmap(h, sizeof(sys_heap)); }
static void *sys_malloc(void *h, size_t n) { (void)h; return malloc(n); }
static int sys_free(void *h, void *p) { (void)h; free(p); return 0; }
static void *sys_realloc(void *h, void *p, size_t n) { (void)h; return realloc(p, n); }

static size_t sys_footprint(void *heap) { return ((sys_heap *)heap)->stat(); }

#define SYS_ALLOCATOR(id, lib, pkg, text)                                              \
    static int sys_available_##id(void) { return sys_library_present(lib); }          \
    static void *sys_create_##id(const fb_alloc_hint *hint) {                         \
        (void)hint;                                                                   \
        return sys_create_with(#id, stat_##id);                                       \
    }                                                                                 \
    const fb_allocator fb_alloc_##id = {                                              \
        .name = #id, .group = "system", .summary = text, .align = 16,                 \
        .preload = lib, .package = pkg, .footprint_sampled = 1,                       \
        .available = sys_available_##id, .create = sys_create_##id,                   \
        .destroy = sys_destroy, .malloc = sys_malloc, .free = sys_free,               \
        .realloc = sys_realloc, .footprint = sys_footprint,                           \
        .footprint_method = sys_method,                                               \
    };

SYS_ALLOCATOR(libc, NULL, "libc6", "glibc malloc (ptmalloc2), the system default")
SYS_ALLOCATOR(jemalloc, "libjemalloc.so.2", "libjemalloc2", "jemalloc, Debian's libjemalloc2, preloaded")
SYS_ALLOCATOR(tcmalloc, "libtcmalloc.so.4", "libgoogle-perftools4",
              "tcmalloc (gperftools), Debian's libgoogle-perftools4, preloaded")
SYS_ALLOCATOR(mimalloc, "libmimalloc.so.2", "libmimalloc2.0", "mimalloc, Debian's libmimalloc2.0, preloaded")
