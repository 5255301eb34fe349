/*
 * ordtree.h: an address-ordered search index for the teaching allocators
 * (allocator/mems, allocator/dmm): a treap keyed by address whose nodes
 * also carry a value (a free block's size, 0 for a block that may not be
 * picked) and the largest value of their subtree. It answers in O(log n)
 * expected what those allocators' designs answer by walking a list:
 *   ot_first_fit  the lowest key whose value is >= need (first fit in
 *                 address order);
 *   ot_first_max  the lowest key among those with the largest value
 *                 (worst fit, first of equals);
 *   ot_floor      the node with the largest key <= k (which segment holds
 *                 an address).
 * The index decides nothing of its own: it returns exactly the node the
 * list walk would stop at, so the allocators' placement is unchanged.
 *
 * Header only, all static inline, and no #include: the includer must have
 * size_t and uintptr_t (dmm.c builds as kernel code, where they come from
 * linux/types.h through dmm_shim.h). Nodes belong to the caller (a pool
 * of its own); the tree only links them. Keys must be unique. The
 * priority of a node is a hash of its key, so the shape depends on the
 * keys only and a run is reproducible.
 */
#ifndef FB_ORDTREE_H
#define FB_ORDTREE_H

typedef struct ot_node {
    struct ot_node *l, *r;
    uintptr_t key;
    size_t val; /* the node's own value */
    size_t max; /* the largest val in this subtree */
    void *item; /* what the node indexes (the caller's) */
} ot_node;

static inline unsigned long long ot_pri(uintptr_t key) {
    unsigned long long x = (unsigned long long)key * 0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 32);
}

static inline void ot_fix(ot_node *n) {
    size_t m = n->val;
    if (n->l && n->l->max > m)
        m = n->l->max;
    if (n->r && n->r->max > m)
        m = n->r->max;
    n->max = m;
}

/* Splits t into keys < key (*lo) and keys >= key (*hi). */
static inline void ot_split(ot_node *t, uintptr_t key, ot_node **lo, ot_node **hi) {
    if (!t) {
        *lo = *hi = 0;
        return;
    }
    if (t->key < key) {
        ot_split(t->r, key, &t->r, hi);
        *lo = t;
    } else {
        ot_split(t->l, key, lo, &t->l);
        *hi = t;
    }
    ot_fix(t);
}

/* Joins two trees, every key of a below every key of b. */
static inline ot_node *ot_join(ot_node *a, ot_node *b) {
    if (!a)
        return b;
    if (!b)
        return a;
    if (ot_pri(a->key) > ot_pri(b->key)) {
        a->r = ot_join(a->r, b);
        ot_fix(a);
        return a;
    }
    b->l = ot_join(a, b->l);
    ot_fix(b);
    return b;
}

/* Links n (key, val, item set by the caller) into t; returns the root. */
static inline ot_node *ot_insert(ot_node *t, ot_node *n) {
    if (!t || ot_pri(n->key) > ot_pri(t->key)) {
        ot_split(t, n->key, &n->l, &n->r);
        ot_fix(n);
        return n;
    }
    if (n->key < t->key)
        t->l = ot_insert(t->l, n);
    else
        t->r = ot_insert(t->r, n);
    ot_fix(t);
    return t;
}

/* Unlinks the node with this key (*out, NULL when absent); returns the
 * root. */
static inline ot_node *ot_erase(ot_node *t, uintptr_t key, ot_node **out) {
    if (!t) {
        *out = 0;
        return 0;
    }
    if (t->key == key) {
        *out = t;
        return ot_join(t->l, t->r);
    }
    if (key < t->key)
        t->l = ot_erase(t->l, key, out);
    else
        t->r = ot_erase(t->r, key, out);
    ot_fix(t);
    return t;
}

/* Sets the value of the node with this key; 0 when there is none. */
static inline int ot_set(ot_node *t, uintptr_t key, size_t val) {
    if (!t)
        return 0;
    int found;
    if (t->key == key) {
        t->val = val;
        found = 1;
    } else {
        found = ot_set(key < t->key ? t->l : t->r, key, val);
    }
    ot_fix(t);
    return found;
}

/* The node of lowest key with val >= need, or NULL. */
static inline ot_node *ot_first_fit(ot_node *t, size_t need) {
    if (!t || t->max < need)
        return 0;
    for (;;) {
        if (t->l && t->l->max >= need)
            t = t->l;
        else if (t->val >= need)
            return t;
        else
            t = t->r; /* its max is >= need: ours is and the rest's is not */
    }
}

/* The node of lowest key among those of the largest val, or NULL. */
static inline ot_node *ot_first_max(ot_node *t) { return t ? ot_first_fit(t, t->max) : 0; }

/* The node of largest key <= key, or NULL. */
static inline ot_node *ot_floor(ot_node *t, uintptr_t key) {
    ot_node *best = 0;
    while (t) {
        if (t->key <= key) {
            best = t;
            t = t->r;
        } else {
            t = t->l;
        }
    }
    return best;
}

#endif
