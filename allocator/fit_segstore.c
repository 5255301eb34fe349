/*
 * fit_segstore.c: simple segregated storage, the design of slab and
 * size-class allocators (the front ends of tcmalloc, jemalloc, mimalloc):
 * the speed end of the core's trade-off.
 *
 * Requests up to SS_MAX bytes are rounded up to one of SS_NCLASS size
 * classes: multiples of 16 up to 128, then 8 classes per power of two, so
 * that no block is more than 12.5% larger than its request beyond the
 * 16-byte alignment. Each class takes its blocks from runs: a run is a
 * stretch of whole pages (FA_PTAB_BYTES each) carved for one class, a
 * 64-byte header (ss_run, at one of 16 cache lines of the first page, so
 * that the headers of many runs do not share a cache set) and then slots
 * of the class's size with no header at all. A run keeps its free slots
 * on a LIFO list threaded through them, and hands out its never-used
 * slots with a bump pointer, so a new run touches no page before it is
 * used. Small blocks are never split or merged.
 *
 * Each class also keeps a LIFO stack of freed slots of its own, the class
 * cache, in the policy state (off the blocks), fewer than `max` deep
 * (SS_CACHE_BYTES of slots, SS_CACHE_MIN to SS_CACHE_MAX of them), much as
 * tcmalloc's thread caches. malloc: the class from the size (a shift, or a
 * count of leading zeros), then a pop from the cache, else from the
 * class's current run. free: the engine's page table (h->ptab, one entry
 * per page: the class and the distance back to the run's first page)
 * gives the class and the run's start from the pointer alone, a multiply
 * gives the slot, and a push onto the cache puts it back: no run header is
 * read, nor the block or anything next to it. Only when a cache fills does
 * its older half go back to the slots' runs. When the current run is used
 * up, a partly free run of the class (its partial list) or a new run
 * becomes current. A run whose slots are all back is given back at once,
 * as pages, to the large allocator (which may lower the break); when the
 * heap holds no live block, every cache goes back, and so every run (at
 * most once per trim decay period: fitalloc.h). So the free memory a class
 * keeps is bounded: its cache, and its runs' free slots, in runs that each
 * hold a live or cached slot.
 *
 * Runs and requests above SS_MAX come from the core's coalescing
 * allocator: tlsf's lists (fit_tlsf.c, its state at the start of this
 * policy's) and the engine's boundary tags. A run is one used block marked
 * FA_B_SUB whose payload starts on a page boundary; the checker and the
 * walk hand its inside to the checks of fit_segstore_check.c; the types
 * and helpers both files use are in fit_segstore.h.
 */
#include "fit_segstore.h"

static void ss_init(fa_heap *h) {
    fa_policy_tlsf.init(h);
    ss_state *s = ss_st(h);
    for (unsigned c = 0; c < SS_NCLASS; c++) {
        ss_class *k = &s->cls[c];
        k->size = (uint32_t)ss_class_size(c);
        k->run_bytes = (uint32_t)ss_run_bytes(k->size);
        k->magic_div = ((uint64_t)1 << SS_DIV_SHIFT) / k->size + 1;
        k->max = ss_cache_max(k->size);
    }
}

/* The boundary-tag side is tlsf's, unchanged. */
static fa_block *ss_find(fa_heap *h, size_t asize) { return fa_policy_tlsf.find(h, asize); }
static void ss_insert(fa_heap *h, fa_block *b) { fa_policy_tlsf.insert(h, b); }
static void ss_remove(fa_heap *h, fa_block *b) { fa_policy_tlsf.remove(h, b); }

/* ------------------------------------------------------------- runs */

/* Bytes from p up to the next page boundary (0 when on one), raised by a
 * page when the gap could not stand as a free block. */
static size_t ss_gap(const fa_heap *h, const char *p) {
    size_t off = (size_t)(p - h->region) % FA_PTAB_BYTES;
    size_t gap = off ? FA_PTAB_BYTES - off : 0;
    return gap && gap < FA_MIN_BLOCK ? gap + FA_PTAB_BYTES : gap;
}

/* Used block b of S bytes becomes a run of class c: the run's block starts
 * where its payload falls on a page boundary; what lies before and after
 * goes back to the large allocator when it can stand as a block. */
