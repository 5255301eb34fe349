/*
 * fit_tight.c: the utilization-first policy: the tightest heap the core
 * can build, at O(log n) per op.
 *
 * What it adds to address-ordered best fit over the size-binned AVL index
 * (fitree.h, as best-tree):
 *  - Small and large blocks kept apart. A small request (a block of at
 *    most TG_SMALL bytes) that finds no free block grows the heap by a run
 *    of several small blocks (TG_RUN_MIN..TG_RUN_MAX bytes, an eighth of
 *    the small bytes in use), carves it from the low end and holds the rest
 *    of the run back from large requests; the run is the one free block
 *    that may sit at the top of the heap. Blocks freed among large ones
 *    therefore merge into large holes instead of leaving holes one small
 *    block apart (the binary traces). When the block below the break is
 *    already small, the heap grows by exactly the request: no run is
 *    needed to keep sizes apart.
 *  - A small request served from a large hole is cut from the hole's high
 *    end, so the hole's low part stays one piece for large requests.
 *  - A run left untouched by small requests for TG_RUN_IDLE calls is no
 *    longer held back: large requests may then take it.
 *  - realloc grows in place, at the break, into a free next block or
 *    through the run at the top and past the break, before it moves; a
 *    move places the new block as tight places any.
 *  - Freed blocks at the top of the heap lower the break at once (the
 *    engine's trim), as for every boundary-tag policy.
 * Split, coalesce and trim are the engine's (fa_bt_*, heap_impl.h).
 */
#include "fitree.h"

#define TG_SMALL ((size_t)96)
#define TG_RUN_MIN ((size_t)1 << 10)
#define TG_RUN_MAX ((size_t)64 << 10)
#define TG_RUN_IDLE ((uint64_t)2048)

typedef struct {
    ft_index index;
    fa_block *run;       /* the run being carved, or NULL */
    uint64_t run_touch;  /* h->clock when a small block last came from it */
    size_t small_bytes;  /* about the bytes of small blocks in use (sizes
                            that realloc changes are not followed): it
                            only scales the runs */
    char *top_brk;       /* the break right after tight last grew the heap */
    int top_small;       /* whether that growth was for a small block */
    int keep_run;        /* during a small free: the run goes on in the merge */
    int run_merged;      /* the run was taken off the index by that merge */
} tight_state;

static inline int tg_small(size_t asize) { return asize <= TG_SMALL; }

static void tg_init(fa_heap *h) { memset(h->pstate, 0, sizeof(tight_state)); }

/* Whether large requests must leave the run alone. */
static int tg_run_held(const fa_heap *h, const tight_state *s) {
    return s->run && h->clock - s->run_touch < TG_RUN_IDLE;
}

static fa_block *tg_find(fa_heap *h, size_t asize) {
    tight_state *s = h->pstate;
    return fx_best_except(&s->index, asize, tg_run_held(h, s) ? s->run : NULL);
}

static void tg_insert(fa_heap *h, fa_block *b) {
    tight_state *s = h->pstate;
    fx_insert(&s->index, b);
    if (s->run_merged && s->keep_run) {
        s->run = b;
        s->run_merged = 0;
    }
}

static void tg_remove(fa_heap *h, fa_block *b) {
    tight_state *s = h->pstate;
    fx_remove(&s->index, b);
    if (b == s->run) {
        s->run = NULL;
        s->run_merged = 1;
    }
}

/* The block just below the break when it is free (then it is the run). */
static fa_block *tg_free_top(const fa_heap *h) {
    fa_block *e = fa_epilogue(h);
    return fa_blk_prev_used(e) ? NULL : fa_blk_prev(e);
}

/* A used block of asize at the top of the heap: the free top block
 * extended (use_top), or a new block past the break. NULL when the region
 * is full. */
static fa_block *tg_grow(fa_heap *h, size_t asize, int use_top, int small) {
    tight_state *s = h->pstate;
    fa_block *top = use_top ? tg_free_top(h) : NULL;
    fa_block *b;
    if (top) {
        size_t have = fa_blk_size(top);
        tg_remove(h, top);
        if (asize > have) {
            if (!fa_brk_grow(h, asize - have)) {
                tg_insert(h, top);
                return NULL;
            }
            fa_blk_mark_used(top, asize);
        } else {
            fa_bt_place(h, top, asize);
        }
        b = top;
    } else {
        b = fa_brk_grow(h, asize);
        if (!b)
            return NULL;
        b->head = asize | (b->head & FA_B_PREV_ALLOC);
        fa_blk_mark_used(b, asize);
    }
    s->top_brk = h->brk;
    s->top_small = small;
    return b;
}

/* A new run at the break, carved for its first small block. */
static fa_block *tg_new_run(fa_heap *h, size_t asize) {
    tight_state *s = h->pstate;
    size_t r = (s->small_bytes / 8 + FA_ALIGN - 1) & ~(size_t)(FA_ALIGN - 1);
    r = r < TG_RUN_MIN ? TG_RUN_MIN : r > TG_RUN_MAX ? TG_RUN_MAX : r;
    fa_block *b = fa_brk_grow(h, r);
    if (!b)
        return tg_grow(h, asize, 0, 1);
    b->head = r | (b->head & FA_B_PREV_ALLOC);
    fa_blk_mark_free(b, r);
    fa_bt_place(h, b, asize);
    s->run = fa_blk_next(b);
    s->run_touch = h->clock;
    s->top_brk = h->brk;
    s->top_small = 1;
    return b;
}

/* Free block b (off the index) serves a small request from its high end,
 * keeping its low part one free block. */
