/*
 * fitalloc.h: the public interface of fitbench's allocator core.
 *
 * The core is one heap engine (heap.c) plus one file per fit policy
 * (fit_*.c) and a heap checker (check.c). A heap is an independent object:
 * many can live at once, none shares state with another. Memory comes from
 * the OS only through mmap/mprotect/madvise; libc malloc is never called and
 * nothing here prints.
 *
 * Where it sits: the harness (harness/) replays traces through these calls;
 * libfitmalloc (the LD_PRELOAD library) serves a real program through them.
 *
 * Errors: bad sizes give NULL with errno ENOMEM. Bad pointers (never handed
 * out, interior, already freed) are detected out of band before anything is
 * touched; fa_free returns a negative FA_E* code, fa_realloc returns NULL with
 * errno EINVAL, and the heap's error callback (if set) is told. The heap is
 * left exactly as it was. A live block whose header, or a neighbour's, has
 * been overwritten (an overflow of the block before it) is refused the same
 * way (FA_ECORRUPT) before any link or size read from it is followed; the
 * block is then kept as it is, never given back.
 */
#ifndef FITALLOC_H
#define FITALLOC_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_heap fa_heap;

/* Payload alignment guaranteed by every policy of the core. */
#define FA_ALIGN 16

/* Default address-space reservation of one heap (virtual; pages are
 * committed only as the break passes them). When the system refuses it
 * (a tight RLIMIT_AS, valgrind), a heap with region_bytes 0 tries a
 * quarter of the size, down to FA_MIN_DEFAULT_REGION. */
#define FA_DEFAULT_REGION ((size_t)64 << 30)
#define FA_MIN_DEFAULT_REGION ((size_t)256 << 20)
/* Giving memory back, with hysteresis. When the top of the heap becomes
 * free the break comes down at once (the footprint is exact at every op),
 * but the pages above it stay committed: they go back to the OS only once
 * they have lain above the break, unused, for a whole decay period of
 * trim_decay_ops calls (malloc, free, realloc), so between trim_decay_ops
 * and twice that after their last use; trim_threshold bytes above the
 * break are always kept. A heap that breathes around one size then pays no
 * page faults, and one that has shrunk for good still gives its memory
 * back. The defaults were chosen by measurement over the bundled suite
 * (README, "Giving memory back"). */
#define FA_DEFAULT_TRIM ((size_t)128 << 10)
#define FA_DEFAULT_TRIM_DECAY ((size_t)16 << 10)

/* Error codes (returned negated by fa_free and passed to the callback). */
enum fa_error {
    FA_OK = 0,
    FA_EFOREIGN = 1,  /* pointer outside anything this heap handed out */
    FA_EINTERIOR = 2, /* inside the heap but not the start of a block */
    FA_EDOUBLE = 3,   /* already freed: inside a free block, or in space
                         the heap held once and has given back */
    FA_EALIGN = 4,    /* not aligned like any payload of this heap */
    FA_ECORRUPT = 5   /* a live block whose header, or a neighbour's, was
                         overwritten (validate.h lists the checks) */
};

/* A sentence for an error code. */
const char *fa_strerror(enum fa_error e);

typedef void (*fa_error_fn)(void *ctx, enum fa_error err, const void *ptr,
                            const char *what);

typedef struct fa_config {
    size_t region_bytes;   /* address space to reserve; 0: FA_DEFAULT_REGION,
                              or less if the system refuses it */
    size_t trim_threshold; /* committed bytes above the break always kept */
    size_t trim_decay_ops; /* calls a page must lie unused above the break
                              before it goes back; 0: at once (with a
                              threshold of 0 too, every whole page is given
                              back as soon as the break passes below it) */
    int track_requests;    /* keep each block's requested size, for the
                              checker's internal-fragmentation figure */
    fa_error_fn on_error;  /* optional; called before an error return */
    void *error_ctx;
} fa_config;

/* Policies, by command-line name, in the order of policies.h, which
 * lists them; fa_policy_count/fa_policy_name enumerate them. */
