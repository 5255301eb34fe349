/*
 * memlib.c: fitbench's memlib (contract in fbmemlib.h). It lives in the
 * fitbench executable, below alloc_user.c, which resets it before every
 * replay and reads mem_heapsize as the footprint after every op.
 */
#include "fbmemlib.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_DEFAULT_MAX ((size_t)20 << 20)

static char *mem_start, *mem_brk;
static size_t mem_max;

int fb_mem_setup(size_t max_heap) {
    if (!mem_start || max_heap > mem_max) {
        if (mem_start)
            munmap(mem_start, mem_max);
        void *p = mmap(NULL, max_heap ? max_heap : 1, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            mem_start = NULL;
            mem_max = 0;
            return -1;
        }
        mem_start = p;
        mem_max = max_heap;
    }
    mem_brk = mem_start;
    return 0;
}

/* An mm.c that calls mem_init itself gets the heap it has, or one of the
 * handouts' default size. */
void mem_init(void) {
    if (!mem_start)
        fb_mem_setup(MEM_DEFAULT_MAX);
}

/* The region stays: the next replay reuses it. */
void mem_deinit(void) { mem_brk = mem_start; }

void mem_reset_brk(void) { mem_brk = mem_start; }

void *mem_sbrk(intptr_t incr) {
    if (!mem_start)
        mem_init();
    size_t used = (size_t)(mem_brk - mem_start);
    /* As the handouts' memlib: the heap never shrinks. */
    if (!mem_start || incr < 0 || (size_t)incr > mem_max - used) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = mem_brk;
    mem_brk += incr;
    return old;
}

void *mem_sbrk_int(int incr) { return mem_sbrk((intptr_t)incr); }

void *mem_heap_lo(void) { return mem_start; }
void *mem_heap_hi(void) { return mem_brk - 1; }
size_t mem_heapsize(void) { return (size_t)(mem_brk - mem_start); }
size_t mem_pagesize(void) { return (size_t)sysconf(_SC_PAGESIZE); }
void *mem_memset(void *dest, int c, size_t n) { return memset(dest, c, n); }
void *mem_memcpy(void *dest, const void *src, size_t n) { return memcpy(dest, src, n); }
