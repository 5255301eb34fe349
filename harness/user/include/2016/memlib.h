/*
 * memlib.h as the 2016+ malloc-lab handouts declared it (fitbench's copy,
 * harness/user/include/2016/); fitbench's own memlib serves it
 * (harness/user/memlib.c).
 */
#include <stddef.h>
#include <stdint.h>

void mem_init(void);
void mem_deinit(void);
void *mem_sbrk(intptr_t incr);
void mem_reset_brk(void);
void *mem_heap_lo(void);
void *mem_heap_hi(void);
size_t mem_heapsize(void);
size_t mem_pagesize(void);
void *mem_memset(void *dest, int c, size_t n);
void *mem_memcpy(void *dest, const void *src, size_t n);
