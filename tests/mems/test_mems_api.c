/*
 * test_mems_api.c: MeMS's API against its description (seed 004): pages
 * mapped in PAGE_SIZE multiples, first-fit reuse of HOLEs with a split,
 * merging of neighbouring HOLEs, the contiguous virtual space and its
 * translation by mems_get, what mems_print_stats reports, the node pool
 * growing in its own pages, and mems_finish. Built twice: with the default
 * PAGE_SIZE (mems.api) and with -DPAGE_SIZE=8192 (mems.api_page8192), so
 * every expectation is written in terms of PAGE_SIZE.
 */
#include "check.h"
#include "mems_impl.h"
#include "mems_inspect.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define V(x) ((void *)(uintptr_t)(x))
#define BASE ((uintptr_t)MEMS_VIRTUAL_BASE)

static mems_stats stats(void) {
    mems_stats st;
    memset(&st, 0, sizeof st);
    CHECK(mems_get_stats(&st) == 0);
    return st;
}

static void print_stats(void *unused) {
    (void)unused;
    mems_print_stats();
}

/* The line of the stats printout that starts with `key`. */
static int printed_has(const char *out, const char *line) {
    return out && strstr(out, line) != NULL;
}

static void test_first_mapping(void) {
    mems_init();
    CHECK_EQ(mems_footprint(), 0);
    CHECK_EQ(mems_page_size(), PAGE_SIZE);

    void *a = mems_malloc(100);
    CHECK(a == V(BASE));
    mems_stats st = stats();
    CHECK_EQ(st.data_pages, 1);
    CHECK_EQ(st.meta_pages, 1);
    CHECK_EQ(st.mapped_bytes, 2 * PAGE_SIZE);
    CHECK_EQ(mems_footprint(), 2 * PAGE_SIZE);
    CHECK_EQ(st.main_len, 1);
    CHECK_EQ(st.hole_bytes, PAGE_SIZE - 100);
    CHECK_EQ(st.holes, 1);

    /* Translation: offsets inside a mapping carry over byte for byte. */
    unsigned char *pa = mems_get(a);
    CHECK(pa != NULL);
    CHECK((unsigned char *)mems_get(V(BASE + 99)) == pa + 99);
    CHECK(mems_get(V(BASE + 100)) == NULL); /* first byte of the HOLE */
    memset(pa, 0xAB, 100);

    void *b = mems_malloc(200); /* first fit: right after a, same page */
    CHECK(b == V(BASE + 100));
    CHECK((unsigned char *)mems_get(b) == pa + 100);
    CHECK_EQ(mems_segment_size(b), 200);
    CHECK_EQ(mems_segment_size(V(BASE + 101)), 0);
    CHECK_EQ(stats().data_pages, 1);

    /* Exactly the rest of the page: an exact fit, no HOLE left. */
    void *c = mems_malloc(PAGE_SIZE - 300);
    CHECK(c == V(BASE + 300));
    st = stats();
    CHECK_EQ(st.holes, 0);
    CHECK_EQ(st.hole_bytes, 0);
    CHECK_EQ(mems_g.main_head->nsegs, 3);

    /* Larger than a page: ceil(size / PAGE_SIZE) pages, a new main node
     * whose virtual range starts where the first one ends. */
    size_t big = 2 * PAGE_SIZE + 1;
    void *d = mems_malloc(big);
    CHECK(d == V(BASE + PAGE_SIZE));
    st = stats();
    CHECK_EQ(st.data_pages, 1 + 3);
    CHECK_EQ(st.main_len, 2);
    CHECK_EQ(st.hole_bytes, 3 * PAGE_SIZE - big);
    unsigned char *pd = mems_get(d);
    memset(pd, 0x5A, big); /* every byte of it is really there */
    CHECK((unsigned char *)mems_get(V((uintptr_t)d + big - 1)) == pd + big - 1);
    CHECK(mems_get(V((uintptr_t)d + big)) == NULL);
    CHECK(pa[99] == 0xAB); /* the other mapping is untouched */
    CHECK_EQ(mems_check(stderr), 0);

    char *out = check_capture(print_stats, NULL);
    char line[160];
    CHECK(printed_has(out, "Pages used:         4\n"));
    snprintf(line, sizeof line, "Space unused:       %zu\n", (size_t)(3 * PAGE_SIZE - big));
    CHECK(printed_has(out, line));
    CHECK(printed_has(out, "Main chain length:  2\n"));
    CHECK(printed_has(out, "Sub-chain lengths:  [3, 2]\n"));
    snprintf(line, sizeof line, "MAIN[%zu:%zu] 1 page at ", (size_t)BASE,
             (size_t)(BASE + PAGE_SIZE - 1));
    CHECK(printed_has(out, line));
    snprintf(line, sizeof line, ": P[%zu:%zu] <-> P[%zu:%zu] <-> P[%zu:%zu] <-> NULL\n",
             (size_t)BASE, (size_t)BASE + 99, (size_t)BASE + 100, (size_t)BASE + 299,
             (size_t)BASE + 300, (size_t)(BASE + PAGE_SIZE - 1));
    CHECK(printed_has(out, line));
    free(out);

    /* Free b: a HOLE between two PROCESS segments. Then a: it merges with
     * b's HOLE. */
    CHECK(mems_free(b) == 0);
    CHECK_EQ(stats().holes, 2); /* b, and the tail of the big mapping */
    CHECK_EQ(mems_g.main_head->nsegs, 3);
    CHECK(mems_free(a) == 0);
    st = stats();
    CHECK_EQ(mems_g.main_head->nsegs, 2);
    CHECK_EQ(mems_g.main_head->sub_head->size, 300);
    CHECK_EQ(st.hole_bytes, 300 + 3 * PAGE_SIZE - big);
    CHECK_EQ(mems_check(stderr), 0);

    /* Reuse with a split: 50 bytes from the 300-byte HOLE. */
    void *e = mems_malloc(50);
    CHECK(e == V(BASE));
    CHECK_EQ(mems_g.main_head->nsegs, 3);
    CHECK_EQ(mems_g.main_head->sub_head->next->size, 250);
    CHECK_EQ(mems_g.main_head->sub_head->next->type, MEMS_HOLE);

    /* Free c: merges with the 250-byte HOLE before it. */
    CHECK(mems_free(c) == 0);
    CHECK_EQ(mems_g.main_head->nsegs, 2);
    CHECK_EQ(mems_g.main_head->sub_tail->size, PAGE_SIZE - 50);
    /* Free e: the whole page is one HOLE; MeMS keeps the mapping. */
    CHECK(mems_free(e) == 0);
    CHECK(mems_free(d) == 0);
    st = stats();
    CHECK_EQ(st.holes, 2);
    CHECK_EQ(st.process_bytes, 0);
    CHECK_EQ(st.data_pages, 4);
    CHECK_EQ(st.hole_bytes, 4 * PAGE_SIZE);
    CHECK_EQ(mems_check(stderr), 0);

    /* A request as large as the second mapping reuses it, not mmap. */
    void *f = mems_malloc(3 * PAGE_SIZE);
    CHECK(f == V(BASE + PAGE_SIZE));
    CHECK_EQ(stats().data_pages, 4);
    mems_finish();
    CHECK_EQ(mems_footprint(), 0);
    CHECK(!mems_is_initialized());
}

