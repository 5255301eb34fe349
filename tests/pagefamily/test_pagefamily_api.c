/*
 * test_pagefamily_api.c: the page-family manager against its description
 * (seed 000): families per struct, lookup by name, xcalloc taking the
 * largest free block from the priority list and splitting it, zeroed
 * memory, a new VM page when no free block is large enough, hard internal
 * fragmentation (spare bytes too few for a block stay with the block),
 * xfree merging neighbours and giving empty pages back, what the print
 * functions report, mm_shutdown. Expectations are computed from the
 * layout constants (page size, header and metadata sizes).
 */
#include "check.h"
#include "pagefamily_impl.h"
#include "pagefamily_inspect.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct emp_ {
    char name[32];
    uint32_t emp_id;
} emp_t; /* 36 bytes: blocks of 48 */

typedef struct tiny_ {
    char c[16];
} tiny_t;

static size_t round16(size_t n) { return (n + 15) / 16 * 16; }

static mm_usage usage(void) {
    mm_usage u;
    memset(&u, 0, sizeof u);
    CHECK(mm_get_usage(&u) == 0);
    return u;
}

static block_meta_data_t *meta_of(void *p) { return (block_meta_data_t *)((char *)p - MM_META); }

static void test_registration(void) {
    mm_init();
    CHECK_EQ(mm_page_size(), (size_t)sysconf(_SC_PAGESIZE));
    CHECK_EQ(mm_max_request(), mm_page_size() - MM_FIRST_OFFSET - MM_META);
    CHECK_EQ(mm_bytes_mapped(), 0); /* the first family record page comes lazily */
    CHECK(MM_REG_STRUCT(emp_t) == 0);
    CHECK_EQ(mm_bytes_mapped(), mm_page_size());
    vm_page_family_t *f = lookup_page_family_by_name("emp_t");
    CHECK(f != NULL);
    if (f) {
        CHECK(strcmp(f->struct_name, "emp_t") == 0);
        CHECK_EQ(f->struct_size, sizeof(emp_t));
        CHECK(f->first_page == NULL && f->prio_head == NULL);
    }
    CHECK(lookup_page_family_by_name("student_t") == NULL);

    /* More families than one record page holds: a second record page. */
    size_t per_page = mm_families_per_page();
    char name[MM_MAX_STRUCT_NAME];
    for (size_t i = 0; i < per_page; i++) {
        snprintf(name, sizeof name, "family_%zu", i);
        CHECK(mm_instantiate_new_page_family(name, (uint32_t)(8 + i)) == 0);
    }
    CHECK_EQ(usage().family_pages, 2);
    CHECK_EQ(usage().families, per_page + 1);
    snprintf(name, sizeof name, "family_%zu", per_page - 1);
    vm_page_family_t *last = lookup_page_family_by_name(name);
    CHECK(last != NULL && last->struct_size == 8 + per_page - 1);
    CHECK(lookup_page_family_by_name("emp_t") == f); /* records never move */
    CHECK_EQ(mm_check(stderr), 0);
    mm_shutdown();
    CHECK_EQ(mm_bytes_mapped(), 0);
    CHECK(!mm_is_initialized());
}

static void test_split_merge_pages(void) {
    mm_init();
    CHECK(MM_REG_STRUCT(emp_t) == 0);
    const size_t bs = round16(sizeof(emp_t)), ps = mm_page_size(), max = mm_max_request();

    emp_t *e[3];
    for (int i = 0; i < 3; i++) {
        e[i] = XCALLOC(1, emp_t);
        CHECK(e[i] != NULL);
    }
    /* One page, three blocks back to back, then the free rest. */
    vm_page_family_t *f = lookup_page_family_by_name("emp_t");
    CHECK_EQ(f->page_count, 1);
    vm_page_t *pg = f->first_page;
    CHECK((uintptr_t)pg % ps == 0);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(meta_of(e[i])->offset, MM_FIRST_OFFSET + (size_t)i * (MM_META + bs));
        CHECK_EQ(meta_of(e[i])->block_size, bs);
        CHECK_EQ((uintptr_t)e[i] % 16, 0);
        CHECK_EQ(mm_block_data_size(e[i]), bs);
    }
    CHECK(f->prio_head != NULL && f->prio_head->prio_next == NULL);
    CHECK_EQ(f->prio_head->block_size, max - 3 * (MM_META + bs));
    CHECK_EQ(mm_check(stderr), 0);

    /* Zeroed, also when a block is reused. */
    memset(e[1], 0xFF, sizeof(emp_t));
    CHECK(XFREE(e[1]) == 0);
    /* The freed 48-byte block is the smaller of two free blocks: the
     * priority list has the largest first. */
    CHECK(f->prio_head->block_size > f->prio_head->prio_next->block_size);
    CHECK_EQ(f->prio_head->prio_next->block_size, bs);
    /* xcalloc takes the largest, not the one that fits best. */
    emp_t *again = XCALLOC(1, emp_t);
    CHECK_EQ(meta_of(again)->offset, MM_FIRST_OFFSET + 3 * (MM_META + bs));
    unsigned char *bytes = (unsigned char *)again;
    int zero = 1;
    for (size_t i = 0; i < bs; i++)
        zero &= bytes[i] == 0;
    CHECK(zero);

    /* Free e[0]: merges with the free block that was e[1]; free e[2]: all
     * three merge. */
    CHECK(XFREE(e[0]) == 0);
    CHECK_EQ(meta_of(e[0])->block_size, 2 * bs + MM_META);
    CHECK(XFREE(e[2]) == 0);
    CHECK_EQ(meta_of(e[0])->block_size, 3 * bs + 2 * MM_META);
    CHECK_EQ(usage().free_blocks, 2);
    CHECK_EQ(mm_check(stderr), 0);

    /* The last allocated block goes: the page is empty and given back. */
    CHECK(XFREE(again) == 0);
    CHECK_EQ(f->page_count, 0);
    CHECK(f->first_page == NULL && f->prio_head == NULL);
    CHECK_EQ(mm_bytes_mapped(), ps); /* only the family records */
    CHECK_EQ(mm_check(stderr), 0);

    /* A request as large as a page holds: one block spanning the page.
     * The next one needs a page of its own. */
    size_t units = max / sizeof(emp_t);
    void *whole = XCALLOC(units, emp_t);
    CHECK(whole != NULL);
    CHECK(XCALLOC(units, emp_t) != NULL);
    CHECK_EQ(f->page_count, 2);
    CHECK_EQ(usage().data_pages, 2);
    CHECK_EQ(mm_check(stderr), 0);
    mm_shutdown();
}

