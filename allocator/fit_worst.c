/*
 * fit_worst.c: worst fit.
 *
 * malloc carves from the largest free block, on the theory that the
 * remainder stays large enough to be useful. In practice it breaks up the
 * large blocks that big requests need and fragments badly (Wilson et al.
 * 1995); it is here as the textbook contrast.
 *
 * The design is one LIFO free list (a freed block goes to the head) walked
 * whole for the largest block, the first of equals, i.e. the most recently
 * freed. fitbench keeps the same choice without the walk: the free blocks
 * are split by size into bins (exact below 512 bytes, then 32 per power of
 * two), each bin a LIFO list, with a bitmap of the bins in use. Blocks of
 * one size always share a bin, and a bin's list keeps the order the one
 * list had among them, so the largest block is in the highest bin in use
 * and the first of equals there is the one the walk finds: a search costs
 * the length of one bin, not of the whole list. FITBENCH_CHECK_SEARCH
 * (searchcheck.h) also walks every free block at each search and the
 * heap check reports any difference.
 */
#include "freelist.h"
#include "searchcheck.h"

#define WORST_EXACT 32 /* bins of one size each: sizes 0 .. 31 * 16 */
#define WORST_SUB_LOG 5
#define WORST_SUB (1u << WORST_SUB_LOG) /* bins per power of two above */
#define WORST_LEVELS (64 - 4 - WORST_SUB_LOG)
#define WORST_BINS (WORST_EXACT + WORST_LEVELS * WORST_SUB)
#define WORST_WORDS ((WORST_BINS + 63) / 64)

typedef struct {
    fa_block *bin[WORST_BINS];
    uint64_t used[WORST_WORDS]; /* bit i: bin[i] is not empty */
    int check;                  /* checking mode (searchcheck.h) */
    long mismatches;
} worst_state;

static worst_state *worst_st(fa_heap *h) { return h->pstate; }

/* Bins ascend with size: every size of bin i is below every size of bin
 * i + 1. */
static size_t worst_bin(size_t size) {
    size_t u = size >> 4; /* sizes are multiples of 16 */
    if (u < WORST_EXACT)
        return u;
    unsigned lg = 63u - (unsigned)__builtin_clzll((unsigned long long)u); /* >= 5 */
    size_t sub = (u >> (lg - WORST_SUB_LOG)) & (WORST_SUB - 1);
    return WORST_EXACT + (size_t)(lg - WORST_SUB_LOG) * WORST_SUB + sub;
}

static void worst_init(fa_heap *h) { worst_st(h)->check = fb_search_check_wanted(); }

/* The design's walk over one list: the largest, first of equals. */
static fa_block *worst_in_list(fa_block *head, fa_block *worst) {
    size_t worst_size = worst ? fa_blk_size(worst) : 0;
    for (fa_block *b = head; b; b = b->next)
        if (fa_blk_size(b) > worst_size) {
            worst = b;
            worst_size = fa_blk_size(b);
        }
    return worst;
}

/* Checking mode: the same answer by looking at every free block. Equal
 * sizes are never in two bins, so bin by bin is the one list's order for
 * them. */
static fa_block *worst_walk_all(worst_state *st) {
    fa_block *worst = NULL;
    for (size_t i = 0; i < WORST_BINS; i++)
        worst = worst_in_list(st->bin[i], worst);
    return worst;
}

static fa_block *worst_find(fa_heap *h, size_t asize) {
    worst_state *st = worst_st(h);
    fa_block *worst = NULL;
    for (size_t w = WORST_WORDS; w-- > 0;)
        if (st->used[w]) {
            size_t top = w * 64 + 63u - (unsigned)__builtin_clzll(st->used[w]);
            worst = worst_in_list(st->bin[top], NULL);
            break;
        }
    if (st->check && worst_walk_all(st) != worst)
        st->mismatches++;
    return worst && fa_blk_size(worst) >= asize ? worst : NULL;
}

static void worst_insert(fa_heap *h, fa_block *b) {
    worst_state *st = worst_st(h);
    size_t i = worst_bin(fa_blk_size(b));
    fl_push(&st->bin[i], b);
    st->used[i / 64] |= (uint64_t)1 << (i % 64);
}

static void worst_remove(fa_heap *h, fa_block *b) {
    worst_state *st = worst_st(h);
    size_t i = worst_bin(fa_blk_size(b));
    fl_unlink(&st->bin[i], b);
    if (!st->bin[i])
        st->used[i / 64] &= ~((uint64_t)1 << (i % 64));
}

static int worst_in_its_bin(const fa_heap *h, const fa_block *b, void *ctx) {
    (void)h;
    return worst_bin(fa_blk_size(b)) == *(const size_t *)ctx;
}

static long worst_check(fa_heap *h, FILE *log, size_t *listed) {
    worst_state *st = worst_st(h);
    long bad = 0;
    for (size_t i = 0; i < WORST_BINS; i++) {
        int in_use = st->used[i / 64] >> (i % 64) & 1;
        if (!st->bin[i] && !in_use)
            continue;
        bad += fl_check(h, st->bin[i], "worst-fit bin", log, listed, worst_in_its_bin, &i);
        if (!st->bin[i] != !in_use)
            fa_report(log, &bad, "worst-fit bin %zu: the bitmap says %s", i,
                      st->bin[i] ? "empty" : "in use");
    }
    if (st->mismatches)
        fa_report(log, &bad, "worst fit: the bins and the walk disagreed %ld times",
                  st->mismatches);
    return bad;
}

const fa_policy fa_policy_worst = {
    .name = "worst",
    .summary = "worst fit, carves from the largest free block",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(worst_state),
    .init = worst_init,
    .find = worst_find,
    .insert = worst_insert,
    .remove = worst_remove,
    .check = worst_check,
};
