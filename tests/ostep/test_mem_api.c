/*
 * test_mem_api.c: the Mem_* library (allocator/ostep) against its
 * description (seed 002) and its bad inputs, through the public API and
 * the header layout mem.h documents; Mem_Check must find nothing wrong
 * after every step unless the test broke the region on purpose.
 *
 * Cases: no region yet; Mem_Init's region and first chunk; the seed's
 * walk-through (chunk sizes, magic, free-list links); each fit; every
 * coalescing order; the split threshold; exhaustion; bad pointers
 * (including an interior pointer behind a forged header); corruption seen
 * by Mem_Check and Mem_Free; walk/stats; reset; fit persistence.
 */
#include "check.h"
#include "mem.h"
#include "mem_inspect.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHECK_CLEAN() CHECK(Mem_Check(stderr) == 0, "Mem_Check found damage")

static const mem_header *hdr(const void *p) {
    return (const mem_header *)p - 1;
}

static size_t list_length(void) {
    mem_stats st;
    return Mem_Stats(&st) == 0 ? st.free_chunks : (size_t)-1;
}

static void test_no_region(void) {
    CHECK(Mem_Alloc(8) == NULL && Mem_Error() == MEM_E_NOT_INIT,
          "Mem_Alloc without a region");
    int x;
    CHECK(Mem_Free(&x) == -1 && Mem_Error() == MEM_E_NOT_INIT,
          "Mem_Free without a region");
    CHECK(Mem_Destroy() == -1, "Mem_Destroy without a region");
    CHECK(Mem_Reset() == -1, "Mem_Reset without a region");
    CHECK(Mem_Check(stderr) == 0, "Mem_Check without a region");
    CHECK(Mem_UsableSize(&x) == 0, "Mem_UsableSize without a region");
    mem_stats st;
    CHECK(Mem_Stats(&st) == -1, "Mem_Stats without a region");
    CHECK(Mem_Init(0) == NULL && Mem_Error() == MEM_E_BAD_ARGS, "Mem_Init(0)");
    CHECK(Mem_Init(-4096) == NULL && Mem_Error() == MEM_E_BAD_ARGS,
          "Mem_Init(-4096)");
}

static void test_init(void) {
    long page = sysconf(_SC_PAGESIZE);
    char *r = Mem_Init(1);
    CHECK(r != NULL, "Mem_Init(1)");
    CHECK(Mem_RegionBytes() == (size_t)page, "one byte rounds to a page");
    CHECK((uintptr_t)r % (uintptr_t)page == 0, "region page aligned");
    CHECK(Mem_Init(4096) == NULL && Mem_Error() == MEM_E_ALREADY_INIT,
          "second Mem_Init");
    const mem_header *h = (const mem_header *)r;
    CHECK(h->size == (size_t)page - sizeof(mem_header) && h->u.next == NULL,
          "the region is one free chunk: size %zu", h->size);
    CHECK(Mem_Destroy() == 0, "Mem_Destroy");
}

/* The description: 4 KiB, three 100-byte chunks, the second freed. */
static void test_walkthrough(void) {
    char *r = Mem_Init(4096);
    const size_t H = sizeof(mem_header);
    char *p1 = Mem_Alloc(100);
    CHECK(p1 == r + H, "first chunk right after its header");
    CHECK(hdr(p1)->size == 104 && hdr(p1)->u.magic == MEM_MAGIC,
          "header of an allocated chunk: size %zu magic %zu", hdr(p1)->size,
          hdr(p1)->u.magic);
    const mem_header *head = (const mem_header *)(p1 + 104);
    CHECK(head->size == 4096 - H - 104 - H && head->u.next == NULL,
          "the free chunk moved behind p1: size %zu", head->size);

    char *p2 = Mem_Alloc(100), *p3 = Mem_Alloc(100);
    CHECK(p2 == p1 + 104 + H && p3 == p2 + 104 + H, "chunks are contiguous");
    const mem_header *tail = (const mem_header *)(p3 + 104);
    CHECK(tail->size == 4096 - 4 * H - 3 * 104, "free chunk after three");

    CHECK(Mem_Free(p2) == 0, "Mem_Free(p2)");
    CHECK(hdr(p2)->u.next == tail, "freed chunk links to the next free one");
    CHECK(hdr(p1)->u.magic == MEM_MAGIC && hdr(p3)->u.magic == MEM_MAGIC,
          "the two allocated chunks keep the magic");
    CHECK(list_length() == 2, "two free chunks");
    CHECK(Mem_UsableSize(p1) == 104 && Mem_UsableSize(p2) == 0,
          "usable sizes");
    CHECK_CLEAN();
    Mem_Destroy();
}

