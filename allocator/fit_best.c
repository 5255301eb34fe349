/*
 * fit_best.c: best fit over one explicit free list.
 *
 * malloc takes the smallest block that is large enough (stopping early on
 * an exact fit). It wastes little on each choice and, with coalescing, is
 * among the lowest-fragmentation policies on real traces (Johnstone &
 * Wilson), but every search that finds no exact fit walks the whole list:
 * O(free blocks) per malloc.
 */
#include "freelist.h"

typedef struct {
    fa_block *head;
} best_state;

static void best_init(fa_heap *h) { ((best_state *)h->pstate)->head = NULL; }

static fa_block *best_find(fa_heap *h, size_t asize) {
    return fl_best_fit(((best_state *)h->pstate)->head, asize);
}

static void best_insert(fa_heap *h, fa_block *b) { fl_push(&((best_state *)h->pstate)->head, b); }
static void best_remove(fa_heap *h, fa_block *b) { fl_unlink(&((best_state *)h->pstate)->head, b); }

static long best_check(fa_heap *h, FILE *log, size_t *listed) {
    return fl_check(h, ((best_state *)h->pstate)->head, "free list", log, listed, NULL, NULL);
}

const fa_policy fa_policy_best = {
    .name = "best",
    .summary = "best fit, one explicit free list searched whole",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(best_state),
    .init = best_init,
    .find = best_find,
    .insert = best_insert,
    .remove = best_remove,
    .check = best_check,
};
