/*
 * alloc_mems.c: the harness adapter for MeMS (allocator/mems/), registered
 * as `mems`. It turns the fb_allocator calls of the replay engine into the
 * seed's API; MeMS itself knows nothing of the harness.
 *
 * How traces map onto MeMS:
 *  - malloc(n) is mems_malloc(n rounded up to 16; 0 counts as 16). Every
 *    segment then has a size that is a multiple of 16 and every mapping
 *    starts page-aligned, so every segment starts 16-aligned, in MeMS's
 *    virtual space and in real memory alike (the virtual base is
 *    page-aligned too). MeMS's own API is byte-granular; the rounding is
 *    the adapter's.
 *  - the pointer the harness gets is the MeMS virtual address; payload()
 *    is mems_get(), the real address where the harness writes and checks
 *    bytes.
 *  - realloc: MeMS has none. If the segment already holds n bytes it stays;
 *    otherwise a new segment, a copy through mems_get, and mems_free of the
 *    old one.
 *  - footprint: every byte mapped from the OS: data mappings plus the
 *    pages that hold MeMS's nodes. MeMS never unmaps before mems_finish,
 *    so the footprint only grows during a replay.
 *  - walk: offsets are MeMS virtual addresses minus MEMS_VIRTUAL_BASE, i.e.
 *    the position in MeMS's contiguous virtual space; node pages are not
 *    blocks and do not appear.
 *  - MeMS has global state: one heap at a time. create() initialises it and
 *    fails with EBUSY while a heap exists (or while someone else has MeMS
 *    initialised); destroy() is mems_finish().
 *  - reset: mems_free of every PROCESS segment still there, so MeMS holds
 *    its mappings as HOLEs, as the classic driver keeps its heap, and the
 *    next timed repetition reuses them as a long-running MeMS would
 *    (mems_finish and mems_init instead would make every repetition pay
 *    the page faults of mapping its memory afresh).
 *  - FITBENCH_CHECK_SEARCH (searchcheck.h) turns on MeMS's checking mode:
 *    the seed's walks beside the index, differences reported by check().
 */
#include "allocators.h"
#include "mems.h"
#include "mems_inspect.h"
#include "searchcheck.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEMS_ADAPTER_ALIGN 16

static int adapter_live;
static char adapter_token; /* the heap handle: MeMS has no heap object */

static size_t adapter_size(size_t n) {
    if (n == 0)
        return MEMS_ADAPTER_ALIGN;
    if (n > SIZE_MAX - (MEMS_ADAPTER_ALIGN - 1))
        return SIZE_MAX; /* mems_malloc refuses it cleanly */
    return (n + MEMS_ADAPTER_ALIGN - 1) & ~(size_t)(MEMS_ADAPTER_ALIGN - 1);
}

static int adapter_available(void) { return 1; }

static void *adapter_create(const fb_alloc_hint *hint) {
    (void)hint;
    if (adapter_live || mems_is_initialized()) {
        errno = EBUSY;
        return NULL;
    }
    mems_init();
    mems_set_search_check(fb_search_check_wanted());
    adapter_live = 1;
    return &adapter_token;
}

static void adapter_forget_resets(void);

static void adapter_destroy(void *heap) {
    if (heap != &adapter_token || !adapter_live)
        return;
    mems_finish();
    adapter_forget_resets();
    adapter_live = 0;
}

typedef struct live_list {
    uintptr_t *v;
    size_t n, cap;
} live_list;

static int collect_process(void *ctx, size_t offset, size_t size, int process) {
    (void)size;
    live_list *l = ctx;
    if (!process)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        uintptr_t *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (uintptr_t)MEMS_VIRTUAL_BASE + offset;
    return 0;
}

static live_list adapter_resets; /* reused by every reset of the heap */

static void adapter_forget_resets(void) {
    free(adapter_resets.v);
    adapter_resets = (live_list){0};
}

static void adapter_reset(void *heap) {
    (void)heap;
    live_list *l = &adapter_resets;
    l->n = 0;
    mems_walk(collect_process, l);
    for (size_t i = 0; i < l->n; i++)
        mems_free((void *)l->v[i]);
}

static void *adapter_malloc(void *heap, size_t n) {
    (void)heap;
    return mems_malloc(adapter_size(n));
}

static int adapter_free(void *heap, void *p) {
    (void)heap;
    return mems_free(p) == 0 ? 0 : -1;
}

static void *adapter_realloc(void *heap, void *p, size_t n) {
    if (!p)
        return adapter_malloc(heap, n);
    size_t old = mems_segment_size(p);
    if (old == 0) {
        errno = EINVAL;
        return NULL;
    }
    size_t want = adapter_size(n);
    if (want <= old)
        return p;
    void *q = mems_malloc(want);
    if (!q)
        return NULL;
    memcpy(mems_get(q), mems_get(p), old);
    mems_free(p);
    return q;
}

static size_t adapter_footprint(void *heap) {
    (void)heap;
    return mems_footprint();
}

static void *adapter_payload(void *heap, void *p) {
    (void)heap;
    return mems_get(p);
}

typedef struct align_check {
    FILE *log;
    long bad;
} align_check;

static int check_segment_alignment(void *ctx, size_t offset, size_t size, int process) {
    align_check *ac = ctx;
    if (process && (offset % MEMS_ADAPTER_ALIGN != 0 || size % MEMS_ADAPTER_ALIGN != 0)) {
        ac->bad++;
        if (ac->log)
            fprintf(ac->log, "mems adapter: PROCESS segment at offset %zu, size %zu, "
                    "breaks the 16-byte discipline\n", offset, size);
    }
    return 0;
}

/* MeMS's own checker, plus the adapter's promise: segments 16-aligned. */
static long adapter_check(void *heap, FILE *log) {
    (void)heap;
    align_check ac = {log, 0};
    long bad = mems_check(log);
    mems_walk(check_segment_alignment, &ac);
    return bad + ac.bad;
}

static int adapter_free_stats(void *heap, fb_free_stats *st) {
    (void)heap;
    mems_stats ms;
    if (mems_get_stats(&ms) != 0)
        return -1;
    st->used_bytes = ms.process_bytes;
    st->free_bytes = ms.hole_bytes;
    st->largest_free = ms.largest_hole;
    st->free_blocks = ms.holes;
    return 0;
}

static int adapter_walk(void *heap, fb_block_fn fn, void *ctx) {
    (void)heap;
    return mems_walk(fn, ctx);
}

static void adapter_range(void *heap, const void **lo, const void **hi) {
    (void)heap;
    mems_range(lo, hi);
}

const fb_allocator fb_alloc_mems = {
    .name = "mems",
    .group = "seed",
    .summary = "MeMS (seeds 001/004): mmap'd pages, main chain of mappings with "
               "PROCESS/HOLE sub-chains, first fit, MeMS virtual addresses",
    .align = MEMS_ADAPTER_ALIGN,
    .available = adapter_available,
    .create = adapter_create,
    .destroy = adapter_destroy,
    .reset = adapter_reset,
    .malloc = adapter_malloc,
    .free = adapter_free,
    .realloc = adapter_realloc,
    .footprint = adapter_footprint,
    .payload = adapter_payload,
    .check = adapter_check,
    .free_stats = adapter_free_stats,
    .walk = adapter_walk,
    .range = adapter_range,
};
