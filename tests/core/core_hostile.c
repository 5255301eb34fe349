/*
 * core_hostile.c: hostile use of the core's public calls, on every policy.
 * Each bad call gives its documented result, the error callback hears of
 * it, and the heap checker still finds nothing: nothing was corrupted.
 */
#include "check.h"
#include "fitalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int errors_seen;
static enum fa_error last_error;

static void on_error(void *ctx, enum fa_error e, const void *p, const char *what) {
    (void)ctx;
    (void)p;
    (void)what;
    errors_seen++;
    last_error = e;
}

static void hostile(const char *pol) {
    fa_config cfg = {0};
    cfg.on_error = on_error;
    fa_heap *h = fa_heap_create(pol, &cfg);
    CHECK(h != NULL, "%s: create", pol);
    if (!h)
        return;
    char *a = fa_malloc(h, 100), *b = fa_malloc(h, 200), *c = fa_malloc(h, 300);
    memset(a, 0xa1, 100);
    int seen = errors_seen;

    CHECK(fa_free(h, NULL) == 0 && errors_seen == seen, "%s: free(NULL) is a no-op", pol);

    CHECK(fa_free(h, b) == 0, "%s: first free of b", pol);
    CHECK(fa_free(h, b) == -FA_EDOUBLE, "%s: double free should be FA_EDOUBLE", pol);
    CHECK(last_error == FA_EDOUBLE && errors_seen == seen + 1, "%s: callback for double free", pol);

    CHECK(fa_free(h, a + 16) == -FA_EINTERIOR, "%s: interior pointer should be FA_EINTERIOR", pol);
    CHECK(fa_free(h, a + 3) == -FA_EALIGN, "%s: misaligned pointer should be FA_EALIGN", pol);
    int local;
    CHECK(fa_free(h, &local) == -FA_EFOREIGN, "%s: stack pointer should be FA_EFOREIGN", pol);
    void *libc = malloc(32);
    CHECK(fa_free(h, libc) == -FA_EFOREIGN, "%s: libc pointer should be FA_EFOREIGN", pol);
    free(libc);
    CHECK(fa_realloc(h, a + 32, 10) == NULL && errno == EINVAL, "%s: realloc of interior pointer", pol);
    CHECK(errors_seen == seen + 6, "%s: callback heard %d errors, want 6", pol, errors_seen - seen);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: heap intact after bad frees", pol);
    int intact = 1;
    for (int i = 0; i < 100; i++)
        intact &= (unsigned char)a[i] == 0xa1;
    CHECK(intact, "%s: a's bytes changed by the bad calls", pol);

    /* Impossible sizes. */
    errno = 0;
    CHECK(fa_malloc(h, SIZE_MAX) == NULL && errno == ENOMEM, "%s: malloc(SIZE_MAX)", pol);
    errno = 0;
    CHECK(fa_malloc(h, (size_t)1 << 60) == NULL && errno == ENOMEM, "%s: malloc(2^60)", pol);
    errno = 0;
    CHECK(fa_malloc(h, SIZE_MAX - 15) == NULL && errno == ENOMEM, "%s: malloc(SIZE_MAX-15)", pol);
    errno = 0;
    CHECK(fa_calloc(h, SIZE_MAX / 2, 3) == NULL && errno == ENOMEM, "%s: calloc overflow", pol);
    errno = 0;
    CHECK(fa_calloc(h, (size_t)1 << 32, (size_t)1 << 32) == NULL && errno == ENOMEM,
          "%s: calloc 2^32 x 2^32", pol);
    errno = 0;
    CHECK(fa_realloc(h, c, SIZE_MAX) == NULL && errno == ENOMEM, "%s: realloc to SIZE_MAX", pol);
    CHECK(fa_owns(h, c), "%s: failed realloc must leave the block", pol);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: heap intact after impossible sizes", pol);

    /* memalign: bad alignments and impossible sizes. */
    errno = 0;
    CHECK(fa_memalign(h, 48, 10) == NULL && errno == EINVAL, "%s: memalign(48) is not a power of two", pol);
    errno = 0;
    CHECK(fa_memalign(h, 0, 10) == NULL && errno == EINVAL, "%s: memalign(0)", pol);
    errno = 0;
    CHECK(fa_memalign(h, 4096, SIZE_MAX - 100) == NULL && errno == ENOMEM, "%s: memalign huge", pol);
    char *al = fa_memalign(h, 256, 100);
    CHECK(al && (uintptr_t)al % 256 == 0 && fa_usable_size(h, al) >= 100, "%s: memalign(256, 100)", pol);
    CHECK(fa_free(h, al + 16) != 0, "%s: interior of an aligned payload must be rejected", pol);
    CHECK(fa_free(h, al) == 0 && fa_free(h, al) != 0, "%s: aligned free, then double free", pol);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: heap intact after memalign", pol);

    /* malloc(0): a unique pointer each time. */
    char *z1 = fa_malloc(h, 0), *z2 = fa_malloc(h, 0);
    CHECK(z1 && z2 && z1 != z2, "%s: malloc(0) should give unique pointers", pol);
    CHECK(fa_free(h, z1) == 0 && fa_free(h, z2) == 0, "%s: free of malloc(0)", pol);

    /* realloc(NULL, n) is malloc; realloc(p, 0) frees p and returns NULL. */
    char *r = fa_realloc(h, NULL, 64);
    CHECK(r && fa_owns(h, r), "%s: realloc(NULL, 64)", pol);
    CHECK(fa_realloc(h, r, 0) == NULL && !fa_owns(h, r), "%s: realloc(p, 0) frees p", pol);
    /* A double free; or, where the freed block merged into a free block
     * below it (tight cuts small blocks from a hole's high end), a pointer
     * into that block; or, where it reached the top of the heap and the
     * break came down past it, a foreign pointer. */
    const void *lo, *hi;
    fa_heap_range(h, &lo, &hi);
    int again = fa_free(h, r);
    CHECK(again == -FA_EDOUBLE || again == -FA_EINTERIOR ||
              (again == -FA_EFOREIGN && (const void *)r >= hi),
          "%s: p is free after realloc(p, 0) (second free gave %d)", pol, again);

    /* calloc zeroes reused memory. */
    char *d = fa_malloc(h, 256);
    memset(d, 0xff, 256);
    fa_free(h, d);
    unsigned char *e = fa_calloc(h, 16, 16);
    int zero = 1;
    for (int i = 0; e && i < 256; i++)
        zero &= e[i] == 0;
    CHECK(e && zero, "%s: calloc must zero reused memory", pol);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: final check", pol);

    fa_heap_destroy(h);
}

