/*
 * fit_first_ao.c: first fit over one free list kept in address order.
 *
 * malloc takes the lowest-addressed block that is large enough, which keeps
 * allocations packed towards the bottom of the heap and leaves the large
 * holes near the top: among the lowest-fragmentation simple policies
 * (Johnstone & Wilson). The price is the insert: a freed block walks the list
 * to its place, O(free blocks).
 */
#include "freelist.h"

typedef struct {
    fa_block *head;
} ao_state;

static void ao_init(fa_heap *h) { ((ao_state *)h->pstate)->head = NULL; }

static fa_block *ao_find(fa_heap *h, size_t asize) {
    for (fa_block *b = ((ao_state *)h->pstate)->head; b; b = b->next)
        if (fa_blk_size(b) >= asize)
            return b;
    return NULL;
}

static void ao_insert(fa_heap *h, fa_block *b) { fl_insert_sorted(&((ao_state *)h->pstate)->head, b); }
static void ao_remove(fa_heap *h, fa_block *b) { fl_unlink(&((ao_state *)h->pstate)->head, b); }

static long ao_check(fa_heap *h, FILE *log, size_t *listed) {
    return fl_check(h, ((ao_state *)h->pstate)->head, "address-ordered list", log, listed,
                    fl_addr_ordered, NULL);
}

const fa_policy fa_policy_first_ao = {
    .name = "first-ao",
    .summary = "first fit, free list in address order",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(ao_state),
    .init = ao_init,
    .find = ao_find,
    .insert = ao_insert,
    .remove = ao_remove,
    .check = ao_check,
};