/* Holes of 1000 and 304 bytes below a larger tail. */
static void test_fits(void) {
    const int fits[] = {MEM_FIRST_FIT, MEM_BEST_FIT, MEM_WORST_FIT};
    for (int i = 0; i < 3; i++) {
        CHECK(Mem_SetFit(fits[i]) == 0, "Mem_SetFit(%d)", fits[i]);
        Mem_Init(4096);
        char *a = Mem_Alloc(100), *b = Mem_Alloc(1000), *c = Mem_Alloc(100);
        char *d = Mem_Alloc(300), *e = Mem_Alloc(100);
        Mem_Free(b);
        Mem_Free(d);
        char *f = Mem_Alloc(250);
        if (fits[i] == MEM_FIRST_FIT)
            CHECK(f == b, "first fit takes the first hole");
        else if (fits[i] == MEM_BEST_FIT)
            CHECK(f == d, "best fit takes the smaller hole");
        else
            CHECK(f > e, "worst fit takes the tail, the largest chunk");
        (void)a;
        (void)c;
        CHECK_CLEAN();
        Mem_Destroy();
    }
    /* Worst fit with no tail: the larger hole. */
    Mem_SetFit(MEM_WORST_FIT);
    Mem_Init(4096);
    char *a = Mem_Alloc(300), *b = Mem_Alloc(100), *c = Mem_Alloc(1000);
    char *rest = Mem_Alloc((int)(4096 - 1400 - 4 * sizeof(mem_header) - 8));
    CHECK(rest != NULL && list_length() <= 1, "filling the region");
    Mem_Free(a);
    Mem_Free(c);
    CHECK(Mem_Alloc(50) == c, "worst fit picks the 1000-byte hole");
    (void)b;
    CHECK(Mem_SetFit(3) == -1 && Mem_SetFit(-1) == -1, "unknown fits");
    CHECK(Mem_GetFit() == MEM_WORST_FIT, "a refused fit changes nothing");
    Mem_Destroy();
    CHECK(Mem_GetFit() == MEM_WORST_FIT, "the fit outlives the region");
    Mem_SetFit(MEM_FIRST_FIT);
}

static void test_coalescing(void) {
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
        for (int with_tail = 0; with_tail < 2; with_tail++) {
            Mem_Init(4096);
            char *p[3] = {Mem_Alloc(200), Mem_Alloc(300), Mem_Alloc(400)};
            char *wall = with_tail ? NULL : Mem_Alloc(16);
            for (int k = 0; k < 3; k++) {
                CHECK(Mem_Free(p[orders[o][k]]) == 0, "free");
                CHECK_CLEAN();
            }
            size_t want = with_tail ? 1 : 2; /* the wall splits the rest */
            CHECK(list_length() == want, "order %d tail %d: %zu free chunks",
                  o, with_tail, list_length());
            if (wall)
                Mem_Free(wall);
            CHECK(list_length() == 1, "everything merged");
            mem_stats st;
            Mem_Stats(&st);
            CHECK(st.largest_free == Mem_RegionBytes(), "one chunk");
            Mem_Destroy();
        }
    }
}

static void test_split_threshold(void) {
    const int H = (int)sizeof(mem_header);
    Mem_Init(4096);
    int whole = 4096 - H;
    /* Leaves exactly a header and one granule: split. */
    char *p = Mem_Alloc(whole - H - MEM_ALIGN);
    CHECK(p && Mem_UsableSize(p) == (size_t)(whole - H - MEM_ALIGN),
          "split keeps the request size");
    CHECK(list_length() == 1, "remainder is a chunk");
    Mem_Free(p);
    /* Leaves a header and nothing else: the slack stays in the chunk. */
    p = Mem_Alloc(whole - H);
    CHECK(p && Mem_UsableSize(p) == (size_t)whole, "slack kept: %zu",
          Mem_UsableSize(p));
    CHECK(list_length() == 0, "no free chunk left");
    CHECK(Mem_Alloc(1) == NULL && Mem_Error() == MEM_E_NO_SPACE, "full");
    CHECK_CLEAN();
    Mem_Destroy();
}

static void test_exhaustion(void) {
    Mem_Init(64 * 1024);
    char *ps[2048];
    int n = 0;
    while (n < 2048 && (ps[n] = Mem_Alloc(64)) != NULL)
        n++;
    CHECK(n < 2048 && Mem_Error() == MEM_E_NO_SPACE, "region runs out");
    CHECK((size_t)n * (64 + sizeof(mem_header)) <= Mem_RegionBytes(),
          "%d chunks of 64", n);
    CHECK(Mem_Alloc(INT32_MAX) == NULL, "INT_MAX");
    CHECK(Mem_Alloc(0) == NULL && Mem_Error() == MEM_E_BAD_ARGS, "size 0");
    CHECK(Mem_Alloc(-1) == NULL && Mem_Error() == MEM_E_BAD_ARGS, "size -1");
    for (int i = 0; i < n; i += 3)
        CHECK(Mem_Free(ps[i]) == 0, "free");
    for (int i = 1; i < n; i += 3)
        CHECK(Mem_Free(ps[i]) == 0, "free");
    CHECK_CLEAN();
    for (int i = 2; i < n; i += 3)
        CHECK(Mem_Free(ps[i]) == 0, "free");
    CHECK(list_length() == 1, "all merged again");
    CHECK_CLEAN();
    Mem_Destroy();
}

