/*
 * fit_segstore.h: the types and small helpers that segstore's allocator
 * (fit_segstore.c) and its checker (fit_segstore_check.c) share: the run
 * header, the class table, the page table's entries and the size classes.
 * The design is described at the top of fit_segstore.c.
 */
#ifndef FA_FIT_SEGSTORE_H
#define FA_FIT_SEGSTORE_H

#include "heap_impl.h"

/* Largest small request, and the number of classes up to it. */
#define SS_MAX ((size_t)32 << 10)
#define SS_NCLASS 72
/* A page table entry of a run's page: the class above SS_CLS_SHIFT, the
 * distance in pages back to the run's first page, plus 1, below. */
#define SS_CLS_SHIFT 24
#define SS_DIST_MASK ((1u << SS_CLS_SHIFT) - 1)
/* The class cache: about this many bytes of slots, within the bounds. */
#define SS_CACHE_BYTES ((size_t)256 << 10)
#define SS_CACHE_MIN 16
#define SS_CACHE_MAX 128
/* Bytes of a run before its first slot: the run header. */
#define SS_HDR 64
/* (off * magic_div) >> SS_DIV_SHIFT == off / size, exactly, for every
 * offset inside a run: off * size stays below 2^SS_DIV_SHIFT. */
#define SS_DIV_SHIFT 40
#define SS_MAGIC 0x53454753u

/* A run's state: current run of its class, on its class's partial list
 * (some slot free, some used), or on no list (every slot used). */
enum { SS_FULL = 0, SS_CUR = 1, SS_PARTIAL = 2 };

/* A run's header, in its first page (the run block's payload starts the
 * page) at one of SS_COLORS cache lines (ss_color). The slots follow at
 * SS_HDR from the header; the last ends at `limit`. */
typedef struct ss_run {
    void *free;                 /* LIFO list of free slots, linked through
                                   each slot's first word */
    char *bump;                 /* first never-used slot */
    char *limit;                /* end of the last whole slot */
    struct ss_run *next, *prev; /* the class's partial list */
    uint64_t magic_div;         /* the class's, for the slot of a pointer */
    uint32_t size;              /* slot bytes */
    uint32_t used;              /* slots handed out of the run (live, or
                                   in the class cache) */
    uint16_t cls;
    uint8_t state;
    uint8_t pad_;
    uint32_t magic;             /* SS_MAGIC while the run lives */
} ss_run;

typedef struct {
    uint32_t count, max; /* slots in the cache, and its bound */
    ss_run *cur;     /* where malloc takes slots; NULL before the first */
    ss_run *partial; /* runs with free slots that are not current */
    uint32_t size, run_bytes;
    uint64_t magic_div;
    size_t runs;     /* live runs of the class, current and full included */
    void *cache[SS_CACHE_MAX]; /* the class cache: freed slots, a stack in
                                  the policy state, so that neither free nor
                                  malloc touches a cached slot's memory */
} ss_class;

/* After tlsf's state (FA_TLSF_STATE_BYTES at the start of pstate). */
typedef struct {
    ss_class cls[SS_NCLASS];
    uint64_t drained; /* the engine's clock at the last drain, 0: never */
} ss_state;

_Static_assert(sizeof(ss_run) <= SS_HDR && SS_HDR % FA_ALIGN == 0, "the run header fits");
_Static_assert(FA_PTAB_BYTES % FA_ALIGN == 0, "run pages keep payload alignment");

/* Where in its first page a run's header goes: one of SS_COLORS lines,
 * from the page's number, so that the headers of many runs do not all fall
 * in the one cache set of page offset 0. */
#define SS_COLORS 16
static inline size_t ss_color(size_t first_pg) {
    return (size_t)((uint32_t)first_pg * 0x9E3779B1u >> 28) * 64;
}
_Static_assert(SS_COLORS == 16, "ss_color takes 4 bits");

/* The header of the run whose first page is first_pg. */
static inline ss_run *ss_run_at(const fa_heap *h, size_t first_pg) {
    return (ss_run *)(h->region + (first_pg << FA_PTAB_SHIFT) + ss_color(first_pg));
}

static inline size_t ss_first_pg(const fa_heap *h, const void *r) {
    return (size_t)((const char *)r - h->region) >> FA_PTAB_SHIFT;
}

/* The end of the last whole slot of a run of `run_bytes` whose header is
 * at `color` in its first page. */
static inline char *ss_limit(const ss_run *r, size_t run_bytes, size_t size, size_t color) {
    return (char *)r + SS_HDR + (run_bytes - FA_WORD - SS_HDR - color) / size * size;
}

