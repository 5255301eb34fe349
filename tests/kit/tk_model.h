/*
 * tk_model.h: the model-based random test of any allocator behind the
 * harness's fb_allocator vtable (harness/alloc/allocators.h), driven the way the
 * replay engine drives it. One implementation for every allocator: the
 * program alloc_model (ctest model.<name>) runs it for each allocator of
 * groups fit and seed, and allocator-specific tests (tests/mems,
 * tests/pagefamily) run it to reach the states their own checks need.
 *
 * A model keeps every live block's handle, size and fill pattern. Random
 * malloc/free/realloc keep the live payload under the hint's peak; payload
 * bytes (written through payload() when the allocator has one) are checked
 * intact until free, preserved across realloc, and swept periodically.
 * Also checked: non-NULL results (a NULL only where the profile allows it),
 * the promised alignment, payloads inside range() and overlapping no other,
 * check() == 0 every few ops, walk() ordered (and gapless where the
 * allocator promises it) with exactly one used block per live payload,
 * free_stats() agreeing with walk(), a plausible footprint, bad pointers
 * (foreign, interior, misaligned, region ends, double frees) rejected
 * without damage, impossible sizes refused without changing the heap,
 * exhaustion as a clean NULL for fixed-region allocators, reset when provided, and the create/destroy
 * discipline (one heap at a time, or independent heaps).
 */
#ifndef TK_MODEL_H
#define TK_MODEL_H

#include "allocators.h"

#include <stdint.h>

/* What an adapter documents about itself that the model must respect and
 * can hold it to. The facts come from the adapters' header comments. */
enum tk_profile_flag {
    /* One region mapped whole at create(), sized from the hint (about twice
     * the peak plus a little per id): a constant footprint equal to the
     * range, walk() tiling the whole range, a new heap is one free block,
     * and a NULL is fine when no free block can hold the request. */
    TK_FIXED = 1u << 0,
    /* Global state: a second create() before destroy() fails with EBUSY.
     * Without it, two heaps must live side by side, independent. */
    TK_ONE_HEAP = 1u << 1,
    /* walk() skips bytes that are in no block (page headers, the gaps
     * between pages); without it, each block starts where the last ended. */
    TK_WALK_GAPS = 1u << 2,
    /* footprint() counts whole pages mapped (not malloc-lab's sbrk bytes,
     * which the core's policies report). */
    TK_FOOTPRINT_PAGES = 1u << 3,
    /* range() spans exactly the footprint (one contiguous heap). */
    TK_RANGE_IS_FOOTPRINT = 1u << 4,
};

typedef struct tk_profile {
    const char *name;
    unsigned flags;
    /* For allocators with a payload() hook, whose handles are addresses in
     * their own space: the handle whose walk() offset is 0. 0 when walk
     * offsets cannot be related to handles (live payloads then are only
     * counted against used blocks, not placed in them). Allocators without
     * payload() give walk() offsets from the range()'s low end. */
    uintptr_t handle_origin;
} tk_profile;

/* The profile of an allocator: its own entry, or the default of group
 * "fit" (the core's policies: growable, many heaps, gapless walk). NULL
 * for allocators the model does not know how to hold to account. */
const tk_profile *tk_profile_find(const fb_allocator *a);

typedef struct tk_model_cfg {
    unsigned seed;
    size_t ops;
    size_t slots;       /* most blocks live at once; the hint's num_ids */
    size_t peak;        /* live payload stays at or under it; the hint's peak */
    size_t max_request; /* largest request; the hint's max_request */
    size_t check_every; /* check() and bad-pointer probes every that many ops */
    size_t sweep_every; /* bytes, footprint, walk and free_stats swept */
    /* Called once every block is freed, before anything else is done to
     * the heap: allocator-specific checks of the empty heap. May be NULL. */
    void (*at_empty)(const fb_allocator *a, void *heap);
} tk_model_cfg;

/* The configuration alloc_model uses, for a given seed. */
tk_model_cfg tk_model_defaults(unsigned seed);

typedef struct tk_model_result {
    size_t ops;           /* random operations done */
    size_t null_answers;  /* NULLs the profile allowed (fixed regions) */
    size_t peak_footprint;
} tk_model_result;

/* Runs the model on one fresh heap, from create() to destroy(). Failures
 * are counted and explained by the checks of check.h, each naming the
 * allocator and the op. */
tk_model_result tk_model_run(const fb_allocator *a, const tk_profile *prof,
                             const tk_model_cfg *cfg);

/* The create/destroy discipline: create(NULL) and an absurd hint both
 * give a working heap, and create/destroy cycles do not leak the one-heap
 * slot. */
void tk_model_lifecycle(const fb_allocator *a);

#endif
