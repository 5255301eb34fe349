/*
 * test_mems_bad.c: MeMS's bad inputs: calls before mems_init, a request of
 * 0 bytes, sizes no mapping can hold, and mems_free / mems_get of
 * addresses MeMS never gave (outside every mapping, interior, in a HOLE,
 * freed twice). Each must fail with its error code and errno, and leave
 * MeMS exactly as it was.
 */
#include "check.h"
#include "mems_impl.h"
#include "mems_inspect.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define V(x) ((void *)(uintptr_t)(x))

static void expect_error(int err, int errno_value) {
    CHECK_EQ(mems_last_error(), err);
    CHECK_EQ(errno, errno_value);
}

static void test_not_initialised(void) {
    errno = 0;
    CHECK(mems_malloc(10) == NULL);
    expect_error(MEMS_E_NOT_INIT, EINVAL);
    CHECK(mems_free(V(MEMS_VIRTUAL_BASE)) == -1);
    expect_error(MEMS_E_NOT_INIT, EINVAL);
    CHECK(mems_get(V(MEMS_VIRTUAL_BASE)) == NULL);
    CHECK_EQ(mems_footprint(), 0);
    CHECK_EQ(mems_check(stderr), 0);
    mems_stats st;
    CHECK(mems_get_stats(&st) == -1);
}

/* Every failing call below must leave this snapshot unchanged. */
static mems_stats snap(void) {
    mems_stats st;
    memset(&st, 0, sizeof st);
    mems_get_stats(&st);
    return st;
}

static void same_as(const mems_stats *before) {
    mems_stats now = snap();
    CHECK(memcmp(&now, before, sizeof now) == 0);
    CHECK_EQ(mems_check(stderr), 0);
}

static void test_bad_sizes(void) {
    mems_init();
    void *keep = mems_malloc(64);
    mems_stats before = snap();

    errno = 0;
    CHECK(mems_malloc(0) == NULL);
    expect_error(MEMS_E_ZERO_SIZE, EINVAL);
    same_as(&before);

    const size_t huge[] = {SIZE_MAX, SIZE_MAX - PAGE_SIZE + 1, SIZE_MAX - PAGE_SIZE,
                           SIZE_MAX / 2, (size_t)1 << 62, (size_t)100000000000000000ULL};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        errno = 0;
        CHECK(mems_malloc(huge[i]) == NULL);
        expect_error(MEMS_E_NOMEM, ENOMEM);
        same_as(&before);
    }
    CHECK(mems_free(NULL) == 0); /* like free(3) */
    same_as(&before);
    CHECK(mems_segment_size(keep) == 64);
    mems_finish();
}

static void test_bad_addresses(void) {
    mems_init();
    void *a = mems_malloc(100);
    void *b = mems_malloc(100);
    void *c = mems_malloc(100);
    unsigned char *pb = mems_get(b);
    memset(pb, 0x77, 100);
    CHECK(mems_free(b) == 0);
    mems_stats before = snap();

    const uintptr_t outside[] = {1, MEMS_VIRTUAL_BASE - 1, MEMS_VIRTUAL_BASE + PAGE_SIZE,
                                 (uintptr_t)pb /* a real address is not a MeMS one */,
                                 UINTPTR_MAX};
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        errno = 0;
        CHECK(mems_free(V(outside[i])) == -1);
        expect_error(MEMS_E_UNKNOWN, EINVAL);
        CHECK(mems_get(V(outside[i])) == NULL);
        expect_error(MEMS_E_UNKNOWN, EINVAL);
        same_as(&before);
    }

    /* Interior of a PROCESS segment: mems_get is fine there (the user
     * writes at offsets), mems_free is not. */
    CHECK(mems_free((char *)a + 1) == -1);
    expect_error(MEMS_E_NOT_START, EINVAL);
    CHECK(mems_free((char *)c + 99) == -1);
    expect_error(MEMS_E_NOT_START, EINVAL);
    CHECK(mems_get((char *)c + 99) != NULL);
    same_as(&before);

    /* b is a HOLE now: a second free and a translation both fail. */
    CHECK(mems_free(b) == -1);
    expect_error(MEMS_E_IN_HOLE, EINVAL);
    CHECK(mems_get(b) == NULL);
    expect_error(MEMS_E_IN_HOLE, EINVAL);
    CHECK(mems_free((char *)c + 100) == -1); /* the tail HOLE */
    expect_error(MEMS_E_IN_HOLE, EINVAL);
    same_as(&before);

    /* After a merge the old start is interior to a HOLE: still refused. */
    CHECK(mems_free(a) == 0);
    CHECK(mems_free(b) == -1);
    expect_error(MEMS_E_IN_HOLE, EINVAL);
    CHECK_EQ(mems_check(stderr), 0);
    mems_finish();
}

static void test_strerror(void) {
    for (int e = MEMS_OK; e <= MEMS_E_IN_HOLE; e++)
        CHECK(mems_strerror(e) != NULL && strlen(mems_strerror(e)) > 5);
    CHECK(strcmp(mems_strerror(-1), mems_strerror(999)) == 0);
    CHECK(strcmp(mems_strerror(MEMS_E_UNKNOWN), mems_strerror(MEMS_E_IN_HOLE)) != 0);
}

int main(void) {
    test_not_initialised();
    test_bad_sizes();
    test_bad_addresses();
    test_strerror();
    return check_finish("test_mems_bad");
}
