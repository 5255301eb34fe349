/*
 * mm.h as the 2010-2015 malloc-lab handouts declared it (fitbench's copy,
 * harness/user/include/2010/): mm.c defines malloc, free, realloc and
 * calloc under their own names; fitbench renames them in the compiled
 * object, so they never replace the harness's own malloc.
 */
#include <stdio.h>

extern int mm_init(void);
extern void *malloc(size_t size);
extern void free(void *ptr);
extern void *realloc(void *ptr, size_t size);
extern void *calloc(size_t nmemb, size_t size);

extern void mm_checkheap(int verbose);
