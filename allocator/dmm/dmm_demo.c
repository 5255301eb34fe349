/*
 * dmm_demo.c: the seed's demo, in user space. The seed's module takes a
 * 1 MB pool, allocates 100, 500 and 200 bytes, frees the 500 and shows a
 * 300-byte request landing in that hole under first fit; then it makes
 * holes of about 2000 and 500 bytes and asks for 400. Here that second
 * scenario runs under each algorithm in turn, and the demo says which
 * hole each one took: first fit the ~2000 hole (it comes first), best fit
 * the ~500 hole, worst fit the large free tail of the pool.
 *
 * Output is the module's log without the dmesg timestamps; the golden
 * copy is tests/dmm/expected_output.txt (addresses replaced by ADDR).
 * Exit status 1 if an expectation fails.
 */
#include "dmm.h"
#include "dmm_inspect.h"

#define DEMO_POOL (1024 * 1024) /* the seed's heap_size */

static int failures;

static void expect(int ok, const char *what) {
    if (!ok) {
        DMM_PRINT("ERROR: %s\n", what);
        failures++;
    }
}

static void first_fit_hole(void) {
    set_allocation_algorithm(ALGO_FIRST_FIT);
    DMM_PRINT("Allocating 3 pointers (100, 500, 200 bytes)...\n");
    void *p1 = my_kmalloc(100);
    void *p2 = my_kmalloc(500);
    void *p3 = my_kmalloc(200);
    expect(p1 && p2 && p3, "the three allocations");
    print_heap_stats();

    DMM_PRINT("Freeing p2 (500 bytes)...\n");
    expect(my_kfree(p2) == 0, "freeing p2");
    print_heap_stats();

    DMM_PRINT("Allocating p4 (300 bytes) - Should fit in p2's hole with "
              "First Fit\n");
    void *p4 = my_kmalloc(300);
    DMM_PRINT("p4 %s p2's hole\n", p4 == p2 ? "took" : "did NOT take");
    expect(p4 == p2, "p4 in p2's hole");
    print_heap_stats();

    my_kfree(p1);
    my_kfree(p3);
    my_kfree(p4);
    DMM_PRINT("Freed p1, p3, p4: coalesced back into one block\n");
    print_heap_stats();
}

static void holes(dmm_algo algo, const char *name) {
    DMM_PRINT("\n");
    DMM_PRINT("--- Switching to %s ---\n", name);
    set_allocation_algorithm(algo);
    void *a = my_kmalloc(100);
    void *b = my_kmalloc(2000); /* the large hole */
    void *c = my_kmalloc(100);
    void *d = my_kmalloc(500); /* the small hole */
    void *e = my_kmalloc(100);
    expect(a && b && c && d && e, "setting up the holes");
    my_kfree(b);
    my_kfree(d);

    DMM_PRINT("Holes available: ~2000 and ~500. Allocating 400.\n");
    void *f = my_kmalloc(400);
    const char *where = f == b   ? "the ~2000 hole"
                        : f == d ? "the ~500 hole"
                                 : "the free tail of the heap";
    DMM_PRINT("%s: the 400-byte block went to %s\n", name, where);
    print_heap_stats();

    my_kfree(a);
    my_kfree(c);
    my_kfree(e);
    my_kfree(f);
    struct dmm_stats st;
    expect(dmm_stats(&st) == 0 && st.free_blocks == 1 && st.used_blocks == 0,
           "everything freed and coalesced");
}

static void bad_frees(void) {
    DMM_PRINT("\n");
    DMM_PRINT("--- Bad frees (each rejected, nothing changes) ---\n");
    char *p = my_kmalloc(64);
    char *q = my_kmalloc(64);
    int local;
    struct {
        const char *what;
        void *ptr;
    } cases[] = {{"p + 8 (inside a block)", p + 8},
                 {"p + 3 (misaligned)", p + 3},
                 {"&local (outside the heap)", &local},
                 {"the heap's first header", p - DMM_HEADER}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = my_kfree(cases[i].ptr);
        DMM_PRINT("my_kfree(%s) = %d: %s\n", cases[i].what, rc,
                  dmm_strerror(rc));
        expect(rc != 0, "a bad pointer was accepted");
    }
    /* p stays a block of its own when freed (q, above it, is in use);
     * freeing q then merges q into p and into the free tail. */
    my_kfree(p);
    int rc = my_kfree(p);
    DMM_PRINT("my_kfree(p) twice = %d: %s\n", rc, dmm_strerror(rc));
    expect(rc == -DMM_EDOUBLE, "double free not seen");
    my_kfree(q);
    rc = my_kfree(q);
    DMM_PRINT("my_kfree(q) after q merged into p = %d: %s\n", rc,
              dmm_strerror(rc));
    expect(rc == -DMM_EBADPTR, "stale pointer accepted");
    expect(dmm_check(NULL, NULL) == 0, "heap check after bad frees");
    print_heap_stats();
}

int main(void) {
    DMM_PRINT("Module loaded (user-space build).\n");
    void *pool = dmm_arena_get(DEMO_POOL);
    if (!pool || dmm_heap_init(pool, DEMO_POOL) != 0) {
        DMM_PRINT("Failed to get a %d-byte pool\n", DEMO_POOL);
        return 1;
    }
    first_fit_hole();
    holes(ALGO_FIRST_FIT, "First Fit");
    holes(ALGO_BEST_FIT, "Best Fit");
    holes(ALGO_WORST_FIT, "Worst Fit");
    set_allocation_algorithm(ALGO_FIRST_FIT);
    bad_frees();
    DMM_PRINT("Demo Complete.\n");
    dmm_heap_release();
    dmm_arena_put(pool, DEMO_POOL);
    DMM_PRINT("Heap pool freed.\n");
    return failures ? 1 : 0;
}
