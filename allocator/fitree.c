/*
 * fitree.c: the AVL tree of free blocks keyed by (size, address) that the
 * indexed fit policies keep (fitree.h says how a node is stored), and its
 * checker.
 *
 * Insert and remove descend from the root and rebalance on the way back
 * up (recursion depth is the tree's height, at most 63), so no parent
 * links are needed. Rebalancing is the textbook single and double
 * rotation on heights.
 */
#include "fitree.h"

#define FT_LOW ((uintptr_t)7)

static inline fa_block *ft_l(const fa_block *n) {
    return (fa_block *)((uintptr_t)n->next & ~FT_LOW);
}
static inline fa_block *ft_r(const fa_block *n) {
    return (fa_block *)((uintptr_t)n->prev & ~FT_LOW);
}
static inline unsigned ft_h(const fa_block *n) {
    return n ? (unsigned)(((uintptr_t)n->next & FT_LOW) | (((uintptr_t)n->prev & FT_LOW) << 3))
             : 0;
}
/* Writes n's children and height. */
static inline void ft_set(fa_block *n, fa_block *l, fa_block *r, unsigned height) {
    n->next = (fa_block *)((uintptr_t)l | (height & FT_LOW));
    n->prev = (fa_block *)((uintptr_t)r | ((height >> 3) & FT_LOW));
}
static inline void ft_fix(fa_block *n, fa_block *l, fa_block *r) {
    unsigned hl = ft_h(l), hr = ft_h(r);
    ft_set(n, l, r, 1 + (hl > hr ? hl : hr));
}

/* a before b in (size, address) order. */
static inline int ft_less(const fa_block *a, const fa_block *b) {
    size_t sa = fa_blk_size(a), sb = fa_blk_size(b);
    return sa < sb || (sa == sb && a < b);
}

/* n with children l and r, rebalanced: the new subtree root. */
static fa_block *ft_balance(fa_block *n, fa_block *l, fa_block *r) {
    unsigned hl = ft_h(l), hr = ft_h(r);
    if (hl > hr + 1) {
        fa_block *ll = ft_l(l), *lr = ft_r(l);
        if (ft_h(ll) >= ft_h(lr)) {
            ft_fix(n, lr, r);
            ft_fix(l, ll, n);
            return l;
        }
        fa_block *lrl = ft_l(lr), *lrr = ft_r(lr);
        ft_fix(l, ll, lrl);
        ft_fix(n, lrr, r);
        ft_fix(lr, l, n);
        return lr;
    }
    if (hr > hl + 1) {
        fa_block *rl = ft_l(r), *rr = ft_r(r);
        if (ft_h(rr) >= ft_h(rl)) {
            ft_fix(n, l, rl);
            ft_fix(r, n, rr);
            return r;
        }
        fa_block *rll = ft_l(rl), *rlr = ft_r(rl);
        ft_fix(r, rlr, rr);
        ft_fix(n, l, rll);
        ft_fix(rl, n, r);
        return rl;
    }
    /* Balanced: write n only when its children or height change (most
     * levels of an insert or remove, and a store is a dirtied line). */
    unsigned height = 1 + (hl > hr ? hl : hr);
    if (l != ft_l(n) || r != ft_r(n) || height != ft_h(n))
        ft_set(n, l, r, height);
    return n;
}

static fa_block *ft_ins(fa_block *n, fa_block *b) {
    if (!n) {
        ft_set(b, NULL, NULL, 1);
        return b;
    }
    if (ft_less(b, n))
        return ft_balance(n, ft_ins(ft_l(n), b), ft_r(n));
    return ft_balance(n, ft_l(n), ft_ins(ft_r(n), b));
}

void ft_insert(ft_tree *t, fa_block *b) { t->root = ft_ins(t->root, b); }

/* Takes the leftmost node of n out into *min; returns what is left. */
static fa_block *ft_del_min(fa_block *n, fa_block **min) {
    fa_block *l = ft_l(n);
    if (!l) {
        *min = n;
        return ft_r(n);
    }
    return ft_balance(n, ft_del_min(l, min), ft_r(n));
}

static fa_block *ft_del(fa_block *n, fa_block *b) {
    if (!n)
        return NULL; /* not in the tree: nothing to do */
    if (n == b) {
        fa_block *l = ft_l(n), *r = ft_r(n), *m;
        if (!l)
            return r;
        if (!r)
            return l;
        r = ft_del_min(r, &m);
        return ft_balance(m, l, r);
    }
    if (ft_less(b, n))
        return ft_balance(n, ft_del(ft_l(n), b), ft_r(n));
    return ft_balance(n, ft_l(n), ft_del(ft_r(n), b));
}

