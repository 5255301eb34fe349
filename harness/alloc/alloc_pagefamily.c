/*
 * alloc_pagefamily.c: the harness adapter for the page-family manager
 * (allocator/pagefamily/), registered as `pagefamily`. It turns the
 * fb_allocator calls of the replay engine into the seed's API; the manager
 * knows nothing of the harness.
 *
 * How traces map onto page families (a trace has sizes, not struct types):
 *  - create() registers one family per size class, named fb_class_<size>:
 *    16, 32, 64, ..., 2048 bytes, and one last class as large as a page
 *    holds (mm_max_request(), 4016 bytes with 4 KiB pages). malloc(n) is
 *    xcalloc(<smallest class >= n>, 1); n = 0 counts as 1.
 *  - larger requests, which the seed refuses ("larger than a page"), go to
 *    their own pages: one mmap per request, a 32-byte header (kept in a
 *    list by the adapter) then the payload. munmap on free.
 *  - alignment 16: pages are page-aligned, the page header and the block
 *    metadata are multiples of 16 and the manager rounds block sizes to 16;
 *    a large request's header is 32 bytes.
 *  - realloc: the manager has none. If the block already holds n bytes it
 *    stays; otherwise a new block, a copy, and the old one freed.
 *  - footprint: every byte mapped from the OS: the families' pages, the
 *    pages of family records, and the large requests' mappings.
 *  - walk: blocks in address order over the data pages and the large
 *    mappings; offset = address of the block's metadata (or of the large
 *    mapping) minus the lowest address the range() reports at that moment.
 *    Page headers and the gaps between pages are not blocks.
 *  - FITBENCH_CHECK_SEARCH (searchcheck.h) turns on the manager's checking
 *    mode: the seed's walks beside its search aids, differences reported
 *    by check().
 *  - global state: one heap at a time. create() fails with EBUSY while a
 *    heap exists (or while someone else has the manager initialised);
 *    destroy() unmaps the large mappings and calls mm_shutdown().
 */
#include "addrset.h"
#include "allocators.h"
#include "pagefamily.h"
#include "pagefamily_inspect.h"
#include "searchcheck.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PF_ADAPTER_ALIGN 16
#define PF_BIG_MAGIC 0x46424947504147ULL /* marks a live large mapping */

/* The header of a large request's own mapping. */
typedef struct pf_big {
    uint64_t magic;
    size_t map_bytes;
    struct pf_big *prev, *next;
} pf_big;
_Static_assert(sizeof(pf_big) % PF_ADAPTER_ALIGN == 0, "large payloads stay aligned");

enum { PF_NCLASSES = 9 };

static struct {
    int live;
    char classes[PF_NCLASSES][MM_MAX_STRUCT_NAME];
    size_t class_size[PF_NCLASSES];
    pf_big *big;
    size_t big_count, big_bytes;
    fb_addrset big_set;       /* the large mappings' addresses */
    int big_set_off;          /* the set could not grow: walk the list */
    uintptr_t big_lo, big_hi; /* the large mappings' range, unless big_stale */
    int big_stale;            /* the lowest or highest went: walk once more */
} pf;

static char pf_token; /* the heap handle: the manager has no heap object */

static void *big_payload(pf_big *b) { return (char *)b + sizeof(pf_big); }

/* A large payload sits sizeof(pf_big) into a page; the manager's blocks
 * start further in (after the page header and a block's metadata), so
 * only such a pointer can be one. Its mapping is then looked up in the set
 * (the list is walked only if the set could not grow). */
static pf_big *big_find(const void *p) {
    if ((uintptr_t)p % mm_page_size() != sizeof(pf_big))
        return NULL;
    uintptr_t at = (uintptr_t)p - sizeof(pf_big);
    if (!pf.big_set_off)
        return fb_addrset_has(&pf.big_set, at) ? (pf_big *)at : NULL;
    for (pf_big *b = pf.big; b; b = b->next)
        if (big_payload(b) == p)
            return b;
    return NULL;
}

static void *big_alloc(size_t n) {
    size_t page = mm_page_size();
    if (n > SIZE_MAX - sizeof(pf_big) - page) {
        errno = ENOMEM;
        return NULL;
    }
    size_t bytes = (n + sizeof(pf_big) + page - 1) / page * page;
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        errno = ENOMEM;
        return NULL;
    }
    pf_big *b = mem;
    b->magic = PF_BIG_MAGIC;
    b->map_bytes = bytes;
    b->prev = NULL;
    b->next = pf.big;
    if (b->next)
        b->next->prev = b;
    pf.big = b;
    pf.big_count++;
    pf.big_bytes += bytes;
    if (!pf.big_set_off && fb_addrset_add(&pf.big_set, (uintptr_t)b) != 0)
        pf.big_set_off = 1;
    uintptr_t s = (uintptr_t)b, e = s + bytes;
    if (pf.big_count == 1 || s < pf.big_lo)
        pf.big_lo = s;
    if (pf.big_count == 1 || e > pf.big_hi)
        pf.big_hi = e;
    return big_payload(b);
}

