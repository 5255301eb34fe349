/*
 * pl_hostile.c: a program with one memory bug, for preload_tests.sh's
 * `hostile` case, run with libfitmalloc.so preloaded (glibc aborts on
 * most of these by design). Each mode makes its bug and then goes on
 * allocating; reaching the end prints "pl_hostile: MODE survived" and
 * exits 0, so a test can tell surviving from dying (SIGSEGV, SIGABRT).
 *
 * Modes:
 *   overflow       16 bytes written past a block, over the next block's
 *                  header, then that block and the next one freed
 *   overflow-free  the same over a free neighbour's header (and its
 *                  first link), then the block freed; the program ends
 *                  there: the overwritten link stays on the free list,
 *                  and a later malloc (even stdio's buffer) may follow
 *                  it (fitmalloc.c), so this mode says it with write(2)
 *   double         a block freed twice, at the top of the heap (the break
 *                  has come down) and in the middle (merged)
 *   stack          free of a stack address
 *   low            free of 0x100000
 *   many           one block freed 21 times (20 double frees)
 *   layout         prints "headers" when a block's header follows the
 *                  payload before it (the overflow modes then hit one),
 *                  else "no headers" (a policy whose small blocks have
 *                  none: an overflow there is only the neighbour's data)
 *
 * Usage: pl_hostile MODE
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Through volatile, so the compiler cannot see or fold the bug. */
static void *volatile sink;

static void overflow(int neighbour_free) {
    char *a = malloc(24), *b = malloc(24), *c = malloc(24), *d = malloc(24);
    if (neighbour_free)
        free(b);
    size_t use = malloc_usable_size(a);
    char *volatile past = a + use;
    memset(past, 'A', 16);
    free(a);
    if (!neighbour_free)
        free(b);
    free(d);
    sink = c;
}

static int has_headers(void) {
    char *a = malloc(24), *b = malloc(24);
    int yes = a + malloc_usable_size(a) + 8 == b;
    free(b);
    free(a);
    return yes;
}

static void double_free(void) {
    char *p1 = malloc(40), *p2 = malloc(40), *guard = malloc(40), *top = malloc(5000);
    free(p2);
    free(p1);
    sink = guard;
    free(p2); /* merged with p1 */
    free(top);
    free(top); /* given back with the break */
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: pl_hostile overflow|overflow-free|double|stack|low|many|layout\n", stderr);
        return 2;
    }
    const char *mode = argv[1];
    long on_stack = 1;
    if (strcmp(mode, "overflow") == 0)
        overflow(0);
    else if (strcmp(mode, "overflow-free") == 0) {
        overflow(1);
        static const char msg[] = "pl_hostile: overflow-free survived\n";
        return write(1, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1) ? 0 : 1;
    }
    else if (strcmp(mode, "double") == 0)
        double_free();
    else if (strcmp(mode, "layout") == 0) {
        puts(has_headers() ? "headers" : "no headers");
        return 0;
    }
    else if (strcmp(mode, "many") == 0) {
        char *p = malloc(100);
        sink = malloc(100);
        for (int i = 0; i < 21; i++)
            free(p);
    } else if (strcmp(mode, "stack") == 0) {
        sink = &on_stack;
        free(sink);
    } else if (strcmp(mode, "low") == 0) {
        sink = (void *)(uintptr_t)0x100000;
        free(sink);
    }
    else {
        fprintf(stderr, "pl_hostile: unknown mode '%s'\n", mode);
        return 2;
    }
    /* The heap still serves. */
    for (int i = 0; i < 1000; i++) {
        char *p = malloc((size_t)(i % 300 + 1));
        if (!p)
            return 1;
        memset(p, i, (size_t)(i % 300 + 1));
        free(p);
    }
    printf("pl_hostile: %s survived\n", mode);
    return 0;
}
