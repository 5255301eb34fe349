/*
 * rec_known.c: a program whose allocation calls are known exactly, for the
 * test that compares its recorded trace with rec_known.expected.rep. It
 * uses no stdio (stdout's buffer would be one more malloc) and touches
 * every entry point the recorder wraps. The comments give the op each
 * call must become.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Keeps the compiler from pairing up or removing the calls. */
static void *volatile sink;

int main(void)
{
    char *a = malloc(100);            /* a 0 100 */
    char *b = calloc(10, 20);         /* a 1 200 */
    free(a);                          /* f 0 */
    char *c = malloc(300);            /* a 0 300: id 0 reused */
    b = realloc(b, 1000);             /* r 1 1000 */
    void *d = NULL;
    if (posix_memalign(&d, 64, 50) != 0) /* a 2 50 */
        return 1;
    void *e = aligned_alloc(128, 256); /* a 3 256 */
    void *f = memalign(32, 40);       /* a 4 40 */
    void *g = valloc(10);             /* a 5 10 */
    void *h = pvalloc(10);            /* a 6 10 */
    free(NULL);                       /* dropped, counted */
    char *i = realloc(NULL, 77);      /* a 7 77 */
    i = realloc(i, 0);                /* f 7 (glibc frees, returns NULL) */
    void *big = malloc((size_t)-1 / 2); /* fails: no op, counted */
    if (malloc_usable_size(c) < 300)  /* not an allocation: no op */
        return 1;
    free(c);                          /* f 0 */
    sink = b;
    sink = d;
    sink = e;
    sink = f;
    sink = g;
    sink = h;
    sink = i;
    sink = big;
    /* b, d, e, f, g, h stay live: the recorder frees them at the end in id
     * order: f 1, f 2, f 3, f 4, f 5, f 6 */
    return 0;
}
