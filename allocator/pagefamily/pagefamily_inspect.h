/*
 * pagefamily_inspect.h: looking into the page-family manager without
 * changing it: the heap checker, usage figures, a block walk per page, and
 * the pages' address range. Not part of the seed's API; used by fitbench's
 * adapter (harness/alloc/alloc_pagefamily.c) and by the tests. Nothing here
 * prints except mm_check, to the log it is given.
 */
#ifndef PAGEFAMILY_INSPECT_H
#define PAGEFAMILY_INSPECT_H

#include <stddef.h>
#include <stdio.h>

typedef struct mm_usage {
    size_t families;
    size_t data_pages;   /* VM pages of all families */
    size_t family_pages; /* pages holding family records */
    size_t mapped_bytes; /* both, in bytes: everything held from the OS */
    size_t used_blocks, used_bytes; /* allocated blocks, metadata included */
    size_t app_bytes;               /* their data bytes */
    size_t free_blocks, free_bytes; /* free blocks, metadata included */
    size_t largest_free;            /* largest free block, metadata included */
} mm_usage;

int mm_is_initialized(void);
size_t mm_page_size(void); /* 0 before mm_init */
/* Bytes mapped from the OS now (0 when not initialised). */
size_t mm_bytes_mapped(void);
/* Fills u; -1 when not initialised. */
int mm_get_usage(mm_usage *u);
/* Data bytes of the live block whose data starts at p (at least what was
 * asked for), or 0 when p is not one. Validated like xfree; changes
 * nothing, not even mm_last_error. */
size_t mm_block_data_size(const void *app_data);

/* Checks every invariant listed in pagefamily_impl.h. Returns the number
 * of violations and writes one line for each to log (when not NULL).
 * Terminates even when links are corrupt. */
long mm_check(FILE *log);

/* Checking mode, for tests: with on != 0 every page lookup and every
 * priority-list insertion also walks as the seed does, and each time the
 * walk and the search index (pagefamily_index.c) disagree counts a
 * mismatch, which mm_check reports. Off by default; set it after mm_init
 * (mm_init and mm_shutdown clear it). */
void mm_set_search_check(int on);
long mm_search_mismatches(void);

/* Data pages in address order: the lowest one above `after` (NULL: the
 * lowest of all), or NULL when there is none. */
const void *mm_next_page_after(const void *after);
/* Every data page, in no particular order: writes the first cap of them
 * to pages and returns how many there are (one walk, where a loop over
 * mm_next_page_after makes as many walks as there are pages). */
size_t mm_list_pages(const void **pages, size_t cap);
/* Calls fn for every block of a data page, in address order: offset of its
 * metadata from the page start, metadata + data bytes, 1 if allocated.
 * Stops at and returns fn's first nonzero; -1 if page is not a data page. */
typedef int (*mm_block_fn)(void *ctx, size_t offset, size_t size, int used);
int mm_walk_page(const void *page, mm_block_fn fn, void *ctx);
/* Lowest and one-past-highest address of the data pages (NULL, NULL when
 * there are none). */
void mm_data_range(const void **lo, const void **hi);

#endif
