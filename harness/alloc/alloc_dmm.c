/*
 * alloc_dmm.c: the harness adapter for the dynamic memory manager
 * (allocator/dmm, seed 003), registered as `dmm`: first fit (the seed's
 * default) over one doubly linked list of all blocks, coalescing on free.
 *
 * Where it sits: the replay engine drives fb_alloc_dmm; this file turns its
 * calls into my_kmalloc/my_kfree and answers the introspection hooks with
 * dmm_inspect.h.
 *
 * Heap size. The seed's module manages one fixed pool; here the pool is
 * one mmap'd arena (dmm_arena_get), sized from the trace like `ostep`:
 *   round_up_to_pages(2 * peak_payload + num_ids * (header 32 + grain 16)
 *                     + one page), capped at 1 GiB.
 * A request that does not fit is a NULL, which the harness reports as
 * `oom`. The footprint is the whole arena, mapped at create().
 *
 * Alignment 16. The manager aligns to 8 as the seed says; this adapter
 * rounds every request up to a multiple of 16. The arena is page aligned,
 * the header is 32 bytes and the first free block's size a multiple of
 * 16, so every split and merge keeps block boundaries, hence payloads, on
 * 16.
 *
 * realloc: the seed has none; keep the block if it is large enough,
 * otherwise allocate, copy, free.
 *
 * FITBENCH_CHECK_SEARCH (searchcheck.h) turns on the manager's checking
 * mode: the seed's walk beside its search index, differences reported by
 * check().
 *
 * Global state: the manager has one heap, so one heap at a time here;
 * create() fails with EBUSY until destroy(). walk() offsets are from the
 * arena start.
 */
#include "allocators.h"
#include "dmm.h"
#include "dmm_inspect.h"
#include "searchcheck.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define FBDMM_GRAIN ((size_t)16)
#define FBDMM_MAX_ARENA ((size_t)1 << 30)
#define FBDMM_DEFAULT_PEAK ((size_t)1 << 20) /* no hint given */

_Static_assert(DMM_HEADER % FBDMM_GRAIN == 0,
               "16-byte requests keep 16-byte block boundaries");

typedef struct fbdmm_heap {
    void *arena; /* NULL when no heap is live */
    size_t bytes;
} fbdmm_heap;

static fbdmm_heap fbdmm_the_heap;

