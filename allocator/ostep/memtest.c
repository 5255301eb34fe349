/*
 * memtest.c: the Mem_* demo and test program. It walks through the seed's
 * description (a 4 KiB region, three 100-byte chunks, the second freed:
 * two allocated chunks behind the magic number and two free chunks on the
 * list), then what the seed adds or implies: bad pointers that Mem_Free
 * must reject, coalescing, the three fits on the same holes, and the
 * error cases.
 *
 * Built twice from this file: ostep_demo (static library) and memtest
 * (linked against libmem.so, run with LD_LIBRARY_PATH as the seed's README
 * says). Both must print tests/ostep/expected_output.txt once addresses
 * are replaced by ADDR. Exit status 1 if any expectation fails.
 */
#include "mem.h"

#include <stdio.h>
#include <string.h>

static char *region;
static int failures;

static long off(const void *p) {
    return (long)((const char *)p - region);
}

static void expect(int ok, const char *what) {
    if (!ok) {
        printf("ERROR: %s\n", what);
        failures++;
    }
}

static const mem_header *header_of(const void *p) {
    return (const mem_header *)p - 1;
}

static void show_chunk(const char *name, const void *p) {
    printf("%s = %p (offset %ld); header: size %zu, magic %zu\n", name, p,
           off(p), header_of(p)->size, header_of(p)->u.magic);
}

static void try_bad_free(const char *what, void *p) {
    int rc = Mem_Free(p);
    printf("Mem_Free(%s) = %d: %s\n", what, rc, Mem_ErrorString(Mem_Error()));
    expect(rc == -1, "a bad pointer was accepted");
}

static void description_walkthrough(void) {
    printf("== The seed's walk-through: a 4096-byte region ==\n");
    region = Mem_Init(4096);
    expect(region != NULL, "Mem_Init failed");
    printf("Mem_Init(4096) returned %p, the head of the free list\n",
           (void *)region);
    Mem_Dump();

    printf("\n== Mem_Alloc(100): the free chunk moves behind it ==\n");
    char *ptr1 = Mem_Alloc(100);
    show_chunk("ptr1", ptr1);
    expect(header_of(ptr1)->u.magic == MEM_MAGIC, "no magic in ptr1");
    Mem_Dump();

    printf("\n== Two more chunks of 100 bytes ==\n");
    char *ptr2 = Mem_Alloc(100);
    char *ptr3 = Mem_Alloc(100);
    show_chunk("ptr2", ptr2);
    show_chunk("ptr3", ptr3);
    strcpy(ptr1, "first");
    strcpy(ptr3, "third");
    Mem_Dump();

    printf("\n== Mem_Free(ptr2): its header now links to the next free "
           "chunk ==\n");
    expect(Mem_Free(ptr2) == 0, "Mem_Free(ptr2) failed");
    printf("ptr2's header: size %zu, next %p (offset %ld)\n",
           header_of(ptr2)->size, (void *)header_of(ptr2)->u.next,
           off(header_of(ptr2)->u.next));
    Mem_Dump();

    printf("\n== Pointers Mem_Free must reject, changing nothing ==\n");
    int local = 0;
    try_bad_free("ptr2 again", ptr2);
    try_bad_free("ptr1 + 8", ptr1 + 8);
    try_bad_free("ptr1 + 3", ptr1 + 3);
    try_bad_free("ptr3 + 16", ptr3 + 16);
    try_bad_free("&local", &local);
    try_bad_free("region end", region + 4096);
    try_bad_free("region start", region);
    expect(strcmp(ptr1, "first") == 0, "ptr1 changed");
    expect(strcmp(ptr3, "third") == 0, "ptr3 changed");
    Mem_Dump();

    printf("\n== Coalescing: freeing ptr1 merges it with ptr2's chunk ==\n");
    expect(Mem_Free(ptr1) == 0, "Mem_Free(ptr1) failed");
    Mem_Dump();
    printf("\n== Freeing ptr3 joins everything into one chunk ==\n");
    expect(Mem_Free(ptr3) == 0, "Mem_Free(ptr3) failed");
    Mem_Dump();
    expect(Mem_Destroy() == 0, "Mem_Destroy failed");
}

