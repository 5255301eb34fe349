/*
 * mems_impl.h: MeMS internals shared by the allocator (mems.c) and its
 * inspection side (mems_inspect.c: checker, walk, statistics). Nothing
 * outside allocator/mems/ includes this file except MeMS's unit tests.
 *
 * Map of the types (the seed's "2-D free list"):
 *
 *   mems_g (the one global state)
 *     main chain:  main_head <-> mems_main <-> mems_main <-> ... main_tail
 *                  one node per mmap, in mapping order, so ascending in
 *                  MeMS virtual addresses
 *                      |
 *     sub-chain:       sub_head <-> mems_seg <-> mems_seg <-> ... sub_tail
 *                      the segments of that mapping, ascending, PROCESS
 *                      (handed out) or HOLE (free)
 *     node pool:   meta_pages -> mems_meta_page -> ...  pages from mmap
 *                  holding the nodes in 64-byte slots; free_slots chains
 *                  the unused ones
 *
 * Invariants (each one has a line in mems_check):
 *  - main nodes tile the virtual space: the first starts at
 *    MEMS_VIRTUAL_BASE, each next one where the previous ends, and
 *    next_vaddr is where the last one ends.
 *  - a mapping is pages * PAGE_SIZE bytes, pages >= 1.
 *  - the segments of a sub-chain tile their mapping exactly, in order;
 *    every segment has size > 0; nsegs counts them.
 *  - no two neighbouring segments are both HOLEs (free merges them).
 *  - data_pages, hole_bytes, process_bytes, main_len and seg_count equal
 *    what the chains hold.
 *  - every segment knows its main node and has one index node, keyed by
 *    its virtual address, valued by its size if it is a HOLE and 0 if not.
 *  - every slot of every pool page is either a live node or on free_slots:
 *    main_len + seg_count + free_count == meta_pages * MEMS_SLOTS_PER_PAGE.
 *
 * Nodes live outside the memory they describe (the seed keeps them in
 * mmap'd memory because MeMS may not use malloc); a HOLE holds no header,
 * so user bytes can never corrupt the free list.
 */
#ifndef MEMS_IMPL_H
#define MEMS_IMPL_H

#include "mems.h"

#include <stddef.h>
#include <stdint.h>

#include "../ordtree.h"

_Static_assert(PAGE_SIZE % 64 == 0 && PAGE_SIZE >= 256,
               "PAGE_SIZE must be a multiple of 64 and at least 256");
_Static_assert(MEMS_VIRTUAL_BASE > 0, "virtual address 0 would be NULL");

enum mems_seg_type { MEMS_HOLE = 0, MEMS_PROCESS = 1 };

/* A sub-chain node: one segment of a mapping. */
typedef struct mems_seg {
    struct mems_seg *prev, *next;
    uintptr_t vaddr; /* MeMS virtual address of the first byte */
    size_t size;     /* bytes, > 0 */
    int type;        /* enum mems_seg_type */
    struct mems_main *main; /* the mapping it belongs to */
    ot_node *ix;            /* its node in the search index */
} mems_seg;

/* A main-chain node: one mmap. */
typedef struct mems_main {
    struct mems_main *prev, *next;
    mems_seg *sub_head, *sub_tail;
    unsigned char *phys; /* what mmap returned */
    uintptr_t vaddr;     /* MeMS virtual address of phys[0] */
    size_t pages;        /* mapping length / PAGE_SIZE */
    size_t nsegs;        /* sub-chain length */
} mems_main;

/* A pool slot holds either kind of node, or a link while unused. */
typedef union mems_slot {
    mems_main main;
    mems_seg seg;
    union mems_slot *next_free;
} mems_slot;

#define MEMS_SLOT_BYTES 64
_Static_assert(sizeof(mems_slot) <= MEMS_SLOT_BYTES, "a node fits a slot");

/* The head of a pool page; slots follow it, one slot-size further. */
typedef struct mems_meta_page {
    struct mems_meta_page *next;
} mems_meta_page;
_Static_assert(sizeof(mems_meta_page) <= MEMS_SLOT_BYTES, "head fits a slot");

#define MEMS_SLOTS_PER_PAGE ((size_t)PAGE_SIZE / MEMS_SLOT_BYTES - 1)

typedef struct mems_state {
    int ready;
    mems_main *main_head, *main_tail;
    size_t main_len;
    size_t seg_count;     /* live sub-chain nodes, all mappings */
    size_t data_pages;    /* PAGE_SIZE units mapped for user data */
    size_t hole_bytes;    /* the seed's "space unused" */
    size_t process_bytes; /* bytes in PROCESS segments */
    uintptr_t next_vaddr; /* virtual address the next mapping gets */
    mems_meta_page *meta_pages;
    size_t meta_page_count;
    mems_slot *free_slots;
    size_t free_count;
    int last_error;
    /* The search index (ordtree.h): one node per segment, keyed by its
     * virtual address, valued by its size when it is a HOLE and 0 when it
     * is PROCESS. Virtual addresses ascend along the main chain and every
     * sub-chain, so the lowest HOLE of the index that is large enough is
     * the one the seed's walk finds first, and the segment holding an
     * address is the index's floor of it. Its nodes live in chunks of
     * their own (ix_chunks), apart from the seed's node pages: they are
     * fitbench's search aid, not MeMS's metadata, and not in the footprint. */
    ot_node *ix_root;
    ot_node *ix_free;
    size_t ix_free_count;
    void *ix_chunks;
    size_t ix_chunk_count;
    /* The real range of the data mappings, which only ever grows (MeMS
     * unmaps nothing before mems_finish): kept as mappings are made, so
     * mems_range need not walk the main chain. */
    const unsigned char *phys_lo, *phys_hi;
    /* Checking mode (mems_set_search_check): every search also walks the
     * chains as the seed does and counts where the two answers differ. */
    int search_check;
    long search_mismatches;
} mems_state;

extern mems_state mems_g;

static inline uintptr_t mems_main_end(const mems_main *m) {
    return m->vaddr + m->pages * (size_t)PAGE_SIZE;
}
static inline uintptr_t mems_seg_end(const mems_seg *s) { return s->vaddr + s->size; }

/* The main node whose virtual range holds v, or NULL (the index's answer;
 * the seed's walk in checking mode too). */
mems_main *mems_find_main(uintptr_t v);
/* The segment of m whose range holds v (m must hold v). */
mems_seg *mems_find_seg(mems_main *m, uintptr_t v);

#endif
