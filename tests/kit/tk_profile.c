/*
 * tk_profile.c: what each allocator's adapter documents about itself that
 * the model test (tk_model.h) must respect: one line per teaching
 * allocator, and one default for the core's fit policies. Each flag
 * restates a sentence of the adapter's header comment in harness/alloc/alloc_*.c.
 */
#include "tk_model.h"

#include "mems.h"

#include <string.h>

/* The core's policies (alloc_fit.c): independent heaps that grow and
 * shrink with a break, footprint = bytes below the break = the range. */
static const tk_profile tk_fit_default = {"fit", TK_RANGE_IS_FOOTPRINT, 0};

static const tk_profile tk_profiles[] = {
    /* alloc_ostep.c: one mmap'd region sized from the hint, one heap at a
     * time, walk offsets from the region start. */
    {"ostep", TK_FIXED | TK_ONE_HEAP | TK_FOOTPRINT_PAGES | TK_RANGE_IS_FOOTPRINT, 0},
    /* alloc_dmm.c: the same discipline over one mmap'd arena. */
    {"dmm", TK_FIXED | TK_ONE_HEAP | TK_FOOTPRINT_PAGES | TK_RANGE_IS_FOOTPRINT, 0},
    /* alloc_mems.c: grows by mappings and never unmaps before destroy;
     * handles are MeMS virtual addresses, walk offsets are those minus
     * MEMS_VIRTUAL_BASE, contiguous in that space; range() is the real
     * mappings. */
    {"mems", TK_ONE_HEAP | TK_FOOTPRINT_PAGES, MEMS_VIRTUAL_BASE},
    /* alloc_pagefamily.c: pages per size class plus a mapping per large
     * request; walk skips page headers and the gaps between pages. */
    {"pagefamily", TK_ONE_HEAP | TK_FOOTPRINT_PAGES | TK_WALK_GAPS, 0},
    /* fit_segstore.c (through alloc_fit.c): the core's default, but the
     * walk leaves out each run's header and the bytes after its last slot. */
    {"segstore", TK_RANGE_IS_FOOTPRINT | TK_WALK_GAPS, 0},
};

const tk_profile *tk_profile_find(const fb_allocator *a) {
    if (!a)
        return NULL;
    for (size_t i = 0; i < sizeof tk_profiles / sizeof tk_profiles[0]; i++)
        if (strcmp(tk_profiles[i].name, a->name) == 0)
            return &tk_profiles[i];
    if (a->group && strcmp(a->group, "fit") == 0)
        return &tk_fit_default;
    return NULL;
}