typedef struct walk_acc {
    size_t next, n, bytes;
    int gap;
} walk_acc;

static int walk_fn(void *ctx, size_t offset, size_t size, int process) {
    walk_acc *w = ctx;
    (void)process;
    if (offset != w->next)
        w->gap = 1;
    w->next = offset + size;
    w->n++;
    w->bytes += size;
    return 0;
}

/* Many small segments: the node pool needs more than one page of its own,
 * counted in the footprint; the walk tiles the virtual space. */
static void test_node_pool(void) {
    mems_init();
    enum { N = 3000 };
    static void *v[N];
    for (size_t i = 0; i < N; i++) {
        v[i] = mems_malloc(16 + (i % 5) * 16);
        CHECK(v[i] != NULL);
    }
    mems_stats st = stats();
    size_t nodes = st.main_len + st.process_segments + st.holes;
    size_t meta_needed = (nodes + MEMS_SLOTS_PER_PAGE - 1) / MEMS_SLOTS_PER_PAGE;
    CHECK(st.meta_pages >= meta_needed);
    CHECK(st.meta_pages <= meta_needed + 1); /* reservations run a little ahead */
    CHECK_EQ(mems_footprint(), (st.data_pages + st.meta_pages) * PAGE_SIZE);
    CHECK_EQ(mems_check(stderr), 0);

    walk_acc w = {0};
    CHECK(mems_walk(walk_fn, &w) == 0);
    CHECK(!w.gap);
    CHECK_EQ(w.bytes, st.data_pages * PAGE_SIZE);
    CHECK_EQ(w.n, st.process_segments + st.holes);

    /* Free every other one, then the rest: all HOLEs merge back to one per
     * mapping; the pool keeps its pages, its slots go back on the free list. */
    for (size_t i = 0; i < N; i += 2)
        CHECK(mems_free(v[i]) == 0);
    CHECK_EQ(mems_check(stderr), 0);
    for (size_t i = 1; i < N; i += 2)
        CHECK(mems_free(v[i]) == 0);
    st = stats();
    CHECK_EQ(st.holes, st.main_len);
    CHECK_EQ(st.process_segments, 0);
    CHECK_EQ(mems_g.free_count, st.meta_pages * MEMS_SLOTS_PER_PAGE - 2 * st.main_len);
    CHECK_EQ(mems_check(stderr), 0);

    const void *lo, *hi;
    mems_range(&lo, &hi);
    CHECK(lo != NULL && (uintptr_t)hi - (uintptr_t)lo >= st.data_pages * PAGE_SIZE);
    mems_finish();
    mems_range(&lo, &hi);
    CHECK(lo == NULL && hi == NULL);
}

/* mems_finish then mems_init: a fresh system, virtual addresses from the
 * base again. */
static void test_restart(void) {
    mems_init();
    void *a = mems_malloc(10);
    void *b = mems_malloc(10);
    CHECK(a == V(BASE) && b == V(BASE + 10));
    mems_init(); /* already initialised: keeps everything */
    CHECK_EQ(mems_segment_size(b), 10);
    mems_finish();
    mems_finish(); /* a second finish does nothing */
    mems_init();
    CHECK(mems_malloc(10) == V(BASE));
    CHECK_EQ(stats().data_pages, 1);
    mems_finish();
}

int main(void) {
    test_first_mapping();
    test_node_pool();
    test_restart();
    return check_finish("test_mems_api");
}
