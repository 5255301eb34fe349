/*
 * fit_worst.c: worst fit over one explicit free list.
 *
 * malloc carves from the largest free block, on the theory that the
 * remainder stays large enough to be useful. In practice it breaks up the
 * large blocks that big requests need and fragments badly (Wilson et al.
 * 1995); it is here as the textbook contrast. Every search walks the whole
 * list: O(free blocks).
 */
#include "freelist.h"

typedef struct {
    fa_block *head;
} worst_state;

static void worst_init(fa_heap *h) { ((worst_state *)h->pstate)->head = NULL; }

static fa_block *worst_find(fa_heap *h, size_t asize) {
    fa_block *worst = NULL;
    size_t worst_size = 0;
    for (fa_block *b = ((worst_state *)h->pstate)->head; b; b = b->next)
        if (fa_blk_size(b) > worst_size) {
            worst = b;
            worst_size = fa_blk_size(b);
        }
    return worst_size >= asize ? worst : NULL;
}

static void worst_insert(fa_heap *h, fa_block *b) { fl_push(&((worst_state *)h->pstate)->head, b); }
static void worst_remove(fa_heap *h, fa_block *b) { fl_unlink(&((worst_state *)h->pstate)->head, b); }

static long worst_check(fa_heap *h, FILE *log, size_t *listed) {
    return fl_check(h, ((worst_state *)h->pstate)->head, "free list", log, listed, NULL, NULL);
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
