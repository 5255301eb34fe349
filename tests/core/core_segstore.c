/*
 * core_segstore.c: unit tests of the segstore policy (allocator/
 * fit_segstore.c) through the core's calls, with its internals
 * (fit_segstore.h) where a test must reach them: the size classes' bound
 * on waste, slots without headers, runs given back when wholly free, in
 * place realloc within a class, aligned payloads inside slots, the
 * checker failing on each kind of corruption it claims to catch, and a
 * seeded random run checked against the heap checker and the heap walk
 * (which must agree on used and free bytes) after every op.
 */
#include "check.h"
#include "fit_segstore.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static fa_heap *fresh(void) {
    fa_config cfg = {0}; /* trim threshold and decay 0: pages go back at once */
    fa_heap *h = fa_heap_create("segstore", &cfg);
    CHECK_STOP(h != NULL, "create a segstore heap");
    return h;
}

/* Every small request gets at most 12.5% more than it asked, beyond the
 * 16-byte alignment; the smallest class that fits. */
static void classes_bound_waste(void) {
    fa_heap *h = fresh();
    size_t worst = 0;
    for (size_t n = 0; n <= SS_MAX + 64; n++) {
        void *p = fa_malloc(h, n);
        size_t u = fa_usable_size(h, p), want = n ? n : 1;
        CHECK(p && u >= want, "malloc(%zu): usable %zu", n, u);
        if (n <= SS_MAX) {
            CHECK(u <= want + want / 8 + 15, "malloc(%zu): usable %zu wastes more than 12.5%% + 15", n, u);
            CHECK(ss_class_size(ss_class_of(want)) == u, "malloc(%zu): usable %zu is not its class's", n, u);
            if (ss_class_of(want) > 0)
                CHECK(ss_class_size(ss_class_of(want) - 1) < want, "malloc(%zu): a smaller class fits", n);
            if (u - want > worst)
                worst = u - want;
        }
        CHECK(fa_free(h, p) == 0, "free of malloc(%zu)", n);
    }
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "check after the class sweep");
    fa_heap_destroy(h);
}

/* Small blocks have no header: consecutive slots of one class are one slot
 * apart, and a run's pages are taken from the break in whole pages. */
static void slots_have_no_header(void) {
    fa_heap *h = fresh();
    char *a = fa_malloc(h, 16), *b = fa_malloc(h, 16), *c = fa_malloc(h, 48), *d = fa_malloc(h, 48);
    CHECK(b - a == 16 || a - b == 16, "two 16-byte blocks are %td bytes apart, want 16", b - a);
    CHECK(d - c == 48 || c - d == 48, "two 48-byte blocks are %td bytes apart, want 48", d - c);
    ss_run *r = ss_run_of(h, a);
    CHECK(r && (char *)r + SS_HDR == (a < b ? a : b), "the first slot follows the run header");
    fa_stats st;
    CHECK(fa_heap_check(h, stderr, &st) == 0, "check with four small blocks");
    CHECK(st.used_blocks == 4 && st.used_bytes == 16 + 16 + 48 + 48,
          "the checker counts the slots: %zu blocks, %zu bytes", st.used_blocks, st.used_bytes);
    fa_heap_destroy(h);
}

/* Runs whose slots are all back are given back; an empty heap is an empty
 * heap's size again. */
static void runs_go_back(void) {
    fa_heap *h = fresh();
    size_t empty = fa_heap_footprint(h);
    enum { N = 20000 };
    void **v = malloc(N * sizeof *v);
    CHECK_STOP(v != NULL, "test array");
    void *keep = fa_malloc(h, 1000);
    for (int i = 0; i < N; i++)
        v[i] = fa_malloc(h, 64);
    size_t peak = fa_heap_footprint(h);
    CHECK(peak >= empty + (size_t)N * 64, "20000 blocks of 64 take %zu bytes", peak - empty);
    /* Last first: the runs at the top empty first, and the break comes
     * down as each goes back (the class cache keeps the oldest slots). */
    for (int i = N - 1; i >= 0; i--)
        fa_free(h, v[i]);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "check after the frees");
    size_t after = fa_heap_footprint(h);
    CHECK(after < empty + (peak - empty) / 8, "freeing the 64-byte blocks left %zu of %zu bytes",
          after - empty, peak - empty);
    fa_free(h, keep);
    CHECK(fa_heap_footprint(h) == empty, "empty heap holds %zu bytes, a new one %zu",
          fa_heap_footprint(h), empty);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "check when empty");
    free(v);
    fa_heap_destroy(h);
}

