/*
 * fit_buddy.c: the binary buddy system (Knowlton 1965; Knuth vol. 1,
 * 2.5).
 *
 * Every block is a power of two in size (header included, at least
 * FA_MIN_BLOCK) and sits at an offset from the heap start that is a
 * multiple of its size. A block of size 2^k at offset o has one buddy, at
 * offset o XOR 2^k; the two together were one block of 2^(k+1). malloc
 * rounds the request up to a power of two, takes a free block of that
 * order or splits a larger one in halves until it has one; free merges a
 * block with its buddy for as long as the buddy is free and whole.
 *
 * The heap itself is one buddy tree of size S = 2^n that doubles when it
 * runs out (the new upper half is the old heap's buddy) and halves when its
 * upper half is entirely free, so the footprint is S plus the pad and the
 * epilogue. malloc and free are O(log S); the cost is internal
 * fragmentation (up to half of every block) and the doubling of the heap.
 *
 * Blocks use the engine's header, footer and PREV_ALLOC conventions, so the
 * shared checker walks them; two free neighbours that are not buddies are
 * normal here, so the policy does not set FA_POL_COALESCE.
 */
#include "freelist.h"

#define BD_MIN_ORDER 5 /* 32 bytes = FA_MIN_BLOCK */
#define BD_ORDERS 63

_Static_assert(((size_t)1 << BD_MIN_ORDER) == FA_MIN_BLOCK, "smallest buddy is a minimum block");

typedef struct {
    size_t size; /* S: bytes in the buddy tree, 0 or a power of two */
    fa_block *head[BD_ORDERS];
} buddy_state;

static unsigned bd_order(size_t size) { return 63u - (unsigned)__builtin_clzll(size); }

static size_t bd_round(size_t asize) {
    return asize <= FA_MIN_BLOCK ? FA_MIN_BLOCK : (size_t)1 << (64 - __builtin_clzll(asize - 1));
}

static char *bd_base(fa_heap *h) { return (char *)fa_first_block(h); }

/* Largest tree the region can hold. */
static size_t bd_max_tree(fa_heap *h) {
    size_t room = (size_t)(h->region_end - bd_base(h)) - FA_WORD;
    return (size_t)1 << bd_order(room);
}

static void bd_init(fa_heap *h) { memset(h->pstate, 0, sizeof(buddy_state)); }

static void bd_push(fa_heap *h, fa_block *b, size_t size) {
    buddy_state *s = h->pstate;
    fa_blk_mark_free(b, size);
    fl_push(&s->head[bd_order(size)], b);
}

static void bd_unlink(fa_heap *h, fa_block *b) {
    buddy_state *s = h->pstate;
    fl_unlink(&s->head[bd_order(fa_blk_size(b))], b);
}

/* The free, whole buddy of block b of `size`, or NULL. */
static fa_block *bd_free_buddy(fa_heap *h, fa_block *b, size_t size) {
    buddy_state *s = h->pstate;
    size_t off = (size_t)((char *)b - bd_base(h));
    if (size >= s->size)
        return NULL;
    fa_block *bud = (fa_block *)(bd_base(h) + (off ^ size));
    return !fa_blk_used(bud) && fa_blk_size(bud) == size ? bud : NULL;
}

/* Doubles the tree: the new upper half is one free block. */
static int bd_double(fa_heap *h) {
    buddy_state *s = h->pstate;
    size_t add = s->size;
    if (add > ((size_t)1 << 61))
        return 0;
    fa_block *b = fa_brk_grow(h, add);
    if (!b)
        return 0;
    b->head &= FA_B_PREV_ALLOC;
    s->size += add;
    bd_push(h, b, add);
    return 1;
}

