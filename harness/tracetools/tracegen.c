/*
 * tracegen.c: the trace generators (interface and promises in tracegen.h).
 *
 * Every kind drives the same small machine, tg_ctx: it hands out ids
 * (reusing freed ones, most recent first), keeps the live blocks in an
 * array with O(1) removal, and keeps the op budget honest. A step that
 * allocates costs two ops of budget (the allocation and its eventual
 * free), a realloc one, a free none (its op was already reserved), so a
 * kind's loop stops while the budget can still free everything, and
 * tg_drain frees what is left in random order.
 */
#include "tracegen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TG_DEFAULT_OPS 100000

typedef struct tg_ctx {
    uint64_t s[4]; /* xoshiro256** state */
    const tg_opts *o;

    rw_op *ops;
    size_t n, cap, limit;

    uint32_t *live_id;   /* live blocks, in no particular order */
    uint64_t *live_size;
    size_t nlive, live_cap, size_cap;
    uint32_t *pos;       /* per id: index in live_id, if live */
    size_t pos_cap;
    uint32_t *spare;     /* freed ids, most recent last */
    size_t nspare, spare_cap;
    uint32_t next_id;
    int oom;
} tg_ctx;

/* ---- randomness ---------------------------------------------------------- */

static uint64_t tg_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t tg_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t tg_next(tg_ctx *c)
{
    uint64_t *s = c->s;
    uint64_t result = tg_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = tg_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n), without modulo bias. n > 0. */
static uint64_t tg_below(tg_ctx *c, uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do {
        r = tg_next(c);
    } while (r >= limit);
    return r % n;
}

