/*
 * heap_impl.h: the allocator core's internals, shared by the heap engine
 * (heap.c), the fit policies (fit_*.c) and the checker (check.c). Nothing
 * outside allocator/ includes this file except the core's unit tests.
 *
 * Map of the types:
 *
 *   fa_heap ---- pol ----> fa_policy      (one const table per fit_*.c)
 *      |  \---- pstate --> policy state   (free lists, bitmaps, rover...)
 *      |
 *      +-- region: [region, region_end) reserved with mmap(PROT_NONE)
 *            [region, committed)  read/write pages
 *            [region, brk)        the heap: footprint = brk - region
 *      +-- bitmap: one bit per 16-byte granule, set at each live payload
 *      +-- reqs:   requested size per granule (track_requests only)
 *
 * Heap layout (every address below is relative to region, which is page
 * aligned):
 *
 *   0        8                                      brk-8     brk
 *   | pad    | block | block | ... | block          | epilogue |
 *
 * - A block starts at an address = 8 (mod 16) so that its payload, 8 bytes
 *   further, is 16-byte aligned. Block sizes are multiples of 16, so blocks
 *   tile [region+8, brk-8) exactly.
 * - The block header is one size_t: the block size (header included) with
 *   two state bits in the low bits (see fa_block below).
 * - An allocated block has no footer: its payload runs to the end of the
 *   block. A free block repeats its size in its last word (the footer), so
 *   that the block after it can find it when coalescing. The block after a
 *   free block knows its predecessor is free from its own PREV_ALLOC bit.
 * - The epilogue is a header of size 0 marked allocated; it stops every
 *   forward walk and every forward coalesce.
 * - The heap never ends in a free block for the boundary-tag policies: a
 *   free block that reaches the epilogue is given back by lowering the break.
 *   (Buddy keeps its own discipline; see fit_buddy.c.)
 *
 * Minimum block: FA_MIN_BLOCK = 32 bytes (header 8, two links 16, footer 8),
 * i.e. a payload of 24 bytes costs 32 and of 1 byte costs 32.
 */
#ifndef FA_HEAP_IMPL_H
#define FA_HEAP_IMPL_H

#include "fitalloc.h"
#include "policies.h"

#include <stdint.h>
#include <string.h>

#define FA_WORD sizeof(size_t)
#define FA_MIN_BLOCK ((size_t)32)
#define FA_PAD 8 /* bytes before the first block */

/* Block state bits, in the low bits of the header. Never test them with
 * raw masks outside the accessors below. */
#define FA_B_ALLOC ((size_t)1)
#define FA_B_PREV_ALLOC ((size_t)2)
/* An aligned-payload stub (fa_memalign): not a block but one word just
 * before a payload handed out at an alignment above 16, inside a used
 * block. Its size field is the distance back to the block's payload. */
#define FA_B_STUB ((size_t)4)
/* A used block its policy subdivides into blocks of its own that have no
 * headers (segstore's runs): the checker and the walk hand its inside to
 * the policy's check_sub and walk_sub. */
#define FA_B_SUB ((size_t)8)
#define FA_B_FLAGS ((size_t)15)

/*
 * A block. Only `head` exists in every block; the links exist only while the
 * block is free, and belong to the policy that keeps the block on its lists.
 * The footer (free blocks only) is the last word of the block; it is reached
 * through fa_blk_footer(), never through this struct.
 */
typedef struct fa_block {
    size_t head;
    struct fa_block *next; /* free only */
    struct fa_block *prev; /* free only */
} fa_block;

_Static_assert(sizeof(size_t) == 8, "the block layout assumes 64-bit words");
_Static_assert(sizeof(fa_block) + FA_WORD <= FA_MIN_BLOCK,
               "a free block must hold its links and its footer");
_Static_assert(FA_MIN_BLOCK % FA_ALIGN == 0, "block sizes keep alignment");
_Static_assert(FA_PAD + FA_WORD == FA_ALIGN, "payloads start 16-aligned");

static inline size_t fa_blk_size(const fa_block *b) { return b->head & ~FA_B_FLAGS; }
static inline int fa_blk_used(const fa_block *b) { return (b->head & FA_B_ALLOC) != 0; }
static inline int fa_blk_prev_used(const fa_block *b) { return (b->head & FA_B_PREV_ALLOC) != 0; }
static inline int fa_blk_is_stub(const fa_block *b) { return (b->head & FA_B_STUB) != 0; }
static inline int fa_blk_is_sub(const fa_block *b) { return (b->head & FA_B_SUB) != 0; }
static inline void *fa_blk_payload(fa_block *b) { return (char *)b + FA_WORD; }
static inline fa_block *fa_blk_of(const void *payload) { return (fa_block *)((char *)payload - FA_WORD); }
static inline fa_block *fa_blk_next(fa_block *b) { return (fa_block *)((char *)b + fa_blk_size(b)); }
static inline size_t *fa_blk_footer(fa_block *b) {
    return (size_t *)((char *)b + fa_blk_size(b) - FA_WORD);
}
/* Only valid when !fa_blk_prev_used(b). */
static inline fa_block *fa_blk_prev(fa_block *b) {
    return (fa_block *)((char *)b - ((size_t *)b)[-1]);
}
static inline void fa_blk_set_prev_used(fa_block *b, int used) {
    b->head = used ? (b->head | FA_B_PREV_ALLOC) : (b->head & ~FA_B_PREV_ALLOC);
}
/* Writes a used block's header, keeping its PREV_ALLOC bit, and tells the
 * next block. */