static void realloc_and_align(void) {
    fa_heap *h = fresh();
    char *p = fa_malloc(h, 100);
    memset(p, 7, 100);
    CHECK(fa_realloc(h, p, 110) == p, "realloc within the class stays in place");
    char *q = fa_realloc(h, p, 1000);
    int same = q != NULL;
    for (int i = 0; q && i < 100; i++)
        same &= q[i] == 7;
    CHECK(q && q != p && same, "realloc to another class moves the bytes");
    char *big = fa_realloc(h, q, 100000);
    CHECK(big && big[99] == 7 && fa_usable_size(h, big) >= 100000, "realloc to a large block");
    char *grown = fa_realloc(h, big, 200000);
    CHECK(grown && grown[0] == 7, "large realloc");
    for (size_t al = 32; al <= 4096; al *= 2) {
        char *a = fa_memalign(h, al, 50);
        CHECK(a && (uintptr_t)a % al == 0 && fa_usable_size(h, a) >= 50, "memalign(%zu, 50)", al);
        CHECK(fa_free(h, a + 16) != 0, "interior of an aligned payload is refused (%zu)", al);
        char *b = fa_realloc(h, a, 70);
        CHECK(b && fa_usable_size(h, b) >= 70, "realloc of an aligned payload (%zu)", al);
        CHECK(fa_free(h, b) == 0, "free after realloc of an aligned payload (%zu)", al);
    }
    /* memalign(32, 0) must not hand out the slot after its own. */
    char *z[8];
    for (int i = 0; i < 8; i++) {
        z[i] = fa_memalign(h, 32, 0);
        CHECK(z[i] && (uintptr_t)z[i] % 32 == 0, "memalign(32, 0)");
    }
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "check after memalign(32, 0)");
    for (int i = 0; i < 8; i++)
        CHECK(fa_free(h, z[i]) == 0, "free of memalign(32, 0)");
    CHECK(fa_free(h, grown) == 0, "free of the large block");
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "check after realloc and memalign");
    fa_heap_destroy(h);
}

/* Each corruption is found; repaired, the heap checks clean again. */
static void checker_catches(void) {
    fa_heap *h = fresh();
    void *v[300];
    for (int i = 0; i < 300; i++)
        v[i] = fa_malloc(h, 200);
    for (int i = 0; i < 300; i += 3)
        fa_free(h, v[i]);
    CHECK_STOP(fa_heap_check(h, stderr, NULL) == 0, "clean before the corruptions");
    ss_class *k = &ss_st(h)->cls[ss_class_of(200)];
    ss_run *r = k->cur;
    CHECK_STOP(r != NULL && k->count > 1, "a current run and a cache to corrupt");

    r->used++;
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a run's wrong count of slots handed out");
    r->used--;

    void *saved = k->cache[0];
    k->cache[0] = k->cache[1];
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a slot cached twice");
    k->cache[0] = (char *)saved + 16;
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a cache entry inside a slot");
    k->cache[0] = v[1];
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a live block in the cache");
    k->cache[0] = saved;

    size_t pg = (size_t)((char *)r - h->region) >> FA_PTAB_SHIFT;
    uint32_t e = h->ptab[pg + 1];
    h->ptab[pg + 1] = 0;
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a run page missing from the page table");
    h->ptab[pg + 1] = e;

    void *bump = r->bump;
    r->bump += 8;
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a bump pointer off a slot boundary");
    r->bump = bump;

    ss_run *partial = k->partial;
    k->partial = NULL;
    if (partial) /* a partial run lost from its list: its free slots are unlisted */
        CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a run lost from the partial list");
    k->partial = partial;

    k->runs++;
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "missed a wrong run count");
    k->runs--;
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "clean after the repairs");
    fa_heap_destroy(h);
}

/* ------------------------------------------------------ random run */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

