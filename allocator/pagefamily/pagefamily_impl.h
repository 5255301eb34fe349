/*
 * pagefamily_impl.h: the page-family manager's data structures (the
 * seed's MM.h), shared by pagefamily.c (allocation, free, pages),
 * pagefamily_print.c (the seed's print functions) and pagefamily_inspect.c
 * (checker, walk, usage). Nothing outside allocator/pagefamily/ includes it
 * except the manager's unit tests.
 *
 * Map of the types:
 *
 *   mm_g.families -> vm_page_for_families_t -> vm_page_for_families_t ...
 *                      (pages of family records, newest first)
 *                      vm_page_family[0..count)
 *                         |  first_page -> vm_page_t <-> vm_page_t <-> ...
 *                         |                 (one mmap'd page each)
 *                         |  prio_head -> free block -> free block ...
 *                         |                 (largest first)
 *
 *   A vm_page_t, one system page, page-aligned:
 *
 *   0          32                 80
 *   | next prev | block_meta_data | data ... | meta | data ... | meta | ...
 *   | family    | (first block)   |          |      |          |      |
 *
 *   Every block is a block_meta_data_t followed by block_size data bytes;
 *   the blocks of a page tile it from offset 32 to the page's end, linked
 *   in address order by prev_block/next_block. The priority-list links
 *   (prio_prev/prio_next) mean something only while the block is free.
 *
 * Invariants (each one has a line in mm_check):
 *  - every page is page-aligned, on exactly one family's list, and its
 *    pg_family says which; the list's prev links mirror its next links.
 *  - the blocks of a page tile [32, page size) exactly: the first at
 *    offset 32, each next one at offset + sizeof(meta) + block_size; each
 *    block's offset is what it says; prev_block mirrors next_block.
 *  - block_size is a multiple of MM_ALIGN, so metadata and data stay
 *    16-aligned.
 *  - no two neighbouring blocks are both free (free merges them).
 *  - no page is one single free block (such a page goes back to the
 *    kernel).
 *  - a family's priority list holds exactly its free blocks, in order of
 *    non-increasing block_size, with consistent prio_prev links.
 *  - names are unique, NUL-terminated and non-empty; struct sizes are in
 *    (0, max request].
 *  - mm_g.data_pages and each family's page_count equal what the lists
 *    hold.
 *  - the search aids agree (while on): the page set holds data_pages
 *    pages, and the last block of each size on a priority list is the one
 *    noted for it.
 */
#ifndef PAGEFAMILY_IMPL_H
#define PAGEFAMILY_IMPL_H

#include "pagefamily.h"

#include <stddef.h>
#include <stdint.h>

#include "../addrset.h"

#define MM_ALIGN 16

typedef enum { MM_FALSE = 0, MM_TRUE = 1 } vm_bool_t;

typedef struct block_meta_data_ {
    vm_bool_t is_free;
    uint32_t block_size; /* data bytes after this header */
    uint32_t offset;     /* of this header from its page's start */
    uint32_t reserved;
    struct block_meta_data_ *prev_block, *next_block; /* same page, address order */
    struct block_meta_data_ *prio_prev, *prio_next;   /* free only: priority list */
} block_meta_data_t;

typedef struct vm_page_ {
    struct vm_page_ *next, *prev;
    struct vm_page_family_ *pg_family;
    uint64_t reserved;
    block_meta_data_t block_meta_data; /* the page's first block */
    char page_memory[];                /* the first block's data */
} vm_page_t;

struct vm_page_family_ {
    char struct_name[MM_MAX_STRUCT_NAME];
    uint32_t struct_size;
    uint32_t page_count;
    vm_page_t *first_page;
    block_meta_data_t *prio_head; /* free blocks, largest first */
};

typedef struct vm_page_for_families_ {
    struct vm_page_for_families_ *next;
    uint64_t count; /* records in use on this page */
    vm_page_family_t vm_page_family[];
} vm_page_for_families_t;