void ft_remove(ft_tree *t, fa_block *b) { t->root = ft_del(t->root, b); }

fa_block *ft_best(const ft_tree *t, size_t asize) {
    fa_block *best = NULL;
    for (fa_block *n = t->root; n;) {
        if (fa_blk_size(n) >= asize) {
            best = n;
            n = ft_l(n);
        } else {
            n = ft_r(n);
        }
    }
    return best;
}

fa_block *ft_best_except(const ft_tree *t, size_t asize, const fa_block *skip) {
    fa_block *b = ft_best(t, asize);
    if (!b || b != skip)
        return b;
    /* The successor of skip: the leftmost node after it in key order. */
    fa_block *next = NULL;
    for (fa_block *n = t->root; n;) {
        if (ft_less(skip, n)) {
            next = n;
            n = ft_l(n);
        } else {
            n = ft_r(n);
        }
    }
    return next;
}

int ft_contains(const ft_tree *t, const fa_block *b) {
    unsigned steps = 0; /* a sound tree is at most FT_MAX_HEIGHT deep */
    for (fa_block *n = t->root; n && steps++ < FT_MAX_HEIGHT; n = ft_less(b, n) ? ft_l(n) : ft_r(n))
        if (n == b)
            return 1;
    return 0;
}

/* ------------------------------------------------------------- index */

static inline void fx_mark(ft_index *x, size_t c, int on) {
    uint64_t bit = (uint64_t)1 << (c % 64);
    x->nonempty[c / 64] = on ? x->nonempty[c / 64] | bit : x->nonempty[c / 64] & ~bit;
}

/* First non-empty bin >= c, or FT_BINS. */
static size_t fx_next_bin(const ft_index *x, size_t c) {
    size_t w = c / 64;
    if (w >= FT_WORDS)
        return FT_BINS;
    uint64_t bits = x->nonempty[w] & (~(uint64_t)0 << (c % 64));
    while (!bits) {
        if (++w == FT_WORDS)
            return FT_BINS;
        bits = x->nonempty[w];
    }
    return w * 64 + (size_t)__builtin_ctzll(bits);
}

void fx_insert(ft_index *x, fa_block *b) {
    size_t c = ft_bin(fa_blk_size(b));
    ft_insert(&x->bin[c], b);
    fx_mark(x, c, 1);
}

void fx_remove(ft_index *x, fa_block *b) {
    size_t c = ft_bin(fa_blk_size(b));
    ft_remove(&x->bin[c], b);
    if (!x->bin[c].root)
        fx_mark(x, c, 0);
}

fa_block *fx_best(const ft_index *x, size_t asize) {
    size_t c = ft_bin(asize);
    fa_block *b = x->bin[c].root ? ft_best(&x->bin[c], asize) : NULL;
    if (b)
        return b;
    c = fx_next_bin(x, c + 1);
    return c < FT_BINS ? ft_best(&x->bin[c], 0) : NULL;
}

fa_block *fx_best_except(const ft_index *x, size_t asize, const fa_block *skip) {
    size_t c = ft_bin(asize);
    fa_block *b = x->bin[c].root ? ft_best_except(&x->bin[c], asize, skip) : NULL;
    while (!b) {
        c = fx_next_bin(x, c + 1);
        if (c >= FT_BINS)
            return NULL;
        b = ft_best_except(&x->bin[c], 0, skip);
    }
    return b;
}

int fx_contains(const ft_index *x, const fa_block *b) {
    return ft_contains(&x->bin[ft_bin(fa_blk_size(b))], b);
}

/* ------------------------------------------------------------ checker */

typedef struct {
    const fa_heap *h;
    const char *what;
    FILE *log;
    size_t size_lo, size_hi;
    long bad;
    size_t nodes, limit;
} ft_walk;

static size_t ft_off(const ft_walk *w, const fa_block *b) {
    return (size_t)((const char *)b - w->h->region);
}

/* Checks the subtree at n, whose keys must lie strictly between lo and
 * hi (NULL: unbounded); returns its real height (0 after a fatal
 * problem below, which is reported). */
