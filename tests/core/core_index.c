/*
 * core_index.c: the indexed policies (best-tree, tight) and their index
 * (allocator/fitree.h), from inside the core.
 *
 *  - Randomized against a model: on a heap riddled with holes, every
 *    malloc of best-tree and tight takes the block address-ordered best fit
 *    names (the smallest free block that fits, the lowest of equals), as
 *    read from a walk of the heap; the checker finds nothing after each.
 *  - The checker sees a broken index: a wrong stored height, children in
 *    the wrong order, a free block missing from the index.
 *  - tight keeps small blocks apart from large ones (freeing the large
 *    blocks of an alternating pattern leaves a few large holes, where
 *    best-tree leaves one hole per block), cuts a small block from a
 *    hole's high end, and realloc grows in place into the block above.
 */
#include "check.h"
#include "fitree.h"

#include <stdint.h>
#include <string.h>

static uint64_t rng = 12345;
static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

typedef struct {
    size_t asize, best_off, best_size, skip_off;
} want_fit;

static int find_best(void *ctx, size_t off, size_t size, int used) {
    want_fit *w = ctx;
    if (!used && size >= w->asize && size < w->best_size && off != w->skip_off) {
        w->best_size = size;
        w->best_off = off;
    }
    return 0;
}

/* Holes of many sizes between guards, then requests checked one by one
 * against the walk's best fit. tight cuts a small request from a hole's
 * high end (but from the low end of the run it carves), and a large
 * request may pass over the run it holds back for small blocks, taking
 * the next best fit; the model allows for both. */
static void best_fit_model(const char *pol) {
    fa_heap *h = fa_heap_create(pol, NULL);
    CHECK_STOP(h != NULL, "heap for %s", pol);
    char *slot[600];
    for (int i = 0; i < 600; i++)
        slot[i] = fa_malloc(h, 16 + rnd() % 1500);
    for (int i = 0; i < 600; i += 2)
        fa_free(h, slot[i]);
    CHECK_EQ(fa_heap_check(h, stderr, NULL), 0);
    const void *lo, *hi;
    for (int k = 0; k < 400; k++) {
        size_t n = 1 + rnd() % 1600;
        want_fit w = {fa_adjust(n), 0, SIZE_MAX, SIZE_MAX};
        fa_heap_walk(h, find_best, &w);
        want_fit next = {w.asize, 0, SIZE_MAX, w.best_off}; /* passing over it */
        fa_heap_walk(h, find_best, &next);
        char *p = fa_malloc(h, n);
        CHECK_STOP(p != NULL, "%s: malloc(%zu)", pol, n);
        fa_heap_range(h, &lo, &hi);
        size_t off = (size_t)(p - (const char *)lo) - FA_WORD;
        if (w.best_size == SIZE_MAX) {
            CHECK(off + w.asize >= (size_t)((const char *)hi - (const char *)lo) - FA_WORD,
                  "%s: malloc(%zu) with no hole that fits should grow the heap", pol, n);
        } else {
            int ok = off == w.best_off;
            if (!ok && strcmp(pol, "tight") == 0)
                ok = off == w.best_off + w.best_size - w.asize || /* its high end */
                     (next.best_size != SIZE_MAX && off == next.best_off) ||
                     off + w.asize >= (size_t)((const char *)hi - (const char *)lo) - FA_WORD;
            CHECK(ok, "%s: malloc(%zu) at offset %zu, best fit is the %zu-byte hole at %zu", pol, n,
                  off, w.best_size, w.best_off);
        }
        CHECK_EQ(fa_heap_check(h, stderr, NULL), 0);
        if (rnd() % 3 == 0)
            fa_free(h, p);
    }
    fa_heap_destroy(h);
}

/* The root of the fullest bin of a best-tree heap (its state is an
 * ft_index at the start of pstate). */
static fa_block *fullest_root(fa_heap *h, size_t *bin) {
    ft_index *x = h->pstate;
    size_t best = 0, best_n = 0;
    for (size_t c = 0; c < FT_BINS; c++) {
        size_t n = 0;
        if (x->bin[c].root && ft_check(h, &x->bin[c], 0, SIZE_MAX, "probe", NULL, &n) == 0 &&
            n > best_n) {
            best = c;
            best_n = n;
        }
    }
    *bin = best;
    return x->bin[best].root;
}

