/*
 * user_unit.c: the registry of the user's own allocators (alloc_user.c)
 * in-process: what `-a` accepts and refuses, the names it gives, the
 * selection order (yours first), and an entry's way to a cell through the
 * environment; and fitbench's memlib (harness/user/memlib.c): its break,
 * its maximum and its reset.
 */
#include "allocators.h"
#include "check.h"
#include "fbmemlib.h"
#include "mm_iface.h"
#include "user.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void test_specs(void) {
    char err[512];
    CHECK(fb_user_is_spec("mm:a/mm.c"));
    CHECK(fb_user_is_spec("mine=so:./lib.so"));
    CHECK(!fb_user_is_spec("tlsf"));
    CHECK(!fb_user_is_spec("a=b"));

    const fb_allocator *sel[64];
    size_t n = 0;
    CHECK_EQ(fb_select("tlsf,mine=mm:x/mm.c,so:/tmp/libmy.so.2,libc", sel, 64, &n, err, sizeof err), 0);
    CHECK_STOP(n == 4, "selected %zu: %s", n, err);
    /* Yours first, in the order given, then the table's in list order. */
    CHECK_STR_EQ(sel[0]->name, "mine");
    CHECK_STR_EQ(sel[1]->name, "libmy");
    CHECK_STR_EQ(sel[2]->name, "tlsf");
    CHECK_STR_EQ(sel[3]->name, "libc");
    CHECK_STR_EQ(sel[0]->group, "user");
    CHECK(fb_user_is(sel[0]) && fb_user_is(sel[1]) && !fb_user_is(sel[2]));
    CHECK(!sel[0]->preload, "an mm: runs in the cell's own process");
    CHECK_STR_EQ(sel[1]->preload, "/tmp/libmy.so.2");
    CHECK(fb_allocator_find("mine") == sel[0]);

    /* Refused, with a message. */
    const char *bad[] = {"mine=mm:y.c", "libc=mm:y.c", "b@d=mm:y.c", "=mm:y.c", "mm:", NULL};
    const char *why[] = {"is taken", "is taken", "name it", "name it", "give a path"};
    for (size_t i = 0; bad[i]; i++) {
        err[0] = 0;
        CHECK(fb_select(bad[i], sel, 64, &n, err, sizeof err) != 0, "%s accepted", bad[i]);
        CHECK(strstr(err, why[i]), "%s: '%s' lacks '%s'", bad[i], err, why[i]);
    }
    /* The folder's name when PATH is a folder. */
    CHECK_EQ(fb_select("mm:some/dir/", sel, 64, &n, err, sizeof err), 0);
    CHECK_STR_EQ(sel[0]->name, "dir");
    CHECK(fb_user_count() == 3);

    /* What a cell's process reads back: the entries as exported. */
    fb_user *u = fb_user_at(0);
    u->iface = FB_MM_2016;
    u->align = 16;
    u->max_heap = 1 << 20;
    u->has_check = 1;
    CHECK_EQ(fb_user_export(), 0);
    const char *env = getenv(FB_USER_ENV);
    CHECK(env && strstr(env, "\tmine\t2\t16\t1048576\t1\t"), "exported: %s", env ? env : "(none)");
}

static void test_memlib(void) {
    CHECK_STOP(fb_mem_setup(1 << 16) == 0);
    CHECK_EQ(mem_heapsize(), 0);
    char *a = mem_sbrk(100);
    CHECK(a == mem_heap_lo());
    CHECK(mem_sbrk_int(28) == a + 100);
    CHECK_EQ(mem_heapsize(), 128);
    CHECK((char *)mem_heap_hi() == a + 127);
    CHECK(mem_sbrk(-8) == (void *)-1, "the heap never shrinks");
    CHECK(mem_sbrk((1 << 16) - 127) == (void *)-1, "past the maximum");
    CHECK(mem_sbrk((1 << 16) - 128) != (void *)-1, "up to the maximum");
    CHECK_EQ(mem_heapsize(), 1 << 16);
    mem_reset_brk();
    CHECK_EQ(mem_heapsize(), 0);
    CHECK(mem_sbrk(8) == a, "a reset keeps the same region");
    CHECK_EQ(mem_pagesize() >= 4096, 1);
    char buf[8];
    CHECK(mem_memset(buf, 7, 8) == buf && buf[7] == 7);
    CHECK_STOP(fb_mem_setup(1 << 20) == 0);
    CHECK(mem_sbrk((1 << 20) - 1) != (void *)-1, "a larger maximum when asked");
}

int main(void) {
    test_specs();
    test_memlib();
    return check_finish("user.unit");
}