static unsigned ft_walk_node(ft_walk *w, const fa_block *n, const fa_block *lo, const fa_block *hi,
                             unsigned depth) {
    if (!n)
        return 0;
    if (depth > FT_MAX_HEIGHT || ++w->nodes > w->limit) {
        fa_report(w->log, &w->bad, "%s: deeper or larger than the heap allows (a cycle?)", w->what);
        return 0;
    }
    if (!fa_in_heap(w->h, n) || (uintptr_t)n % FA_ALIGN != FA_PAD) {
        fa_report(w->log, &w->bad, "%s: link %p points outside the heap's blocks", w->what,
                  (const void *)n);
        return 0;
    }
    if (fa_blk_used(n))
        fa_report(w->log, &w->bad, "%s: block at offset %zu is in the tree but allocated", w->what,
                  ft_off(w, n));
    if (fa_blk_size(n) < w->size_lo || fa_blk_size(n) > w->size_hi)
        fa_report(w->log, &w->bad, "%s: block at offset %zu (size %zu) is in the wrong bin", w->what,
                  ft_off(w, n), fa_blk_size(n));
    if ((lo && !ft_less(lo, n)) || (hi && !ft_less(n, hi)))
        fa_report(w->log, &w->bad, "%s: block at offset %zu (size %zu) is out of (size, address) order",
                  w->what, ft_off(w, n), fa_blk_size(n));
    unsigned hl = ft_walk_node(w, ft_l(n), lo, n, depth + 1);
    unsigned hr = ft_walk_node(w, ft_r(n), n, hi, depth + 1);
    unsigned real = 1 + (hl > hr ? hl : hr);
    if (ft_h(n) != real)
        fa_report(w->log, &w->bad, "%s: block at offset %zu stores height %u, has %u", w->what,
                  ft_off(w, n), ft_h(n), real);
    if (hl > hr + 1 || hr > hl + 1)
        fa_report(w->log, &w->bad, "%s: block at offset %zu is out of balance (heights %u and %u)",
                  w->what, ft_off(w, n), hl, hr);
    return real;
}

long ft_check(const fa_heap *h, const ft_tree *t, size_t lo, size_t hi, const char *what, FILE *log,
              size_t *listed) {
    ft_walk w = {h, what, log, lo, hi, 0, 0, fa_heap_footprint(h) / FA_MIN_BLOCK + 1};
    ft_walk_node(&w, t->root, NULL, NULL, 1);
    *listed += w.nodes;
    return w.bad;
}

/* The smallest block size of bin c. */
static size_t fx_bin_low(size_t c) {
    if (c < FT_EXACT)
        return c * FA_ALIGN;
    size_t k = c - FT_EXACT, lg = FT_EXACT_LOG + (k >> FT_SUB_LOG);
    return ((size_t)1 << lg) + (k & ((1u << FT_SUB_LOG) - 1)) * ((size_t)1 << (lg - FT_SUB_LOG));
}

long fx_check(const fa_heap *h, const ft_index *x, const char *what, FILE *log, size_t *listed) {
    long bad = 0;
    for (size_t c = 0; c < FT_BINS; c++) {
        int bit = (int)((x->nonempty[c / 64] >> (c % 64)) & 1);
        if (bit != (x->bin[c].root != NULL))
            fa_report(log, &bad, "%s: bin %zu bitmap bit %d but its tree is %s", what, c, bit,
                      x->bin[c].root ? "non-empty" : "empty");
        if (x->bin[c].root) {
            size_t hi = c + 1 < FT_BINS ? fx_bin_low(c + 1) - 1 : SIZE_MAX;
            bad += ft_check(h, &x->bin[c], fx_bin_low(c), hi, what, log, listed);
        }
    }
    return bad;
}

long ft_check_every_free(const fa_heap *h, const ft_index *const *ix, int n, FILE *log) {
    long bad = 0;
    fa_block *end = fa_epilogue(h);
    for (fa_block *b = fa_first_block(h); b < end; b = fa_blk_next(b)) {
        size_t sz = fa_blk_size(b);
        if (sz < FA_MIN_BLOCK || sz > (size_t)((char *)end - (char *)b))
            break; /* fa_heap_check reports the broken tiling */
        if (fa_blk_used(b))
            continue;
        int in = 0;
        for (int i = 0; i < n; i++)
            in += fx_contains(ix[i], b);
        if (in != 1)
            fa_report(log, &bad, "free block at offset %zu (size %zu) is in %d of the indexes, not 1",
                      (size_t)((char *)b - h->region), sz, in);
    }
    return bad;
}
