/*
 * test_mems_model.c: what only MeMS's harness adapter (harness/alloc/alloc_mems.c)
 * promises, on top of the generic model test of every allocator
 * (tests/kit, ctest model.mems): the adapter's mapping (sizes rounded to
 * 16, handles that only payload() makes real, realloc in place when the
 * segment is large enough, nothing held after destroy), and what MeMS
 * promises once a random run has freed everything (no PROCESS segment
 * left, every mapping one HOLE, nothing unmapped before destroy). The
 * random runs come from the kit, with seeds and sizes of their own.
 */
#include "check.h"
#include "mems.h"
#include "mems_inspect.h"
#include "tk_model.h"

#include <stdint.h>
#include <string.h>

static void at_empty(const fb_allocator *a, void *heap) {
    mems_stats st;
    CHECK(mems_get_stats(&st) == 0);
    CHECK_EQ(st.process_bytes, 0);
    CHECK_EQ(st.holes, st.main_len);
    CHECK_EQ(a->footprint(heap), (st.data_pages + st.meta_pages) * mems_page_size());
    CHECK(st.data_pages > 0); /* MeMS unmaps only in mems_finish */
}

static void test_adapter_mapping(const fb_allocator *a) {
    CHECK(strcmp(a->name, "mems") == 0 && strcmp(a->group, "seed") == 0);
    CHECK_EQ(a->align, 16);
    CHECK(a->available());
    void *heap = a->create(NULL);
    CHECK(heap != NULL);
    if (!heap)
        return;
    void *p = a->malloc(heap, 1);
    void *q = a->malloc(heap, 0);
    CHECK_EQ(mems_segment_size(p), 16);
    CHECK_EQ(mems_segment_size(q), 16);
    CHECK((uintptr_t)q == (uintptr_t)p + 16);
    CHECK(a->payload(heap, p) == mems_get(p));
    CHECK((uintptr_t)a->payload(heap, q) % 16 == 0);

    memset(a->payload(heap, p), 0x3C, 16);
    CHECK(a->realloc(heap, p, 10) == p);  /* fits: stays */
    void *r = a->realloc(heap, p, 100);      /* grows: moves, keeps bytes */
    CHECK(r != NULL && r != p);
    CHECK(((unsigned char *)a->payload(heap, r))[15] == 0x3C);
    CHECK(a->realloc(heap, p, 10) == NULL); /* p was freed by the move */
    CHECK(a->free(heap, p) != 0);
    CHECK(a->free(heap, NULL) == 0);
    CHECK(a->check(heap, stderr) == 0);
    a->destroy(heap);
    /* The handle is a token of the adapter's, so this is defined here:
     * mems_finish gave every page back. */
    CHECK_EQ(a->footprint(heap), 0);
}

int main(void) {
    const fb_allocator *a = fb_allocator_find("mems");
    CHECK_STOP(a != NULL);
    test_adapter_mapping(a);
    /* Requests up to three MeMS pages, so that segments span mappings. */
    for (unsigned seed = 2; seed <= 4; seed++) {
        tk_model_cfg cfg = tk_model_defaults(seed);
        cfg.ops = 6000;
        cfg.slots = 200;
        cfg.max_request = 3 * mems_page_size();
        cfg.check_every = 37;
        cfg.at_empty = at_empty;
        tk_model_result res = tk_model_run(a, tk_profile_find(a), &cfg);
        CHECK(res.peak_footprint > 0);
    }
    return check_finish("test_mems_model");
}