/* The checker must be able to fail: corrupt a header and a list. */
static void checker_catches(void) {
    fa_heap *h = fa_heap_create("first", NULL);
    char *a = fa_malloc(h, 100), *b = fa_malloc(h, 100), *c = fa_malloc(h, 100);
    (void)c;
    fa_free(h, a);
    size_t *hdr_b = (size_t *)(b - 8);
    size_t saved = *hdr_b;
    *hdr_b ^= 2; /* flip b's PREV_ALLOC bit */
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "checker missed a wrong PREV_ALLOC bit");
    *hdr_b = saved;
    size_t *foot_a = (size_t *)(b - 16); /* a's footer, just before b */
    saved = *foot_a;
    *foot_a += 16;
    CHECK(fa_heap_check(h, NULL, NULL) >= 1, "checker missed a wrong footer");
    *foot_a = saved;
    CHECK(fa_heap_check(h, NULL, NULL) == 0, "checker after repair");
    fa_heap_destroy(h);
}

static void reset_and_unknown(void) {
    errno = 0;
    CHECK(fa_heap_create("no-such-policy", NULL) == NULL && errno == EINVAL, "unknown policy");
    fa_heap *h = fa_heap_create("tlsf", NULL);
    size_t empty = fa_heap_footprint(h);
    for (int i = 0; i < 1000; i++)
        fa_malloc(h, (size_t)(i * 7 % 900 + 1));
    size_t peak = fa_heap_peak(h);
    CHECK(peak > empty, "peak grows");
    fa_heap_reset(h);
    CHECK(fa_heap_footprint(h) == empty && fa_heap_peak(h) == empty, "reset empties the heap");
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "check after reset");
    void *p = fa_malloc(h, 100);
    CHECK(p && fa_heap_check(h, stderr, NULL) == 0, "usable after reset");
    fa_heap_destroy(h);
}

int main(void) {
    for (size_t i = 0; i < fa_policy_count(); i++)
        hostile(fa_policy_name(i));
    checker_catches();
    reset_and_unknown();
    return check_finish("core_hostile");
}