_Static_assert(sizeof(block_meta_data_t) % MM_ALIGN == 0, "metadata keeps data aligned");
_Static_assert(offsetof(vm_page_t, block_meta_data) % MM_ALIGN == 0, "first block aligned");
_Static_assert(offsetof(vm_page_t, page_memory) ==
                   offsetof(vm_page_t, block_meta_data) + sizeof(block_meta_data_t),
               "the first block's data follows its metadata");

#define MM_META ((size_t)sizeof(block_meta_data_t))
#define MM_FIRST_OFFSET ((size_t)offsetof(vm_page_t, block_meta_data))

/* The search aids of pagefamily_index.c (not the seed's; not in the
 * footprint). */
typedef struct mm_fam_index {
    struct mm_fam_index *next;
    const vm_page_family_t *fam;
    block_meta_data_t **tail; /* per block_size / MM_ALIGN: its last block on
                                 the priority list, or NULL */
    uint64_t *bits;           /* per block_size / MM_ALIGN: tail != NULL */
} mm_fam_index;

typedef struct mm_index {
    fb_addrset pages; /* the data pages' addresses */
    mm_fam_index *fams;
    uintptr_t lo, hi; /* the data pages' range, when range_stale is 0 */
    int range_stale;  /* the lowest or highest page went: walk once more */
    int off;        /* an mmap failed: the walks answer from then on */
    int check;      /* checking mode: the walks also run, differences count */
    long mismatches;
} mm_index;

typedef struct mm_state {
    int ready;
    size_t page_size;
    vm_page_for_families_t *families; /* newest record page first */
    size_t family_pages;
    size_t data_pages;
    int last_error;
    mm_index ix;
} mm_state;

extern mm_state mm_g;

static inline char *mm_block_data(block_meta_data_t *b) { return (char *)b + MM_META; }
static inline vm_page_t *mm_block_page(block_meta_data_t *b) {
    return (vm_page_t *)((char *)b - b->offset);
}
static inline size_t mm_families_per_page(void) {
    return (mm_g.page_size - offsetof(vm_page_for_families_t, vm_page_family)) /
           sizeof(vm_page_family_t);
}

/* Visits every family in the order the print functions show them. */
#define MM_FOR_EACH_FAMILY(fam)                                                     \
    for (vm_page_for_families_t *mm_fp_ = mm_g.families; mm_fp_; mm_fp_ = mm_fp_->next) \
        for (vm_page_family_t *fam = mm_fp_->vm_page_family;                          \
             fam < mm_fp_->vm_page_family + mm_fp_->count; fam++)

/* The data page that holds p, found by comparing against the manager's own
 * pages (p is never dereferenced), or NULL. */
vm_page_t *mm_find_page(const void *p);

/* pagefamily_index.c. The page set: mm_ix_page_add / _drop as data pages
 * come and go; mm_ix_page_find returns 0 when the set cannot answer (then
 * walk), else 1 with *pg the page at base or NULL. The priority lists:
 * mm_ix_prio_place returns the block after which b goes (NULL: at the
 * head), exactly where the seed's walk would put it, and notes b there;
 * mm_ix_prio_unplace forgets b before it leaves its list. mm_data_range
 * keeps the pages' range in mm_g.ix and walks only when the lowest or the
 * highest page has gone since. */
int mm_ix_page_add(const vm_page_t *pg);
void mm_ix_page_drop(const vm_page_t *pg);
int mm_ix_page_find(uintptr_t base, vm_page_t **pg);
block_meta_data_t *mm_ix_prio_place(vm_page_family_t *fam, block_meta_data_t *b);
void mm_ix_prio_unplace(vm_page_family_t *fam, block_meta_data_t *b);
void mm_ix_release(void);
/* For mm_check: whether b is noted as the last of its size (1 when the
 * index is off). */
int mm_ix_tail_is(const vm_page_family_t *fam, const block_meta_data_t *b);

#endif