/* Gives back the upper half of the tree while it is one free block. */
static void bd_trim(fa_heap *h) {
    buddy_state *s = h->pstate;
    for (;;) {
        fa_block *first = fa_first_block(h);
        if (s->size && !fa_blk_used(first) && fa_blk_size(first) == s->size) {
            bd_unlink(h, first);
            s->size = 0;
            fa_brk_shrink(h, (char *)first + FA_WORD);
            return;
        }
        /* One block spanning the tree: there is no block at its middle. */
        if (s->size <= FA_MIN_BLOCK || fa_blk_size(first) >= s->size)
            return;
        fa_block *upper = (fa_block *)(bd_base(h) + s->size / 2);
        if (fa_blk_used(upper) || fa_blk_size(upper) != s->size / 2)
            return;
        bd_unlink(h, upper);
        s->size /= 2;
        fa_brk_shrink(h, (char *)upper + FA_WORD);
    }
}

/* Marks b (a block of `size`, off the lists) free, merges it with its
 * buddies, lists the result and trims the tree. */
static void bd_release(fa_heap *h, fa_block *b, size_t size) {
    fa_block *bud;
    while ((bud = bd_free_buddy(h, b, size)) != NULL) {
        bd_unlink(h, bud);
        if (bud < b)
            b = bud;
        size *= 2;
    }
    b->head &= FA_B_PREV_ALLOC;
    bd_push(h, b, size);
    bd_trim(h);
}

/* Splits b (size `size`, off the lists) down to `want`, listing the upper
 * halves, and marks the result used. */
static void bd_split_use(fa_heap *h, fa_block *b, size_t size, size_t want) {
    while (size > want) {
        size /= 2;
        fa_block *upper = (fa_block *)((char *)b + size);
        upper->head = 0;
        bd_push(h, upper, size);
    }
    fa_blk_mark_used(b, want);
}


static void *bd_malloc(fa_heap *h, size_t asize) {
    buddy_state *s = h->pstate;
    if (asize > ((size_t)1 << 61))
        return NULL;
    size_t want = bd_round(asize);
    if (want > bd_max_tree(h))
        return NULL; /* can never fit: grow nothing */
    for (;;) {
        for (unsigned k = bd_order(want); k < BD_ORDERS; k++) {
            fa_block *b = s->head[k];
            if (b) {
                fl_unlink(&s->head[k], b);
                bd_split_use(h, b, (size_t)1 << k, want);
                return fa_blk_payload(b);
            }
        }
        if (s->size == 0) {
            fa_block *b = fa_brk_grow(h, want);
            if (!b)
                return NULL;
            b->head &= FA_B_PREV_ALLOC;
            s->size = want;
            fa_blk_mark_used(b, want);
            return fa_blk_payload(b);
        }
        if (!bd_double(h)) {
            bd_trim(h); /* give back the halves added for this request */
            return NULL;
        }
    }
}

static void bd_free(fa_heap *h, fa_block *b) { bd_release(h, b, fa_blk_size(b)); }

/* Shrinks used block b to `want` in place, giving the upper halves back
 * one by one. */
static void bd_shrink(fa_heap *h, fa_block *b, size_t want) {
    size_t size = fa_blk_size(b);
    while (size > want) {
        size /= 2;
        fa_blk_mark_used(b, size);
        fa_block *upper = (fa_block *)((char *)b + size);
        upper->head = FA_B_PREV_ALLOC;
        bd_release(h, upper, size);
    }
}

/* Grows b in place to `want` when every buddy on the way up is free and
 * whole, doubling the tree when b is all of it. Returns 1 on success; on
 * failure b and the tree are as they were. */
