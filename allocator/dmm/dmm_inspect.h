/*
 * dmm_inspect.h: read-only views of the dmm heap for tests and for the
 * harness adapter (harness/alloc/alloc_dmm.c): block walk, heap check,
 * free-space figures, usable size, bounds, and emptying the heap in place.
 * Kernel-clean like dmm.c: the check reports through a callback, not a
 * FILE.
 */
#ifndef DMM_INSPECT_H
#define DMM_INSPECT_H

#include "dmm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called per block in address order: offset of its header from the heap
 * start (dmm_heap_range's lo), its size header included, 1 if used. */
typedef int (*dmm_walk_fn)(void *ctx, size_t offset, size_t size, int used);
/* The first nonzero value of fn, 0 at the end, -1 without a heap or when a
 * header does not hold together (dmm_check says more). */
int dmm_walk(dmm_walk_fn fn, void *ctx);

/* Receives one message per violation. */
typedef void (*dmm_report_fn)(void *ctx, const char *msg);
/* Checks every invariant of dmm.c; returns the number of violations. */
long dmm_check(dmm_report_fn report, void *ctx);

/* Byte counts include headers. */
struct dmm_stats {
    size_t used_blocks, used_bytes;
    size_t free_blocks, free_bytes;
    size_t largest_free;
};
int dmm_stats(struct dmm_stats *st);

/* Data bytes of a live block (>= what was asked), 0 if ptr is not one. */
size_t dmm_usable_size(const void *ptr);

/* The heap's bounds [lo, hi) after alignment; NULL without a heap. */
void dmm_heap_range(const void **lo, const void **hi);

/* Checking mode, for tests: with on != 0 every first- or worst-fit
 * search also walks the list as the seed does and counts each time the
 * walk and the index pick different blocks; dmm_check reports the count.
 * Off by default. */
void dmm_set_search_check(int on);
long dmm_search_mismatches(void);

/* Makes the whole heap one free block again, keeping the pool. 0 or
 * -DMM_ENOHEAP. */
int dmm_heap_reset(void);

#ifdef __cplusplus
}
#endif
#endif