/* Two holes, 1000 bytes then 304, with a larger free tail behind them:
 * each fit answers a 250-byte request from a different one. */
static void fits(int fit, const char *name) {
    Mem_SetFit(fit);
    region = Mem_Init(4096);
    char *a = Mem_Alloc(100), *b = Mem_Alloc(1000), *c = Mem_Alloc(100);
    char *d = Mem_Alloc(300), *e = Mem_Alloc(100);
    expect(a && b && c && d && e, "setting up the holes failed");
    Mem_Free(b);
    Mem_Free(d);
    char *f = Mem_Alloc(250);
    const char *where = f == b   ? "the 1000-byte hole"
                        : f == d ? "the 304-byte hole"
                                 : "the free tail of the region";
    printf("%s: Mem_Alloc(250) = offset %ld, %s\n", name, off(f), where);
    Mem_Dump();
    Mem_Destroy();
}

static void errors(void) {
    printf("\n== Errors ==\n");
    void *p = Mem_Alloc(16);
    printf("Mem_Alloc before Mem_Init: %p, %s\n", p,
           Mem_ErrorString(Mem_Error()));
    expect(p == NULL, "allocation without a region");
    region = Mem_Init(4096);
    p = Mem_Init(4096);
    printf("Mem_Init again: %p, %s\n", p, Mem_ErrorString(Mem_Error()));
    expect(p == NULL, "second Mem_Init accepted");
    p = Mem_Alloc(4096);
    printf("Mem_Alloc(4096) in a 4096-byte region: %p, %s\n", p,
           Mem_ErrorString(Mem_Error()));
    expect(p == NULL, "allocation larger than the free space");
    p = Mem_Alloc(4080);
    printf("Mem_Alloc(4080), the whole free chunk: offset %ld\n", off(p));
    expect(p != NULL, "the whole free chunk was refused");
    Mem_Dump();
    Mem_Free(p);
    p = Mem_Alloc(0);
    printf("Mem_Alloc(0): %p, %s\n", p, Mem_ErrorString(Mem_Error()));
    expect(p == NULL, "Mem_Alloc(0) accepted");
    p = Mem_Alloc(-5);
    printf("Mem_Alloc(-5): %p, %s\n", p, Mem_ErrorString(Mem_Error()));
    expect(p == NULL, "Mem_Alloc(-5) accepted");
    /* Each call is made before its error is read: argument evaluation
     * order is unspecified. */
    int rc = Mem_SetFit(7);
    printf("Mem_SetFit(7): %d, %s\n", rc, Mem_ErrorString(Mem_Error()));
    expect(rc == -1, "unknown fit accepted");
    rc = Mem_Free(NULL);
    printf("Mem_Free(NULL): %d\n", rc);
    expect(rc == 0, "Mem_Free(NULL) is not a no-op");
    rc = Mem_Destroy();
    printf("Mem_Destroy: %d\n", rc);
    rc = Mem_Destroy();
    printf("Mem_Destroy again: %d, %s\n", rc, Mem_ErrorString(Mem_Error()));
    expect(rc == -1, "second Mem_Destroy accepted");
    p = Mem_Init(0);
    printf("Mem_Init(0): %p, %s\n", p, Mem_ErrorString(Mem_Error()));
    expect(p == NULL, "Mem_Init(0) accepted");
    Mem_Dump();
}

int main(void) {
    description_walkthrough();
    printf("\n== The same holes under each fit ==\n");
    fits(MEM_FIRST_FIT, "first fit");
    fits(MEM_BEST_FIT, "best fit");
    fits(MEM_WORST_FIT, "worst fit");
    Mem_SetFit(MEM_FIRST_FIT);
    errors();
    printf("\n%s\n", failures ? "FAILED" : "all expectations met");
    return failures ? 1 : 0;
}