/* Sizes around the class boundaries, up to a few large blocks. */
static size_t draw(void) {
    switch (rnd() % 8) {
    case 0: return rnd() % 130;
    case 1: return SS_MAX - 64 + rnd() % 128;
    case 2: return 40000 + rnd() % 100000;
    default: {
        unsigned c = (unsigned)(rnd() % SS_NCLASS);
        size_t s = ss_class_size(c);
        return s - 8 + rnd() % 16; /* the edge between two classes */
    }
    }
}

static int sum_walk(void *ctx, size_t off, size_t size, int used) {
    size_t *sums = ctx;
    (void)off;
    sums[used ? 1 : 0] += size;
    return 0;
}

typedef struct {
    unsigned char *p;
    size_t n;
    unsigned char tag;
} slot;

static int intact(const slot *s) {
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i] != (unsigned char)(s->tag + i))
            return 0;
    return 1;
}

static void random_against_checker(long ops, size_t decay) {
    fa_config cfg = fa_config_default();
    cfg.trim_threshold = 0;
    cfg.trim_decay_ops = decay;
    fa_heap *h = fa_heap_create("segstore", &cfg);
    CHECK_STOP(h != NULL, "create a segstore heap (decay %zu)", decay);
    size_t empty = fa_heap_footprint(h);
    enum { SLOTS = 400 };
    slot s[SLOTS] = {{0}};
    long bad = 0;
    for (long i = 0; i < ops && bad < 5; i++) {
        slot *x = &s[rnd() % SLOTS];
        if (x->p && !intact(x)) {
            CHECK(0, "op %ld: a block's bytes changed", i);
            bad++;
        }
        int what = (int)(rnd() % 4);
        if (x->p && what == 0) {
            size_t n = draw();
            unsigned char *q = fa_realloc(h, x->p, n);
            if (n == 0) {
                x->p = NULL;
            } else {
                CHECK(q != NULL, "op %ld: realloc(%zu)", i, n);
                size_t keep = n < x->n ? n : x->n;
                x->p = q;
                x->n = keep; /* the kept bytes must have moved with it */
            }
        } else if (x->p) {
            CHECK(fa_free(h, x->p) == 0, "op %ld: free", i);
            x->p = NULL;
        } else {
            size_t n = draw();
            x->p = what == 1 ? fa_memalign(h, (size_t)16 << (rnd() % 13), n) : fa_malloc(h, n);
            CHECK(x->p != NULL, "op %ld: malloc(%zu)", i, n);
            x->n = n;
            x->tag = (unsigned char)rnd();
            for (size_t j = 0; x->p && j < n; j++)
                x->p[j] = (unsigned char)(x->tag + j);
        }
        fa_stats st;
        long v = fa_heap_check(h, stderr, &st);
        if (v) {
            CHECK(0, "op %ld: the checker found %ld violations", i, v);
            bad++;
        }
        size_t sums[2] = {0, 0};
        fa_heap_walk(h, sum_walk, sums);
        if (sums[1] != st.used_bytes || sums[0] != st.free_bytes) {
            CHECK(0, "op %ld: the walk finds %zu used and %zu free bytes, the checker %zu and %zu",
                  i, sums[1], sums[0], st.used_bytes, st.free_bytes);
            bad++;
        }
        if (st.used_bytes + st.free_bytes + st.overhead_bytes != st.footprint) {
            CHECK(0, "op %ld: the statistics do not add up", i);
            bad++;
        }
    }
    for (int j = 0; j < SLOTS; j++)
        if (s[j].p) {
            CHECK(intact(&s[j]), "a block's bytes changed by the end");
            fa_free(h, s[j].p);
        }
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "check after freeing everything");
    CHECK(fa_heap_footprint(h) == empty, "empty heap holds %zu bytes, a new one %zu",
          fa_heap_footprint(h), empty);
    fa_heap_destroy(h);
}

int main(int argc, char **argv) {
    long ops = argc > 1 ? atol(argv[1]) : 20000;
    classes_bound_waste();
    slots_have_no_header();
    runs_go_back();
    realloc_and_align();
    checker_catches();
    random_against_checker(ops, 0);
    random_against_checker(ops, 64); /* the drain and the trim deferred */
    return check_finish("core_segstore");
}
