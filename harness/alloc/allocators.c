/*
 * allocators.c: the table of every allocator the harness knows, in the
 * order `fitbench list` shows them, and the names of the groups.
 */
#include "allocators.h"

#include <string.h>

extern const fb_allocator fb_alloc_first, fb_alloc_first_ao, fb_alloc_next, fb_alloc_best,
    fb_alloc_worst, fb_alloc_segfit, fb_alloc_tlsf, fb_alloc_buddy;
extern const fb_allocator fb_alloc_mems, fb_alloc_pagefamily, fb_alloc_ostep, fb_alloc_dmm;
extern const fb_allocator fb_alloc_libc, fb_alloc_jemalloc, fb_alloc_tcmalloc, fb_alloc_mimalloc;
extern const fb_allocator fb_alloc_bump;

static const fb_allocator *const fb_table[] = {
    &fb_alloc_first,  &fb_alloc_first_ao, &fb_alloc_next,     &fb_alloc_best,
    &fb_alloc_worst,  &fb_alloc_segfit,   &fb_alloc_tlsf,     &fb_alloc_buddy,
    &fb_alloc_mems,   &fb_alloc_pagefamily, &fb_alloc_ostep,  &fb_alloc_dmm,
    &fb_alloc_libc,   &fb_alloc_jemalloc, &fb_alloc_tcmalloc, &fb_alloc_mimalloc,
    &fb_alloc_bump,
};

size_t fb_allocator_count(void) { return sizeof fb_table / sizeof fb_table[0]; }

const fb_allocator *fb_allocator_at(size_t i) {
    return i < fb_allocator_count() ? fb_table[i] : NULL;
}

const fb_allocator *fb_allocator_find(const char *name) {
    for (size_t i = 0; i < fb_allocator_count(); i++)
        if (strcmp(fb_table[i]->name, name) == 0)
            return fb_table[i];
    return NULL;
}