static int bd_grow_in_place(fa_heap *h, fa_block *b, size_t want) {
    buddy_state *s = h->pstate;
    size_t off = (size_t)((char *)b - bd_base(h));
    size_t size = fa_blk_size(b);
    if (want > bd_max_tree(h))
        return 0;
    /* First make sure it can be done, so that a failure changes nothing. */
    for (size_t sz = size; sz < want; sz *= 2) {
        if (off % (2 * sz))
            return 0; /* b is an upper buddy: it cannot grow upwards */
        if (sz >= s->size)
            continue; /* the tree will double under it */
        fa_block *bud = (fa_block *)((char *)b + sz);
        if (fa_blk_used(bud) || fa_blk_size(bud) != sz)
            return 0;
    }
    for (size_t sz = size; sz < want; sz *= 2) {
        if (sz >= s->size && !bd_double(h)) {
            bd_shrink(h, b, size); /* undo, and the tree halves back */
            return 0;
        }
        bd_unlink(h, (fa_block *)((char *)b + sz));
        fa_blk_mark_used(b, 2 * sz);
    }
    return 1;
}

static void *bd_realloc(fa_heap *h, fa_block *b, size_t n) {
    size_t want = bd_round(fa_adjust(n)), size = fa_blk_size(b);
    if (want <= size) {
        bd_shrink(h, b, want);
        return fa_blk_payload(b);
    }
    if (want <= ((size_t)1 << 61) && bd_grow_in_place(h, b, want))
        return fa_blk_payload(b);
    void *np = bd_malloc(h, fa_adjust(n));
    if (!np)
        return NULL;
    memcpy(np, fa_blk_payload(b), size - FA_WORD);
    bd_free(h, b);
    return np;
}

/* Checks the tree's own rules: power-of-two sizes at aligned offsets, the
 * tree size, order lists, and no free block whose buddy is free and whole
 * (they should have merged). */
static int bd_listed_ok(const fa_heap *h, const fa_block *b, void *ctx) {
    (void)h;
    size_t sz = fa_blk_size(b); /* 0 when the header was overwritten */
    return sz && bd_order(sz) == *(unsigned *)ctx;
}

static long bd_check(fa_heap *h, FILE *log, size_t *listed) {
    buddy_state *s = h->pstate;
    long bad = 0;
    if (s->size & (s->size - 1))
        fa_report(log, &bad, "buddy: tree size %zu is not a power of two", s->size);
    if ((size_t)(h->brk - FA_WORD - bd_base(h)) != s->size)
        fa_report(log, &bad, "buddy: tree size %zu but the heap holds %zu bytes of blocks",
                  s->size, (size_t)(h->brk - FA_WORD - bd_base(h)));
    for (unsigned k = 0; k < BD_ORDERS; k++)
        if (s->head[k]) {
            if (k < BD_MIN_ORDER)
                fa_report(log, &bad, "buddy: list of order %u below the minimum", k);
            bad += fl_check(h, s->head[k], "buddy order list", log, listed, bd_listed_ok, &k);
        }
    size_t steps = 0, limit = s->size / FA_MIN_BLOCK + 1;
    for (fa_block *b = fa_first_block(h); b != fa_epilogue(h) && steps < limit;
         b = fa_blk_next(b), steps++) {
        size_t sz = fa_blk_size(b), off = (size_t)((char *)b - bd_base(h));
        if (sz == 0 || (sz & (sz - 1)) || sz < FA_MIN_BLOCK) {
            fa_report(log, &bad, "buddy: block at offset %zu has size %zu, not a power of two",
                      off, sz);
            break;
        }
        if (off % sz)
            fa_report(log, &bad, "buddy: block at offset %zu of size %zu is misaligned", off, sz);
        if (!fa_blk_used(b) && bd_free_buddy(h, b, sz))
            fa_report(log, &bad, "buddy: free block at offset %zu and its buddy were not merged",
                      off);
    }
    return bad;
}

const fa_policy fa_policy_buddy = {
    .name = "buddy",
    .summary = "binary buddy: power-of-two blocks, split in halves, buddies merged",
    .flags = 0,
    .state_size = sizeof(buddy_state),
    .init = bd_init,
    .check = bd_check,
    .malloc = bd_malloc,
    .free = bd_free,
    .realloc = bd_realloc,
};
