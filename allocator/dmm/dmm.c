/*
 * dmm.c: the dynamic memory manager of seed 003: my_kmalloc, my_kfree and
 * my_kcalloc over a fixed arena, one address-ordered doubly linked list of
 * blocks, first/best/worst fit, coalescing on free. Layout and invariants
 * are in dmm_impl.h.
 *
 * Kernel-clean: everything from outside comes through dmm_shim.h, so the
 * same file builds into a module. Printing happens in print_heap_stats
 * only.
 *
 * Where it sits: under dmm_demo and the harness adapter harness/alloc_dmm.c.
 *
 * First and worst fit find their block through an address-ordered index
 * of the free blocks (dmm_impl.h) instead of walking the list: the same
 * block in O(log free blocks). dmm_set_search_check keeps the walk beside
 * it to prove that.
 */
#include "dmm_impl.h"

struct dmm_state dmm_g = {.algo = ALGO_FIRST_FIT, .err = DMM_OK};

static void *dmm_fail(int err) {
    dmm_g.err = err;
    return NULL;
}

/* --- the search index ---------------------------------------------------- */

/* A free block's node; only while the pool lasts (it is sized so that it
 * does: free blocks are never neighbours and a block is at least a header
 * and a granule). */
static void dmm_ix_add(struct dmm_block *b) {
    if (!dmm_g.ix_on)
        return;
    ot_node *n = dmm_g.ix_free;
    if (n) {
        dmm_g.ix_free = n->l;
    } else if (dmm_g.ix_used < dmm_g.ix_cap) {
        n = &dmm_g.ix_pool[dmm_g.ix_used++];
    } else {
        dmm_g.ix_on = 0; /* cannot happen; the walk is always right */
        return;
    }
    n->key = (uintptr_t)b;
    n->val = b->size;
    n->item = b;
    dmm_g.ix_root = ot_insert(dmm_g.ix_root, n);
}

static void dmm_ix_drop(struct dmm_block *b) {
    if (!dmm_g.ix_on)
        return;
    ot_node *n;
    dmm_g.ix_root = ot_erase(dmm_g.ix_root, (uintptr_t)b, &n);
    if (n) {
        n->l = dmm_g.ix_free;
        dmm_g.ix_free = n;
    }
}

static void dmm_ix_resize(struct dmm_block *b) {
    if (dmm_g.ix_on)
        ot_set(dmm_g.ix_root, (uintptr_t)b, b->size);
}

void dmm_set_search_check(int on) {
    dmm_g.search_check = on != 0;
}

long dmm_search_mismatches(void) {
    return dmm_g.search_mismatches;
}

static void dmm_make_empty(void) {
    struct dmm_block *b = (struct dmm_block *)dmm_g.lo;
    b->size = dmm_heap_bytes() - DMM_HEADER;
    b->is_free = 1;
    b->prev = NULL;
    b->next = NULL;
    dmm_g.head = b;
    dmm_g.ix_root = NULL;
    dmm_g.ix_free = NULL;
    dmm_g.ix_used = 0;
    dmm_g.ix_on = dmm_g.ix_pool != NULL;
    dmm_ix_add(b);
}

int dmm_heap_init(void *pool, size_t size) {
    if (dmm_g.lo) {
        dmm_g.err = DMM_EBUSY;
        return -DMM_EBUSY;
    }
    uintptr_t start = (uintptr_t)pool;
    uintptr_t pad = (DMM_ALIGN - start % DMM_ALIGN) % DMM_ALIGN;
    if (!pool || size < pad || size - pad < DMM_HEADER + DMM_ALIGN) {
        dmm_g.err = DMM_EINVAL;
        return -DMM_EINVAL;
    }
    size_t bytes = (size - pad) / DMM_ALIGN * DMM_ALIGN;
    dmm_g.lo = (char *)pool + pad;
    dmm_g.hi = dmm_g.lo + bytes;
    dmm_g.ix_cap = bytes / (2 * (DMM_HEADER + DMM_ALIGN)) + 2;
    dmm_g.ix_pool_bytes = dmm_g.ix_cap * sizeof(ot_node);
    dmm_g.ix_pool = dmm_arena_get(dmm_g.ix_pool_bytes);
    dmm_make_empty();
    dmm_g.err = DMM_OK;
    return 0;
}