static fa_block *tg_carve_high(fa_heap *h, fa_block *b, size_t asize) {
    size_t size = fa_blk_size(b);
    if (size - asize < FA_MIN_BLOCK) {
        fa_bt_place(h, b, asize);
        return b;
    }
    fa_blk_mark_free(b, size - asize);
    fa_block *u = fa_blk_next(b);
    u->head = asize;
    fa_blk_mark_used(u, asize);
    tg_insert(h, b);
    return u;
}

/* Takes free block b for asize at its low end; when b was the run, what
 * is left of it goes on being the run. */
static void tg_take_low(fa_heap *h, fa_block *b, size_t asize) {
    tight_state *s = h->pstate;
    tg_remove(h, b);
    int was_run = s->run_merged;
    s->run_merged = 0;
    fa_bt_place(h, b, asize);
    if (was_run) {
        fa_block *rest = fa_blk_next(b);
        s->run = fa_blk_used(rest) ? NULL : rest;
    }
}

static fa_block *tg_small_block(fa_heap *h, size_t asize) {
    tight_state *s = h->pstate;
    fa_block *b = fx_best(&s->index, asize);
    if (b == s->run && b) {
        tg_take_low(h, b, asize);
        s->run_touch = h->clock;
        return b;
    }
    if (b) {
        tg_remove(h, b);
        return tg_carve_high(h, b, asize);
    }
    /* Below the break: the run (too small now) to extend, or a small block
     * to grow next to; else large blocks, to keep apart by a new run. */
    if (tg_free_top(h) || (h->brk == s->top_brk && s->top_small))
        return tg_grow(h, asize, 1, 1);
    return tg_new_run(h, asize);
}

static fa_block *tg_large_block(fa_heap *h, size_t asize) {
    tight_state *s = h->pstate;
    fa_block *b = tg_find(h, asize);
    if (b) {
        tg_take_low(h, b, asize);
        return b;
    }
    /* The free top block is the run: extended unless it is held back. */
    return tg_grow(h, asize, !tg_run_held(h, s), 0);
}

static void *tg_malloc(fa_heap *h, size_t asize) {
    tight_state *s = h->pstate;
    int small = tg_small(asize);
    fa_block *b = small ? tg_small_block(h, asize) : tg_large_block(h, asize);
    s->run_merged = 0;
    if (!b)
        return NULL;
    if (small)
        s->small_bytes += asize;
    return fa_blk_payload(b);
}

static void tg_free(fa_heap *h, fa_block *b) {
    tight_state *s = h->pstate;
    size_t size = fa_blk_size(b);
    int small = tg_small(size);
    if (small)
        s->small_bytes -= size < s->small_bytes ? size : s->small_bytes;
    s->keep_run = small;
    s->run_merged = 0;
    fa_bt_release(h, b);
    s->keep_run = 0;
    s->run_merged = 0;
}

/* In place when the engine can (shrinking, growing at the break or into a
 * free next block) or when the next block is the run at the top of the
 * heap (grown through it and past the break); else moved through tight's own malloc and free, so the
 * new block is placed as any other. Growing into a free block below (the
 * payload moved down) was tried and measured worse: gen-realloc's
 * utilization fell from 0.735 to 0.675 (README, "tight"). */
static void *tg_realloc(fa_heap *h, fa_block *b, size_t n) {
    tight_state *s = h->pstate;
    size_t asize = fa_adjust(n), size = fa_blk_size(b);
    fa_block *next = fa_blk_next(b);
    if (asize <= size || next == fa_epilogue(h) ||
        (!fa_blk_used(next) && size + fa_blk_size(next) >= asize)) {
        void *p = fa_bt_realloc(h, b, n);
        s->run_merged = 0;
        return p;
    }
    if (!fa_blk_used(next) && fa_blk_next(next) == fa_epilogue(h)) {
        /* The next block is the run, at the top: grow through it. */
        size_t have = size + fa_blk_size(next);
        fa_block *run = s->run;
        tg_remove(h, next);
        s->run_merged = 0;
        if (fa_brk_grow(h, asize - have)) {
            fa_blk_mark_used(b, asize);
            s->top_brk = h->brk;
            s->top_small = tg_small(asize);
            return fa_blk_payload(b);
        }
        tg_insert(h, next); /* the break could not grow: the run stays the run */
        s->run = run;
    }
    void *np = tg_malloc(h, asize);
    if (!np)
        return NULL;
    memcpy(np, fa_blk_payload(b), size - FA_WORD);
    tg_free(h, b);
    return np;
}

static long tg_check(fa_heap *h, FILE *log, size_t *listed) {
    tight_state *s = h->pstate;
    const ft_index *x = &s->index;
    long bad = fx_check(h, x, "tight index", log, listed);
    if (bad)
        return bad; /* only a sound index can be searched */
    bad += ft_check_every_free(h, &x, 1, log);
    if (s->run && (!fa_in_heap(h, s->run) || fa_blk_used(s->run) || !fx_contains(x, s->run)))
        fa_report(log, &bad, "tight: the run %p is not a free block of the index", (void *)s->run);
    fa_block *top = tg_free_top(h);
    if (top && top != s->run)
        fa_report(log, &bad, "tight: the heap ends in a free block that is not the run");
    if (s->keep_run || s->run_merged)
        fa_report(log, &bad, "tight: a free's run flags are left set between calls");
    return bad;
}

const fa_policy fa_policy_tight = {
    .name = "tight",
    .summary = "utilization first: best fit over the index, small blocks in runs apart from "
               "large ones, realloc in place",
    .flags = FA_POL_COALESCE | FA_POL_HOLDS_TOP,
    .state_size = sizeof(tight_state),
    .init = tg_init,
    .find = tg_find,
    .insert = tg_insert,
    .remove = tg_remove,
    .check = tg_check,
    .malloc = tg_malloc,
    .free = tg_free,
    .realloc = tg_realloc,
};
