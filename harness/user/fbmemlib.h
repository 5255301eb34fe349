/*
 * fbmemlib.h: fitbench's memlib, the simulated heap that a malloc-lab
 * mm.c grows with mem_sbrk (memlib.c). The functions of the handouts'
 * memlib.h are defined under their own names and exported by the fitbench
 * executable (memlib.dynlist), so the shared object built from an mm.c
 * (user_build.c) binds to them when a cell loads it; mem_sbrk_int is the
 * 2002 and 2010 mem_sbrk(int), renamed in their objects.
 *
 * The heap is one region reserved once, at its maximum size, so that its
 * start never moves and a reset keeps its pages mapped and resident, as
 * the classic driver's mem_reset_brk does. Past the maximum, mem_sbrk
 * fails with (void *)-1 and errno ENOMEM, as does a negative increment (the heap
 * never shrinks), as in the handouts.
 */
#ifndef FB_FBMEMLIB_H
#define FB_FBMEMLIB_H

#include <stddef.h>
#include <stdint.h>

/* Reserves the heap with room for max_heap bytes (once; again, larger,
 * when asked for more) and resets its break. 0, or -1 with errno. */
int fb_mem_setup(size_t max_heap);

void mem_init(void);
void mem_deinit(void);
void *mem_sbrk(intptr_t incr);
void *mem_sbrk_int(int incr);
void mem_reset_brk(void);
void *mem_heap_lo(void);
void *mem_heap_hi(void);
size_t mem_heapsize(void);
size_t mem_pagesize(void);
void *mem_memset(void *dest, int c, size_t n);
void *mem_memcpy(void *dest, const void *src, size_t n);

#endif