void dmm_heap_release(void) {
    if (dmm_g.ix_pool)
        dmm_arena_put(dmm_g.ix_pool, dmm_g.ix_pool_bytes);
    dmm_g.ix_pool = dmm_g.ix_root = dmm_g.ix_free = NULL;
    dmm_g.ix_on = 0;
    dmm_g.lo = dmm_g.hi = NULL;
    dmm_g.head = NULL;
    dmm_g.err = DMM_OK;
}

/* Emptying the heap in place must not leave the old headers behind: their
 * links still agree with each other, so a stale pointer would pass
 * dmm_find_live. Each is wiped, following the list only while it stays
 * inside the heap and moves forward. */
int dmm_heap_reset(void) {
    if (!dmm_g.lo) {
        dmm_g.err = DMM_ENOHEAP;
        return -DMM_ENOHEAP;
    }
    size_t bytes = dmm_heap_bytes();
    struct dmm_block *b = dmm_g.head;
    while (b) {
        struct dmm_block *next = b->next;
        memset(b, 0, sizeof *b);
        if (!next || dmm_off(next) <= dmm_off(b) ||
            dmm_off(next) > bytes - DMM_HEADER)
            break;
        b = next;
    }
    dmm_make_empty();
    dmm_g.err = DMM_OK;
    return 0;
}

int set_allocation_algorithm(dmm_algo algo) {
    if (algo != ALGO_FIRST_FIT && algo != ALGO_BEST_FIT &&
        algo != ALGO_WORST_FIT) {
        dmm_g.err = DMM_EINVAL;
        return -DMM_EINVAL;
    }
    dmm_g.algo = algo;
    dmm_g.err = DMM_OK;
    return 0;
}

dmm_algo dmm_get_algorithm(void) {
    return dmm_g.algo;
}

/* The free block the current algorithm picks for `need` bytes, or NULL:
 * the seed's walk. */
static struct dmm_block *dmm_walk_search(size_t need) {
    struct dmm_block *pick = NULL;
    for (struct dmm_block *b = dmm_g.head; b; b = b->next) {
        if (!b->is_free || b->size < need)
            continue;
        if (dmm_g.algo == ALGO_FIRST_FIT)
            return b;
        if (!pick || (dmm_g.algo == ALGO_BEST_FIT && b->size < pick->size) ||
            (dmm_g.algo == ALGO_WORST_FIT && b->size > pick->size))
            pick = b;
    }
    return pick;
}

/* The same block, through the index where the algorithm allows it. */
static struct dmm_block *dmm_search(size_t need) {
    if (!dmm_g.ix_on || dmm_g.algo == ALGO_BEST_FIT)
        return dmm_walk_search(need);
    ot_node *n = dmm_g.algo == ALGO_FIRST_FIT ? ot_first_fit(dmm_g.ix_root, need)
                                              : ot_first_max(dmm_g.ix_root);
    struct dmm_block *b = n && n->val >= need ? n->item : NULL;
    if (dmm_g.search_check && dmm_walk_search(need) != b)
        dmm_g.search_mismatches++;
    return b;
}

/* Cuts b down to `need` data bytes when the rest can be a block of its own
 * (a header and one granule); otherwise b keeps the slack. */
static void dmm_split(struct dmm_block *b, size_t need) {
    if (b->size - need < DMM_HEADER + DMM_ALIGN)
        return;
    struct dmm_block *rest = (struct dmm_block *)((char *)(b + 1) + need);
    rest->size = b->size - need - DMM_HEADER;
    rest->is_free = 1;
    rest->prev = b;
    rest->next = b->next;
    if (b->next)
        b->next->prev = rest;
    b->next = rest;
    b->size = need;
    dmm_ix_add(rest);
}

void *my_kmalloc(size_t size) {
    if (!dmm_g.lo)
        return dmm_fail(DMM_ENOHEAP);
    if (size == 0 || size > SIZE_MAX - (DMM_ALIGN - 1))
        return dmm_fail(DMM_EINVAL);
    size_t need = (size + DMM_ALIGN - 1) / DMM_ALIGN * DMM_ALIGN;
    struct dmm_block *b = dmm_search(need);
    if (!b)
        return dmm_fail(DMM_ENOMEM);
    dmm_ix_drop(b);
    dmm_split(b, need);
    b->is_free = 0;
    dmm_g.err = DMM_OK;
    return b + 1;
}

