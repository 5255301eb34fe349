/*
 * mem_inspect.h: looking inside the Mem_* region without changing it, for
 * tests and for the harness adapter (harness/alloc/alloc_ostep.c): the chunk
 * walk, the heap check, free-space figures, a chunk's usable size, the
 * region's bounds, and putting the region back to empty.
 *
 * None of this is in the seed; it is what a harness needs to check a
 * replay and draw the heap, built on the same headers the seed describes.
 */
#ifndef OSTEP_MEM_INSPECT_H
#define OSTEP_MEM_INSPECT_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called for each chunk in address order: offset of its header from the
 * region start, its size header included, 1 if allocated. */
typedef int (*mem_walk_fn)(void *ctx, size_t offset, size_t size, int used);

/* Walks every chunk. Returns the first nonzero value of fn, 0 at the end,
 * -1 if there is no region or a header does not hold together (the walk
 * stops there; Mem_Check says more). */
int Mem_Walk(mem_walk_fn fn, void *ctx);

/* Checks every invariant of the region (see mem_impl.h). Returns the
 * number of violations and writes one line for each to log if log is not
 * NULL. No region: 0. */
long Mem_Check(FILE *log);

/* Free-space figures; byte counts include headers. */
typedef struct mem_stats {
    size_t used_chunks, used_bytes;
    size_t free_chunks, free_bytes;
    size_t largest_free;
} mem_stats;

/* Fills st; 0, or -1 if there is no region or the walk fails. */
int Mem_Stats(mem_stats *st);

/* Bytes usable at ptr (its chunk's size, >= what was asked), or 0 when
 * ptr is not a live chunk (checked as Mem_Free checks it). */
size_t Mem_UsableSize(const void *ptr);

/* The region's bounds [lo, hi) and length; NULL/0 when there is none. */
void Mem_Region(const void **lo, const void **hi);
size_t Mem_RegionBytes(void);

/* Makes the whole region one free chunk again, keeping it mapped (the
 * pages stay faulted in). 0, or -1 if there is no region. */
int Mem_Reset(void);

#ifdef __cplusplus
}
#endif
#endif
