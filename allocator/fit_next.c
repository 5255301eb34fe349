/*
 * fit_next.c: next fit (Knuth's roving pointer) over an address-ordered
 * free list.
 *
 * Each search starts where the previous one stopped and wraps around, so
 * the small remainders do not pile up at the head of the list as in first
 * fit. Searches are short on average, but allocations spread over the whole
 * heap, and fragmentation is usually worse than first fit in address order
 * (Wilson et al. 1995). Insert keeps address order, O(free blocks).
 */
#include "freelist.h"

typedef struct {
    fa_block *head;
    fa_block *rover; /* where the next search starts; NULL: the head */
    char *hint;      /* where the remainder of the last block found will
                        start, so that the rover can stay on it */
} next_state;

static void next_init(fa_heap *h) {
    next_state *s = h->pstate;
    s->head = s->rover = NULL;
    s->hint = NULL;
}

static fa_block *next_find(fa_heap *h, size_t asize) {
    next_state *s = h->pstate;
    fa_block *start = s->rover ? s->rover : s->head;
    s->hint = NULL;
    for (fa_block *b = start; b; b = b->next)
        if (fa_blk_size(b) >= asize)
            goto found;
    for (fa_block *b = s->head; b && b != start; b = b->next)
        if (fa_blk_size(b) >= asize) {
            start = b;
            goto found;
        }
    return NULL;
found:
    for (fa_block *b = start;; b = b->next)
        if (fa_blk_size(b) >= asize) {
            s->rover = b;
            if (fa_blk_size(b) - asize >= FA_MIN_BLOCK)
                s->hint = (char *)b + asize;
            return b;
        }
}

static void next_insert(fa_heap *h, fa_block *b) {
    next_state *s = h->pstate;
    fl_insert_sorted(&s->head, b);
    if ((char *)b == s->hint)
        s->rover = b;
    s->hint = NULL;
}

static void next_remove(fa_heap *h, fa_block *b) {
    next_state *s = h->pstate;
    if (s->rover == b)
        s->rover = b->next;
    fl_unlink(&s->head, b);
}

static long next_check(fa_heap *h, FILE *log, size_t *listed) {
    next_state *s = h->pstate;
    long bad = fl_check(h, s->head, "address-ordered list", log, listed, fl_addr_ordered, NULL);
    if (s->rover) {
        int on = 0;
        size_t steps = 0;
        for (fa_block *b = s->head; b && steps <= *listed; b = b->next, steps++)
            if (b == s->rover)
                on = 1;
        if (!on)
            fa_report(log, &bad, "next fit: rover %p is not on the free list", (void *)s->rover);
    }
    return bad;
}

const fa_policy fa_policy_next = {
    .name = "next",
    .summary = "next fit, roving pointer over an address-ordered free list",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(next_state),
    .init = next_init,
    .find = next_find,
    .insert = next_insert,
    .remove = next_remove,
    .check = next_check,
};