static void test_bad_pointers(void) {
    char *r = Mem_Init(8192);
    char *a = Mem_Alloc(200), *b = Mem_Alloc(200), *c = Mem_Alloc(200);
    memset(a, 'a', 200);
    memset(c, 'c', 200);
    int local;
    char *bad[] = {r,     r + 8,       a + 8,     a + 1, a - 1, b + 200,
                   c + 7, r + 8192,    r + 8192 + 16,     (char *)&local};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(Mem_Free(bad[i]) == -1 && Mem_Error() == MEM_E_BAD_POINTER,
              "bad pointer %zu accepted", i);
        CHECK(Mem_UsableSize(bad[i]) == 0, "usable size of bad pointer %zu",
              i);
    }

    /* Payload bytes that imitate a header: the magic alone would pass. */
    mem_header fake = {64, {MEM_MAGIC}};
    memcpy(b + 32, &fake, sizeof fake);
    CHECK(Mem_Free(b + 32 + sizeof fake) == -1, "forged header accepted");

    CHECK(Mem_Free(b) == 0, "free b");
    CHECK(Mem_Free(b) == -1 && Mem_Error() == MEM_E_BAD_POINTER,
          "double free");
    CHECK(Mem_Free(a) == 0, "free a (merges with b)");
    CHECK(Mem_Free(b) == -1, "stale pointer into a merged chunk");
    CHECK(Mem_Free(NULL) == 0, "free(NULL) is a no-op");
    char *cc = c;
    int intact = 1;
    for (int i = 0; i < 200; i++)
        intact &= cc[i] == 'c';
    CHECK(intact, "c changed by the rejected frees");
    CHECK_CLEAN();
    Mem_Destroy();
}

static int count_cb(void *ctx, size_t off, size_t size, int used) {
    size_t *v = ctx; /* next expected offset, used count, used bytes */
    if (off != v[0])
        return 1;
    v[0] = off + size;
    v[1] += (size_t)used;
    v[2] += used ? size : 0;
    return 0;
}

static void test_corruption(void) {
    Mem_Init(8192);
    char *a = Mem_Alloc(100), *b = Mem_Alloc(100), *c = Mem_Alloc(100);
    mem_header *hb = (mem_header *)b - 1;
    size_t saved = hb->u.magic;
    hb->u.magic = 0; /* as if a wrote past its end */
    CHECK(Mem_Check(NULL) > 0, "Mem_Check misses a header without magic");
    CHECK(Mem_Free(c) == -1 && Mem_Error() == MEM_E_CORRUPT,
          "Mem_Free walked over a broken header");
    hb->u.magic = saved;
    CHECK_CLEAN();
    size_t size = hb->size;
    hb->size = 1u << 30;
    CHECK(Mem_Check(NULL) > 0, "Mem_Check misses an oversized chunk");
    size_t v[3] = {0, 0, 0};
    CHECK(Mem_Walk(count_cb, v) == -1, "Mem_Walk followed an oversized chunk");
    hb->size = size;
    CHECK_CLEAN();
    CHECK(Mem_Free(a) == 0 && Mem_Free(b) == 0 && Mem_Free(c) == 0, "frees");
    Mem_Destroy();
}

static void test_walk_stats_reset(void) {
    Mem_Init(16384);
    char *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = Mem_Alloc(100 * (i + 1));
    for (int i = 0; i < 10; i += 2)
        Mem_Free(p[i]);
    size_t v[3] = {0, 0, 0};
    CHECK(Mem_Walk(count_cb, v) == 0, "walk");
    CHECK(v[0] == Mem_RegionBytes() && v[1] == 5, "walk tiles the region");
    mem_stats st;
    CHECK(Mem_Stats(&st) == 0, "stats");
    CHECK(st.used_chunks == 5 && st.used_bytes == v[2] &&
              st.used_bytes + st.free_bytes == Mem_RegionBytes() &&
              st.free_chunks == 6,
          "stats agree with walk");
    const void *lo, *hi;
    Mem_Region(&lo, &hi);
    CHECK((const char *)hi - (const char *)lo == (long)Mem_RegionBytes(),
          "bounds");
    CHECK(Mem_Reset() == 0, "reset");
    CHECK(list_length() == 1 && Mem_UsableSize(p[1]) == 0,
          "reset empties the region");
    CHECK_CLEAN();
    Mem_Destroy();
    Mem_Region(&lo, &hi);
    CHECK(lo == NULL && hi == NULL && Mem_RegionBytes() == 0, "no region");
}

int main(void) {
    test_no_region();
    test_init();
    test_walkthrough();
    test_fits();
    test_coalescing();
    test_split_threshold();
    test_exhaustion();
    test_bad_pointers();
    test_corruption();
    test_walk_stats_reset();
    return check_finish("test_ostep_api");
}
