/*
 * test_pagefamily_model.c: what only the page-family manager's harness
 * adapter (harness/alloc/alloc_pagefamily.c) promises, on top of the generic
 * model test of every allocator (tests/kit, ctest model.pagefamily): the
 * size-class mapping, large requests on their own pages, nothing held
 * after destroy, and, once a random run of the kit has freed everything,
 * every data page given back.
 */
#include "check.h"
#include "pagefamily.h"
#include "pagefamily_inspect.h"
#include "tk_model.h"

#include <stdint.h>
#include <string.h>

static void at_empty(const fb_allocator *a, void *heap) {
    mm_usage u;
    CHECK(mm_get_usage(&u) == 0);
    CHECK_EQ(u.data_pages, 0);
    CHECK_EQ(u.used_blocks, 0);
    /* Only the family records are left: every data page and large mapping
     * went back to the kernel. */
    CHECK_EQ(a->footprint(heap), u.family_pages * mm_page_size());
}

static void test_adapter_mapping(const fb_allocator *a) {
    CHECK(strcmp(a->name, "pagefamily") == 0 && strcmp(a->group, "seed") == 0);
    CHECK_EQ(a->align, 16);
    CHECK(a->payload == NULL);
    void *heap = a->create(NULL);
    CHECK(heap != NULL);
    if (!heap)
        return;
    /* Size classes: the smallest class that holds the request. */
    struct { size_t n, cls; } cases[] = {{0, 16}, {1, 16}, {16, 16}, {17, 32}, {100, 128},
                                         {2048, 2048}, {2049, mm_max_request()},
                                         {mm_max_request(), mm_max_request()}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        void *p = a->malloc(heap, cases[i].n);
        CHECK(p != NULL);
        CHECK_EQ(mm_block_data_size(p), cases[i].cls);
        char name[MM_MAX_STRUCT_NAME];
        snprintf(name, sizeof name, "fb_class_%zu", cases[i].cls);
        CHECK(lookup_page_family_by_name(name) != NULL);
    }
    /* Beyond a page: its own mapping, not a block. */
    size_t fp0 = a->footprint(heap);
    size_t big = mm_max_request() + 1;
    unsigned char *p = a->malloc(heap, big);
    CHECK(p != NULL && (uintptr_t)p % 16 == 0);
    CHECK_EQ(mm_block_data_size(p), 0);
    size_t ps = mm_page_size(); /* a 32-byte header, then the payload */
    CHECK_EQ(a->footprint(heap) - fp0, (32 + big + ps - 1) / ps * ps);
    memset(p, 0x6B, big);
    unsigned char *q = a->realloc(heap, p, 3 * mm_page_size());
    CHECK(q != NULL && q[big - 1] == 0x6B && q[0] == 0x6B);
    CHECK(a->free(heap, p) != 0); /* moved: the old one is gone */
    CHECK(a->free(heap, q) == 0);
    CHECK_EQ(a->footprint(heap), fp0);
    /* Just past the large header's rounding: refused, not wrapped. */
    CHECK(a->malloc(heap, SIZE_MAX - 40) == NULL);
    CHECK(a->check(heap, stderr) == 0);
    a->destroy(heap);
    /* The handle is a token of the adapter's, so this is defined here:
     * the shutdown gave every page back. */
    CHECK_EQ(a->footprint(heap), 0);
}

int main(void) {
    const fb_allocator *a = fb_allocator_find("pagefamily");
    CHECK_STOP(a != NULL);
    test_adapter_mapping(a);
    for (unsigned seed = 2; seed <= 4; seed++) {
        tk_model_cfg cfg = tk_model_defaults(seed);
        cfg.ops = 6000;
        cfg.slots = 200;
        cfg.check_every = 37;
        cfg.at_empty = at_empty;
        tk_model_result res = tk_model_run(a, tk_profile_find(a), &cfg);
        CHECK(res.peak_footprint > 0);
    }
    return check_finish("test_pagefamily_model");
}
