/*
 * core_policy.c: each policy places blocks where its textbook says.
 *
 * The heap is set up with two holes, ~2000 and ~500 bytes, kept apart by
 * used blocks, and a 400-byte request is made: first fit takes the first
 * hole on its list, best fit the 500-byte one, worst fit the 2000-byte one,
 * segfit and tlsf the smallest hole whose class fits. Next fit is shown to
 * resume at the remainder it stopped in, where first fit in address order
 * goes back to a lower hole. Best-tree takes the lower of two equal
 * holes whichever was freed last. Buddy splits a fresh block in halves down to
 * the request and merges them all back on free.
 */
#include "check.h"
#include "fitalloc.h"

#include <stdint.h>
#include <string.h>

typedef struct {
    char *big, *small; /* the two holes' payloads */
} holes;

/* big hole (2000) below small hole (500); free order chosen by caller. */
static fa_heap *two_holes(const char *pol, holes *hl, int free_big_last) {
    fa_heap *h = fa_heap_create(pol, NULL);
    if (!h)
        return NULL;
    hl->big = fa_malloc(h, 2000);
    void *sep1 = fa_malloc(h, 16);
    hl->small = fa_malloc(h, 500);
    void *sep2 = fa_malloc(h, 16);
    (void)sep1;
    (void)sep2;
    if (free_big_last) {
        fa_free(h, hl->small);
        fa_free(h, hl->big);
    } else {
        fa_free(h, hl->big);
        fa_free(h, hl->small);
    }
    return h;
}

static const char *which(const holes *hl, const char *p) {
    if (p == hl->big)
        return "2000-byte hole";
    if (p == hl->small)
        return "500-byte hole";
    return "elsewhere";
}

static void expect_hole(const char *pol, int free_big_last, const char *want) {
    holes hl;
    fa_heap *h = two_holes(pol, &hl, free_big_last);
    CHECK(h != NULL, "heap for %s", pol);
    if (!h)
        return;
    char *p = fa_malloc(h, 400);
    CHECK(strcmp(which(&hl, p), want) == 0, "%s (big hole freed %s): 400 bytes went to the %s, want the %s",
          pol, free_big_last ? "last" : "first", which(&hl, p), want);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: heap check", pol);
    fa_heap_destroy(h);
}

static void next_fit_resumes(void) {
    /* Three holes low to high: A (500), B (1000), and later C below A's
     * remainder is impossible, so: free a low hole Z after the first
     * allocation from B and see who goes back to it. */
    for (int k = 0; k < 2; k++) {
        const char *pol = k ? "next" : "first-ao";
        fa_heap *h = fa_heap_create(pol, NULL);
        char *z = fa_malloc(h, 500);
        fa_malloc(h, 16);
        char *b = fa_malloc(h, 1000);
        fa_malloc(h, 16);
        fa_free(h, b);
        char *p1 = fa_malloc(h, 400); /* both policies: from B */
        CHECK(p1 == b, "%s: first 400 bytes should come from the only hole", pol);
        fa_free(h, z);                /* a hole below the rover */
        char *p2 = fa_malloc(h, 400);
        if (k) {
            CHECK(p2 > p1 && p2 < b + 1000, "next fit: second request went to %p, want B's remainder",
                  (void *)p2);
        } else {
            CHECK(p2 == z, "first-ao: second request should go back to the lowest hole");
        }
        CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: heap check", pol);
        fa_heap_destroy(h);
    }
}

/* Address-ordered best fit: of two equal holes, the lower one, whatever
 * the order they were freed in. */
static void lowest_of_equals(const char *pol) {
    for (int order = 0; order < 2; order++) {
        fa_heap *h = fa_heap_create(pol, NULL);
        CHECK(h != NULL, "heap for %s", pol);
        if (!h)
            return;
        char *lo = fa_malloc(h, 300);
        fa_malloc(h, 16);
        char *hi = fa_malloc(h, 300);
        fa_malloc(h, 16);
        fa_free(h, order ? lo : hi);
        fa_free(h, order ? hi : lo);
        char *p = fa_malloc(h, 300);
        CHECK(p == lo, "%s: of two equal holes (freed %s first) the lower should be taken", pol,
              order ? "lower" : "upper");
        CHECK(fa_heap_check(h, stderr, NULL) == 0, "%s: heap check", pol);
        fa_heap_destroy(h);
    }
}

