/*
 * fitree.h: the balanced index of free blocks that the indexed policies
 * (fit_best_tree.c, fit_tight.c) keep: an AVL tree keyed by (size,
 * address), so that the leftmost block of at least a size is the
 * address-ordered best fit, found in O(log n). Insert and remove are
 * O(log n) too.
 *
 * The tree lives in the free blocks themselves, in the two link words of
 * heap_impl.h's fa_block (`next` holds the left child, `prev` the right
 * one), so a 32-byte block can be a node. Block addresses are 8 (mod 16),
 * so the low three bits of each link are spare: together they hold the
 * node's height (6 bits, at most 63; an AVL tree of height 63 would need
 * more blocks than any region can hold). Nothing else is stored.
 *
 * A policy keeps an ft_index: one such tree per size bin (exact sizes
 * below 512 bytes, sixteen bins per power of two above) and a bitmap of
 * the non-empty bins. The bins cut the size axis into increasing ranges,
 * so bin after bin, tree after tree, is still (size, address) order: the
 * search is the best fit of one small tree, or the leftmost node of the
 * next non-empty bin, and every tree stays a few levels deep (on a large
 * heap each level is a cache miss).
 */
#ifndef FA_FITREE_H
#define FA_FITREE_H

#include "heap_impl.h"

typedef struct ft_tree {
    fa_block *root;
} ft_tree;

/* The height a node may have at most (6 bits). */
#define FT_MAX_HEIGHT 63

void ft_insert(ft_tree *t, fa_block *b);
/* b must be in t; its header must still give the size it was inserted
 * with. */
void ft_remove(ft_tree *t, fa_block *b);
/* The smallest block of at least asize, lowest address among equals, or
 * NULL. asize 0: the leftmost block. */
fa_block *ft_best(const ft_tree *t, size_t asize);
/* Like ft_best, but never `skip` (a block the caller holds back): the
 * next block in (size, address) order is given instead. */
fa_block *ft_best_except(const ft_tree *t, size_t asize, const fa_block *skip);
/* Nonzero when b is a node of t (found by its key). */
int ft_contains(const ft_tree *t, const fa_block *b);

/* Checker: every node a free block inside the heap, keys in strictly
 * increasing (size, address) order in order (and within [lo, hi] sizes), each stored height equal to
 * the real one, the two subtrees' heights apart by at most one. Counts the
 * nodes into *listed; returns the violations, each logged through
 * fa_report with `what` naming the tree. Terminates on corrupt links. */
long ft_check(const fa_heap *h, const ft_tree *t, size_t lo, size_t hi, const char *what, FILE *log,
              size_t *listed);

#define FT_EXACT 32     /* bins 0..31: exact sizes 16*c (c >= 2 used) */
#define FT_EXACT_LOG 9  /* 512 = FT_EXACT * 16: the first ranged bin */
#define FT_SUB_LOG 4    /* 16 bins per power of two above it */
#define FT_BINS (FT_EXACT + (64 - FT_EXACT_LOG) * (1 << FT_SUB_LOG))
#define FT_WORDS ((FT_BINS + 63) / 64)

typedef struct ft_index {
    uint64_t nonempty[FT_WORDS];
    ft_tree bin[FT_BINS];
} ft_index;

/* The bin of a block size. */
static inline size_t ft_bin(size_t size) {
    if (size < ((size_t)1 << FT_EXACT_LOG))
        return size / FA_ALIGN;
    unsigned lg = 63u - (unsigned)__builtin_clzll(size);
    size_t sub = (size >> (lg - FT_SUB_LOG)) & ((1u << FT_SUB_LOG) - 1);
    return FT_EXACT + (size_t)(lg - FT_EXACT_LOG) * (1u << FT_SUB_LOG) + sub;
}

/* The same operations over an index (zeroed memory is an empty index). */
void fx_insert(ft_index *x, fa_block *b);
void fx_remove(ft_index *x, fa_block *b);
fa_block *fx_best(const ft_index *x, size_t asize);
fa_block *fx_best_except(const ft_index *x, size_t asize, const fa_block *skip);
int fx_contains(const ft_index *x, const fa_block *b);
/* ft_check on every bin's tree, plus: each node in the bin of its size,
 * the bitmap bit set exactly for the non-empty bins. */
long fx_check(const fa_heap *h, const ft_index *x, const char *what, FILE *log, size_t *listed);

/* Checker: every free block of the heap is a node of exactly one of the n
 * indexes. With the count of nodes equal to the count of free blocks (which
 * fa_heap_check compares), the trees hold exactly the free blocks, each
 * once. */
long ft_check_every_free(const fa_heap *h, const ft_index *const *ix, int n, FILE *log);

#endif
