/*
 * fit_best_tree.c: address-ordered best fit over a balanced index.
 *
 * The same choice as best fit with the lowest address breaking ties
 * (which Wilson et al.'s survey found among the least fragmenting
 * policies), but the free blocks are kept in an AVL tree keyed by (size,
 * address) (fitree.h), one tree per size bin, instead of one list: the
 * block to take is the leftmost node of at least the request's size,
 * found in O(log n) (a bitmap finds the next non-empty bin), and listing
 * or unlisting a block is O(log n) as well. The engine splits,
 * coalesces and trims as for every boundary-tag policy.
 */
#include "fitree.h"

typedef struct {
    ft_index index;
} abt_state;

static void abt_init(fa_heap *h) { memset(h->pstate, 0, sizeof(abt_state)); }

static fa_block *abt_find(fa_heap *h, size_t asize) {
    return fx_best(&((abt_state *)h->pstate)->index, asize);
}

static void abt_insert(fa_heap *h, fa_block *b) { fx_insert(&((abt_state *)h->pstate)->index, b); }
static void abt_remove(fa_heap *h, fa_block *b) { fx_remove(&((abt_state *)h->pstate)->index, b); }

static long abt_check(fa_heap *h, FILE *log, size_t *listed) {
    const ft_index *x = &((abt_state *)h->pstate)->index;
    long bad = fx_check(h, x, "best-tree index", log, listed);
    if (!bad) /* only a sound index can be searched */
        bad += ft_check_every_free(h, &x, 1, log);
    return bad;
}

const fa_policy fa_policy_best_tree = {
    .name = "best-tree",
    .summary = "address-ordered best fit over AVL trees of free blocks, one per size bin: O(log n)",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(abt_state),
    .init = abt_init,
    .find = abt_find,
    .insert = abt_insert,
    .remove = abt_remove,
    .check = abt_check,
};
