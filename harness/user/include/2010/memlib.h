/*
 * memlib.h as the 2010-2015 malloc-lab handouts declared it (fitbench's copy,
 * harness/user/include/2010/); fitbench's own memlib serves it
 * (harness/user/memlib.c).
 */
#include <unistd.h>

void mem_init(void);
void mem_deinit(void);
void *mem_sbrk(int incr);
void mem_reset_brk(void);
void *mem_heap_lo(void);
void *mem_heap_hi(void);
size_t mem_heapsize(void);
size_t mem_pagesize(void);