static size_t fbdmm_add(size_t a, size_t b) {
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t fbdmm_mul(size_t a, size_t b) {
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static size_t fbdmm_arena_bytes(const fb_alloc_hint *hint) {
    size_t peak = hint ? hint->peak_payload : FBDMM_DEFAULT_PEAK;
    size_t ids = hint ? hint->num_ids : 0;
    size_t big = hint ? hint->max_request : 0;
    long page = sysconf(_SC_PAGESIZE);
    size_t pg = page > 0 ? (size_t)page : 4096;
    size_t per_block = DMM_HEADER + FBDMM_GRAIN;

    size_t n = fbdmm_add(fbdmm_mul(peak, 2), fbdmm_mul(ids, per_block));
    size_t floor = fbdmm_add(big, per_block);
    if (n < floor)
        n = floor;
    n = fbdmm_add(n, pg);
    if (n > FBDMM_MAX_ARENA)
        n = FBDMM_MAX_ARENA;
    return n / pg * pg;
}

static int fbdmm_available(void) {
    return 1;
}

static void *fbdmm_create(const fb_alloc_hint *hint) {
    if (fbdmm_the_heap.arena) {
        errno = EBUSY;
        return NULL;
    }
    size_t bytes = fbdmm_arena_bytes(hint);
    void *arena = dmm_arena_get(bytes);
    if (!arena) {
        errno = ENOMEM;
        return NULL;
    }
    if (dmm_heap_init(arena, bytes) != 0) {
        /* another user of the manager holds its one heap */
        dmm_arena_put(arena, bytes);
        errno = EBUSY;
        return NULL;
    }
    set_allocation_algorithm(ALGO_FIRST_FIT);
    dmm_set_search_check(fb_search_check_wanted());
    fbdmm_the_heap.arena = arena;
    fbdmm_the_heap.bytes = bytes;
    return &fbdmm_the_heap;
}

static void fbdmm_destroy(void *heap) {
    fbdmm_heap *h = heap;
    if (h != &fbdmm_the_heap || !h->arena)
        return;
    dmm_heap_release();
    dmm_arena_put(h->arena, h->bytes);
    h->arena = NULL;
    h->bytes = 0;
}

static void fbdmm_reset(void *heap) {
    (void)heap;
    dmm_heap_reset();
}

/* The request as my_kmalloc gets it: a multiple of 16, at least 16; 0 if
 * rounding would overflow. */
static size_t fbdmm_request(size_t n) {
    if (n > SIZE_MAX - FBDMM_GRAIN)
        return 0;
    if (n == 0)
        n = 1;
    return (n + FBDMM_GRAIN - 1) / FBDMM_GRAIN * FBDMM_GRAIN;
}

static void *fbdmm_malloc(void *heap, size_t n) {
    (void)heap;
    size_t req = fbdmm_request(n);
    void *p = req ? my_kmalloc(req) : NULL;
    if (!p)
        errno = ENOMEM;
    return p;
}

static int fbdmm_free(void *heap, void *p) {
    (void)heap;
    return my_kfree(p) == 0 ? 0 : 1;
}

static void *fbdmm_realloc(void *heap, void *p, size_t n) {
    if (!p)
        return fbdmm_malloc(heap, n);
    size_t old = dmm_usable_size(p);
    if (!old) {
        errno = EINVAL;
        return NULL;
    }
    size_t req = fbdmm_request(n);
    if (req && req <= old)
        return p;
    void *q = fbdmm_malloc(heap, n);
    if (!q)
        return NULL; /* the old block stays live, as realloc promises */
    memcpy(q, p, old < n ? old : n);
    my_kfree(p);
    return q;
}

static size_t fbdmm_footprint(void *heap) {
    fbdmm_heap *h = heap;
    return h->bytes;
}

static void fbdmm_log_line(void *ctx, const char *msg) {
    fprintf((FILE *)ctx, "%s\n", msg);
}

static long fbdmm_check(void *heap, FILE *log) {
    (void)heap;
    return dmm_check(log ? fbdmm_log_line : NULL, log);
}

static int fbdmm_free_stats(void *heap, fb_free_stats *st) {
    (void)heap;
    struct dmm_stats ds;
    if (dmm_stats(&ds) != 0)
        return -1;
    st->used_bytes = ds.used_bytes;
    st->free_bytes = ds.free_bytes;
    st->largest_free = ds.largest_free;
    st->free_blocks = ds.free_blocks;
    return 0;
}

static int fbdmm_walk(void *heap, fb_block_fn fn, void *ctx) {
    (void)heap;
    return dmm_walk(fn, ctx);
}

static void fbdmm_range(void *heap, const void **lo, const void **hi) {
    (void)heap;
    dmm_heap_range(lo, hi);
}

const fb_allocator fb_alloc_dmm = {
    .name = "dmm",
    .group = "seed",
    .summary = "dynamic memory manager (seed 003): doubly linked block "
               "list, first fit, coalescing, fixed mmap'd arena",
    .align = 16,
    .available = fbdmm_available,
    .create = fbdmm_create,
    .destroy = fbdmm_destroy,
    .reset = fbdmm_reset,
    .malloc = fbdmm_malloc,
    .free = fbdmm_free,
    .realloc = fbdmm_realloc,
    .footprint = fbdmm_footprint,
    .payload = NULL,
    .check = fbdmm_check,
    .free_stats = fbdmm_free_stats,
    .walk = fbdmm_walk,
    .range = fbdmm_range,
};
