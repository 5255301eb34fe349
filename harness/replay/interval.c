/*
 * interval.c: a treap of disjoint [start, end) ranges. Because the ranges
 * never overlap, the only candidate to overlap a new range [s, e) is the
 * live range with the greatest start below e.
 */
#include "interval.h"

#include "fbmem.h"

#define IV_NIL UINT32_MAX

typedef struct {
    uintptr_t start, end;
    uint32_t left, right, prio;
} iv_node;

struct iv_set {
    iv_node *n;
    size_t cap;
    uint32_t root;
    uint32_t seed;
};

iv_set *iv_create(size_t num_ids) {
    iv_set *s = fb_map(sizeof *s);
    if (!s)
        return NULL;
    s->cap = num_ids ? num_ids : 1;
    s->n = fb_map(s->cap * sizeof(iv_node));
    if (!s->n) {
        fb_unmap(s, sizeof *s);
        return NULL;
    }
    s->root = IV_NIL;
    s->seed = 2463534242u;
    return s;
}

void iv_destroy(iv_set *s) {
    if (!s)
        return;
    fb_unmap(s->n, s->cap * sizeof(iv_node));
    fb_unmap(s, sizeof *s);
}

uint32_t iv_overlap(const iv_set *s, uintptr_t start, uintptr_t end) {
    uint32_t best = IV_NIL;
    for (uint32_t t = s->root; t != IV_NIL;) {
        if (s->n[t].start < end) {
            best = t;
            t = s->n[t].right;
        } else {
            t = s->n[t].left;
        }
    }
    return best != IV_NIL && s->n[best].end > start ? best : IV_NIL;
}

static uint32_t iv_join(iv_set *s, uint32_t a, uint32_t b) {
    /* every key of a is below every key of b */
    if (a == IV_NIL)
        return b;
    if (b == IV_NIL)
        return a;
    if (s->n[a].prio > s->n[b].prio) {
        s->n[a].right = iv_join(s, s->n[a].right, b);
        return a;
    }
    s->n[b].left = iv_join(s, a, s->n[b].left);
    return b;
}

/* Splits t into keys < key (*lo) and >= key (*hi). */
static void iv_split(iv_set *s, uint32_t t, uintptr_t key, uint32_t *lo, uint32_t *hi) {
    if (t == IV_NIL) {
        *lo = *hi = IV_NIL;
    } else if (s->n[t].start < key) {
        iv_split(s, s->n[t].right, key, &s->n[t].right, hi);
        *lo = t;
    } else {
        iv_split(s, s->n[t].left, key, lo, &s->n[t].left);
        *hi = t;
    }
}

void iv_insert(iv_set *s, uint32_t id, uintptr_t start, uintptr_t end) {
    s->seed ^= s->seed << 13;
    s->seed ^= s->seed >> 17;
    s->seed ^= s->seed << 5;
    iv_node *x = &s->n[id];
    x->start = start;
    x->end = end;
    x->prio = s->seed;
    x->left = x->right = IV_NIL;
    uint32_t lo, hi;
    iv_split(s, s->root, start, &lo, &hi);
    s->root = iv_join(s, iv_join(s, lo, id), hi);
}

void iv_remove(iv_set *s, uint32_t id) {
    uintptr_t key = s->n[id].start;
    uint32_t *link = &s->root;
    while (*link != IV_NIL && *link != id)
        link = key < s->n[*link].start ? &s->n[*link].left : &s->n[*link].right;
    if (*link == id)
        *link = iv_join(s, s->n[id].left, s->n[id].right);
}
