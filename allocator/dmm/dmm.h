/*
 * dmm.h: the public API of the dynamic memory manager (seed 003), a
 * first/best/worst-fit allocator over one fixed arena that the caller
 * hands in (the seed's module takes it from vmalloc; here the demo and
 * the harness adapter take it from mmap through dmm_shim.h).
 *
 * Every block, used or free, is a struct dmm_block header followed by its
 * data, and all blocks are on one doubly linked list in address order, so
 * that a block's list neighbours are its memory neighbours: my_kfree
 * merges a freed block with a free neighbour on either side in O(1). A
 * request is served by searching that list with the algorithm chosen by
 * set_allocation_algorithm.
 *
 * Names: the seed's API names are kept (my_kmalloc, my_kfree, my_kcalloc,
 * set_allocation_algorithm, print_heap_stats, ALGO_*); the seed's
 * heap_init is dmm_heap_init here, and everything the seed lacks is dmm_.
 * One heap at a time (global state, as in the seed); not thread-safe.
 *
 * Where it sits: dmm_demo runs the seed's scenario; the harness replays
 * traces through harness/alloc/alloc_dmm.c with the calls of dmm_inspect.h.
 */
#ifndef DMM_H
#define DMM_H

#include "dmm_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Data sizes are rounded up to this, and headers are a multiple of it, so
 * every payload is 8-byte aligned when the arena is (the seed's rule). */
#define DMM_ALIGN 8

/*
 * The header in front of every block. `size` counts the data bytes after
 * the header (what print_heap_stats shows). `prev`/`next` are the blocks
 * just below and above in memory; the list is never out of address order.
 */
struct dmm_block {
    size_t size;
    int is_free;
    struct dmm_block *prev;
    struct dmm_block *next;
};

#define DMM_HEADER sizeof(struct dmm_block)

typedef enum dmm_algo {
    ALGO_FIRST_FIT = 0, /* first free block, in address order, that fits */
    ALGO_BEST_FIT = 1,  /* smallest free block that fits; first of equals */
    ALGO_WORST_FIT = 2  /* largest free block; first of equals */
} dmm_algo;

/* Error codes; my_kfree and dmm_heap_init return them negated. */
enum dmm_error {
    DMM_OK = 0,
    DMM_EINVAL = 1,  /* bad argument: size 0, overflow, unknown algorithm */
    DMM_ENOMEM = 2,  /* no free block is large enough */
    DMM_EBADPTR = 3, /* not a block of this heap */
    DMM_EDOUBLE = 4, /* a block that is already free */
    DMM_ENOHEAP = 5, /* no heap: dmm_heap_init first */
    DMM_EBUSY = 6    /* dmm_heap_init while a heap is active */
};

/* Takes [pool, pool + size) as the heap, one free block. The start is
 * rounded up to DMM_ALIGN and the length down. 0, or -DMM_EINVAL when the
 * pool cannot hold a header and one granule, -DMM_EBUSY when a heap is
 * already active. The caller keeps ownership of the pool. */
int dmm_heap_init(void *pool, size_t size);
/* Forgets the heap (the caller then frees the pool). */
void dmm_heap_release(void);

/* At least size bytes, 8-byte aligned, or NULL (dmm_last_error says why). */
void *my_kmalloc(size_t size);
/* count * size zeroed bytes, or NULL (also on overflow). */
void *my_kcalloc(size_t count, size_t size);
/* Frees a block and merges it with free neighbours. NULL is ignored.
 * 0, or -DMM_EBADPTR / -DMM_EDOUBLE / -DMM_ENOHEAP, and nothing changes. */
int my_kfree(void *ptr);

/* 0, or -DMM_EINVAL for an unknown algorithm. First fit by default. */
int set_allocation_algorithm(dmm_algo algo);
dmm_algo dmm_get_algorithm(void);

/* Prints "--- Heap Stats ---" and one "Block at: ADDR Size: N [USED]" or
 * "[FREE]" line per block, in address order (ADDR is the header's). */
void print_heap_stats(void);

/* The enum dmm_error of the last call, and its text. */
int dmm_last_error(void);
const char *dmm_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