/* Spare bytes too few to hold a block (metadata + 16) stay with the
 * allocated block: the seed's hard internal fragmentation. */
static void test_hard_internal_fragmentation(void) {
    mm_init();
    CHECK(MM_REG_STRUCT(tiny_t) == 0);
    size_t max = mm_max_request();
    size_t units = (max - 32) / sizeof(tiny_t); /* leaves 32 bytes: < meta + 16 */
    void *p = XCALLOC(units, tiny_t);
    CHECK(p != NULL);
    CHECK_EQ(mm_block_data_size(p), max);
    CHECK_EQ(usage().free_blocks, 0);
    /* With exactly meta + 16 spare, the rest becomes a free block. */
    void *q = XCALLOC((max - MM_META - 16) / sizeof(tiny_t), tiny_t);
    CHECK_EQ(mm_block_data_size(q), max - MM_META - 16);
    CHECK_EQ(usage().free_blocks, 1);
    CHECK_EQ(usage().free_bytes, MM_META + 16);
    CHECK_EQ(mm_check(stderr), 0);
    CHECK(xfree(p) == 0 && xfree(q) == 0);
    CHECK_EQ(usage().data_pages, 0);
    mm_shutdown();
}

static void print_all(void *unused) {
    (void)unused;
    mm_print_registered_page_families();
    mm_print_memory_usage(NULL);
    mm_print_block_usage();
}

static void print_emp(void *unused) {
    (void)unused;
    mm_print_memory_usage("emp_t");
}

/* The print functions report what the structures hold. */
static void test_prints(void) {
    mm_init();
    CHECK(MM_REG_STRUCT(emp_t) == 0);
    CHECK(MM_REG_STRUCT(tiny_t) == 0);
    void *a = XCALLOC(1, emp_t), *b = XCALLOC(2, emp_t);
    void *t = XCALLOC(3, tiny_t);
    (void)t;
    CHECK(XFREE(a) == 0);
    (void)b;
    char *out = check_capture(print_all, NULL);
    CHECK(out && strstr(out, "Page family: emp_t, struct size 36 bytes\n"));
    CHECK(out && strstr(out, "Page family: tiny_t, struct size 16 bytes\n"));
    char line[200];
    /* emp_t: a freed 48-byte block, b's 80 (2 x 36 = 72 -> 80), the rest. */
    snprintf(line, sizeof line, "data %5zu bytes\n", mm_max_request() - 2 * MM_META - 48 - 80);
    CHECK(out && strstr(out, line));
    CHECK(out && strstr(out, "  emp_t                blocks    3  free    2  occupied    1"
                             "  application memory     80 bytes  metadata    144 bytes\n"));
    snprintf(line, sizeof line, "VM pages in use: 2 (%zu bytes)\n", 2 * mm_page_size());
    CHECK(out && strstr(out, line));
    free(out);
    out = check_capture(print_emp, NULL);
    CHECK(out && strstr(out, "Page family emp_t: struct size 36, 1 page in use\n"));
    CHECK(out && !strstr(out, "tiny_t"));
    free(out);
    mm_shutdown();
}

/* mm_init is idempotent; after mm_shutdown it starts afresh. */
static void test_restart(void) {
    mm_init();
    CHECK(MM_REG_STRUCT(emp_t) == 0);
    void *p = XCALLOC(1, emp_t);
    mm_init();
    CHECK(lookup_page_family_by_name("emp_t") != NULL);
    CHECK(mm_block_data_size(p) == 48);
    mm_shutdown();
    mm_shutdown();
    mm_init();
    CHECK(lookup_page_family_by_name("emp_t") == NULL);
    CHECK(MM_REG_STRUCT(emp_t) == 0);
    mm_shutdown();
}

int main(void) {
    test_registration();
    test_split_merge_pages();
    test_hard_internal_fragmentation();
    test_prints();
    test_restart();
    return check_finish("test_pagefamily_api");
}
