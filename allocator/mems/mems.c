/*
 * mems.c: MeMS, the seed's memory management system: the node pool, the
 * two-level free list (main chain of mappings, sub-chains of PROCESS and
 * HOLE segments), mems_malloc / mems_free / mems_get and the one print
 * function, mems_print_stats. Types and invariants: mems_impl.h.
 *
 * Where it sits: called by user programs and by the harness adapter
 * (harness/alloc/alloc_mems.c); the checker and statistics are in mems_inspect.c.
 *
 * The decisions are the seed's: first fit over the main chain in mapping
 * order and, inside each node, over its sub-chain. fitbench finds that
 * segment, and the segment an address lies in, through an address-ordered
 * index (ordtree.h, described in mems_impl.h) instead of walking the
 * chains, so a search costs O(log segments) and picks the same HOLE. The
 * walks are kept: mems_set_search_check runs them beside the index and
 * counts any difference (mems_check reports it).
 */
#include "mems_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

mems_state mems_g;

static void *fail(int err) {
    mems_g.last_error = err;
    errno = (err == MEMS_E_NOMEM) ? ENOMEM : EINVAL;
    return NULL;
}

int mems_last_error(void) { return mems_g.last_error; }

const char *mems_strerror(int err) {
    switch (err) {
    case MEMS_OK: return "no error";
    case MEMS_E_NOT_INIT: return "MeMS is not initialised (call mems_init first)";
    case MEMS_E_ZERO_SIZE: return "a request of 0 bytes";
    case MEMS_E_NOMEM: return "mmap could not provide the memory";
    case MEMS_E_UNKNOWN: return "address outside every MeMS mapping";
    case MEMS_E_NOT_START: return "address inside a PROCESS segment, not its start";
    case MEMS_E_IN_HOLE: return "address inside a HOLE (already freed, or never given)";
    default: return "unknown MeMS error code";
    }
}

size_t mems_page_size(void) { return PAGE_SIZE; }

/* --- node pool ---------------------------------------------------------- */

/* --- index nodes ---------------------------------------------------------- */

#define MEMS_IX_CHUNK ((size_t)16 * 4096) /* bytes per chunk of index nodes */

/* A chunk starts with this link, then holds nodes. */
typedef struct ix_chunk {
    struct ix_chunk *next;
} ix_chunk;