void *my_kcalloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size)
        return dmm_fail(DMM_EINVAL);
    void *p = my_kmalloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

/*
 * A freed pointer is trusted only once the header in front of it is tied
 * into the list from both sides: its neighbours' links must point back at
 * it, and its next block must start where its data ends. A stale,
 * interior or foreign pointer fails one of these (the links of real blocks
 * only ever point at real headers), and every address is range-checked
 * before it is read.
 */
struct dmm_block *dmm_find_live(const void *ptr) {
    if (!dmm_g.lo)
        return dmm_fail(DMM_ENOHEAP);
    size_t bytes = dmm_heap_bytes();
    uintptr_t off = dmm_off(ptr);
    if (off < DMM_HEADER || off >= bytes || off % DMM_ALIGN != 0)
        return dmm_fail(DMM_EBADPTR);
    struct dmm_block *b = (struct dmm_block *)((char *)ptr - DMM_HEADER);
    if (b->size > bytes - off)
        return dmm_fail(DMM_EBADPTR);
    uintptr_t end = off + b->size;

    if (!b->prev) {
        if (b != dmm_g.head)
            return dmm_fail(DMM_EBADPTR);
    } else {
        uintptr_t poff = dmm_off(b->prev);
        if (poff % DMM_ALIGN != 0 || poff + DMM_HEADER > off - DMM_HEADER ||
            b->prev->next != b || dmm_block_end(b->prev) != (char *)b)
            return dmm_fail(DMM_EBADPTR);
    }
    if (!b->next) {
        if (end != bytes)
            return dmm_fail(DMM_EBADPTR);
    } else {
        if (dmm_off(b->next) != end || bytes - end < DMM_HEADER ||
            b->next->prev != b)
            return dmm_fail(DMM_EBADPTR);
    }
    if (b->is_free)
        return dmm_fail(DMM_EDOUBLE);
    return b;
}

/* Absorbs b->next into b. The swallowed header is wiped, so that a stale
 * pointer to it fails dmm_find_live. */
static void dmm_absorb_next(struct dmm_block *b) {
    struct dmm_block *n = b->next;
    b->size += DMM_HEADER + n->size;
    b->next = n->next;
    if (n->next)
        n->next->prev = b;
    memset(n, 0, sizeof *n);
}

int my_kfree(void *ptr) {
    if (!ptr) {
        dmm_g.err = DMM_OK;
        return 0;
    }
    struct dmm_block *b = dmm_find_live(ptr);
    if (!b)
        return -dmm_g.err;
    b->is_free = 1;
    if (b->next && b->next->is_free) {
        dmm_ix_drop(b->next);
        dmm_absorb_next(b);
    }
    if (b->prev && b->prev->is_free) {
        b = b->prev;
        dmm_absorb_next(b);
        dmm_ix_resize(b);
    } else {
        dmm_ix_add(b);
    }
    dmm_g.err = DMM_OK;
    return 0;
}

void print_heap_stats(void) {
    DMM_PRINT("--- Heap Stats ---\n");
    if (!dmm_g.lo) {
        DMM_PRINT("(no heap: dmm_heap_init first)\n");
        return;
    }
    size_t limit = dmm_heap_bytes() / DMM_HEADER;
    size_t n = 0;
    for (const struct dmm_block *b = dmm_g.head; b; b = b->next) {
        if (++n > limit || dmm_off(b) > dmm_heap_bytes() - DMM_HEADER) {
            DMM_PRINT("(block list broken; stopping)\n");
            return;
        }
        DMM_PRINT("Block at: %p Size: %zu [%s]\n", (const void *)b, b->size,
                  b->is_free ? "FREE" : "USED");
    }
}

int dmm_last_error(void) {
    return dmm_g.err;
}

const char *dmm_strerror(int err) {
    if (err < 0)
        err = -err;
    switch (err) {
    case DMM_OK:
        return "no error";
    case DMM_EINVAL:
        return "invalid argument";
    case DMM_ENOMEM:
        return "no free block is large enough";
    case DMM_EBADPTR:
        return "not a block of this heap";
    case DMM_EDOUBLE:
        return "block already free";
    case DMM_ENOHEAP:
        return "no heap (dmm_heap_init not called)";
    case DMM_EBUSY:
        return "a heap is already active";
    default:
        return "unknown error";
    }
}
