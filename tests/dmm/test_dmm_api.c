/*
 * test_dmm_api.c: the dynamic memory manager (allocator/dmm) against its
 * description (seed 003) and its bad inputs: my_kmalloc / my_kfree /
 * my_kcalloc / set_allocation_algorithm over an mmap'd pool, the block
 * header and list links dmm.h documents, dmm_check after every step unless
 * the test broke the heap on purpose.
 *
 * Cases: no heap yet; dmm_heap_init's arguments; 8-byte alignment and
 * header links; each algorithm on the seed's holes; every coalescing
 * order; kcalloc; size limits and exhaustion; bad pointers (including a
 * forged header); corruption seen by dmm_check; walk/stats; reset.
 */
#include "check.h"
#include "dmm.h"
#include "dmm_inspect.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void report(void *ctx, const char *msg) {
    (void)ctx;
    fprintf(stderr, "%s\n", msg);
}

#define CHECK_CLEAN() CHECK(dmm_check(report, NULL) == 0, "dmm_check damage")

#define POOL (256 * 1024)
static void *pool;

static void fresh(void) {
    dmm_heap_release();
    CHECK(dmm_heap_init(pool, POOL) == 0, "dmm_heap_init");
}

static struct dmm_block *blk(void *p) {
    return (struct dmm_block *)p - 1;
}

static struct dmm_stats stats(void) {
    struct dmm_stats st;
    CHECK(dmm_stats(&st) == 0, "dmm_stats");
    return st;
}

static void test_no_heap(void) {
    int x;
    CHECK(my_kmalloc(8) == NULL && dmm_last_error() == DMM_ENOHEAP,
          "my_kmalloc without a heap");
    CHECK(my_kfree(&x) == -DMM_ENOHEAP, "my_kfree without a heap");
    CHECK(my_kfree(NULL) == 0, "my_kfree(NULL)");
    CHECK(dmm_check(report, NULL) == 0, "check without a heap");
    CHECK(dmm_walk(NULL, NULL) == -1, "walk without a heap");
    CHECK(dmm_heap_reset() == -DMM_ENOHEAP, "reset without a heap");
    CHECK(dmm_usable_size(&x) == 0, "usable size without a heap");
}

static void test_init(void) {
    char *c = pool;
    CHECK(dmm_heap_init(NULL, POOL) == -DMM_EINVAL, "NULL pool");
    CHECK(dmm_heap_init(c, DMM_HEADER + DMM_ALIGN - 1) == -DMM_EINVAL,
          "pool too small");
    CHECK(dmm_heap_init(c + 3, 5) == -DMM_EINVAL, "pool smaller than its pad");
    CHECK(dmm_heap_init(c + 3, 4096) == 0, "misaligned pool");
    const void *lo, *hi;
    dmm_heap_range(&lo, &hi);
    CHECK(lo == c + 8 && (size_t)((const char *)hi - (const char *)lo) ==
                             (4096 - 5) / 8 * 8,
          "start rounded up, length down");
    CHECK(dmm_heap_init(c, POOL) == -DMM_EBUSY, "second heap accepted");
    struct dmm_stats st = stats();
    CHECK(st.free_blocks == 1 && st.used_blocks == 0, "one free block");
    CHECK_CLEAN();
    dmm_heap_release();
    dmm_heap_range(&lo, &hi);
    CHECK(lo == NULL, "released");
}

static void test_layout(void) {
    fresh();
    char *p1 = my_kmalloc(100), *p2 = my_kmalloc(1), *p3 = my_kmalloc(200);
    CHECK(p1 == (char *)pool + DMM_HEADER, "first block at the pool start");
    CHECK((uintptr_t)p1 % 8 == 0 && (uintptr_t)p2 % 8 == 0 &&
              (uintptr_t)p3 % 8 == 0,
          "8-byte aligned");
    CHECK(blk(p1)->size == 104 && blk(p2)->size == 8 && blk(p3)->size == 200,
          "sizes rounded to 8: %zu %zu %zu", blk(p1)->size, blk(p2)->size,
          blk(p3)->size);
    CHECK(blk(p1)->prev == NULL && blk(p1)->next == blk(p2) &&
              blk(p2)->prev == blk(p1) && blk(p2)->next == blk(p3) &&
              blk(p3)->prev == blk(p2),
          "doubly linked in address order");
    CHECK(!blk(p1)->is_free && blk(p3)->next && blk(p3)->next->is_free,
          "free flags");
    CHECK(dmm_usable_size(p1) == 104, "usable size");
    CHECK_CLEAN();
}