static void checker_sees_broken_index(void) {
    fa_heap *h = fa_heap_create("best-tree", NULL);
    CHECK_STOP(h != NULL, "heap for best-tree");
    char *slot[200];
    for (int i = 0; i < 200; i++)
        slot[i] = fa_malloc(h, 100); /* one exact bin, many nodes */
    for (int i = 0; i < 200; i += 2)
        fa_free(h, slot[i]);
    CHECK_EQ(fa_heap_check(h, NULL, NULL), 0);
    size_t bin;
    fa_block *root = fullest_root(h, &bin);
    CHECK_STOP(root != NULL, "a non-empty bin");
    ft_index *x = h->pstate;

    fa_block *save_next = root->next, *save_prev = root->prev;
    root->next = (fa_block *)((uintptr_t)root->next ^ 1); /* height off by one */
    CHECK(fa_heap_check(h, NULL, NULL) > 0, "a wrong stored height must be reported");
    root->next = save_next;
    CHECK_EQ(fa_heap_check(h, NULL, NULL), 0);

    /* Swap the children (heights kept in their words): order broken. */
    uintptr_t l = (uintptr_t)save_next & ~(uintptr_t)7, r = (uintptr_t)save_prev & ~(uintptr_t)7;
    root->next = (fa_block *)(r | ((uintptr_t)save_next & 7));
    root->prev = (fa_block *)(l | ((uintptr_t)save_prev & 7));
    CHECK(fa_heap_check(h, NULL, NULL) > 0, "children out of order must be reported");
    root->next = save_next;
    root->prev = save_prev;
    CHECK_EQ(fa_heap_check(h, NULL, NULL), 0);

    /* A free block missing from the index. */
    fa_block *gone = fa_blk_of(slot[100]);
    fx_remove(x, gone);
    CHECK(fa_heap_check(h, NULL, NULL) >= 2, "a free block missing from the index must be reported");
    fx_insert(x, gone);
    CHECK_EQ(fa_heap_check(h, NULL, NULL), 0);
    /* And one indexed twice (in a second index the check is told of). */
    ft_index other;
    memset(&other, 0, sizeof other);
    const ft_index *both[2] = {x, &other};
    fx_insert(&other, gone);
    CHECK(ft_check_every_free(h, both, 2, NULL) == 1, "a block in two indexes must be reported");
    CHECK(ft_check_every_free(h, both, 1, NULL) == 0, "each free block once in the one index");
    fa_heap_destroy(h);
}

static size_t free_blocks_after_binary(const char *pol) {
    fa_heap *h = fa_heap_create(pol, NULL);
    char *big[1000];
    for (int i = 0; i < 1000; i++) {
        fa_malloc(h, 16);
        big[i] = fa_malloc(h, 112);
    }
    for (int i = 0; i < 1000; i++)
        fa_free(h, big[i]);
    fa_stats st;
    CHECK_EQ(fa_heap_check(h, stderr, &st), 0);
    fa_heap_destroy(h);
    return st.free_blocks;
}

static void tight_keeps_sizes_apart(void) {
    size_t tight = free_blocks_after_binary("tight"), tree = free_blocks_after_binary("best-tree");
    CHECK(tree >= 999, "best-tree: %zu holes after freeing the large blocks, want one per block",
          tree);
    CHECK(tight <= 40, "tight: %zu holes after freeing the large blocks, want a few large ones",
          tight);
}

/* realloc grows in place into the free block above, and a move places
 * the new block as tight's malloc would (a small block in a run, not in
 * the large hole below it), keeping the bytes both times. */
static void tight_realloc_in_place(void) {
    fa_heap *h = fa_heap_create("tight", NULL);
    char *a = fa_malloc(h, 400), *b = fa_malloc(h, 400), *c = fa_malloc(h, 400);
    fa_malloc(h, 400); /* keeps c from the top of the heap */
    for (int i = 0; i < 400; i++)
        b[i] = (char)(i * 7);
    fa_free(h, c);
    size_t fp = fa_heap_footprint(h);
    char *b2 = fa_realloc(h, b, 820); /* b and c exactly: 416 + 416 bytes */
    CHECK(b2 == b, "tight: realloc should grow into the free block above");
    CHECK_EQ(fa_heap_footprint(h), fp);
    int same = 1;
    for (int i = 0; i < 400; i++)
        same &= b2[i] == (char)(i * 7);
    CHECK(same, "tight: realloc in place kept the bytes");
    fa_free(h, a); /* the only hole: 416 bytes */
    char *s1 = fa_malloc(h, 40);
    CHECK(s1 == a + 416 - 48, "tight: a small block should be cut from the hole's high end");
    CHECK_EQ(fa_heap_check(h, stderr, NULL), 0);
    fa_heap_destroy(h);
}

int main(void) {
    best_fit_model("best-tree");
    best_fit_model("tight");
    checker_sees_broken_index();
    tight_keeps_sizes_apart();
    tight_realloc_in_place();
    return check_finish("core_index");
}