static ss_run *ss_carve(fa_heap *h, fa_block *b, size_t S, unsigned c) {
    ss_class *k = &ss_st(h)->cls[c];
    size_t front = ss_gap(h, (char *)fa_blk_payload(b)), rsize = k->run_bytes;
    size_t tail = S - front - rsize;
    if (tail < FA_MIN_BLOCK) {
        rsize += tail;
        tail = 0;
    }
    size_t pa = b->head & FA_B_PREV_ALLOC;
    fa_block *rb = (fa_block *)((char *)b + front);
    rb->head = rsize | FA_B_ALLOC | FA_B_SUB | (front ? FA_B_PREV_ALLOC : pa);
    if (tail) {
        fa_block *tb = fa_blk_next(rb);
        tb->head = tail | FA_B_ALLOC | FA_B_PREV_ALLOC;
        fa_bt_release(h, tb);
    }
    if (front) {
        b->head = front | FA_B_ALLOC | pa;
        fa_bt_release(h, b);
    }
    size_t first = ss_first_pg(h, fa_blk_payload(rb));
    ss_run *r = ss_run_at(h, first);
    *r = (ss_run){.bump = (char *)r + SS_HDR,
                  .limit = ss_limit(r, k->run_bytes, k->size, ss_color(first)),
                  .magic_div = k->magic_div, .size = k->size, .cls = (uint16_t)c,
                  .state = SS_CUR, .magic = SS_MAGIC};
    for (size_t i = 0; i < k->run_bytes / FA_PTAB_BYTES; i++)
        h->ptab[first + i] = (uint32_t)c << SS_CLS_SHIFT | (uint32_t)(i + 1);
    k->runs++;
    return r;
}

/* A new run of class c: from a free block of the large allocator with room
 * for the run at a page boundary, else at the break, where the gap before
 * the page boundary is all it costs (a run ends where the next run's block
 * would start). */
static ss_run *ss_run_new(fa_heap *h, unsigned c) {
    size_t rbytes = ss_st(h)->cls[c].run_bytes;
    fa_block *b = fa_policy_tlsf.find(h, rbytes + FA_PTAB_BYTES + FA_MIN_BLOCK);
    size_t S;
    if (b) {
        fa_policy_tlsf.remove(h, b);
        S = fa_blk_size(b);
    } else {
        S = ss_gap(h, h->brk) + rbytes;
        b = fa_brk_grow(h, S);
        if (!b)
            return NULL;
    }
    b->head = S | FA_B_ALLOC | (b->head & FA_B_PREV_ALLOC);
    fa_blk_set_prev_used(fa_blk_next(b), 1);
    return ss_carve(h, b, S, c);
}

/* Gives a wholly free run back to the large allocator. */
static void ss_run_free(fa_heap *h, ss_run *r) {
    ss_class *k = &ss_st(h)->cls[r->cls];
    size_t first = ss_first_pg(h, r);
    memset(&h->ptab[first], 0, k->run_bytes / FA_PTAB_BYTES * sizeof(uint32_t));
    r->magic = 0;
    k->runs--;
    fa_bt_release(h, fa_blk_of(h->region + (first << FA_PTAB_SHIFT)));
}

static void ss_partial_push(ss_class *k, ss_run *r) {
    r->state = SS_PARTIAL;
    r->prev = NULL;
    r->next = k->partial;
    if (k->partial)
        k->partial->prev = r;
    k->partial = r;
}

static void ss_partial_unlink(ss_class *k, ss_run *r) {
    if (r->prev)
        r->prev->next = r->next;
    else
        k->partial = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->next = r->prev = NULL;
}

/* ----------------------------------------------------------- malloc */

static inline void *ss_take(ss_run *r) {
    void **b = r->free;
    if (b) {
        r->free = *b;
        r->used++;
        return b;
    }
    if (r->bump < r->limit) {
        b = (void **)r->bump;
        r->bump += r->size;
        r->used++;
        return b;
    }
    return NULL;
}

/* The current run of class c is used up (or there is none): a partial run
 * or a new one takes its place. */
static __attribute__((noinline)) void *ss_refill(fa_heap *h, unsigned c) {
    ss_class *k = &ss_st(h)->cls[c];
    if (k->cur)
        k->cur->state = SS_FULL;
    ss_run *r = k->partial;
    if (r)
        ss_partial_unlink(k, r);
    else
        r = ss_run_new(h, c);
    k->cur = r;
    if (!r)
        return NULL;
    r->state = SS_CUR;
    return ss_take(r);
}

static __attribute__((noinline)) void *ss_large(fa_heap *h, size_t n) {
    return fa_bt_alloc(h, fa_adjust(n));
}

static void *ss_malloc(fa_heap *h, size_t n) {
    if (__builtin_expect(n > SS_MAX, 0))
        return ss_large(h, n);
    unsigned c = ss_class_of(n);
    ss_class *k = &ss_st(h)->cls[c];
    if (__builtin_expect(k->count != 0, 1))
        return k->cache[--k->count];
    void *b = k->cur ? ss_take(k->cur) : NULL;
    return __builtin_expect(b != NULL, 1) ? b : ss_refill(h, c);
}

/* ------------------------------------------------------------- free */

/* Slot b goes back to its run r (of class k): the run becomes partial,
 * or, wholly free, goes back to the large allocator (the class cache,
 * which holds half its bound after a flush, is the hysteresis). */
static void ss_unhand(fa_heap *h, ss_class *k, ss_run *r, void **b) {
    *b = r->free;
    r->free = b;
    r->used--;
    if (r->state == SS_FULL)
        ss_partial_push(k, r);
    if (r->used == 0) {
        if (r->state == SS_PARTIAL)
            ss_partial_unlink(k, r);
        else
            k->cur = NULL;
        ss_run_free(h, r);
    }
}