static void big_release(pf_big *b) {
    if (b->prev)
        b->prev->next = b->next;
    else
        pf.big = b->next;
    if (b->next)
        b->next->prev = b->prev;
    pf.big_count--;
    pf.big_bytes -= b->map_bytes;
    if ((uintptr_t)b == pf.big_lo || (uintptr_t)b + b->map_bytes == pf.big_hi)
        pf.big_stale = 1;
    if (!pf.big_set_off)
        fb_addrset_del(&pf.big_set, (uintptr_t)b);
    b->magic = 0;
    munmap(b, b->map_bytes);
}

static int adapter_available(void) { return 1; }

static void *adapter_create(const fb_alloc_hint *hint) {
    (void)hint;
    if (pf.live || mm_is_initialized()) {
        errno = EBUSY;
        return NULL;
    }
    memset(&pf, 0, sizeof pf);
    mm_init();
    mm_set_search_check(fb_search_check_wanted());
    for (int i = 0; i < PF_NCLASSES; i++) {
        size_t size = i < PF_NCLASSES - 1 ? (size_t)16 << i : mm_max_request();
        if (size > mm_max_request()) /* pages smaller than 4 KiB */
            size = mm_max_request();
        snprintf(pf.classes[i], MM_MAX_STRUCT_NAME, "fb_class_%zu", size);
        pf.class_size[i] = size;
        if (lookup_page_family_by_name(pf.classes[i]))
            continue; /* a tiny page made two classes equal */
        if (mm_instantiate_new_page_family(pf.classes[i], (uint32_t)size) != 0) {
            mm_shutdown();
            return NULL; /* errno set by the manager */
        }
    }
    pf.live = 1;
    return &pf_token;
}

static void adapter_destroy(void *heap) {
    if (heap != &pf_token || !pf.live)
        return;
    while (pf.big)
        big_release(pf.big);
    fb_addrset_free(&pf.big_set);
    mm_shutdown();
    memset(&pf, 0, sizeof pf);
}

static void *adapter_malloc(void *heap, size_t n) {
    (void)heap;
    if (n == 0)
        n = 1;
    for (int i = 0; i < PF_NCLASSES; i++)
        if (n <= pf.class_size[i])
            return xcalloc(pf.classes[i], 1);
    return big_alloc(n);
}

static int adapter_free(void *heap, void *p) {
    (void)heap;
    if (!p)
        return 0;
    pf_big *b = big_find(p);
    if (b) {
        big_release(b);
        return 0;
    }
    return xfree(p) == 0 ? 0 : -1;
}

