/*
 * core_hostile.c: hostile use of the core's public calls, on every policy.
 * Each bad call gives its documented result, the error callback hears of
 * it, and the heap checker still finds nothing: nothing was corrupted.
 * Dead pointers are named for what they are (double free wherever the
 * freed block went, foreign outside what the heap ever held), and an
 * overflow into the next block's header, then free or realloc, is refused
 * as FA_ECORRUPT rather than followed.
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

/* Nonzero when a block's header follows the payload before it: the
 * boundary-tag policies. A policy whose small blocks have no header
 * (segstore's runs) has none to overwrite, and a pointer into a freed
 * slot is only the inside of one. */
static int has_headers(const char *pol) {
    fa_heap *h = fa_heap_create(pol, NULL);
    if (!h)
        return 1;
    char *a = fa_malloc(h, 24), *b = fa_malloc(h, 24);
    int yes = a && b && a + fa_usable_size(h, a) + 8 == b;
    fa_heap_destroy(h);
    return yes;
}

/* Double frees wherever the block went: coalesced into a neighbour, given
 * back with the break; addresses the heap never held. */
static void dead_pointers(const char *pol) {
    fa_config cfg = {0};
    cfg.on_error = on_error;
    fa_heap *h = fa_heap_create(pol, &cfg);
    CHECK(h != NULL, "%s: create", pol);
    if (!h)
        return;
    char *p1 = fa_malloc(h, 40), *p2 = fa_malloc(h, 40), *p3 = fa_malloc(h, 40);
    char *guard = fa_malloc(h, 40), *top = fa_malloc(h, 5000);
    CHECK(p1 && p2 && p3 && guard && top, "%s: mallocs", pol);
    CHECK(fa_free(h, p2) == 0 && fa_free(h, p1) == 0 && fa_free(h, p3) == 0, "%s: frees", pol);
    CHECK(fa_free(h, p2) == -FA_EDOUBLE, "%s: double free of a merged block: %d", pol,
          fa_free(h, p2));
    CHECK(fa_free(h, p3) == -FA_EDOUBLE && fa_free(h, p1) == -FA_EDOUBLE,
          "%s: double frees of p1, p3", pol);
    int e16 = fa_free(h, p2 + 16);
    CHECK(e16 == -FA_EDOUBLE || (!has_headers(pol) && e16 == -FA_EINTERIOR),
          "%s: a pointer into free space is freed already (or, without headers, inside a slot): %d",
          pol, e16);
    CHECK(fa_free(h, top) == 0, "%s: free of the top block", pol);
    CHECK(fa_free(h, top) == -FA_EDOUBLE, "%s: double free above the break: %d", pol,
          fa_free(h, top));
    errno = 0;
    CHECK(fa_realloc(h, top, 10) == NULL && errno == EINVAL && last_error == FA_EDOUBLE,
          "%s: realloc of a freed block", pol);
    const void *lo, *hi;
    fa_heap_range(h, &lo, &hi);
    char *never = (char *)lo + fa_heap_peak(h) + 4096;
    CHECK(fa_free(h, never) == -FA_EFOREIGN, "%s: above the peak is foreign", pol);
    CHECK(fa_free(h, (void *)(uintptr_t)0x100000) == -FA_EFOREIGN, "%s: 0x100000", pol);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: heap intact after dead pointers", pol);
    fa_heap_destroy(h);
}

/* a, b, c of 24 bytes (blocks of 32): a's payload ends where b's header
 * starts. Writes 16 bytes of `fill` past a's usable size. */
static void overflow_case(const char *pol, int fill, int b_free) {
    fa_config cfg = {0};
    cfg.on_error = on_error;
    fa_heap *h = fa_heap_create(pol, &cfg);
    if (!h)
        return;
    char *a = fa_malloc(h, 24), *b = fa_malloc(h, 24), *c = fa_malloc(h, 24), *d = fa_malloc(h, 24);
    CHECK(a && b && c && d, "%s: mallocs", pol);
    if (b_free)
        fa_free(h, b);
    size_t use = fa_usable_size(h, a);
    if (!has_headers(pol)) {
        /* No header to hit: the overflow is b's data, and every call still
         * works on an intact heap. */
        memset(a + use, fill, 16);
        CHECK(fa_free(h, a) == 0 && fa_free(h, b_free ? c : b) == 0,
              "%s: frees after an overflow into a headerless neighbour", pol);
        CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: headerless heap intact (0x%02x)", pol, fill);
        fa_heap_destroy(h);
        return;
    }
    CHECK(a + use + 8 == b, "%s: b's header right after a's payload", pol);
    memset(a + use, fill, 16);
    CHECK(fa_free(h, a) == -FA_ECORRUPT && last_error == FA_ECORRUPT,
          "%s: free after an overflow of 0x%02x into the %s next header", pol, fill,
          b_free ? "free" : "used");
    errno = 0;
    CHECK(fa_realloc(h, a, 100) == NULL && errno == EINVAL && last_error == FA_ECORRUPT,
          "%s: realloc after an overflow of 0x%02x", pol, fill);
    if (!b_free)
        CHECK(fa_free(h, b) == -FA_ECORRUPT, "%s: free of the overwritten block (0x%02x)", pol,
              fill);
    CHECK(fa_heap_check(h, NULL, NULL) > 0, "%s: the checker sees the overwrite", pol);
    /* The rest of the heap still serves. */
    CHECK(fa_free(h, d) == 0, "%s: free of an untouched block after the overflow", pol);
    fa_heap_destroy(h);
}

static void overflows(const char *pol) {
    static const int fills[] = {0x41, 0x00, 0xff, 0x20};
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
        overflow_case(pol, fills[i], 0);
        overflow_case(pol, fills[i], 1);
    }
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
    {
        hostile(fa_policy_name(i));
        dead_pointers(fa_policy_name(i));
        overflows(fa_policy_name(i));
    }
    checker_catches();
    reset_and_unknown();
    return check_finish("core_hostile");
}