/* The oldest slots of class k's cache go back to their runs until `keep`
 * are left. */
static void ss_flush(fa_heap *h, ss_class *k, uint32_t keep) {
    uint32_t out = k->count - keep;
    for (uint32_t i = 0; i < out; i++) {
        ss_class *kb;
        ss_run *r = NULL;
        char *slot;
        if (ss_locate(h, k->cache[i], &kb, &r, &slot)) /* always: the cache holds slots */
            ss_unhand(h, k, r, k->cache[i]);
    }
    memmove(k->cache, k->cache + out, keep * sizeof k->cache[0]);
    k->count = keep;
}

/* The heap holds no live block: every cache goes back (and with it every
 * run), as the pages above the break do, at most once per decay period
 * (fitalloc.h), so that a trace that empties its heap every few ops does
 * not make and unmake its runs each time. With no decay, at once. */
static void ss_drain(fa_heap *h) {
    ss_state *s = ss_st(h);
    if (h->cfg.trim_decay_ops && s->drained && h->clock - s->drained < h->cfg.trim_decay_ops)
        return;
    s->drained = h->clock;
    for (unsigned c = 0; c < SS_NCLASS; c++)
        ss_flush(h, &s->cls[c], 0);
}

/* A cache reached its bound (half of it goes back), or the heap holds no
 * live block. */
static __attribute__((noinline)) void ss_free_slow(fa_heap *h, ss_class *k) {
    if (k->count == k->max)
        ss_flush(h, k, k->max / 2);
    if (h->live == 0)
        ss_drain(h);
}

static void ss_free(fa_heap *h, void *p) {
    ss_class *k;
    ss_run *r;
    char *slot;
    if (__builtin_expect(!ss_locate(h, p, &k, &r, &slot), 0)) {
        fa_bt_release(h, ss_large_block(p));
        if (h->live == 0)
            ss_drain(h);
        return;
    }
    k->cache[k->count] = slot;
    if (__builtin_expect(++k->count == k->max, 0) || __builtin_expect(h->live == 0, 0))
        ss_free_slow(h, k);
}

/* ------------------------------------------------- realloc and sizes */

static size_t ss_usable(fa_heap *h, const void *p) {
    ss_class *k;
    ss_run *r;
    char *slot;
    if (ss_locate(h, p, &k, &r, &slot))
        return (size_t)(slot + k->size - (const char *)p);
    fa_block *b = ss_large_block(p);
    return (size_t)((char *)b + fa_blk_size(b) - (const char *)p);
}

/* In place while the request keeps its class (small) or stays large and
 * unaligned (the boundary tags grow or shrink it); else moved. */
static void *ss_realloc(fa_heap *h, void *p, size_t n) {
    ss_class *k;
    ss_run *r;
    char *slot;
    int small = ss_locate(h, p, &k, &r, &slot);
    if (small && n <= SS_MAX && &ss_st(h)->cls[ss_class_of(n)] == k &&
        n <= (size_t)(slot + k->size - (char *)p))
        return p;
    if (!small && n > SS_MAX && !fa_blk_is_stub(fa_blk_of(p)))
        return fa_bt_realloc(h, fa_blk_of(p), n);
    size_t have = ss_usable(h, p);
    void *np = ss_malloc(h, n);
    if (!np)
        return NULL;
    memcpy(np, p, have < n ? have : n);
    ss_free(h, p);
    return np;
}

/* A pointer that is not live: in a run, a slot's start was freed (or never
 * handed out) and anything else is inside one; elsewhere, the engine
 * decides by the boundary tags. */
static enum fa_error ss_classify(const fa_heap *h, const void *p) {
    ss_class *k;
    ss_run *r;
    char *slot;
    if (!ss_locate(h, p, &k, &r, &slot))
        return FA_OK;
    const char *c = p;
    if (c < (char *)r + SS_HDR || c >= r->limit)
        return FA_EINTERIOR;
    return slot == c ? FA_EDOUBLE : FA_EINTERIOR;
}

const fa_policy fa_policy_segstore = {
    .name = "segstore",
    .summary = "simple segregated storage: size classes in page runs, LIFO, no split or merge; "
               "large blocks by tlsf",
    .flags = FA_POL_COALESCE | FA_POL_PAGETAB,
    .state_size = FA_TLSF_STATE_BYTES + sizeof(ss_state),
    .init = ss_init,
    .find = ss_find,
    .insert = ss_insert,
    .remove = ss_remove,
    .check = fa_ss_check,
    .p_malloc = ss_malloc,
    .p_free = ss_free,
    .p_realloc = ss_realloc,
    .p_usable = ss_usable,
    .p_classify = ss_classify,
    .check_sub = fa_ss_check_sub,
    .walk_sub = fa_ss_walk_sub,
};
