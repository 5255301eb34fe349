/*
 * addrset.h: a hash set of addresses (open addressing, linear probing,
 * backward-shift deletion, load at most 1/2), for the search aids of the
 * teaching allocators: pagefamily's data pages (pagefamily_index.c) and
 * its adapter's large mappings (harness/alloc/alloc_pagefamily.c), where
 * the designs walk a list to learn whether an address is one of theirs.
 * Header only, static inline; the table is mmap'd (the allocators here
 * take nothing from malloc). 0 is not a valid member.
 */
#ifndef FB_ADDRSET_H
#define FB_ADDRSET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

typedef struct fb_addrset {
    uintptr_t *tab; /* cap slots, 0 = empty */
    size_t cap, n;
} fb_addrset;

static inline size_t fb_addrset_slot(uintptr_t a, size_t cap) {
    unsigned long long x = (unsigned long long)(a >> 4) * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 20) & (cap - 1);
}

static inline void fb_addrset_put(uintptr_t *tab, size_t cap, uintptr_t a) {
    size_t i = fb_addrset_slot(a, cap);
    while (tab[i])
        i = (i + 1) & (cap - 1);
    tab[i] = a;
}

/* 0, or -1 when the table cannot grow (the set is then unchanged). */
static inline int fb_addrset_add(fb_addrset *s, uintptr_t a) {
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        void *mem = mmap(NULL, cap * sizeof(uintptr_t), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            return -1;
        uintptr_t *tab = mem;
        for (size_t i = 0; i < s->cap; i++)
            if (s->tab[i])
                fb_addrset_put(tab, cap, s->tab[i]);
        if (s->tab)
            munmap(s->tab, s->cap * sizeof(uintptr_t));
        s->tab = tab;
        s->cap = cap;
    }
    fb_addrset_put(s->tab, s->cap, a);
    s->n++;
    return 0;
}

static inline int fb_addrset_has(const fb_addrset *s, uintptr_t a) {
    if (!s->cap || !a)
        return 0;
    for (size_t i = fb_addrset_slot(a, s->cap); s->tab[i]; i = (i + 1) & (s->cap - 1))
        if (s->tab[i] == a)
            return 1;
    return 0;
}

static inline void fb_addrset_del(fb_addrset *s, uintptr_t a) {
    if (!s->cap || !a)
        return;
    size_t mask = s->cap - 1, i = fb_addrset_slot(a, s->cap);
    while (s->tab[i] != a) {
        if (!s->tab[i])
            return;
        i = (i + 1) & mask;
    }
    /* Later entries of the run move up into the hole when their home slot
     * is not between the hole and them, so every entry stays reachable. */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; s->tab[j]; j = (j + 1) & mask) {
        size_t home = fb_addrset_slot(s->tab[j], s->cap);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            s->tab[hole] = s->tab[j];
            hole = j;
        }
    }
    s->tab[hole] = 0;
    s->n--;
}

static inline void fb_addrset_free(fb_addrset *s) {
    if (s->tab)
        munmap(s->tab, s->cap * sizeof(uintptr_t));
    s->tab = NULL;
    s->cap = s->n = 0;
}

#endif