size_t fa_policy_count(void);
const char *fa_policy_name(size_t i);
const char *fa_policy_summary(const char *name); /* NULL if unknown */

/* A fresh empty heap, or NULL (errno EINVAL for an unknown policy, ENOMEM
 * when the reservation fails). cfg may be NULL for defaults. */
fa_heap *fa_heap_create(const char *policy, const fa_config *cfg);
void fa_heap_destroy(fa_heap *h);
/* The configuration a NULL cfg gives: start from it to change one field. */
fa_config fa_config_default(void);
/* Reads a byte or call count as the FITBENCH_TRIM* variables give one:
 * digits, then optionally K, M or G (binary multiples). 0, or -1 when s
 * is not such a count or it overflows. Reads nothing but s. */
int fa_parse_count(const char *s, size_t *out);
/* Back to empty. The region stays reserved and every committed page, and
 * the side tables' pages, stay resident, so a timed repetition does not
 * pay for page faults again (as the classic driver's mem_reset_brk). */
void fa_heap_reset(fa_heap *h);
/* Gives back at once every committed page above the break beyond
 * trim_threshold, whatever the decay (as malloc_trim). */
void fa_heap_trim(fa_heap *h);
const char *fa_heap_policy(const fa_heap *h);

void *fa_malloc(fa_heap *h, size_t n);
void *fa_calloc(fa_heap *h, size_t count, size_t size);
/* A payload aligned to `align` (a power of two; EINVAL otherwise). Freed,
 * reallocated and sized like any other; realloc returns 16-aligned memory
 * as malloc does. */
void *fa_memalign(fa_heap *h, size_t align, size_t n);
void *fa_realloc(fa_heap *h, void *p, size_t n);
/* 0, or -FA_E* when p is not a live payload of h (nothing is changed). */
int fa_free(fa_heap *h, void *p);
/* Bytes usable at p (>= what was asked), or 0 if p is not a live payload. */
size_t fa_usable_size(fa_heap *h, const void *p);
/* Nonzero when p is the start of a live payload of h. */
int fa_owns(fa_heap *h, const void *p);

/* Bytes held from the OS for the heap: everything below the break. Exact at
 * every moment. fa_heap_peak is its high-water mark since create/reset. */
size_t fa_heap_footprint(const fa_heap *h);
size_t fa_heap_peak(const fa_heap *h);
/* Bytes of committed (read/write) pages: the footprint plus what the
 * hysteresis keeps above the break. What the heap costs in RSS at most. */
size_t fa_heap_committed(const fa_heap *h);
/* Out-of-band metadata (the pointer-validation bitmap, the request table)
 * in bytes of address space covering the footprint; not in the footprint. */
size_t fa_heap_meta_bytes(const fa_heap *h);
/* Start and end of the heap's address range (for payload-inside checks). */
void fa_heap_range(const fa_heap *h, const void **lo, const void **hi);

typedef struct fa_stats {
    size_t footprint;      /* bytes below the break */
    size_t used_blocks, used_bytes;   /* allocated blocks, incl. headers */
    size_t free_blocks, free_bytes;   /* free blocks, incl. headers */
    size_t largest_free;   /* largest free block, bytes */
    size_t overhead_bytes; /* heap bytes in no block: padding, sentinels */
    size_t payload_bytes;  /* sum of requested sizes (track_requests only) */
    size_t internal_frag;  /* used_bytes - payload_bytes (track_requests) */
} fa_stats;

/* Walks the whole heap and every free structure. Returns the number of
 * violations; writes one line per violation to log when log is non-NULL;
 * fills st when non-NULL. */
long fa_heap_check(fa_heap *h, FILE *log, fa_stats *st);

/* Calls fn for every block in address order (offset from the heap start,
 * block size, 1 if allocated). Stops early and returns fn's value if it is
 * nonzero. */
typedef int (*fa_block_fn)(void *ctx, size_t offset, size_t size, int used);
int fa_heap_walk(fa_heap *h, fa_block_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