static inline void fa_blk_mark_used(fa_block *b, size_t size) {
    b->head = size | FA_B_ALLOC | (b->head & FA_B_PREV_ALLOC);
    fa_blk_set_prev_used(fa_blk_next(b), 1);
}
/* Writes a free block's header and footer, keeping PREV_ALLOC, and tells the
 * next block. */
static inline void fa_blk_mark_free(fa_block *b, size_t size) {
    b->head = size | (b->head & FA_B_PREV_ALLOC);
    *fa_blk_footer(b) = size;
    fa_blk_set_prev_used(fa_blk_next(b), 0);
}

/* Policy flags. */
#define FA_POL_COALESCE 1u /* neighbours are merged on free: the checker
                              then flags two adjacent free blocks */
#define FA_POL_PAGETAB 2u  /* the engine keeps h->ptab for the policy */

/* The granule of h->ptab: one entry per FA_PTAB_BYTES of the region. */
#define FA_PTAB_SHIFT 12
#define FA_PTAB_BYTES ((size_t)1 << FA_PTAB_SHIFT)

/* Room for tlsf's state at the start of a policy state that layers its
 * own blocks over tlsf's (segstore); fit_tlsf.c checks that it is enough. */
#define FA_TLSF_STATE_BYTES ((size_t)8192)
#define FA_POL_HOLDS_TOP 4u /* the heap may end in one free block that the
                               policy holds back (its check says which);
                               otherwise that block would have been given
                               back by lowering the break */

/*
 * The table every fit policy exports. Contract:
 *  - init:   make the policy state (h->pstate, state_size bytes, zeroed by
 *            the engine) describe an empty heap. Called on create and reset.
 *  - find:   return a free block of size >= asize that is on the policy's
 *            lists, or NULL. Does not remove it. May update search state
 *            (next fit's rover).
 *  - insert: put a free block (header and footer already written) on the
 *            lists.
 *  - remove: take a listed free block off the lists.
 *  - check:  verify the policy's own invariants; return the number of
 *            violations, logging each through fa_report(); set *listed to
 *            the number of blocks on its lists. Must terminate even when
 *            links are corrupt.
 *  - malloc/free/realloc: NULL for the boundary-tag policies, which the
 *            engine drives with find/insert/remove. A policy with its own
 *            block discipline (buddy) supplies all three; they receive
 *            already-validated blocks and never touch the pointer bitmap.
 *            A boundary-tag policy that decides more than which free block
 *            to take (where in it, when to grow, how to realloc: tight)
 *            supplies them too and builds them from the engine's own
 *            operations, fa_bt_place/fa_bt_release/fa_bt_realloc below,
 *            which call back its insert and remove.
 *  - p_malloc/p_free/p_realloc/p_usable/p_classify: for a policy whose
 *            small blocks have no header (segstore), the engine never
 *            reads the word before a payload: it validates pointers with
 *            its bitmap as always, then hands these the payload itself and
 *            the request (p_malloc gets n, not the adjusted size, so that
 *            a headerless block need not hold a header's 8 bytes).
 *            p_classify is asked about a pointer that passed the bounds and
 *            alignment tests but is not live: FA_EDOUBLE or FA_EINTERIOR
 *            for the policy's own blocks, FA_OK for one in boundary-tag
 *            blocks, which the engine then classifies by their headers.
 *            The bitmap, the live count and the request table stay the
 *            engine's. NULL for every other policy.
 *  - check_sub/walk_sub: the inside of a used block marked FA_B_SUB. The
 *            checker's walk hands it to check_sub, which verifies it, adds
 *            its blocks to st (blocks, bytes, largest free, payload) and
 *            the live payloads in it to *live; the free blocks it counts
 *            must be among those the policy's check lists. fa_heap_walk
 *            hands it to walk_sub, which calls fn for each of the policy's
 *            blocks in it, in address order (what is no block, such as a
 *            header, may be left out).
 */
