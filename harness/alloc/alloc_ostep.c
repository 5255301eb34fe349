/*
 * alloc_ostep.c: the harness adapter for the OSTEP-style Mem_* library
 * (allocator/ostep, seed 002), registered as `ostep`: first fit over one
 * mmap'd region with an address-ordered free list and coalescing.
 *
 * Where it sits: the replay engine drives fb_alloc_ostep; this file turns
 * its calls into Mem_* calls and answers the introspection hooks with
 * mem_inspect.h.
 *
 * Region size. The library cannot grow its region, so create() sizes it
 * from the trace:  round_up_to_pages(2 * peak_payload
 *                                    + num_ids * (header 16 + grain 16)
 *                                    + one page),
 * capped at 1 GiB (Mem_Init takes an int). Twice the peak leaves room for
 * fragmentation; the per-id term pays each block's header and its rounding
 * even if every id were live at once. A request that does not fit is a
 * NULL, which the harness reports as `oom`. The footprint is the whole
 * region (mmap'd in one piece at create), so utilization cannot exceed
 * about 50% by construction.
 *
 * Alignment 16. Mem_Alloc rounds to 8; this adapter asks for multiples of
 * 16 instead. The region is page aligned, the header is 16 bytes, and the
 * initial free chunk is a multiple of 16, so with every request a multiple
 * of 16 every split and merge keeps all chunk boundaries, hence all
 * payloads, on 16.
 *
 * realloc: the seed has none. It is what a user of Mem_* would write:
 * keep the chunk if it is already large enough, otherwise allocate, copy,
 * free.
 *
 * Global state: the library has one region, so there is one heap at a
 * time; create() fails with EBUSY until destroy(). walk() offsets are from
 * the region start (the address Mem_Init returned).
 */
#include "allocators.h"
#include "mem.h"
#include "mem_inspect.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define FBOSTEP_GRAIN ((size_t)16)
#define FBOSTEP_MAX_REGION ((size_t)1 << 30)
#define FBOSTEP_DEFAULT_PEAK ((size_t)1 << 20) /* no hint given */

_Static_assert(sizeof(mem_header) % FBOSTEP_GRAIN == 0,
               "16-byte requests keep 16-byte chunk boundaries");

typedef struct fbostep_heap {
    int live;
} fbostep_heap;

static fbostep_heap fbostep_the_heap;

/* a + b, saturating at SIZE_MAX. */
static size_t fbostep_add(size_t a, size_t b) {
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t fbostep_mul(size_t a, size_t b) {
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static size_t fbostep_region_bytes(const fb_alloc_hint *hint) {
    size_t peak = hint ? hint->peak_payload : FBOSTEP_DEFAULT_PEAK;
    size_t ids = hint ? hint->num_ids : 0;
    size_t big = hint ? hint->max_request : 0;
    long page = sysconf(_SC_PAGESIZE);
    size_t pg = page > 0 ? (size_t)page : 4096;
    size_t per_block = sizeof(mem_header) + FBOSTEP_GRAIN;

    size_t n = fbostep_add(fbostep_mul(peak, 2), fbostep_mul(ids, per_block));
    size_t floor = fbostep_add(big, per_block);
    if (n < floor)
        n = floor;
    n = fbostep_add(n, pg);
    if (n > FBOSTEP_MAX_REGION)
        n = FBOSTEP_MAX_REGION;
    return n / pg * pg;
}

static int fbostep_available(void) {
    return 1;
}

static void *fbostep_create(const fb_alloc_hint *hint) {
    if (fbostep_the_heap.live) {
        errno = EBUSY;
        return NULL;
    }
    size_t bytes = fbostep_region_bytes(hint);
    if (!Mem_Init((int)bytes)) {
        errno = Mem_Error() == MEM_E_ALREADY_INIT ? EBUSY : ENOMEM;
        return NULL;
    }
    Mem_SetFit(MEM_FIRST_FIT);
    fbostep_the_heap.live = 1;
    return &fbostep_the_heap;
}

static void fbostep_destroy(void *heap) {
    fbostep_heap *h = heap;
    if (h != &fbostep_the_heap || !h->live)
        return;
    Mem_Destroy();
    h->live = 0;
}

static void fbostep_reset(void *heap) {
    (void)heap;
    Mem_Reset();
}

/* The request as Mem_Alloc gets it: a multiple of 16, at least 16, or 0
 * when it cannot be expressed as an int. */
static int fbostep_request(size_t n) {
    if (n > (size_t)INT_MAX - FBOSTEP_GRAIN)
        return 0;
    if (n == 0)
        n = 1;
    return (int)((n + FBOSTEP_GRAIN - 1) / FBOSTEP_GRAIN * FBOSTEP_GRAIN);
}

static void *fbostep_malloc(void *heap, size_t n) {
    (void)heap;
    int req = fbostep_request(n);
    if (!req) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = Mem_Alloc(req);
    if (!p)
        errno = ENOMEM;
    return p;
}

static int fbostep_free(void *heap, void *p) {
    (void)heap;
    return Mem_Free(p) == 0 ? 0 : 1;
}

static void *fbostep_realloc(void *heap, void *p, size_t n) {
    if (!p)
        return fbostep_malloc(heap, n);
    size_t old = Mem_UsableSize(p);
    if (!old) {
        errno = EINVAL;
        return NULL;
    }
    int req = fbostep_request(n);
    if (req && (size_t)req <= old)
        return p;
    void *q = fbostep_malloc(heap, n);
    if (!q)
        return NULL; /* the old chunk stays live, as realloc promises */
    memcpy(q, p, old < n ? old : n);
    Mem_Free(p);
    return q;
}

static size_t fbostep_footprint(void *heap) {
    (void)heap;
    return Mem_RegionBytes();
}

static long fbostep_check(void *heap, FILE *log) {
    (void)heap;
    return Mem_Check(log);
}

static int fbostep_free_stats(void *heap, fb_free_stats *st) {
    (void)heap;
    mem_stats ms;
    if (Mem_Stats(&ms) != 0)
        return -1;
    st->used_bytes = ms.used_bytes;
    st->free_bytes = ms.free_bytes;
    st->largest_free = ms.largest_free;
    st->free_blocks = ms.free_chunks;
    return 0;
}

static int fbostep_walk(void *heap, fb_block_fn fn, void *ctx) {
    (void)heap;
    return Mem_Walk(fn, ctx);
}

static void fbostep_range(void *heap, const void **lo, const void **hi) {
    (void)heap;
    Mem_Region(lo, hi);
}

const fb_allocator fb_alloc_ostep = {
    .name = "ostep",
    .group = "seed",
    .summary = "OSTEP Mem_* library (seed 002): one mmap'd region, "
               "address-ordered free list, first fit, coalescing",
    .align = 16,
    .available = fbostep_available,
    .create = fbostep_create,
    .destroy = fbostep_destroy,
    .reset = fbostep_reset,
    .malloc = fbostep_malloc,
    .free = fbostep_free,
    .realloc = fbostep_realloc,
    .footprint = fbostep_footprint,
    .payload = NULL,
    .check = fbostep_check,
    .free_stats = fbostep_free_stats,
    .walk = fbostep_walk,
    .range = fbostep_range,
};