static void test_algorithms(void) {
    const dmm_algo algos[] = {ALGO_FIRST_FIT, ALGO_BEST_FIT, ALGO_WORST_FIT};
    for (int i = 0; i < 3; i++) {
        fresh();
        CHECK(set_allocation_algorithm(algos[i]) == 0, "set algorithm");
        CHECK(dmm_get_algorithm() == algos[i], "get algorithm");
        char *a = my_kmalloc(100), *b = my_kmalloc(2000);
        char *c = my_kmalloc(100), *d = my_kmalloc(500), *e = my_kmalloc(100);
        my_kfree(b);
        my_kfree(d);
        char *f = my_kmalloc(400);
        if (algos[i] == ALGO_FIRST_FIT)
            CHECK(f == b, "first fit: the ~2000 hole");
        else if (algos[i] == ALGO_BEST_FIT)
            CHECK(f == d, "best fit: the ~500 hole");
        else
            CHECK(f == (char *)blk(e)->next + DMM_HEADER,
                  "worst fit: the free tail");
        (void)a;
        (void)c;
        CHECK_CLEAN();
    }
    /* No tail: worst fit takes the larger hole. */
    fresh();
    set_allocation_algorithm(ALGO_WORST_FIT);
    char *a = my_kmalloc(500), *b = my_kmalloc(100), *c = my_kmalloc(2000);
    struct dmm_stats st = stats();
    char *rest = my_kmalloc(st.largest_free - DMM_HEADER);
    CHECK(rest && stats().free_blocks == 0, "filling the pool");
    my_kfree(a);
    my_kfree(c);
    CHECK(my_kmalloc(40) == c, "worst fit picks the larger hole");
    (void)b;
    CHECK(set_allocation_algorithm((dmm_algo)7) == -DMM_EINVAL,
          "unknown algorithm");
    CHECK(dmm_get_algorithm() == ALGO_WORST_FIT, "refusal changes nothing");
    set_allocation_algorithm(ALGO_FIRST_FIT);
}

static void test_coalescing(void) {
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
        for (int wall = 0; wall < 2; wall++) {
            fresh();
            char *lead = wall ? my_kmalloc(24) : NULL;
            char *p[3] = {my_kmalloc(100), my_kmalloc(300), my_kmalloc(50)};
            char *back = wall ? my_kmalloc(24) : NULL;
            for (int k = 0; k < 3; k++) {
                CHECK(my_kfree(p[orders[o][k]]) == 0, "free");
                CHECK_CLEAN();
            }
            struct dmm_stats st = stats();
            CHECK(st.free_blocks == (wall ? 2u : 1u),
                  "order %d wall %d: %zu free blocks", o, wall,
                  st.free_blocks);
            if (wall) {
                /* the three merged into one block between the walls */
                CHECK(blk(lead)->next == blk(p[0]) &&
                          blk(p[0])->next == blk(back) && blk(p[0])->is_free,
                      "the merged block sits between the walls");
                my_kfree(lead);
                my_kfree(back);
            }
            st = stats();
            CHECK(st.free_blocks == 1 && st.largest_free == POOL,
                  "all one block again");
        }
    }
}

static void test_kcalloc_and_limits(void) {
    fresh();
    unsigned char *p = my_kmalloc(300);
    memset(p, 0xff, 300);
    my_kfree(p);
    unsigned char *q = my_kcalloc(30, 10);
    int zero = q == p;
    for (int i = 0; q && i < 300; i++)
        zero &= q[i] == 0;
    CHECK(zero, "my_kcalloc reuses the block and zeroes it");
    CHECK(my_kcalloc(SIZE_MAX / 2, 3) == NULL &&
              dmm_last_error() == DMM_EINVAL,
          "my_kcalloc overflow");
    CHECK(my_kmalloc(0) == NULL && dmm_last_error() == DMM_EINVAL, "size 0");
    CHECK(my_kmalloc(SIZE_MAX) == NULL && dmm_last_error() == DMM_EINVAL,
          "SIZE_MAX");
    CHECK(my_kmalloc(POOL) == NULL && dmm_last_error() == DMM_ENOMEM,
          "larger than the pool");
    my_kfree(q);
    CHECK(my_kmalloc(POOL - DMM_HEADER) != NULL, "the whole pool");
    CHECK(my_kmalloc(1) == NULL && dmm_last_error() == DMM_ENOMEM, "full");
    CHECK_CLEAN();

    fresh();
    void *ps[4096];
    int n = 0;
    while (n < 4096 && (ps[n] = my_kmalloc(64)) != NULL)
        n++;
    CHECK(n < 4096 && (size_t)n * (64 + DMM_HEADER) <= POOL, "%d blocks", n);
    for (int i = n - 1; i >= 0; i -= 2)
        my_kfree(ps[i]);
    for (int i = n - 2; i >= 0; i -= 2)
        my_kfree(ps[i]);
    CHECK(stats().free_blocks == 1, "all merged again");
    CHECK_CLEAN();
}

