/*
 * pagefamily_prints.c: drives the three print functions through the states
 * the demo does not reach (not initialised, no family, one family chosen
 * by name, an unknown name, several pages in a family, multi-unit blocks,
 * hard internal fragmentation). Its output, page addresses normalised, is
 * the golden file prints.golden (test pagefamily.prints_golden).
 */
#include "pagefamily.h"

#include <stdio.h>

typedef struct point_ {
    int x, y, z;
} point_t; /* 12 bytes: 1 unit -> a 16-byte block */

typedef struct record_ {
    char text[1000];
} record_t;

static void all(const char *title) {
    printf("\n== %s ==\n", title);
    mm_print_memory_usage(NULL);
    mm_print_block_usage();
}

int main(void) {
    printf("== before mm_init ==\n");
    mm_print_registered_page_families();
    mm_print_memory_usage(NULL);
    mm_print_block_usage();

    mm_init();
    printf("\n== no family yet ==\n");
    mm_print_registered_page_families();
    mm_print_memory_usage(NULL);
    mm_print_block_usage();

    MM_REG_STRUCT(point_t);
    MM_REG_STRUCT(record_t);
    printf("\n");
    mm_print_registered_page_families();

    void *pts = XCALLOC(10, point_t);  /* 120 -> 128 */
    void *pt = XCALLOC(1, point_t);    /* 12 -> 16 */
    void *r[5];
    for (int i = 0; i < 5; i++)        /* 3 fit a page (1056 bytes each with metadata);
                                          r[3] opens a second, listed first */
        r[i] = XCALLOC(1, record_t);
    all("10 points, 1 point, 5 records");

    printf("\n== record_t only ==\n");
    mm_print_memory_usage("record_t");
    printf("\n== an unknown name ==\n");
    mm_print_memory_usage("pointt");

    XFREE(r[1]);
    XFREE(r[2]); /* merges with r[1] and with the free tail of the page */
    XFREE(pts);
    all("records 1 and 2 and the 10 points freed");

    XFREE(r[3]);
    XFREE(r[4]); /* the second page is empty now: it goes back */
    XFREE(pt);   /* the points' page goes back too */
    all("records 3 and 4 and the last point freed");

    mm_shutdown();
    return 0;
}
