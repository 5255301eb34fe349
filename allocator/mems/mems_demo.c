/*
 * mems_demo.c: the walk-through of the MeMS problem statement (seed 004),
 * as a program: segments carved from a page, writing through the
 * virtual-to-physical translation, a request larger than a page, a HOLE
 * reused for a smaller request (1000 bytes -> 600 PROCESS + 400 HOLE),
 * neighbouring HOLEs merged, bad addresses refused, everything unmapped.
 *
 * A user program, not part of the library: it prints its own narrative;
 * the library prints only in mems_print_stats. Its output, with real
 * addresses replaced, is the golden file of tests/mems (mems.demo_golden).
 */
#include "mems.h"

#include <stdio.h>
#include <string.h>

static void say_free(const char *what, void *v) {
    int rc = mems_free(v);
    if (rc == 0)
        printf("mems_free(%s = %zu): ok\n", what, (size_t)v);
    else
        printf("mems_free(%s = %zu): refused: %s\n", what, (size_t)v,
               mems_strerror(mems_last_error()));
}

int main(void) {
    enum { NSEG = 4, SEG = 1000 };
    void *v[NSEG];

    printf("== Scenario 1: four requests of %d bytes share one page ==\n", SEG);
    mems_init();
    for (int i = 0; i < NSEG; i++) {
        v[i] = mems_malloc(SEG);
        if (!v[i]) {
            printf("mems_malloc failed: %s\n", mems_strerror(mems_last_error()));
            return 1;
        }
        printf("mems_malloc(%d) -> virtual %zu\n", SEG, (size_t)v[i]);
    }
    mems_print_stats();

    printf("\n== Scenario 2: writing through mems_get ==\n");
    for (int i = 0; i < NSEG; i++) {
        char *p = mems_get(v[i]);
        snprintf(p, SEG, "segment %d lives at virtual %zu", i, (size_t)v[i]);
    }
    for (int i = 0; i < NSEG; i++)
        printf("read back via mems_get(%zu): \"%s\"\n", (size_t)v[i], (char *)mems_get(v[i]));
    /* Inside one mapping, virtual and physical offsets agree byte for byte:
     * the statement's 0 -> 1000, 500 -> 1500. */
    char *p0 = mems_get(v[0]);
    char *p500 = mems_get((char *)v[0] + 500);
    printf("mems_get(%zu) - mems_get(%zu) = %td\n", (size_t)v[0] + 500, (size_t)v[0],
           p500 - p0);

    printf("\n== Scenario 3: a request larger than a page gets its own mapping ==\n");
    void *big = mems_malloc(5000);
    printf("mems_malloc(5000) -> virtual %zu (the virtual space continues where the "
           "first mapping ends)\n", (size_t)big);
    memset(mems_get(big), 'x', 5000);
    printf("last byte via mems_get(%zu): '%c'\n", (size_t)big + 4999,
           *(char *)mems_get((char *)big + 4999));
    mems_print_stats();

    printf("\n== Scenario 4: a freed segment becomes a HOLE and is reused ==\n");
    say_free("v[1]", v[1]);
    mems_print_stats();
    void *v600 = mems_malloc(600);
    printf("mems_malloc(600) -> virtual %zu (the 1000-byte HOLE splits into 600 PROCESS "
           "+ 400 HOLE)\n", (size_t)v600);
    mems_print_stats();

    printf("\n== Scenario 5: neighbouring HOLEs merge ==\n");
    say_free("v[2]", v[2]);
    mems_print_stats();
    say_free("v600", v600);
    mems_print_stats();

    printf("\n== Scenario 6: addresses MeMS never gave ==\n");
    say_free("a made-up address", (void *)(size_t)3);
    say_free("an interior address", (char *)v[0] + 8);
    say_free("v[1] a second time", v[1]);
    void *g = mems_get(v[1]);
    printf("mems_get(%zu) -> %s: %s\n", (size_t)v[1], g ? "an address" : "NULL",
           mems_strerror(mems_last_error()));
    g = mems_get((void *)(size_t)1);
    printf("mems_get(1) -> %s: %s\n", g ? "an address" : "NULL",
           mems_strerror(mems_last_error()));
    mems_print_stats();

    printf("\n== Scenario 7: mems_finish unmaps everything ==\n");
    mems_finish();
    mems_print_stats();
    return 0;
}