static void test_bad_pointers(void) {
    fresh();
    char *a = my_kmalloc(200), *b = my_kmalloc(200), *c = my_kmalloc(200);
    memset(c, 'c', 200);
    int local;
    char *bad[] = {(char *)pool,  a + 8,        a + 1,
                   c + 7,         b + 200,      (char *)pool + POOL,
                   (char *)&local};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(my_kfree(bad[i]) == -DMM_EBADPTR, "bad pointer %zu accepted",
              i);
        CHECK(dmm_usable_size(bad[i]) == 0, "usable size of bad pointer %zu",
              i);
    }
    /* A header forged in b's payload, linked to real neighbours: a's
     * next does not point at it, so it is refused. */
    struct dmm_block fake = {64, 0, blk(a), blk(c)};
    memcpy(b + 32, &fake, sizeof fake);
    CHECK(my_kfree(b + 32 + DMM_HEADER) == -DMM_EBADPTR,
          "forged header accepted");

    CHECK(my_kfree(b) == 0, "free b");
    CHECK(my_kfree(b) == -DMM_EDOUBLE, "double free");
    CHECK(my_kfree(a) == 0, "free a (absorbs b)");
    CHECK(my_kfree(b) == -DMM_EBADPTR, "stale pointer into a merged block");
    int intact = 1;
    for (int i = 0; i < 200; i++)
        intact &= c[i] == 'c';
    CHECK(intact, "c changed by the rejected frees");
    CHECK_CLEAN();
}

static int count_cb(void *ctx, size_t off, size_t size, int used) {
    size_t *v = ctx; /* next expected offset, used blocks */
    if (off != v[0])
        return 1;
    v[0] = off + size;
    v[1] += (size_t)used;
    return 0;
}

static void test_corruption_walk_reset(void) {
    fresh();
    char *a = my_kmalloc(100), *b = my_kmalloc(100), *c = my_kmalloc(100);
    struct dmm_block *hb = blk(b), saved = *hb;
    hb->prev = NULL; /* as if a wrote past its end */
    CHECK(dmm_check(NULL, NULL) > 0, "dmm_check misses a broken prev link");
    CHECK(my_kfree(b) == -DMM_EBADPTR, "freed a block with a broken link");
    *hb = saved;
    hb->size = (size_t)1 << 40;
    CHECK(dmm_check(NULL, NULL) > 0, "dmm_check misses an oversized block");
    size_t v[2] = {0, 0};
    CHECK(dmm_walk(count_cb, v) == -1, "walk followed an oversized block");
    *hb = saved;
    hb->is_free = 7;
    CHECK(dmm_check(NULL, NULL) > 0, "dmm_check misses a bad free flag");
    *hb = saved;
    CHECK_CLEAN();
    fresh();

    a = my_kmalloc(100);
    b = my_kmalloc(300);
    c = my_kmalloc(500);
    my_kfree(b);
    v[0] = v[1] = 0;
    CHECK(dmm_walk(count_cb, v) == 0 && v[0] == POOL && v[1] == 2,
          "walk tiles the pool");
    struct dmm_stats st = stats();
    CHECK(st.used_blocks == 2 && st.free_blocks == 2 &&
              st.used_bytes + st.free_bytes == POOL &&
              st.used_bytes == 2 * DMM_HEADER + 104 + 504,
          "stats agree with the layout");
    CHECK(dmm_heap_reset() == 0, "reset");
    st = stats();
    CHECK(st.free_blocks == 1 && st.used_blocks == 0 &&
              dmm_usable_size(c) == 0,
          "reset empties the heap");
    (void)a;
    CHECK_CLEAN();
}

int main(void) {
    pool = dmm_arena_get(POOL);
    CHECK_STOP(pool != NULL, "cannot map a %d-byte pool", POOL);
    test_no_heap();
    test_init();
    test_layout();
    test_algorithms();
    test_coalescing();
    test_kcalloc_and_limits();
    test_bad_pointers();
    test_corruption_walk_reset();
    dmm_heap_release();
    dmm_arena_put(pool, POOL);
    return check_finish("test_dmm_api");
}