typedef struct fa_policy {
    const char *name;
    const char *summary;
    unsigned flags;
    size_t state_size;
    void (*init)(fa_heap *h);
    fa_block *(*find)(fa_heap *h, size_t asize);
    void (*insert)(fa_heap *h, fa_block *b);
    void (*remove)(fa_heap *h, fa_block *b);
    long (*check)(fa_heap *h, FILE *log, size_t *listed);
    void *(*malloc)(fa_heap *h, size_t asize);
    void (*free)(fa_heap *h, fa_block *b);
    void *(*realloc)(fa_heap *h, fa_block *b, size_t n);
    void *(*p_malloc)(fa_heap *h, size_t n);
    void (*p_free)(fa_heap *h, void *p);
    void *(*p_realloc)(fa_heap *h, void *p, size_t n);
    size_t (*p_usable)(fa_heap *h, const void *p);
    enum fa_error (*p_classify)(const fa_heap *h, const void *p);
    long (*check_sub)(fa_heap *h, fa_block *b, FILE *log, fa_stats *st, size_t *live);
    int (*walk_sub)(fa_heap *h, fa_block *b, fa_block_fn fn, void *ctx);
} fa_policy;

struct fa_heap {
    const fa_policy *pol;
    void *pstate;          /* the policy's state, state_size bytes */
    char *region;          /* reservation start, page aligned */
    char *region_end;
    char *committed;       /* end of the read/write pages */
    char *brk;             /* end of the heap */
    size_t peak;           /* footprint high-water mark */
    /* Trim hysteresis (fitalloc.h): calls since create/reset, the call
     * count at which the current decay period ends, and the highest break
     * of that period; pages above it (plus the threshold) were unused all
     * period long. */
    uint64_t clock, trim_due;
    char *period_top;
    size_t live;           /* bits set in the bitmap: live payloads */
    size_t page;
    fa_config cfg;
    uint8_t *bitmap;       /* live-payload bits, one per granule */
    size_t bitmap_bytes;
    size_t *reqs;          /* requested sizes (track_requests) */
    size_t reqs_bytes;
    uint32_t *ptab;        /* FA_POL_PAGETAB: one entry per FA_PTAB_BYTES of
                              the region, the policy's; zero on create and
                              after reset */
    size_t ptab_bytes;
    size_t ctl_bytes;      /* size of the mapping holding this struct */
};

/* --- engine services for the policies (heap.c) --- */

/* Largest request the core accepts; anything above returns ENOMEM before
 * any size arithmetic can wrap. */
#define FA_MAX_REQUEST (((size_t)1 << 62) - 1)

/* Block size for a request of n bytes (n <= FA_MAX_REQUEST). */
static inline size_t fa_adjust(size_t n) {
    size_t a = (n + FA_WORD + (FA_ALIGN - 1)) & ~(size_t)(FA_ALIGN - 1);
    return a < FA_MIN_BLOCK ? FA_MIN_BLOCK : a;
}

static inline fa_block *fa_first_block(const fa_heap *h) {
    return (fa_block *)(h->region + FA_PAD);
}
static inline fa_block *fa_epilogue(const fa_heap *h) {
    return (fa_block *)(h->brk - FA_WORD);
}
static inline int fa_in_heap(const fa_heap *h, const void *p) {
    return (const char *)p >= h->region + FA_PAD && (const char *)p < h->brk - FA_WORD;
}

/* Moves the break up by incr bytes (a multiple of 16), committing pages as
 * needed, and writes a new epilogue. Returns the old epilogue's address (the
 * start of the new space, its PREV_ALLOC bit preserved in the returned
 * header) or NULL when the region is exhausted. */
fa_block *fa_brk_grow(fa_heap *h, size_t incr);
/* Moves the break down to new_end. The new epilogue goes at new_end - 8,
 * where the caller's block header was, and keeps that header's PREV_ALLOC
 * bit. The pages above stay committed until the trim hysteresis
 * (fitalloc.h) gives them back; with no decay, at once. */
void fa_brk_shrink(fa_heap *h, char *new_end);

/* The boundary-tag operations, for a policy that layers its own blocks
 * over them (segstore's runs and large blocks): the payload of a used
 * block of at least asize, from the policy's find or the break (NULL when
 * the region is exhausted); block b (used, or just
 * stopped being used) merged with free neighbours and listed or given back
 * at the break; a used block's payload resized to n bytes, in place or
 * moved. */
void *fa_bt_alloc(fa_heap *h, size_t asize);
/* And for a policy that drives its own malloc around the engine's split
 * (tight): free block b, already off the lists, becomes a used block of
 * asize at its low end; the rest, when it can stand as a block, goes on
 * the lists (pol->insert). */
void fa_bt_place(fa_heap *h, fa_block *b, size_t asize);
void fa_bt_release(fa_heap *h, fa_block *b);
void *fa_bt_realloc(fa_heap *h, fa_block *b, size_t n);

/* Checker helper: counts and logs one violation. */
void fa_report(FILE *log, long *count, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The policy tables, one per line of policies.h. */
#define FA_POLICY_DECL(id, name) extern const fa_policy fa_policy_##id;
FA_POLICIES(FA_POLICY_DECL)
#undef FA_POLICY_DECL

#endif
