/*
 * mems_inspect.h: looking into MeMS from outside without changing it: the
 * heap checker, a segment walk, statistics, the mapped range. Not part of
 * the seed's API; used by fitbench's adapter (harness/alloc/alloc_mems.c) and by
 * the tests. Nothing here prints except mems_check, to the log it is given.
 */
#ifndef MEMS_INSPECT_H
#define MEMS_INSPECT_H

#include <stddef.h>
#include <stdio.h>

typedef struct mems_stats {
    size_t data_pages;       /* PAGE_SIZE units mapped for segments */
    size_t meta_pages;       /* PAGE_SIZE units mapped for the nodes */
    size_t mapped_bytes;     /* both, in bytes: everything held from the OS */
    size_t main_len;         /* main chain length (= mappings) */
    size_t process_segments; /* PROCESS segments and their bytes */
    size_t process_bytes;
    size_t holes;            /* HOLE segments, their bytes, the largest */
    size_t hole_bytes;
    size_t largest_hole;
} mems_stats;

/* Nonzero between mems_init and mems_finish. */
int mems_is_initialized(void);
/* Bytes mapped from the OS now: data and node pages (0 when not ready). */
size_t mems_footprint(void);
/* Fills st; -1 when MeMS is not initialised. */
int mems_get_stats(mems_stats *st);
/* Size of the PROCESS segment that starts at virtual address v, or 0 when
 * no PROCESS segment starts there. */
size_t mems_segment_size(const void *v);

/* Checks every invariant listed in mems_impl.h. Returns the number of
 * violations and writes one line for each to log (when log is not NULL).
 * Terminates even when links are corrupt. */
long mems_check(FILE *log);

/* Calls fn for every segment in virtual-address order: its offset from
 * MEMS_VIRTUAL_BASE (stable for a segment's whole life), its size, and 1
 * for PROCESS, 0 for HOLE. Stops at and returns fn's first nonzero. */
typedef int (*mems_seg_fn)(void *ctx, size_t offset, size_t size, int process);
int mems_walk(mems_seg_fn fn, void *ctx);

/* Checking mode, for tests: with on != 0 every search (first fit, the
 * segment of an address) also walks the chains as the seed does, and
 * each time the walk and the index disagree counts a mismatch, which
 * mems_check reports. Off by default; set it after mems_init (mems_init
 * and mems_finish clear it). */
void mems_set_search_check(int on);
long mems_search_mismatches(void);

/* Lowest and one-past-highest real address of the data mappings (NULL,
 * NULL when there are none). Mappings need not be contiguous; every
 * segment's real bytes lie inside this range. */
void mems_range(const void **lo, const void **hi);

#endif
