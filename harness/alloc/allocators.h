/*
 * allocators.h: the one interface every allocator the harness replays
 * against sits behind. An allocator is one file (harness/alloc/alloc_*.c)
 * that defines one const fb_allocator and one line in the list of
 * allocators.c (a fit policy of the core: one line in
 * allocator/policies.h, which alloc_fit.c turns into allocators).
 *
 * Where it sits: the replay engine (replay.c) drives these functions; it
 * never knows which allocator it holds.
 */
#ifndef FB_ALLOCATORS_H
#define FB_ALLOCATORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What the harness tells an allocator about the trace before creating a
 * heap, so that fixed-region allocators can size themselves. */
typedef struct fb_alloc_hint {
    size_t peak_payload; /* highest total live payload of the trace */
    size_t max_request;  /* largest single request */
    size_t num_ids;      /* blocks the trace names */
    /* Nonzero for the correctness pass's heap: keep whatever the
     * allocator's own heap check can use (the core's requested sizes).
     * Every other pass gets a heap with no bookkeeping of the harness's,
     * so that the timed passes time the allocator alone. */
    int for_check;
} fb_alloc_hint;

/* Free-block statistics, where the allocator can say. */
typedef struct fb_free_stats {
    size_t used_bytes;   /* bytes in allocated blocks, headers included */
    size_t free_bytes;   /* bytes in free blocks */
    size_t largest_free; /* largest free block */
    size_t free_blocks;  /* number of free blocks */
} fb_free_stats;

/* Heap map callback: block offset from the heap start, size, used flag. */
typedef int (*fb_block_fn)(void *ctx, size_t offset, size_t size, int used);

typedef struct fb_allocator {
    const char *name;    /* command-line name */
    const char *group;   /* "fit", "seed", "system", "baseline", or "user"
                            (named on the command line, user.h) */
    const char *summary; /* one line for `fitbench list` */
    size_t align;        /* alignment promised for every payload */
    /* Shared library the cell's process runs with preloaded (system
     * allocators), found in the multiarch library folders; NULL: none. */
    const char *preload;
    /* The Debian package it comes from (system allocators), whose version
     * meta.json records; NULL: built here. */
    const char *package;
    /* Nonzero when footprint() is too costly to call after every op; the
     * space pass then samples it at every new payload peak and every
     * ops/1000 ops. */
    int footprint_sampled;

    /* Nonzero when usable here (a system library that is installed). */
    int (*available)(void);
    /* Optional: NULL, or a sentence saying what is wrong with the settings
     * the allocator takes from the environment; the run stops before any
     * cell with it. */
    const char *(*config_error)(void);
    /* A fresh empty heap, or NULL (with errno) on failure. */
    void *(*create)(const fb_alloc_hint *hint);
    /* Releases the heap with everything in it, live blocks included;
     * a system allocator's (preload) cannot, and the harness frees its
     * live blocks first (fb_heap_discard). */
    void (*destroy)(void *heap);
    /* Back to empty for the next timed repetition (every block has been
     * freed), keeping the memory the heap holds mapped and resident, as
     * the classic driver's mem_reset_brk does. NULL: the harness destroys
     * and creates instead (an allocator that has given all its memory
     * back by itself once everything is freed). */
    void (*reset)(void *heap);

    void *(*malloc)(void *heap, size_t n);
    /* 0 on success; nonzero when the allocator rejects the pointer. */
    int (*free)(void *heap, void *p);
    void *(*realloc)(void *heap, void *p, size_t n);

    /* Bytes held from the OS now. */
    size_t (*footprint)(void *heap);

    /* Optional: NULL when the allocator cannot say. */
    /* Real address of a payload, for allocators whose malloc returns a
     * handle in their own address space (MeMS). */
    void *(*payload)(void *heap, void *p);
    /* The allocator's own heap check: number of violations, each logged. */
    long (*check)(void *heap, FILE *log);
    int (*free_stats)(void *heap, fb_free_stats *st);
    /* Walks blocks in address order; returns the first nonzero from fn. */
    int (*walk)(void *heap, fb_block_fn fn, void *ctx);
    /* Address range of the heap, for the payload-inside check. */
    void (*range)(void *heap, const void **lo, const void **hi);
    /* How footprint() knows (results.csv's footprint_method): NULL,
     * "exact", the bytes the heap holds from the OS. */
    const char *(*footprint_method)(void *heap);
} fb_allocator;

/* The footprint statistics fitbench knows in malloc libraries
 * (alloc_system.c): the symbol a library exports for it, the method's
 * name in results.csv, and the figure. NULL past the last. */
typedef struct fb_footprint_stat {
    const char *symbol, *method;
    size_t (*stat)(void);
} fb_footprint_stat;
const fb_footprint_stat *fb_footprint_stat_at(size_t i);

/* Where allocators that count their calls (the user's, alloc_user.c)
 * count them; the cell points it at memory its parent reads, so that a
 * crash or a hang can be placed at its op. Zeroed at every fresh heap. */
extern volatile uint64_t *fb_alloc_calls;

/* Full path of a system library file (e.g. "libjemalloc.so.2") in the
 * multiarch library folders, written to buf; NULL when it is not there.
 * A file named with a slash (a so: library) is taken as it is. */
const char *fb_system_library_path(const char *file, char *buf, size_t len);

/* The groups an allocator's `group` names, X(name, what), in list order;
 * `all` selects every allocator. */
#define FB_GROUPS(X)                                             \
    X(fit, "the fit policies of fitbench's allocator core")      \
    X(seed, "the teaching allocators fitbench reproduces")       \
    X(system, "the system allocators, preloaded from Debian")    \
    X(baseline, "the bump allocator: the harness's own cost")

/* The table of all allocators (allocators.c), in `fitbench list` order. */
size_t fb_allocator_count(void);
const fb_allocator *fb_allocator_at(size_t i);
const fb_allocator *fb_allocator_find(const char *name);
/* "fit, seed, system, baseline, all": for usage and messages. */
const char *fb_group_names(void);
/* Nonzero when word (an allocator's name, a group or "all") selects a. */
int fb_in_selection(const char *word, const fb_allocator *a);
/* Parses a comma-separated list of names and groups ("first,system")
 * into sel: each allocator once, the user's own first in the order given
 * ([NAME=]mm:PATH, [NAME=]so:PATH, registered by alloc_user.c), then the
 * others in list order, at most cap. 0, or -1
 * with a message in err (an unknown word; an empty list or an empty word
 * between commas: a run over no allocator is a mistake). */
int fb_select(const char *list, const fb_allocator **sel, size_t cap, size_t *nsel, char *err,
              size_t errlen);

#endif
