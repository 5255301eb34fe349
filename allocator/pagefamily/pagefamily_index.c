/*
 * pagefamily_index.c: fitbench's search aids for the page-family manager,
 * declared in pagefamily_impl.h. The seed finds a pointer's page by
 * walking every family's page list and finds where a free block goes in a
 * priority list by walking that list; both walks grow with the heap. Here:
 *  - a hash set of the data pages' addresses (addrset.h), so mm_find_page
 *    is O(1);
 *  - per family, the last block of each block size on its priority list
 *    and a bitmap of the sizes present, so the place where prio_insert puts
 *    a block (after every block at least as large) is the last block of the
 *    smallest size present that is >= its own: a few word scans.
 * Both give exactly what the walks give, so no decision changes; the
 * checking mode (mm_set_search_check) runs the walks too and counts any
 * difference, which mm_check reports. The memory is mmap'd apart from the
 * manager's pages: it is not in the footprint, which counts the seed's
 * structure.
 */
#include "pagefamily_impl.h"
#include "pagefamily_inspect.h"

#include <string.h>
#include <sys/mman.h>

static void *ix_map(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* --- the page set (addrset.h) ---------------------------------------------- */

int mm_ix_page_add(const vm_page_t *pg) {
    mm_index *ix = &mm_g.ix;
    uintptr_t at = (uintptr_t)pg;
    if (mm_g.data_pages == 1) { /* the first page: the range is its own */
        ix->lo = at;
        ix->hi = at + mm_g.page_size;
        ix->range_stale = 0;
    } else {
        if (at < ix->lo)
            ix->lo = at;
        if (at + mm_g.page_size > ix->hi)
            ix->hi = at + mm_g.page_size;
    }
    if (!ix->off && fb_addrset_add(&ix->pages, at) != 0)
        ix->off = 1; /* the walks still answer */
    return 0;
}

void mm_ix_page_drop(const vm_page_t *pg) {
    mm_index *ix = &mm_g.ix;
    if ((uintptr_t)pg == ix->lo || (uintptr_t)pg + mm_g.page_size == ix->hi)
        ix->range_stale = 1;
    if (!ix->off)
        fb_addrset_del(&ix->pages, (uintptr_t)pg);
}

/* 1 when the set answers (then *pg is the page or NULL), 0 when it is off. */
int mm_ix_page_find(uintptr_t base, vm_page_t **pg) {
    const mm_index *ix = &mm_g.ix;
    if (ix->off)
        return 0;
    *pg = fb_addrset_has(&ix->pages, base) ? (vm_page_t *)base : NULL;
    return 1;
}

/* --- per family: the last block of each size on the priority list -------- */

static size_t ix_classes(void) { return mm_max_request() / MM_ALIGN + 1; }

static size_t ix_fam_bytes(void) {
    size_t words = (ix_classes() + 63) / 64;
    return sizeof(mm_fam_index) + ix_classes() * sizeof(block_meta_data_t *) +
           words * sizeof(uint64_t);
}

/* fam's tails, made on first use; NULL when they cannot be (then the
 * walks answer). */
static mm_fam_index *ix_fam(const vm_page_family_t *fam) {
    mm_index *ix = &mm_g.ix;
    for (mm_fam_index *f = ix->fams; f; f = f->next)
        if (f->fam == fam)
            return f;
    if (ix->off)
        return NULL;
    mm_fam_index *f = ix_map(ix_fam_bytes());
    if (!f) {
        ix->off = 1;
        return NULL;
    }
    f->fam = fam;
    f->tail = (block_meta_data_t **)(f + 1);
    f->bits = (uint64_t *)(f->tail + ix_classes());
    f->next = ix->fams;
    ix->fams = f;
    return f;
}

/* The seed's walk: the last block at least as large as b. */
static block_meta_data_t *walk_insert_point(const vm_page_family_t *fam,
                                            const block_meta_data_t *b) {
    block_meta_data_t *prev = NULL;
    for (block_meta_data_t *cur = fam->prio_head; cur && cur->block_size >= b->block_size;
         cur = cur->prio_next)
        prev = cur;
    return prev;
}

/* The last block of the smallest size present that is >= c's. */
static block_meta_data_t *ix_insert_point(const mm_fam_index *f, size_t c) {
    size_t words = (ix_classes() + 63) / 64;
    size_t w = c / 64;
    uint64_t m = f->bits[w] & (~(uint64_t)0 << (c % 64));
    while (!m) {
        if (++w == words)
            return NULL;
        m = f->bits[w];
    }
    return f->tail[w * 64 + (size_t)__builtin_ctzll(m)];
}

block_meta_data_t *mm_ix_prio_place(vm_page_family_t *fam, block_meta_data_t *b) {
    mm_fam_index *f = mm_g.ix.off ? NULL : ix_fam(fam);
    if (!f)
        return walk_insert_point(fam, b);
    size_t c = b->block_size / MM_ALIGN;
    block_meta_data_t *prev = ix_insert_point(f, c);
    if (mm_g.ix.check && walk_insert_point(fam, b) != prev)
        mm_g.ix.mismatches++;
    f->tail[c] = b;
    f->bits[c / 64] |= (uint64_t)1 << (c % 64);
    return prev;
}

void mm_ix_prio_unplace(vm_page_family_t *fam, block_meta_data_t *b) {
    mm_fam_index *f = mm_g.ix.off ? NULL : ix_fam(fam);
    if (!f)
        return;
    size_t c = b->block_size / MM_ALIGN;
    if (f->tail[c] != b)
        return;
    if (b->prio_prev && b->prio_prev->block_size == b->block_size) {
        f->tail[c] = b->prio_prev;
    } else {
        f->tail[c] = NULL;
        f->bits[c / 64] &= ~((uint64_t)1 << (c % 64));
    }
}

int mm_ix_tail_is(const vm_page_family_t *fam, const block_meta_data_t *b) {
    if (mm_g.ix.off)
        return 1;
    const mm_fam_index *f = NULL;
    for (const mm_fam_index *g = mm_g.ix.fams; g && !f; g = g->next)
        if (g->fam == fam)
            f = g;
    size_t c = b->block_size / MM_ALIGN;
    return f && c < ix_classes() && f->tail[c] == b && (f->bits[c / 64] >> (c % 64) & 1);
}

void mm_ix_release(void) {
    mm_index *ix = &mm_g.ix;
    fb_addrset_free(&ix->pages);
    for (mm_fam_index *f = ix->fams, *next; f; f = next) {
        next = f->next;
        munmap(f, ix_fam_bytes());
    }
    memset(ix, 0, sizeof *ix);
}

void mm_set_search_check(int on) { mm_g.ix.check = on != 0; }
long mm_search_mismatches(void) { return mm_g.ix.mismatches; }
