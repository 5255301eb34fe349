/*
 * alloc_fit.c: the core's fit policies as harness allocators. One adapter
 * serves all of them: one fb_alloc_<id> per line of allocator/policies.h.
 *
 * The heaps run with the core's default trim hysteresis (or what
 * FITBENCH_TRIM and FITBENCH_TRIM_DECAY say), as libfitmalloc does in real
 * programs: what the policy gives back to the OS during a
 * replay, and the faults of taking it again, are its own cost and stay in
 * the timed figures. Between timed repetitions fa_heap_reset keeps every
 * committed page, as the classic driver's mem_reset_brk keeps its heap.
 *
 * Only the correctness pass's heap keeps each block's requested size (the
 * checker verifies every request fits its block); the timed passes pay
 * for nothing but the policy's own work.
 */
#include "allocators.h"
#include "fitalloc.h"
#include "policies.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int fit_available(void) { return 1; }

/* The core's configuration, with the trim hysteresis that FITBENCH_TRIM
 * and FITBENCH_TRIM_DECAY set, as for libfitmalloc. NULL, or what is
 * wrong with them. */
static const char *fit_config(fa_config *cfg) {
    static const char *const vars[] = {"FITBENCH_TRIM", "FITBENCH_TRIM_DECAY"};
    static char msg[160];
    *cfg = fa_config_default();
    size_t *fields[] = {&cfg->trim_threshold, &cfg->trim_decay_ops};
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v && fa_parse_count(v, fields[i]) != 0) {
            snprintf(msg, sizeof msg, "%s=%.40s is not a count (digits, then K, M or G)", vars[i], v);
            return msg;
        }
    }
    return NULL;
}

static const char *fit_config_error(void) {
    fa_config cfg;
    return fit_config(&cfg);
}

static void *fit_create(const char *policy, const fb_alloc_hint *hint) {
    fa_config cfg;
    if (fit_config(&cfg)) {
        errno = EINVAL;
        return NULL;
    }
    cfg.track_requests = hint && hint->for_check;
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
        return fit_create(pname, hint);                                               \
    }                                                                                 \
    const fb_allocator fb_alloc_##id = {                                              \
        .name = pname, .group = "fit", .summary = NULL, .align = FA_ALIGN,            \
        .available = fit_available, .config_error = fit_config_error,                 \
        .create = fit_create_##id, .destroy = fit_destroy,                            \
        .reset = fit_reset, .malloc = fit_malloc, .free = fit_free,                   \
        .realloc = fit_realloc, .footprint = fit_footprint, .check = fit_check,       \
        .free_stats = fit_free_stats, .walk = fit_walk, .range = fit_range,           \
    };

FA_POLICIES(FIT_ALLOCATOR)
