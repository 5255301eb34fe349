/*
 * test_search_check.c: the checking mode of the teaching allocators'
 * search indexes (mems, dmm, pagefamily) sees a wrong index. Each case
 * makes a heap where the design's walk and the index agree (no mismatch,
 * the allocator's check clean), then breaks the index on purpose, so that
 * the next search answers differently from the walk, and expects the
 * mismatch to be counted and the check to report it. Without this, the
 * replay test (search_check.sh) could pass with a checking mode that
 * never compares anything.
 */
#include "check.h"

#include "dmm.h"
#include "dmm_impl.h"
#include "dmm_inspect.h"
#include "mems_impl.h"
#include "mems_inspect.h"
#include "pagefamily_impl.h"
#include "pagefamily_inspect.h"

#include <stdint.h>

static void test_mems(void) {
    mems_init();
    mems_set_search_check(1);
    void *a = mems_malloc(96), *b = mems_malloc(96), *c = mems_malloc(96);
    CHECK_STOP(a && b && c);
    CHECK_EQ(mems_free(b), 0);
    CHECK_EQ(mems_malloc(48), b); /* first fit: the HOLE b left */
    CHECK_EQ(mems_free(b), 0);
    CHECK_EQ(mems_search_mismatches(), 0);
    CHECK_EQ(mems_check(NULL), 0);
    /* The index forgets that b's segment is a HOLE: it now points past it. */
    CHECK(ot_set(mems_g.ix_root, (uintptr_t)b, 0));
    void *d = mems_malloc(48);
    CHECK(d != b, "the broken index should pick another HOLE");
    CHECK(mems_search_mismatches() > 0);
    CHECK(mems_check(NULL) > 0);
    mems_finish();
}

static void test_dmm(void) {
    static _Alignas(64) char pool[1 << 16];
    CHECK_STOP(dmm_heap_init(pool, sizeof pool) == 0);
    dmm_set_search_check(1);
    for (int algo = ALGO_FIRST_FIT; algo <= ALGO_WORST_FIT; algo += ALGO_WORST_FIT) {
        set_allocation_algorithm((dmm_algo)algo);
        char *a = my_kmalloc(64), *b = my_kmalloc(4096), *c = my_kmalloc(64);
        CHECK_STOP(a && b && c);
        CHECK_EQ(my_kfree(b), 0);
        CHECK_EQ(dmm_search_mismatches(), 0);
        CHECK_EQ(dmm_check(NULL, NULL), 0);
        my_kfree(a);
        my_kfree(c);
    }
    set_allocation_algorithm(ALGO_FIRST_FIT);
    char *a = my_kmalloc(64), *b = my_kmalloc(64), *c = my_kmalloc(64);
    CHECK_STOP(a && b && c);
    CHECK_EQ(my_kfree(b), 0);
    CHECK(ot_set(dmm_g.ix_root, (uintptr_t)(b - DMM_HEADER), 0));
    CHECK(my_kmalloc(32) != b, "the broken index should pick another block");
    CHECK(dmm_search_mismatches() > 0);
    CHECK(dmm_check(NULL, NULL) > 0);
    dmm_heap_release();
}

static void test_pagefamily(void) {
    mm_init();
    mm_set_search_check(1);
    CHECK_STOP(mm_instantiate_new_page_family("t16", 16) == 0);
    void *x = xcalloc("t16", 1), *y = xcalloc("t16", 1), *z = xcalloc("t16", 1);
    CHECK_STOP(x && y && z);
    CHECK_EQ(xfree(y), 0);
    CHECK_EQ(mm_search_mismatches(), 0);
    CHECK_EQ(mm_check(NULL), 0);
    /* The page set forgets x's page: the lookup now disagrees with the walk. */
    mm_ix_page_drop(mm_find_page(x));
    CHECK(xfree(x) != 0, "with the page forgotten, x looks foreign");
    CHECK(mm_search_mismatches() > 0);
    CHECK(mm_check(NULL) > 0);
    mm_shutdown();
}

int main(void) {
    test_mems();
    test_dmm();
    test_pagefamily();
    return check_finish("test_search_check");
}
