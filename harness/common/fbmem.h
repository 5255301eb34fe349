/*
 * fbmem.h: the harness's own tables come from mmap, never from malloc, so
 * that a system allocator under test sees only the trace's requests and its
 * footprint statistic measures only them.
 */
#ifndef FB_FBMEM_H
#define FB_FBMEM_H

#include <stddef.h>
#include <sys/mman.h>

/* Zeroed memory, or NULL. */
static inline void *fb_map(size_t n) {
    void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}
static inline void fb_unmap(void *p, size_t n) {
    if (p)
        munmap(p, n ? n : 1);
}
#endif