/* Uniform in (0, 1): never 0, so its log is finite. */
static double tg_unit(tg_ctx *c)
{
    return ((double)(tg_next(c) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static int tg_chance(tg_ctx *c, unsigned percent)
{
    return tg_below(c, 100) < percent;
}

/* A request size from the chosen distribution, within [min, max]. */
static uint64_t tg_size(tg_ctx *c)
{
    const tg_opts *o = c->o;
    uint64_t lo = o->min, hi = o->max;
    if (hi <= lo)
        return lo;
    double v;
    switch (o->dist) {
    case TG_EXP: /* shifted exponential with the given mean */
        for (int tries = 0; tries < 64; tries++) {
            v = (double)lo - (o->mean - (double)lo) * tg_ln(tg_unit(c));
            if (v <= (double)hi)
                return (uint64_t)v;
        }
        return hi;
    case TG_POWER: /* Pareto: P(size > x) = (min/x)^alpha */
        for (int tries = 0; tries < 64; tries++) {
            v = (double)lo * tg_exp(-tg_ln(tg_unit(c)) / o->alpha);
            if (v <= (double)hi)
                return (uint64_t)v;
        }
        return hi;
    default:
        return lo + tg_below(c, hi - lo + 1);
    }
}

/* ---- the op machine ------------------------------------------------------ */

static void tg_emit(tg_ctx *c, char kind, uint32_t id, uint64_t size)
{
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 4096;
        rw_op *no = realloc(c->ops, ncap * sizeof *no);
        if (!no) {
            c->oom = 1;
            return;
        }
        c->ops = no;
        c->cap = ncap;
    }
    c->ops[c->n++] = (rw_op){.size = size, .id = id, .kind = kind};
}

/* Room for a step that costs `cost` ops on top of freeing all that is
 * live now. */
static int tg_room(const tg_ctx *c, size_t cost)
{
    return !c->oom && c->n + c->nlive + cost <= c->limit;
}

static int tg_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 1024;
    while (ncap < need)
        ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

/* Allocates; returns the id, or UINT32_MAX when memory ran out. */
static uint32_t tg_alloc(tg_ctx *c, uint64_t size)
{
    uint32_t id;
    if (tg_grow((void **)&c->live_id, &c->live_cap, c->nlive + 1,
                sizeof *c->live_id) != 0 ||
        tg_grow((void **)&c->live_size, &c->size_cap, c->nlive + 1,
                sizeof *c->live_size) != 0) {
        c->oom = 1;
        return UINT32_MAX;
    }
    if (c->nspare > 0) {
        id = c->spare[--c->nspare];
    } else {
        if (tg_grow((void **)&c->pos, &c->pos_cap, (size_t)c->next_id + 1,
                    sizeof *c->pos) != 0) {
            c->oom = 1;
            return UINT32_MAX;
        }
        id = c->next_id++;
    }
    c->pos[id] = (uint32_t)c->nlive;
    c->live_id[c->nlive] = id;
    c->live_size[c->nlive] = size;
    c->nlive++;
    tg_emit(c, 'a', id, size);
    return id;
}

static void tg_free_at(tg_ctx *c, size_t idx)
{
    uint32_t id = c->live_id[idx];
    size_t last = --c->nlive;
    c->live_id[idx] = c->live_id[last];
    c->live_size[idx] = c->live_size[last];
    c->pos[c->live_id[idx]] = (uint32_t)idx;
    if (tg_grow((void **)&c->spare, &c->spare_cap, c->nspare + 1,
                sizeof *c->spare) != 0) {
        c->oom = 1;
        return;
    }
    c->spare[c->nspare++] = id;
    tg_emit(c, 'f', id, 0);
}

static void tg_free_id(tg_ctx *c, uint32_t id)
{
    tg_free_at(c, c->pos[id]);
}

static void tg_realloc_id(tg_ctx *c, uint32_t id, uint64_t size)
{
    c->live_size[c->pos[id]] = size;
    tg_emit(c, 'r', id, size);
}

static uint64_t tg_size_of(const tg_ctx *c, uint32_t id)
{
    return c->live_size[c->pos[id]];
}

static void tg_drain(tg_ctx *c)
{
    while (c->nlive > 0 && !c->oom)
        tg_free_at(c, (size_t)tg_below(c, c->nlive));
}

/* ---- the kinds ----------------------------------------------------------- */

/* Random sizes, random frees, live count wandering around a target. */
static void tg_random(tg_ctx *c)
{
    size_t target = c->o->live;
    for (;;) {
        int alloc = c->nlive == 0 ||
                    tg_chance(c, c->nlive < target ? 60 : 40);
        if (alloc) {
            if (!tg_room(c, 2))
                break;
            tg_alloc(c, tg_size(c));
        } else {
            tg_free_at(c, (size_t)tg_below(c, c->nlive));
        }
        if (c->oom)
            break;
    }
}

/* Small and large blocks alternate; the large ones are freed, leaving
 * holes that the next, slightly larger requests cannot use: a fit that
 * does not coalesce or place well grows the heap by all of them. */
static void tg_binary(tg_ctx *c)
{
    uint64_t small = c->o->min, large = c->o->max;
    size_t pairs = c->o->live;
    uint32_t *larges = malloc(pairs * sizeof *larges);
    if (!larges) {
        c->oom = 1;
        return;
    }
    while (!c->oom) {
        size_t k = pairs;
        size_t left = c->limit - c->n;
        if (left < 6 * k)
            k = left / 6; /* a last, shorter round */
        if (k == 0)
            break;
        uint64_t js = small / 8 + 1, jl = large / 8 + 1;
        for (size_t i = 0; i < k; i++) {
            tg_alloc(c, small + tg_below(c, js));
            larges[i] = tg_alloc(c, large + tg_below(c, jl));
        }
        for (size_t i = 0; i < k && !c->oom; i++)
            tg_free_id(c, larges[i]);
        for (size_t i = 0; i < k && !c->oom; i++)
            larges[i] = tg_alloc(c, large + small + tg_below(c, jl));
        tg_drain(c);
    }
    free(larges);
}

/* Groups of neighbours are allocated, freed, and asked for again as one
 * block of their summed size, which fits where they were only if the
 * allocator merged them. A few long-lived fences keep the groups away from
 * the top of the heap, where growing would hide a missing merge. */
static void tg_coalesce(tg_ctx *c)
{
    size_t fences_max = c->o->live;
    uint32_t group[4];
    while (!c->oom) {
        if (c->nlive < fences_max && tg_chance(c, 20)) {
            if (!tg_room(c, 2))
                break;
            tg_alloc(c, c->o->min);
            continue;
        }
        if (c->nlive >= fences_max && tg_chance(c, 20)) {
            tg_free_at(c, (size_t)tg_below(c, c->nlive));
            continue;
        }
        unsigned g = 2 + (unsigned)tg_below(c, 3);
        if (!tg_room(c, 2 * g + 2))
            break;
        uint64_t total = 0;
        for (unsigned i = 0; i < g; i++) {
            uint64_t s = tg_size(c);
            total += s;
            group[i] = tg_alloc(c, s);
        }
        /* Free in a random order: merging must work both ways. */
        for (unsigned i = g; i > 0; i--) {
            unsigned j = (unsigned)tg_below(c, i);
            tg_free_id(c, group[j]);
            group[j] = group[i - 1];
        }
        uint32_t merged = tg_alloc(c, total);
        if (!c->oom)
            tg_free_id(c, merged);
    }
}

/* Vectors (capacity doubles) and strings (grow by a few bytes) that keep
 * growing through realloc, with short-lived small blocks landing between
 * them so that growing in place is not always possible. */
static void tg_realloc(tg_ctx *c)
{
    size_t nobj = c->o->live;
    uint32_t *obj = malloc(nobj * sizeof *obj);
    uint32_t fence[64];
    size_t nfence = 0;
    if (!obj) {
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i < nobj; i++)
        obj[i] = UINT32_MAX;
    while (!c->oom) {
        if (tg_chance(c, 25)) {
            if (nfence == 64 || (nfence > 0 && tg_chance(c, 50))) {
                size_t j = (size_t)tg_below(c, nfence);
                tg_free_id(c, fence[j]);
                fence[j] = fence[--nfence];
            } else {
                if (!tg_room(c, 2))
                    break;
                fence[nfence++] = tg_alloc(c, 16 + tg_below(c, 241));
            }
            continue;
        }
        size_t i = (size_t)tg_below(c, nobj);
        if (obj[i] == UINT32_MAX) {
            if (!tg_room(c, 2))
                break;
            obj[i] = tg_alloc(c, c->o->min);
            continue;
        }
        uint64_t cur = tg_size_of(c, obj[i]);
        uint64_t next = (i % 2 == 0) ? cur * 2 : cur + 1 + tg_below(c, 64);
        if (next > c->o->max) {
            tg_free_id(c, obj[i]); /* done with it; a new one starts later */
            obj[i] = UINT32_MAX;
            continue;
        }
        if (!tg_room(c, 1))
            break;
        tg_realloc_id(c, obj[i], next);
    }
    free(obj);
}

/* Most blocks die young (exponential lifetimes of mean --live ops); a
 * fraction (--frac) live for a large part of the trace and pin memory
 * among the short-lived ones. Deaths are kept in a min-heap keyed by the
 * op index at which the block is freed. */
static void tg_lifetime(tg_ctx *c)
{
    size_t cap = 1024, nheap = 0;
    uint64_t *heap = malloc(cap * sizeof *heap); /* death << 32 | id */
    if (!heap) {
        c->oom = 1;
        return;
    }
    double mean = (double)c->o->live;
    while (!c->oom) {
        if (nheap > 0 && (heap[0] >> 32) <= c->n) {
            uint32_t id = (uint32_t)heap[0];
            heap[0] = heap[--nheap];
            for (size_t i = 0;;) { /* sift down */
                size_t l = 2 * i + 1, r = l + 1, m = i;
                if (l < nheap && heap[l] < heap[m])
                    m = l;
                if (r < nheap && heap[r] < heap[m])
                    m = r;
                if (m == i)
                    break;
                uint64_t t = heap[i];
                heap[i] = heap[m];
                heap[m] = t;
                i = m;
            }
            tg_free_id(c, id);
            continue;
        }
        if (!tg_room(c, 2))
            break;
        uint64_t life;
        if (tg_unit(c) < c->o->frac)
            life = c->limit / 4 + tg_below(c, c->limit / 2 + 1);
        else
            life = 1 + (uint64_t)(-mean * tg_ln(tg_unit(c)));
        uint64_t death = c->n + life;
        if (death > UINT32_MAX)
            death = UINT32_MAX;
        uint32_t id = tg_alloc(c, tg_size(c));
        if (c->oom)
            break;
        if (nheap == cap) {
            uint64_t *nh = realloc(heap, 2 * cap * sizeof *nh);
            if (!nh) {
                c->oom = 1;
                break;
            }
            heap = nh;
            cap *= 2;
        }
        size_t i = nheap++;
        heap[i] = death << 32 | id;
        while (i > 0 && heap[(i - 1) / 2] > heap[i]) { /* sift up */
            uint64_t t = heap[i];
            heap[i] = heap[(i - 1) / 2];
            heap[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
    }
    free(heap);
}

/* A program's life: the live set ramps up to --live blocks, churns on a
 * plateau (frees at random, new sizes), then drains. */
static void tg_phases(tg_ctx *c)
{
    size_t target = c->o->live;
    /* Ramp: mostly allocations. */
    while (!c->oom && c->nlive < target) {
        if (c->limit - c->n <= 4 * c->nlive + 4)
            break; /* budget too small for the target: drain now */
        if (c->nlive > 0 && tg_chance(c, 10)) {
            tg_free_at(c, (size_t)tg_below(c, c->nlive));
            continue;
        }
        if (!tg_room(c, 2))
            break;
        tg_alloc(c, tg_size(c));
    }
    /* Plateau: about as many frees as allocations, until the budget left
     * is what the drain needs (it frees the live set with 1 allocation
     * per 9 frees). */
    while (!c->oom && c->limit - c->n > (c->nlive * 5) / 4 + 4) {
        if (c->nlive > 0 && (c->nlive >= target || tg_chance(c, 50))) {
            tg_free_at(c, (size_t)tg_below(c, c->nlive));
            continue;
        }
        if (!tg_room(c, 2))
            break;
        tg_alloc(c, tg_size(c));
    }
    /* Drain: mostly frees. */
    while (!c->oom && c->nlive > 0) {
        if (tg_chance(c, 10) && tg_room(c, 2))
            tg_alloc(c, tg_size(c));
        else
            tg_free_at(c, (size_t)tg_below(c, c->nlive));
    }
}

/* ---- the table ------------------------------------------------------------ */

typedef struct tg_entry {
    tg_kind pub;
    void (*run)(tg_ctx *c);
    /* defaults: min, max, dist, live, frac */
    uint64_t min, max;
    enum tg_dist dist;
    size_t live;
    double frac;
} tg_entry;

static const tg_entry tg_table[] = {
    {{"random", "random sizes, random frees, live count around --live",
      "--dist uniform|exp|power, --min/--max sizes, --live target blocks"},
     tg_random, 16, 8192, TG_UNIFORM, 2000, 0},
    {{"binary", "alternating small/large blocks; large freed, then bigger"
                " requests that do not fit the holes",
      "--min small size, --max large size, --live pairs per round"},
     tg_binary, 64, 448, TG_UNIFORM, 2000, 0},
    {{"coalesce", "neighbours freed and asked for again as one block",
      "--min/--max sizes of the neighbours (also the fence size: --min),"
      " --live fences"},
     tg_coalesce, 16, 4096, TG_UNIFORM, 64, 0},
    {{"realloc", "vectors (doubling) and strings (small steps) growing"
                 " by realloc among short-lived blocks",
      "--min starting size, --max size at which an object is dropped,"
      " --live objects"},
     tg_realloc, 8, 1 << 20, TG_UNIFORM, 32, 0},
    {{"lifetime", "short-lived blocks mixed with long-lived ones",
      "--live mean short lifetime in ops, --frac long-lived fraction,"
      " --dist/--min/--max sizes"},
     tg_lifetime, 16, 2048, TG_EXP, 16, 0.05},
    {{"phases", "ramp up to --live blocks, plateau, drain",
      "--live plateau size, --dist/--min/--max sizes"},
     tg_phases, 16, 16384, TG_POWER, 20000, 0},
};

#define TG_COUNT (sizeof tg_table / sizeof tg_table[0])

const tg_kind *tg_kinds(size_t *count)
{
    static tg_kind pub[TG_COUNT];
    for (size_t i = 0; i < TG_COUNT; i++)
        pub[i] = tg_table[i].pub;
    *count = TG_COUNT;
    return pub;
}

const tg_kind *tg_find(const char *name)
{
    size_t n;
    const tg_kind *k = tg_kinds(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(k[i].name, name) == 0)
            return &k[i];
    return NULL;
}

int tg_generate(const tg_kind *kind, const tg_opts *user, rw_op **ops,
                size_t *n, rw_error *err)
{
    const tg_entry *e = NULL;
    for (size_t i = 0; i < TG_COUNT; i++)
        if (strcmp(tg_table[i].pub.name, kind->name) == 0)
            e = &tg_table[i];
    if (!e) {
        snprintf(err->msg, sizeof err->msg, "unknown kind '%s'", kind->name);
        return -1;
    }
    tg_opts o = *user;
    if (o.ops == 0)
        o.ops = TG_DEFAULT_OPS;
    if (o.min == 0 && o.max == 0) {
        o.min = e->min;
        o.max = e->max;
    } else if (o.max == 0) {
        o.max = o.min > e->max ? o.min : e->max;
    } else if (o.min == 0 && user->max != 0) {
        o.min = e->min < o.max ? e->min : 1;
    }
    if (!o.dist_set)
        o.dist = e->dist;
    if (o.live == 0)
        o.live = e->live;
    if (o.frac == 0)
        o.frac = e->frac;
    if (o.mean == 0)
        o.mean = (double)o.min + ((double)o.max - (double)o.min) / 8.0;
    if (o.alpha == 0)
        o.alpha = 1.2;
    const char *bad = NULL;
    if (o.min > o.max)
        bad = "--min is larger than --max";
    else if (o.max > ((uint64_t)1 << 40))
        bad = "--max above 2^40 bytes";
    else if (o.ops > ((size_t)1 << 31))
        bad = "--ops above 2^31";
    else if (o.live > ((size_t)1 << 24))
        bad = "--live above 2^24";
    else if (o.dist == TG_EXP && !(o.mean > (double)o.min))
        bad = "--mean must be above --min";
    else if (!(o.alpha > 0.05 && o.alpha < 100))
        bad = "--alpha must be in (0.05, 100)";
    else if (!(o.frac >= 0 && o.frac <= 1))
        bad = "--frac must be in [0, 1]";
    else if (strcmp(e->pub.name, "binary") == 0 && o.min == o.max)
        bad = "binary needs --min (small) below --max (large)";
    if (bad) {
        snprintf(err->msg, sizeof err->msg, "%s: %s", e->pub.name, bad);
        return -1;
    }

    tg_ctx c;
    memset(&c, 0, sizeof c);
    c.o = &o;
    c.limit = o.ops;
    uint64_t sm = o.seed;
    for (int i = 0; i < 4; i++)
        c.s[i] = tg_splitmix(&sm);
    e->run(&c);
    tg_drain(&c);
    free(c.live_id);
    free(c.live_size);
    free(c.pos);
    free(c.spare);
    if (c.oom) {
        free(c.ops);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory",
                 e->pub.name);
        return -1;
    }
    *ops = c.ops;
    *n = c.n;
    return 0;
}