static int ix_reserve(size_t n) {
    while (mems_g.ix_free_count < n) {
        void *mem = mmap(NULL, MEMS_IX_CHUNK, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            return -1;
        ix_chunk *c = mem;
        c->next = mems_g.ix_chunks;
        mems_g.ix_chunks = c;
        mems_g.ix_chunk_count++;
        ot_node *nodes = (ot_node *)((char *)mem + sizeof(ot_node));
        size_t count = MEMS_IX_CHUNK / sizeof(ot_node) - 1;
        for (size_t i = 0; i < count; i++) {
            nodes[i].l = mems_g.ix_free;
            mems_g.ix_free = &nodes[i];
        }
        mems_g.ix_free_count += count;
    }
    return 0;
}

static void ix_release_all(void) {
    for (ix_chunk *c = mems_g.ix_chunks, *next; c; c = next) {
        next = c->next;
        munmap(c, MEMS_IX_CHUNK);
    }
}

static size_t ix_value(const mems_seg *s) { return s->type == MEMS_HOLE ? s->size : 0; }

/* s joins the index (a node is reserved: pool_reserve). */
static void ix_add(mems_seg *s) {
    ot_node *n = mems_g.ix_free;
    mems_g.ix_free = n->l;
    mems_g.ix_free_count--;
    *n = (ot_node){.key = s->vaddr, .val = ix_value(s), .item = s};
    s->ix = n;
    mems_g.ix_root = ot_insert(mems_g.ix_root, n);
}

static void ix_drop(mems_seg *s) {
    ot_node *n;
    mems_g.ix_root = ot_erase(mems_g.ix_root, s->vaddr, &n);
    n->l = mems_g.ix_free;
    mems_g.ix_free = n;
    mems_g.ix_free_count++;
}

/* After s's size or type changed. */
static void ix_update(mems_seg *s) { ot_set(mems_g.ix_root, s->vaddr, ix_value(s)); }

void mems_set_search_check(int on) { mems_g.search_check = on != 0; }
long mems_search_mismatches(void) { return mems_g.search_mismatches; }

/* Makes sure n slots (and n index nodes) are free, mapping pool pages as
 * needed. Called before an operation changes anything, so that running
 * out of memory for nodes leaves the free list as it was. */
static int pool_reserve(size_t n) {
    if (ix_reserve(n) != 0)
        return -1;
    while (mems_g.free_count < n) {
        void *mem = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            return -1;
        mems_meta_page *pg = mem;
        pg->next = mems_g.meta_pages;
        mems_g.meta_pages = pg;
        mems_g.meta_page_count++;
        unsigned char *slots = (unsigned char *)mem + MEMS_SLOT_BYTES;
        for (size_t i = 0; i < MEMS_SLOTS_PER_PAGE; i++) {
            mems_slot *s = (mems_slot *)(slots + i * MEMS_SLOT_BYTES);
            s->next_free = mems_g.free_slots;
            mems_g.free_slots = s;
        }
        mems_g.free_count += MEMS_SLOTS_PER_PAGE;
    }
    return 0;
}

/* Only after pool_reserve has promised the slot. */
static mems_slot *slot_take(void) {
    mems_slot *s = mems_g.free_slots;
    mems_g.free_slots = s->next_free;
    mems_g.free_count--;
    memset(s, 0, sizeof *s);
    return s;
}

static void slot_give(void *node) {
    mems_slot *s = node;
    s->next_free = mems_g.free_slots;
    mems_g.free_slots = s;
    mems_g.free_count++;
}

/* --- sub-chain edits ---------------------------------------------------- */

static mems_seg *seg_new(int type, uintptr_t vaddr, size_t size) {
    mems_seg *s = &slot_take()->seg;
    s->type = type;
    s->vaddr = vaddr;
    s->size = size;
    mems_g.seg_count++;
    return s;
}

static void seg_insert_after(mems_main *m, mems_seg *at, mems_seg *s) {
    s->main = m;
    ix_add(s);
    s->prev = at;
    s->next = at ? at->next : m->sub_head;
    if (s->next)
        s->next->prev = s;
    else
        m->sub_tail = s;
    if (at)
        at->next = s;
    else
        m->sub_head = s;
    m->nsegs++;
}

static void seg_remove(mems_main *m, mems_seg *s) {
    if (s->prev)
        s->prev->next = s->next;
    else
        m->sub_head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else
        m->sub_tail = s->prev;
    m->nsegs--;
    mems_g.seg_count--;
    ix_drop(s);
    slot_give(s);
}

/* --- lookups ------------------------------------------------------------ */

/* The seed's walks, kept for the checking mode. */
static mems_main *walk_find_main(uintptr_t v) {
    for (mems_main *m = mems_g.main_head; m; m = m->next) {
        if (v < m->vaddr)
            return NULL; /* ascending: no later node can hold v */
        if (v < mems_main_end(m))
            return m;
    }
    return NULL;
}

static mems_seg *walk_find_seg(mems_main *m, uintptr_t v) {
    for (mems_seg *s = m->sub_head; s; s = s->next)
        if (v < mems_seg_end(s))
            return s;
    return NULL;
}

/* The segments tile [MEMS_VIRTUAL_BASE, next_vaddr), so the segment of
 * largest address <= v holds v. */
static mems_seg *ix_find_seg(uintptr_t v) {
    if (v < MEMS_VIRTUAL_BASE || v >= mems_g.next_vaddr)
        return NULL;
    ot_node *n = ot_floor(mems_g.ix_root, v);
    return n ? n->item : NULL;
}

mems_main *mems_find_main(uintptr_t v) {
    mems_seg *s = ix_find_seg(v);
    mems_main *m = s ? s->main : NULL;
    if (mems_g.search_check && walk_find_main(v) != m)
        mems_g.search_mismatches++;
    return m;
}

mems_seg *mems_find_seg(mems_main *m, uintptr_t v) {
    mems_seg *s = ix_find_seg(v);
    if (s && s->main != m)
        s = NULL;
    if (mems_g.search_check && walk_find_seg(m, v) != s)
        mems_g.search_mismatches++;
    return s;
}

/* The seed's first fit: the first HOLE of at least size bytes along the
 * main chain and its sub-chains, with its main node. */
static mems_seg *walk_first_fit(size_t size, mems_main **owner) {
    for (mems_main *m = mems_g.main_head; m; m = m->next) {
        for (mems_seg *s = m->sub_head; s; s = s->next) {
            if (s->type != MEMS_HOLE || s->size < size)
                continue;
            *owner = m;
            return s;
        }
    }
    return NULL;
}

/* --- the seed's API ----------------------------------------------------- */

void mems_init(void) {
    if (mems_g.ready)
        return;
    memset(&mems_g, 0, sizeof mems_g);
    mems_g.next_vaddr = MEMS_VIRTUAL_BASE;
    mems_g.ready = 1;
}

void mems_finish(void) {
    if (!mems_g.ready)
        return;
    /* Data first: the main nodes that say where it is live in pool pages. */
    for (mems_main *m = mems_g.main_head, *next; m; m = next) {
        next = m->next;
        munmap(m->phys, m->pages * (size_t)PAGE_SIZE);
    }
    for (mems_meta_page *pg = mems_g.meta_pages, *next; pg; pg = next) {
        next = pg->next;
        munmap(pg, PAGE_SIZE);
    }
    ix_release_all();
    memset(&mems_g, 0, sizeof mems_g);
}

/* Turns the start of HOLE h into a PROCESS segment of size bytes; what is
 * left stays a HOLE right after it (the seed's 1000 -> 600 + 400). */
static void *take_from_hole(mems_main *m, mems_seg *h, size_t size) {
    if (h->size > size) {
        mems_seg *rest = seg_new(MEMS_HOLE, h->vaddr + size, h->size - size);
        seg_insert_after(m, h, rest);
        h->size = size;
    }
    h->type = MEMS_PROCESS;
    ix_update(h);
    mems_g.hole_bytes -= size;
    mems_g.process_bytes += size;
    return (void *)h->vaddr;
}

/* No HOLE was large enough: one more mapping, a new main node at the end of
 * the chain, its first segment handed out. */
static void *map_new_node(size_t size) {
    if (size > SIZE_MAX - PAGE_SIZE)
        return fail(MEMS_E_NOMEM);
    size_t pages = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
    if (pages > SIZE_MAX / PAGE_SIZE)
        return fail(MEMS_E_NOMEM);
    size_t bytes = pages * (size_t)PAGE_SIZE;
    if (bytes > UINTPTR_MAX - mems_g.next_vaddr)
        return fail(MEMS_E_NOMEM); /* the virtual space itself is full */
    if (pool_reserve(3) != 0)
        return fail(MEMS_E_NOMEM);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return fail(MEMS_E_NOMEM);

    mems_main *m = &slot_take()->main;
    m->phys = mem;
    m->vaddr = mems_g.next_vaddr;
    m->pages = pages;
    m->prev = mems_g.main_tail;
    if (mems_g.main_tail)
        mems_g.main_tail->next = m;
    else
        mems_g.main_head = m;
    mems_g.main_tail = m;
    mems_g.main_len++;
    if (!mems_g.phys_lo || m->phys < mems_g.phys_lo)
        mems_g.phys_lo = m->phys;
    if (!mems_g.phys_hi || m->phys + bytes > mems_g.phys_hi)
        mems_g.phys_hi = m->phys + bytes;
    mems_g.next_vaddr += bytes;
    mems_g.data_pages += pages;

    /* The whole mapping starts as one HOLE, then the request is carved out
     * of it exactly as a reused HOLE would be. */
    mems_seg *h = seg_new(MEMS_HOLE, m->vaddr, bytes);
    seg_insert_after(m, NULL, h);
    mems_g.hole_bytes += bytes;
    return take_from_hole(m, h, size);
}

void *mems_malloc(size_t size) {
    if (!mems_g.ready)
        return fail(MEMS_E_NOT_INIT);
    if (size == 0)
        return fail(MEMS_E_ZERO_SIZE);
    ot_node *n = ot_first_fit(mems_g.ix_root, size);
    mems_seg *s = n ? n->item : NULL;
    if (mems_g.search_check) {
        mems_main *owner;
        if (walk_first_fit(size, &owner) != s)
            mems_g.search_mismatches++;
    }
    if (!s)
        return map_new_node(size);
    if (s->size > size && pool_reserve(1) != 0)
        return fail(MEMS_E_NOMEM);
    return take_from_hole(s->main, s, size);
}

int mems_free(void *ptr) {
    if (!ptr)
        return 0;
    if (!mems_g.ready) {
        fail(MEMS_E_NOT_INIT);
        return -1;
    }
    uintptr_t v = (uintptr_t)ptr;
    mems_main *m = mems_find_main(v);
    if (!m) {
        fail(MEMS_E_UNKNOWN);
        return -1;
    }
    mems_seg *s = mems_find_seg(m, v);
    if (s->type == MEMS_HOLE) {
        fail(MEMS_E_IN_HOLE);
        return -1;
    }
    if (s->vaddr != v) {
        fail(MEMS_E_NOT_START);
        return -1;
    }
    s->type = MEMS_HOLE;
    mems_g.process_bytes -= s->size;
    mems_g.hole_bytes += s->size;
    /* Merge with HOLE neighbours inside this mapping only: two mappings are
     * neighbours in MeMS's virtual space, not in memory. */
    if (s->next && s->next->type == MEMS_HOLE) {
        s->size += s->next->size;
        seg_remove(m, s->next);
    }
    if (s->prev && s->prev->type == MEMS_HOLE) {
        s = s->prev;
        s->size += s->next->size;
        seg_remove(m, s->next);
    }
    ix_update(s);
    return 0;
}

void *mems_get(void *v_ptr) {
    if (!mems_g.ready)
        return fail(MEMS_E_NOT_INIT);
    uintptr_t v = (uintptr_t)v_ptr;
    mems_main *m = mems_find_main(v);
    if (!m)
        return fail(MEMS_E_UNKNOWN);
    if (mems_find_seg(m, v)->type != MEMS_PROCESS)
        return fail(MEMS_E_IN_HOLE);
    return m->phys + (v - m->vaddr);
}

void mems_print_stats(void) {
    printf("----- MeMS stats -----\n");
    if (!mems_g.ready) {
        printf("MeMS is not initialised\n");
        return;
    }
    if (!mems_g.main_head)
        printf("(main chain empty)\n");
    for (const mems_main *m = mems_g.main_head; m; m = m->next) {
        printf("MAIN[%" PRIuPTR ":%" PRIuPTR "] %zu page%s at 0x%" PRIxPTR ":",
               m->vaddr, mems_main_end(m) - 1, m->pages, m->pages == 1 ? "" : "s",
               (uintptr_t)m->phys);
        for (const mems_seg *s = m->sub_head; s; s = s->next)
            printf(" %c[%" PRIuPTR ":%" PRIuPTR "] <->",
                   s->type == MEMS_PROCESS ? 'P' : 'H', s->vaddr, mems_seg_end(s) - 1);
        printf(" NULL\n");
    }
    printf("Pages used:         %zu\n", mems_g.data_pages);
    printf("Space unused:       %zu\n", mems_g.hole_bytes);
    printf("Main chain length:  %zu\n", mems_g.main_len);
    printf("Sub-chain lengths:  [");
    for (const mems_main *m = mems_g.main_head; m; m = m->next)
        printf("%zu%s", m->nsegs, m->next ? ", " : "");
    printf("]\n");
    printf("Metadata pages:     %zu\n", mems_g.meta_page_count);
    printf("----------------------\n");
}
