/*
 * fit_first.c: first fit over one explicit free list in LIFO order.
 *
 * A freed block goes to the head of the list; malloc takes the first block
 * that is large enough. Insert and remove are O(1); a search is
 * O(free blocks) in the worst case but usually stops early, because
 * recently freed blocks (at the head) are likely to fit again. LIFO order
 * scatters neighbours, so fragmentation is higher than in address order.
 */
#include "freelist.h"

typedef struct {
    fa_block *head;
} first_state;

static void first_init(fa_heap *h) { ((first_state *)h->pstate)->head = NULL; }

static fa_block *first_find(fa_heap *h, size_t asize) {
    for (fa_block *b = ((first_state *)h->pstate)->head; b; b = b->next)
        if (fa_blk_size(b) >= asize)
            return b;
    return NULL;
}

static void first_insert(fa_heap *h, fa_block *b) { fl_push(&((first_state *)h->pstate)->head, b); }
static void first_remove(fa_heap *h, fa_block *b) { fl_unlink(&((first_state *)h->pstate)->head, b); }

static long first_check(fa_heap *h, FILE *log, size_t *listed) {
    return fl_check(h, ((first_state *)h->pstate)->head, "free list", log, listed, NULL, NULL);
}

const fa_policy fa_policy_first = {
    .name = "first",
    .summary = "first fit, explicit free list in LIFO order",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(first_state),
    .init = first_init,
    .find = first_find,
    .insert = first_insert,
    .remove = first_remove,
    .check = first_check,
};
