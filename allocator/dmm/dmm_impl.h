/*
 * dmm_impl.h: the dynamic memory manager's internal state, shared by dmm.c
 * and dmm_inspect.c only.
 *
 * Heap layout (offsets from lo, which dmm_heap_init aligns to DMM_ALIGN):
 *
 *   lo                                                          hi
 *   | hdr | data | hdr | data | ...                 | hdr | data |
 *
 * Invariants, each tested by dmm_check:
 * - the first block is at lo and has prev == NULL; blocks tile [lo, hi)
 *   exactly: b->next is at the end of b's data, or NULL when b ends at hi;
 * - b->next->prev == b for every block but the last;
 * - sizes are multiples of DMM_ALIGN, is_free is 0 or 1;
 * - no two neighbouring blocks are both free (my_kfree coalesces).
 * - while the index is on, exactly the free blocks are in it, each valued
 *   by its size.
 */
#ifndef DMM_IMPL_H
#define DMM_IMPL_H

#include "dmm.h"
#include "../ordtree.h"

_Static_assert(sizeof(struct dmm_block) % DMM_ALIGN == 0,
               "headers keep payloads aligned");
_Static_assert((DMM_ALIGN & (DMM_ALIGN - 1)) == 0,
               "the alignment is a power of two");

struct dmm_state {
    char *lo, *hi;           /* the heap; lo == NULL when there is none */
    struct dmm_block *head;  /* the block at lo */
    dmm_algo algo;
    int err;                 /* enum dmm_error of the last call */
    /*
     * The search index (ordtree.h): one node per free block, keyed by its
     * header's address and valued by its size. The list is in address
     * order, so the index's lowest free block that is large enough is the
     * one the first-fit walk stops at, and its lowest block of the largest
     * size the one worst fit keeps (first of equals). Best fit still walks.
     * The nodes come from a pool of their own (dmm_arena_get, apart from
     * the heap), sized for the most free blocks the heap can hold; without
     * it (ix_on == 0) every search walks the list, as the seed does.
     */
    ot_node *ix_root;
    ot_node *ix_pool, *ix_free;
    size_t ix_cap, ix_used, ix_pool_bytes;
    int ix_on;
    /* Checking mode (dmm_set_search_check): the walk runs beside the
     * index and each difference is counted (dmm_check reports it). */
    int search_check;
    long search_mismatches;
};

extern struct dmm_state dmm_g;

static inline char *dmm_block_end(const struct dmm_block *b) {
    return (char *)(b + 1) + b->size;
}

/* Offset from the heap start; wraps to a huge value below it, so one
 * unsigned comparison tests both ends. */
static inline uintptr_t dmm_off(const void *p) {
    return (uintptr_t)p - (uintptr_t)dmm_g.lo;
}

static inline size_t dmm_heap_bytes(void) {
    return (size_t)(dmm_g.hi - dmm_g.lo);
}

/* The live block whose data starts at ptr, or NULL with dmm_g.err set to
 * DMM_EBADPTR, DMM_EDOUBLE or DMM_ENOHEAP. */
struct dmm_block *dmm_find_live(const void *ptr);

#endif
