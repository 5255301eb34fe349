/*
 * mm_iface.h: the three interfaces that malloc-lab handouts have used, the
 * one list of what tells them apart. user_build.c (the parent: compiling
 * an mm.c) and alloc_user.c (the cell: calling it) both read it.
 *
 *   2002       int mm_init (0 or -1), mm_malloc, mm_free, mm_realloc,
 *              a team_t team in mm.c, mem_sbrk(int); no heap checker
 *   2010       int mm_init, malloc, free, realloc, calloc under their own
 *              names, void mm_checkheap(int verbose), mem_sbrk(int)
 *   2016       bool mm_init, the same names renamed to mm_* when DRIVER
 *              is defined, bool mm_checkheap(int lineno),
 *              mem_sbrk(intptr_t), mem_memcpy, mem_memset
 *
 * The headers each handout gave its mm.c are in include/<name>/.
 */
#ifndef FB_MM_IFACE_H
#define FB_MM_IFACE_H

#include <stddef.h>

enum { FB_MM_2002, FB_MM_2010, FB_MM_2016, FB_MM_COUNT };

/* What mm_checkheap is in an interface. */
enum { FB_MM_CHECK_NONE, FB_MM_CHECK_VOID, FB_MM_CHECK_BOOL };

typedef struct fb_mm_iface {
    const char *name;      /* "2002": --mm-interface and include/<name>/ */
    size_t align;          /* payload alignment its driver checked */
    size_t max_heap_mib;   /* default maximum heap (--mm-max-heap) */
    int init_bool;         /* mm_init returns bool true on success, else int 0 */
    int check;             /* FB_MM_CHECK_* */
    int sbrk_int;          /* mem_sbrk takes an int: renamed to mem_sbrk_int */
    /* The names the object defines for mm_malloc, mm_free, mm_realloc and
     * mm_calloc (2010: the libc names, renamed by objcopy after
     * compiling so that the file's malloc never replaces fitbench's). */
    const char *def_malloc, *def_free, *def_realloc, *def_calloc;
    const char *summary;   /* for messages and `fitbench list` */
} fb_mm_iface;

extern const fb_mm_iface fb_mm_ifaces[FB_MM_COUNT];

/* The interface named s ("2002", "2010", "2016"), or -1. */
int fb_mm_iface_find(const char *s);

#endif