static int collect(void *ctx, size_t off, size_t size, int used) {
    size_t *v = ctx;
    size_t n = v[0]++;
    if (n < 30) {
        v[1 + 3 * n] = off;
        v[2 + 3 * n] = size;
        v[3 + 3 * n] = (size_t)used;
    }
    return 0;
}

static void buddy_textbook(void) {
    fa_config cfg = {0};
    fa_heap *h = fa_heap_create("buddy", &cfg);
    size_t empty = fa_heap_footprint(h);
    char *a = fa_malloc(h, 3000); /* a 4096 block: the tree is 4096 */
    CHECK(fa_heap_footprint(h) == empty + 4096, "buddy: 3000 bytes should make a 4096 tree, footprint %zu",
          fa_heap_footprint(h));
    char *b = fa_malloc(h, 10); /* tree doubles; the new 4096 splits to 32 */
    CHECK(fa_heap_footprint(h) == empty + 8192, "buddy: tree should double to 8192");
    size_t v[1 + 3 * 30] = {0};
    fa_heap_walk(h, collect, v);
    /* Expect: used 4096, used 32, then free 32, 64, ..., 2048. */
    CHECK(v[0] == 9, "buddy: %zu blocks after the split, want 9", v[0]);
    if (v[0] == 9) {
        CHECK(v[2] == 4096 && v[3] == 1, "buddy: first block should be the used 4096");
        CHECK(v[5] == 32 && v[6] == 1, "buddy: second block should be the used 32");
        size_t want = 32;
        for (size_t i = 2; i < 9; i++, want *= 2)
            CHECK(v[2 + 3 * i] == want && v[3 + 3 * i] == 0, "buddy: block %zu is %zu/%zu, want free %zu",
                  i, v[2 + 3 * i], v[3 + 3 * i], want);
        CHECK(v[4] - v[1] == 4096, "buddy: the 32-byte block should start the upper half");
    }
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "buddy: check after split");
    fa_free(h, b); /* merges 32+32, ..., back to 4096, and the tree halves */
    CHECK(fa_heap_footprint(h) == empty + 4096, "buddy: freeing the 32 should merge and halve the tree");
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "buddy: check after merge");
    fa_free(h, a);
    CHECK(fa_heap_footprint(h) == empty, "buddy: empty tree should give everything back");
    /* Buddies of different sizes do not merge; equal free buddies do. */
    char *x = fa_malloc(h, 100), *y = fa_malloc(h, 100), *z = fa_malloc(h, 200);
    fa_free(h, x);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "buddy: check with a lone free buddy");
    fa_free(h, z);
    CHECK(fa_heap_check(h, stderr, NULL) == 0, "buddy: free 256 next to free 128 does not merge");
    fa_free(h, y);
    CHECK(fa_heap_footprint(h) == empty, "buddy: all merged back");
    fa_heap_destroy(h);
}

int main(void) {
    expect_hole("first", 0, "500-byte hole");   /* LIFO: last freed is first */
    expect_hole("first", 1, "2000-byte hole");
    expect_hole("first-ao", 0, "2000-byte hole");
    expect_hole("first-ao", 1, "2000-byte hole");
    expect_hole("best", 0, "500-byte hole");
    expect_hole("best", 1, "500-byte hole");
    expect_hole("best-tree", 0, "500-byte hole");
    expect_hole("best-tree", 1, "500-byte hole");
    expect_hole("worst", 0, "2000-byte hole");
    expect_hole("worst", 1, "2000-byte hole");
    expect_hole("segfit", 0, "500-byte hole");
    expect_hole("segfit", 1, "500-byte hole");
    expect_hole("tlsf", 0, "500-byte hole");
    expect_hole("tlsf", 1, "500-byte hole");
    next_fit_resumes();
    lowest_of_equals("best-tree");
    buddy_textbook();
    return check_finish("core_policy");
}
