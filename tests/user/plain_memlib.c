/*
 * plain_memlib.c: the handouts' memlib as plain_driver.c uses it (tests/
 * user/): one region of MAX_HEAP bytes, a break that only grows. Built
 * with -DSBRK_INT for the 2002 and 2010 interfaces (mem_sbrk(int)).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_HEAP ((size_t)100 << 20)

static char *start, *brk_;

static void setup(void) {
    if (!start) {
        start = mmap(NULL, MAX_HEAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (start == MAP_FAILED)
            abort();
        brk_ = start;
    }
}

void mem_init(void) { setup(); }
void mem_reset_brk(void) { setup(); brk_ = start; }

#ifdef SBRK_INT
void *mem_sbrk(int incr)
#else
void *mem_sbrk(intptr_t incr)
#endif
{
    setup();
    if (incr < 0 || (size_t)incr > MAX_HEAP - (size_t)(brk_ - start)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk_;
    brk_ += incr;
    return old;
}

void *mem_heap_lo(void) { return start; }
void *mem_heap_hi(void) { return brk_ - 1; }
size_t mem_heapsize(void) { return (size_t)(brk_ - start); }
size_t mem_pagesize(void) { return (size_t)getpagesize(); }
void *mem_memset(void *d, int c, size_t n) { return memset(d, c, n); }
void *mem_memcpy(void *d, const void *s, size_t n) { return memcpy(d, s, n); }
