/*
 * test_pagefamily_bad.c: the page-family manager's bad inputs: calls
 * before mm_init, bad and duplicate struct names, struct sizes no page can
 * hold, xcalloc of an unregistered name, of 0 units, of more than a page,
 * and xfree of pointers the manager never gave (foreign, interior, in a
 * page header, freed twice, in a page already given back). Each fails with
 * its error code and errno and leaves the manager exactly as it was.
 */
#include "check.h"
#include "pagefamily_impl.h"
#include "pagefamily_inspect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void expect_error(int err, int errno_value) {
    CHECK_EQ(mm_last_error(), err);
    CHECK_EQ(errno, errno_value);
}

static mm_usage snap(void) {
    mm_usage u;
    memset(&u, 0, sizeof u);
    mm_get_usage(&u);
    return u;
}

static void same_as(const mm_usage *before) {
    mm_usage now = snap();
    CHECK(memcmp(&now, before, sizeof now) == 0);
    CHECK_EQ(mm_check(stderr), 0);
}

static void test_not_initialised(void) {
    errno = 0;
    CHECK(mm_instantiate_new_page_family("emp_t", 36) == -1);
    expect_error(MM_E_NOT_INIT, EINVAL);
    CHECK(xcalloc("emp_t", 1) == NULL);
    expect_error(MM_E_NOT_INIT, EINVAL);
    int x;
    CHECK(xfree(&x) == -1);
    expect_error(MM_E_NOT_INIT, EINVAL);
    CHECK(lookup_page_family_by_name("emp_t") == NULL);
    CHECK_EQ(mm_max_request(), 0);
    CHECK_EQ(mm_check(stderr), 0);
}

static void test_registration(void) {
    mm_init();
    CHECK(mm_instantiate_new_page_family("emp_t", 36) == 0);
    mm_usage before = snap();

    char longest[MM_MAX_STRUCT_NAME], too_long[MM_MAX_STRUCT_NAME + 1];
    memset(longest, 'n', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    memset(too_long, 'n', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = '\0';
    const char *bad_names[] = {NULL, "", too_long};
    for (size_t i = 0; i < 3; i++) {
        errno = 0;
        CHECK(mm_instantiate_new_page_family(bad_names[i], 8) == -1);
        expect_error(MM_E_BAD_NAME, EINVAL);
        same_as(&before);
    }
    errno = 0;
    CHECK(mm_instantiate_new_page_family("emp_t", 36) == -1);
    expect_error(MM_E_DUPLICATE, EINVAL);
    CHECK(mm_instantiate_new_page_family("emp_t", 99) == -1); /* other size: still */
    expect_error(MM_E_DUPLICATE, EINVAL);
    same_as(&before);

    const uint32_t bad_sizes[] = {0, (uint32_t)mm_max_request() + 1, UINT32_MAX};
    for (size_t i = 0; i < 3; i++) {
        errno = 0;
        CHECK(mm_instantiate_new_page_family("sized", bad_sizes[i]) == -1);
        expect_error(MM_E_BAD_SIZE, EINVAL);
        same_as(&before);
    }
    /* The limits themselves are fine. */
    CHECK(mm_instantiate_new_page_family(longest, 1) == 0);
    CHECK(mm_instantiate_new_page_family("page_sized", (uint32_t)mm_max_request()) == 0);
    CHECK_EQ(mm_check(stderr), 0);
    mm_shutdown();
}

static void test_bad_requests(void) {
    mm_init();
    CHECK(mm_instantiate_new_page_family("emp_t", 36) == 0);
    void *keep = xcalloc("emp_t", 1);
    mm_usage before = snap();

    errno = 0;
    CHECK(xcalloc("student_t", 1) == NULL);
    expect_error(MM_E_UNREGISTERED, EINVAL);
    CHECK(xcalloc(NULL, 1) == NULL);
    expect_error(MM_E_UNREGISTERED, EINVAL);
    CHECK(xcalloc("emp_t", 0) == NULL);
    expect_error(MM_E_ZERO_UNITS, EINVAL);
    const size_t too_many[] = {mm_max_request() / 36 + 1, SIZE_MAX, SIZE_MAX / 36 + 1,
                               (size_t)1 << 40};
    for (size_t i = 0; i < 4; i++) {
        errno = 0;
        CHECK(xcalloc("emp_t", too_many[i]) == NULL);
        expect_error(MM_E_TOO_LARGE, EINVAL);
        same_as(&before);
    }
    CHECK(mm_block_data_size(keep) == 48);
    mm_shutdown();
}

static void test_bad_frees(void) {
    mm_init();
    CHECK(mm_instantiate_new_page_family("emp_t", 36) == 0);
    char *a = xcalloc("emp_t", 1), *b = xcalloc("emp_t", 1), *c = xcalloc("emp_t", 1);
    CHECK(a && b && c);
    memset(b, 0x42, 36);
    CHECK(xfree(a) == 0);
    mm_usage before = snap();

    int on_stack;
    char *heap_mem = malloc(64);
    void *foreign[] = {&on_stack, heap_mem, (void *)(uintptr_t)16, (void *)UINTPTR_MAX};
    for (size_t i = 0; i < 4; i++) {
        errno = 0;
        CHECK(xfree(foreign[i]) == -1);
        expect_error(MM_E_FOREIGN, EINVAL);
        same_as(&before);
    }
    free(heap_mem);

    vm_page_t *pg = mm_find_page(b);
    void *not_block[] = {b + 1, b + 16, b + 47, pg, &pg->block_meta_data,
                         (char *)pg + mm_page_size() - 1};
    for (size_t i = 0; i < 6; i++) {
        errno = 0;
        CHECK(xfree(not_block[i]) == -1);
        expect_error(MM_E_NOT_BLOCK, EINVAL);
        same_as(&before);
    }
    /* a is free (and alone: its neighbour b is allocated). */
    errno = 0;
    CHECK(xfree(a) == -1);
    expect_error(MM_E_DOUBLE_FREE, EINVAL);
    same_as(&before);
    CHECK(mm_block_data_size(a) == 0);
    CHECK(mm_last_error() == MM_E_DOUBLE_FREE); /* the query left it alone */
    CHECK(b[35] == 0x42);

    /* Once the page is given back, its old pointers are foreign. */
    CHECK(xfree(b) == 0 && xfree(c) == 0);
    CHECK_EQ(snap().data_pages, 0);
    CHECK(xfree(b) == -1);
    expect_error(MM_E_FOREIGN, EINVAL);
    CHECK(xfree(NULL) == 0);
    CHECK_EQ(mm_check(stderr), 0);
    mm_shutdown();
}

static void print_unknown(void *unused) {
    (void)unused;
    mm_print_memory_usage("no_such_t");
}

static void test_print_unknown(void) {
    mm_init();
    char *out = check_capture(print_unknown, NULL);
    CHECK(out && strcmp(out, "mm_print_memory_usage: no page family is registered as "
                             "\"no_such_t\"\n") == 0);
    free(out);
    CHECK_EQ(mm_last_error(), MM_E_UNREGISTERED);
    mm_shutdown();
}

static void test_strerror(void) {
    for (int e = MM_OK; e <= MM_E_DOUBLE_FREE; e++)
        CHECK(mm_strerror(e) != NULL && strlen(mm_strerror(e)) > 5);
    CHECK(strcmp(mm_strerror(-1), mm_strerror(1000)) == 0);
}

int main(void) {
    test_not_initialised();
    test_registration();
    test_bad_requests();
    test_bad_frees();
    test_print_unknown();
    test_strerror();
    return check_finish("test_pagefamily_bad");
}
