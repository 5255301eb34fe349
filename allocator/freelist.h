/*
 * freelist.h: the doubly linked, NULL-terminated free list that most fit
 * policies keep (one list, or one per size class), and its checker. A
 * listed block's `next`/`prev` fields are the links (heap_impl.h).
 */
#ifndef FA_FREELIST_H
#define FA_FREELIST_H

#include "heap_impl.h"

static inline void fl_push(fa_block **head, fa_block *b) {
    b->prev = NULL;
    b->next = *head;
    if (*head)
        (*head)->prev = b;
    *head = b;
}

/* Inserts b after `after` (NULL: at the head). */
static inline void fl_insert_after(fa_block **head, fa_block *after, fa_block *b) {
    if (!after) {
        fl_push(head, b);
        return;
    }
    b->prev = after;
    b->next = after->next;
    if (after->next)
        after->next->prev = b;
    after->next = b;
}

static inline void fl_unlink(fa_block **head, fa_block *b) {
    if (b->prev)
        b->prev->next = b->next;
    else
        *head = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

/* Address-ordered insert: the list stays sorted by address. O(length). */
static inline void fl_insert_sorted(fa_block **head, fa_block *b) {
    fa_block *after = NULL;
    for (fa_block *c = *head; c && c < b; c = c->next)
        after = c;
    fl_insert_after(head, after, b);
}

/* The smallest listed block of at least asize (stopping at an exact fit),
 * or NULL: best fit over one list. */
static inline fa_block *fl_best_fit(fa_block *head, size_t asize) {
    fa_block *best = NULL;
    size_t best_size = SIZE_MAX;
    for (fa_block *b = head; b; b = b->next) {
        size_t s = fa_blk_size(b);
        if (s >= asize && s < best_size) {
            best = b;
            best_size = s;
            if (s == asize)
                break;
        }
    }
    return best;
}

/* Checks one list: every node inside the heap, aligned as a block, free,
 * back links consistent, no cycle. Optional per-node test `fits` (NULL:
 * none) for a policy's own rule; `what` names the list in messages. Adds
 * the nodes to *listed; returns the violations. */
long fl_check(const fa_heap *h, fa_block *head, const char *what, FILE *log, size_t *listed,
              int (*fits)(const fa_heap *h, const fa_block *b, void *ctx), void *ctx);

/* fl_check rule for address-ordered lists. */
int fl_addr_ordered(const fa_heap *h, const fa_block *b, void *ctx);

#endif