static inline ss_state *ss_st(const fa_heap *h) {
    return (ss_state *)((char *)h->pstate + FA_TLSF_STATE_BYTES);
}

/* The class of a request of n <= SS_MAX bytes. */
static inline unsigned ss_class_of(size_t n) {
    if (n <= 128)
        return n ? (unsigned)((n + 15) >> 4) - 1 : 0;
    unsigned lg = 63u - (unsigned)__builtin_clzll(n - 1);
    return 8 + (lg - 7) * 8 + (unsigned)(((n - 1) >> (lg - 3)) & 7);
}

/* Where p (inside the heap) is: 0 when its page is in no run; else 1, with
 * its class in *k, its run in *r and the start of the slot holding it (for
 * p at or past the first slot) in *slot. Reads the page table and the class
 * table only. */
static inline int ss_locate(const fa_heap *h, const void *p, ss_class **k, ss_run **r, char **slot) {
    size_t pg = (size_t)((const char *)p - h->region) >> FA_PTAB_SHIFT;
    uint32_t e = h->ptab[pg];
    if (!e)
        return 0;
    *k = &ss_st(h)->cls[e >> SS_CLS_SHIFT];
    *r = ss_run_at(h, pg + 1 - (e & SS_DIST_MASK));
    char *base = (char *)*r + SS_HDR;
    size_t off = (size_t)((const char *)p - base);
    *slot = base + ((off * (*k)->magic_div) >> SS_DIV_SHIFT) * (*k)->size;
    return 1;
}

/* The run holding p, or NULL. */
static inline ss_run *ss_run_of(const fa_heap *h, const void *p) {
    ss_class *k;
    ss_run *r;
    char *slot;
    return ss_locate(h, p, &k, &r, &slot) ? r : NULL;
}


/* The smallest run: refills are rare enough, and a small heap stays small. */
#define SS_RUN_MIN ((size_t)8 << 10)
/* Slots per run at least, so that a run's header and tail stay a small part
 * of it even for the largest class. */
#define SS_MIN_SLOTS 8

static inline size_t ss_class_size(unsigned c) {
    if (c < 8)
        return (size_t)(c + 1) * 16;
    unsigned lg = 7 + (c - 8) / 8, k = (c - 8) % 8;
    return ((size_t)1 << lg) + (size_t)(k + 1) * ((size_t)1 << (lg - 3));
}

_Static_assert(SS_MAX == ((size_t)1 << 15) && SS_NCLASS == 8 + 8 * 8,
               "the classes end at SS_MAX: 8 of 16 bytes, then 8 per power of two from 128");

/* Run bytes for a class: at least SS_MIN_SLOTS slots and SS_RUN_MIN, in
 * whole pages; of the next four page counts, the one wasting the smallest
 * fraction at its end. */
static inline size_t ss_run_bytes(size_t size) {
    size_t need = SS_HDR + FA_WORD + SS_MIN_SLOTS * size;
    if (need < SS_RUN_MIN)
        need = SS_RUN_MIN;
    size_t pages = (need + FA_PTAB_BYTES - 1) / FA_PTAB_BYTES, best = pages;
    double best_waste = 1.0;
    for (size_t p = pages; p < pages + 4; p++) {
        size_t bytes = p * FA_PTAB_BYTES, room = bytes - FA_WORD - SS_HDR;
        double waste = (double)(room % size) / (double)bytes;
        if (waste < best_waste - 1e-9) {
            best_waste = waste;
            best = p;
        }
    }
    return best * FA_PTAB_BYTES;
}

static inline uint32_t ss_cache_max(size_t size) {
    size_t n = SS_CACHE_BYTES / size;
    return (uint32_t)(n < SS_CACHE_MIN ? SS_CACHE_MIN : n > SS_CACHE_MAX ? SS_CACHE_MAX : n);
}

/* The block holding large live payload p (p's own, or the one an aligned
 * payload's stub points back to). */
static inline fa_block *ss_large_block(const void *p) {
    fa_block *b = fa_blk_of(p);
    return fa_blk_is_stub(b) ? fa_blk_of((const char *)p - fa_blk_size(b)) : b;
}

/* The checker's side (fit_segstore_check.c), in the policy's table. */
long fa_ss_check(fa_heap *h, FILE *log, size_t *listed);
long fa_ss_check_sub(fa_heap *h, fa_block *b, FILE *log, fa_stats *st, size_t *live);
int fa_ss_walk_sub(fa_heap *h, fa_block *b, fa_block_fn fn, void *ctx);

#endif