static void *adapter_realloc(void *heap, void *p, size_t n) {
    if (!p)
        return adapter_malloc(heap, n);
    pf_big *b = big_find(p);
    size_t old = b ? b->map_bytes - sizeof(pf_big) : mm_block_data_size(p);
    if (old == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (n <= old)
        return p;
    void *q = adapter_malloc(heap, n);
    if (!q)
        return NULL;
    memcpy(q, p, old);
    adapter_free(heap, p);
    return q;
}

static size_t adapter_footprint(void *heap) {
    (void)heap;
    return mm_bytes_mapped() + pf.big_bytes;
}

static void adapter_range(void *heap, const void **lo, const void **hi) {
    (void)heap;
    const void *plo, *phi;
    mm_data_range(&plo, &phi);
    uintptr_t l = (uintptr_t)plo, h = (uintptr_t)phi;
    if (pf.big_stale) {
        pf.big_stale = 0;
        for (const pf_big *b = pf.big; b; b = b->next) {
            uintptr_t s = (uintptr_t)b, e = s + b->map_bytes;
            if (b == pf.big || s < pf.big_lo)
                pf.big_lo = s;
            if (b == pf.big || e > pf.big_hi)
                pf.big_hi = e;
        }
    }
    if (pf.big_count) {
        if (!l || pf.big_lo < l)
            l = pf.big_lo;
        if (!h || pf.big_hi > h)
            h = pf.big_hi;
    }
    *lo = (const void *)l;
    *hi = (const void *)h;
}

/* --- checker, statistics, walk ------------------------------------------ */

typedef struct pf_align_check {
    FILE *log;
    long bad;
    const char *page;
} pf_align_check;

static int check_block_alignment(void *ctx, size_t offset, size_t size, int used) {
    pf_align_check *ac = ctx;
    (void)size;
    /* The payload follows 48 bytes of metadata, a multiple of 16. */
    if (used && ((uintptr_t)ac->page + offset) % PF_ADAPTER_ALIGN != 0) {
        ac->bad++;
        if (ac->log)
            fprintf(ac->log, "pagefamily adapter: block at offset %zu of page %p is not "
                    "16-aligned\n", offset, (const void *)ac->page);
    }
    return 0;
}

static long adapter_check(void *heap, FILE *log) {
    (void)heap;
    pf_align_check ac = {log, 0, NULL};
    long bad = mm_check(log);
    size_t npages = mm_list_pages(NULL, 0);
    const void **pages = malloc((npages ? npages : 1) * sizeof *pages);
    if (!pages) {
        if (log)
            fprintf(log, "pagefamily adapter: no memory to list the pages\n");
        return bad + 1;
    }
    mm_list_pages(pages, npages);
    for (size_t i = 0; i < npages; i++) {
        ac.page = pages[i];
        mm_walk_page(pages[i], check_block_alignment, &ac);
    }
    free(pages);
    size_t n = 0, bytes = 0;
    for (const pf_big *b = pf.big; b; b = b->next) {
        if (++n > pf.big_count) {
            ac.bad++;
            if (log)
                fprintf(log, "pagefamily adapter: large-mapping list longer than its count\n");
            break;
        }
        bytes += b->map_bytes;
        if (b->magic != PF_BIG_MAGIC) {
            ac.bad++;
            if (log)
                fprintf(log, "pagefamily adapter: large mapping %p lost its magic\n",
                        (const void *)b);
        }
    }
    if (n != pf.big_count || bytes != pf.big_bytes) {
        ac.bad++;
        if (log)
            fprintf(log, "pagefamily adapter: %zu large mappings of %zu bytes listed, counts "
                    "say %zu of %zu\n", n, bytes, pf.big_count, pf.big_bytes);
    }
    return bad + ac.bad;
}

static int adapter_free_stats(void *heap, fb_free_stats *st) {
    (void)heap;
    mm_usage u;
    if (mm_get_usage(&u) != 0)
        return -1;
    st->used_bytes = u.used_bytes + pf.big_bytes;
    st->free_bytes = u.free_bytes;
    st->largest_free = u.largest_free;
    st->free_blocks = u.free_blocks;
    return 0;
}

typedef struct pf_walk {
    fb_block_fn fn;
    void *ctx;
    size_t base; /* page address - lowest address */
} pf_walk;

static int walk_block(void *ctx, size_t offset, size_t size, int used) {
    pf_walk *w = ctx;
    return w->fn(w->ctx, w->base + offset, size, used);
}

/* A data page (big == NULL) or a large mapping, for the walk's sort. */
typedef struct pf_area {
    const void *at;
    const pf_big *big;
} pf_area;

static int area_cmp(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)((const pf_area *)a)->at, y = (uintptr_t)((const pf_area *)b)->at;
    return (x > y) - (x < y);
}

/* Pages and large mappings listed once and sorted by address: O(n log n)
 * per walk. */
static int adapter_walk(void *heap, fb_block_fn fn, void *ctx) {
    const void *lo, *hi;
    adapter_range(heap, &lo, &hi);
    if (!lo)
        return 0;
    size_t npages = mm_list_pages(NULL, 0), n = npages + pf.big_count;
    pf_area *areas = malloc(n * sizeof *areas);
    const void **pages = malloc((npages ? npages : 1) * sizeof *pages);
    if (!areas || !pages) {
        free(areas);
        free(pages);
        return -1;
    }
    mm_list_pages(pages, npages);
    for (size_t i = 0; i < npages; i++)
        areas[i] = (pf_area){pages[i], NULL};
    free(pages);
    size_t i = npages;
    for (const pf_big *b = pf.big; b && i < n; b = b->next)
        areas[i++] = (pf_area){b, b};
    qsort(areas, i, sizeof *areas, area_cmp);
    pf_walk w = {fn, ctx, 0};
    int rc = 0;
    for (size_t k = 0; k < i && !rc; k++) {
        const char *at = areas[k].at;
        if (!areas[k].big) {
            w.base = (size_t)(at - (const char *)lo);
            rc = mm_walk_page(at, walk_block, &w);
        } else {
            rc = fn(ctx, (size_t)(at - (const char *)lo), areas[k].big->map_bytes, 1);
        }
    }
    free(areas);
    return rc;
}

const fb_allocator fb_alloc_pagefamily = {
    .name = "pagefamily",
    .group = "seed",
    .summary = "page families (seed 000): one family per size class, mmap'd pages of "
               "blocks with metadata, largest-free-block priority list, empty pages unmapped",
    .align = PF_ADAPTER_ALIGN,
    .available = adapter_available,
    .create = adapter_create,
    .destroy = adapter_destroy,
    .reset = NULL,
    .malloc = adapter_malloc,
    .free = adapter_free,
    .realloc = adapter_realloc,
    .footprint = adapter_footprint,
    .payload = NULL,
    .check = adapter_check,
    .free_stats = adapter_free_stats,
    .walk = adapter_walk,
    .range = adapter_range,
};
