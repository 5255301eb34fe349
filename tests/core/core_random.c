/*
 * core_random.c: model-based random test of one policy of the core.
 *
 * Usage: core_random POLICY OPS SEED
 * Runs OPS random malloc/calloc/memalign/realloc/free calls over several size
 * distributions (small, medium, exponential, heavy-tailed up to 4 MiB),
 * against a model that knows every live block's size and contents. After
 * every op: the heap checker finds nothing; every payload is 16-aligned,
 * inside the heap and at least as large as asked. Payload bytes are
 * checked on realloc and free (a policy that overlaps two blocks or loses
 * bytes on a move fails here). At the end, freeing everything brings the
 * footprint back to an empty heap's.
 */
#include "check.h"
#include "fitalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 192

typedef struct {
    unsigned char *p;
    size_t n;
    uint8_t seed;
} slot;

static uint64_t rng_state;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static double unit(void) { return (double)(rnd() >> 11) / (double)(1ull << 53); }

/* Sizes from the distribution chosen for this stretch of the run. */
static size_t draw_size(int dist) {
    switch (dist) {
    case 0: return 1 + rnd() % 256;                            /* small uniform */
    case 1: return 1 + rnd() % 8192;                           /* medium uniform */
    case 2: {                                                  /* exponential, mean 600 */
        double u = unit();
        size_t n = (size_t)(-600.0 * __builtin_log(1.0 - u));
        return n ? n : 1;
    }
    default: {                                                 /* power law, up to 4 MiB */
        double u = unit();
        size_t n = (size_t)(16.0 / __builtin_pow(1.0 - u, 1.0 / 0.8));
        return n > ((size_t)4 << 20) ? ((size_t)4 << 20) : (n ? n : 1);
    }
    }
}

static void fill(slot *s) {
    for (size_t i = 0; i < s->n; i++)
        s->p[i] = (unsigned char)(s->seed + i * 31);
}

static size_t verify(const slot *s, size_t upto) {
    for (size_t i = 0; i < upto; i++)
        if (s->p[i] != (unsigned char)(s->seed + i * 31))
            return i + 1;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: core_random POLICY OPS SEED\n");
        return 2;
    }
    const char *pol = argv[1];
    long ops = atol(argv[2]);
    rng_state = strtoull(argv[3], NULL, 10);
    fa_config cfg = {0}; /* trim threshold 0: every whole page goes back */
    cfg.track_requests = 1;
    fa_heap *h = fa_heap_create(pol, &cfg);
    CHECK_STOP(h != NULL, "cannot create heap for policy %s", pol);
    size_t empty = fa_heap_footprint(h);
    slot sl[SLOTS] = {{0}};
    const void *lo, *hi;
    int dist = 0;
    long errors_before = check_failures();

    for (long i = 0; i < ops && check_failures() - errors_before < 20; i++) {
        if (i % 5000 == 0)
            dist = (int)(rnd() % 4);
        slot *s = &sl[rnd() % SLOTS];
        unsigned r = (unsigned)(rnd() % 100);
        if (!s->p) {
            size_t n = draw_size(dist);
            s->seed = (uint8_t)rnd();
            if (r < 15) {
                size_t cnt = 1 + rnd() % 8, each = (n + cnt - 1) / cnt;
                s->p = fa_calloc(h, cnt, each);
                s->n = cnt * each;
                CHECK(s->p != NULL, "op %ld: calloc(%zu, %zu) failed", i, cnt, each);
                if (!s->p)
                    continue;
                size_t nz = 0;
                for (size_t k = 0; k < s->n; k++)
                    nz += s->p[k] != 0;
                CHECK(nz == 0, "op %ld: calloc returned %zu non-zero bytes", i, nz);
            } else if (r < 25) {
                size_t align = (size_t)32 << (rnd() % 8); /* 32 .. 4096 */
                s->p = fa_memalign(h, align, n);
                s->n = n;
                CHECK(s->p != NULL, "op %ld: memalign(%zu, %zu) failed", i, align, n);
                if (!s->p)
                    continue;
                CHECK((uintptr_t)s->p % align == 0, "op %ld: memalign(%zu) gave %p", i, align,
                      (void *)s->p);
            } else {
                s->p = fa_malloc(h, n);
                s->n = n;
                CHECK(s->p != NULL, "op %ld: malloc(%zu) failed", i, n);
                if (!s->p)
                    continue;
            }
            fill(s);
        } else if (r < 35) {
            size_t n = draw_size(dist), keep = n < s->n ? n : s->n;
            unsigned char *np = fa_realloc(h, s->p, n);
            CHECK(np != NULL, "op %ld: realloc(%zu -> %zu) failed", i, s->n, n);
            if (!np)
                continue;
            s->p = np;
            size_t badat = verify(s, keep);
            CHECK(badat == 0, "op %ld: %s: realloc lost byte %zu of %zu", i, pol, badat - 1, keep);
            s->n = n;
            fill(s);
        } else {
            size_t badat = verify(s, s->n);
            CHECK(badat == 0, "op %ld: %s: payload byte %zu of %zu changed before free", i, pol,
                  badat - 1, s->n);
            CHECK(fa_free(h, s->p) == 0, "op %ld: free of a live block rejected", i);
            s->p = NULL;
        }
        if (s->p) {
            fa_heap_range(h, &lo, &hi);
            CHECK((uintptr_t)s->p % FA_ALIGN == 0, "op %ld: payload %p misaligned", i, (void *)s->p);
            CHECK((const void *)s->p >= lo && (const void *)(s->p + s->n) <= hi,
                  "op %ld: payload outside the heap", i);
            CHECK(fa_usable_size(h, s->p) >= s->n, "op %ld: usable size %zu < %zu", i,
                  fa_usable_size(h, s->p), s->n);
        }
        fa_stats st;
        long v = fa_heap_check(h, stderr, &st);
        CHECK(v == 0, "op %ld: policy %s: heap check found %ld violation(s)", i, pol, v);
        size_t payload = 0;
        for (int k = 0; k < SLOTS; k++)
            payload += sl[k].p ? sl[k].n : 0;
        CHECK(st.payload_bytes == payload, "op %ld: checker payload %zu, model %zu", i,
              st.payload_bytes, payload);
        CHECK(st.used_bytes + st.free_bytes + st.overhead_bytes == st.footprint,
              "op %ld: bytes do not add up to the footprint", i);
        CHECK(fa_heap_footprint(h) <= fa_heap_peak(h), "op %ld: footprint above peak", i);
    }
    for (int k = 0; k < SLOTS; k++)
        if (sl[k].p) {
            CHECK(verify(&sl[k], sl[k].n) == 0, "final: payload of slot %d changed", k);
            CHECK(fa_free(h, sl[k].p) == 0, "final free rejected");
        }
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "final heap check");
    CHECK(fa_heap_footprint(h) == empty, "%s: empty heap holds %zu bytes, a new one %zu", pol,
          fa_heap_footprint(h), empty);
    fa_heap_destroy(h);
    printf("core_random %s: %ld ops\n", pol, ops);
    return check_finish("core_random %s seed %s", pol, argv[3]);
}
