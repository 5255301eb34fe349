/*
 * alloc_fit.c: the core's fit policies as harness allocators. One adapter
 * serves all eight; each policy is one table line below.
 *
 * Pages above the break are kept committed up to FIT_TRIM bytes (the
 * core's own default is 128 KiB, like glibc's M_TRIM_THRESHOLD): a timed
 * repetition then starts on warm pages, as with the classic driver, whose
 * heap never shrinks. The footprint (bytes below the break) is the same
 * either way; only the cell's RSS differs.
 *
 * Every heap tracks requested sizes (the checker's internal-fragmentation
 * figure needs them). The timed passes pay for that one store per malloc;
 * it is the same for every policy.
 */
#include "allocators.h"
#include "fitalloc.h"

#define FIT_TRIM ((size_t)64 << 20)

static int fit_available(void) { return 1; }

static void *fit_create(const char *policy) {
    fa_config cfg = {0};
    cfg.track_requests = 1;
    cfg.trim_threshold = FIT_TRIM;
    return fa_heap_create(policy, &cfg);
}

static void fit_destroy(void *h) { fa_heap_destroy(h); }
static void fit_reset(void *h) { fa_heap_reset(h); }
static void *fit_malloc(void *h, size_t n) { return fa_malloc(h, n); }
static int fit_free(void *h, void *p) { return fa_free(h, p); }
static void *fit_realloc(void *h, void *p, size_t n) { return fa_realloc(h, p, n); }
static size_t fit_footprint(void *h) { return fa_heap_footprint(h); }
static long fit_check(void *h, FILE *log) { return fa_heap_check(h, log, NULL); }

static int fit_free_stats(void *h, fb_free_stats *st) {
    fa_stats s;
    if (fa_heap_check(h, NULL, &s) != 0)
        return -1;
    st->used_bytes = s.used_bytes;
    st->free_bytes = s.free_bytes;
    st->largest_free = s.largest_free;
    st->free_blocks = s.free_blocks;
    return 0;
}

static int fit_walk(void *h, fb_block_fn fn, void *ctx) { return fa_heap_walk(h, fn, ctx); }
static void fit_range(void *h, const void **lo, const void **hi) { fa_heap_range(h, lo, hi); }

#define FIT_ALLOCATOR(id, pname)                                                      \
    static void *fit_create_##id(const fb_alloc_hint *hint) {                         \
        (void)hint;                                                                   \
        return fit_create(pname);                                                     \
    }                                                                                 \
    const fb_allocator fb_alloc_##id = {                                              \
        .name = pname, .group = "fit", .summary = NULL, .align = FA_ALIGN,            \
        .available = fit_available, .create = fit_create_##id, .destroy = fit_destroy, \
        .reset = fit_reset, .malloc = fit_malloc, .free = fit_free,                   \
        .realloc = fit_realloc, .footprint = fit_footprint, .check = fit_check,       \
        .free_stats = fit_free_stats, .walk = fit_walk, .range = fit_range,           \
    };

FIT_ALLOCATOR(first, "first")
FIT_ALLOCATOR(first_ao, "first-ao")
FIT_ALLOCATOR(next, "next")
FIT_ALLOCATOR(best, "best")
FIT_ALLOCATOR(worst, "worst")
FIT_ALLOCATOR(segfit, "segfit")
FIT_ALLOCATOR(tlsf, "tlsf")
FIT_ALLOCATOR(buddy, "buddy")
