/*
 * fit_segfit.c: segregated fit: one free list per size class, best fit
 * within a class.
 *
 * Classes: one per exact block size below 1 KiB (32, 48, ..., 1008 bytes),
 * then 8 classes per power of two above it. A bitmap of non-empty classes
 * finds the next class up in a few word scans. A request of an exact-size
 * class takes the head of its list in O(1); a ranged class is searched for
 * its smallest block that fits, and if none fits, the next non-empty class
 * (whose blocks all fit) is searched for its smallest. Approximates best
 * fit at near-constant cost, the design of most production allocators'
 * small-object paths (Wilson et al.'s "segregated fit").
 */
#include "freelist.h"

#define SF_EXACT 64  /* classes 0..63: exact sizes 16*c (c >= 2 used) */
#define SF_SUB_LOG 3 /* 8 classes per power of two above 1 KiB */
#define SF_FIRST_LOG 10
#define SF_CLASSES (SF_EXACT + (64 - SF_FIRST_LOG) * (1 << SF_SUB_LOG))
#define SF_WORDS ((SF_CLASSES + 63) / 64)

typedef struct {
    uint64_t nonempty[SF_WORDS];
    fa_block *head[SF_CLASSES];
} seg_state;

static size_t sf_class(size_t size) {
    if (size < (1u << SF_FIRST_LOG))
        return size / FA_ALIGN;
    unsigned lg = 63u - (unsigned)__builtin_clzll(size);
    size_t sub = (size >> (lg - SF_SUB_LOG)) & ((1u << SF_SUB_LOG) - 1);
    return SF_EXACT + (size_t)(lg - SF_FIRST_LOG) * (1u << SF_SUB_LOG) + sub;
}

static void seg_init(fa_heap *h) { memset(h->pstate, 0, sizeof(seg_state)); }

/* First non-empty class >= c, or SF_CLASSES. */
static size_t seg_next_class(const seg_state *s, size_t c) {
    size_t w = c / 64;
    if (w >= SF_WORDS)
        return SF_CLASSES;
    uint64_t bits = s->nonempty[w] & (~(uint64_t)0 << (c % 64));
    while (!bits) {
        if (++w == SF_WORDS)
            return SF_CLASSES;
        bits = s->nonempty[w];
    }
    return w * 64 + (size_t)__builtin_ctzll(bits);
}

static fa_block *seg_find(fa_heap *h, size_t asize) {
    seg_state *s = h->pstate;
    size_t c = sf_class(asize);
    if (c < SF_EXACT) {
        if (s->head[c])
            return s->head[c];
    } else if (s->head[c]) {
        fa_block *b = fl_best_fit(s->head[c], asize);
        if (b)
            return b;
    }
    c = seg_next_class(s, c + 1);
    if (c == SF_CLASSES)
        return NULL;
    return c < SF_EXACT ? s->head[c] : fl_best_fit(s->head[c], asize);
}

static void seg_insert(fa_heap *h, fa_block *b) {
    seg_state *s = h->pstate;
    size_t c = sf_class(fa_blk_size(b));
    fl_push(&s->head[c], b);
    s->nonempty[c / 64] |= (uint64_t)1 << (c % 64);
}

static void seg_remove(fa_heap *h, fa_block *b) {
    seg_state *s = h->pstate;
    size_t c = sf_class(fa_blk_size(b));
    fl_unlink(&s->head[c], b);
    if (!s->head[c])
        s->nonempty[c / 64] &= ~((uint64_t)1 << (c % 64));
}

static int seg_in_class(const fa_heap *h, const fa_block *b, void *ctx) {
    (void)h;
    return sf_class(fa_blk_size(b)) == *(size_t *)ctx;
}

static long seg_check(fa_heap *h, FILE *log, size_t *listed) {
    seg_state *s = h->pstate;
    long bad = 0;
    for (size_t c = 0; c < SF_CLASSES; c++) {
        int bit = (int)((s->nonempty[c / 64] >> (c % 64)) & 1);
        if (bit != (s->head[c] != NULL))
            fa_report(log, &bad, "segfit: class %zu bitmap bit %d but list is %s", c, bit,
                      s->head[c] ? "non-empty" : "empty");
        if (s->head[c])
            bad += fl_check(h, s->head[c], "segfit class list", log, listed, seg_in_class, &c);
    }
    return bad;
}

const fa_policy fa_policy_segfit = {
    .name = "segfit",
    .summary = "segregated fit: a free list per size class, best fit within the class",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(seg_state),
    .init = seg_init,
    .find = seg_find,
    .insert = seg_insert,
    .remove = seg_remove,
    .check = seg_check,
};
