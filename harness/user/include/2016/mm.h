/*
 * mm.h as the 2016+ malloc-lab handouts declared it (fitbench's copy,
 * harness/user/include/2016/). fitbench compiles mm.c with DRIVER
 * defined, as their driver did, so the libc names become mm_* and
 * memset/memcpy go through memlib.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef DRIVER
#define malloc mm_malloc
#define free mm_free
#define realloc mm_realloc
#define calloc mm_calloc
#define memset mem_memset
#define memcpy mem_memcpy
#endif

bool mm_init(void);
void *malloc(size_t size);
void free(void *ptr);
void *realloc(void *ptr, size_t size);
void *calloc(size_t nmemb, size_t size);

bool mm_checkheap(int lineno);
