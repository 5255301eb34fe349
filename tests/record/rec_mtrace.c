/*
 * rec_mtrace.c: known allocation calls under glibc's own mtrace(), for the
 * test that converts a real mtrace log (MALLOC_TRACE, with
 * libc_malloc_debug.so preloaded) and compares it with
 * rec_mtrace.expected.rep. pvalloc is left out: mtrace logs its rounded
 * size, which depends on the page size.
 */
#include <malloc.h>
#include <mcheck.h>
#include <stdlib.h>

static void *volatile sink;

int main(void)
{
    mtrace();
    char *a = malloc(100);             /* a 0 100 */
    char *b = calloc(10, 20);          /* a 1 200 */
    free(a);                           /* f 0 */
    b = realloc(b, 1000);              /* r 1 1000 */
    void *d = NULL;
    if (posix_memalign(&d, 64, 50) != 0) /* a 0 50 */
        return 1;
    void *e = aligned_alloc(128, 256); /* a 2 256 */
    void *f = memalign(32, 40);        /* a 3 40 */
    void *g = valloc(10);              /* a 4 10 */
    free(NULL);                        /* not logged by mtrace */
    char *i = realloc(NULL, 77);       /* a 5 77 */
    i = realloc(i, 0);                 /* logged as "- p": f 5 */
    sink = malloc((size_t)-1 / 2);     /* "+ (nil)": no op */
    free(b);                           /* f 1 */
    free(d);                           /* f 0 */
    free(e);                           /* f 2 */
    free(f);                           /* f 3 */
    free(g);                           /* f 4 */
    sink = i;
    return 0;
}
