/*
 * mm_iface.c: the table of the malloc-lab interfaces (see mm_iface.h).
 */
#include "mm_iface.h"

#include <string.h>

const fb_mm_iface fb_mm_ifaces[FB_MM_COUNT] = {
    [FB_MM_2002] = {"2002", 8, 20, 0, FB_MM_CHECK_NONE, 1, "mm_malloc", "mm_free", "mm_realloc",
                    "mm_calloc", "2002 interface (int mm_init, mm_malloc/mm_free/mm_realloc, team_t team)"},
    [FB_MM_2010] = {"2010", 8, 20, 0, FB_MM_CHECK_VOID, 1, "malloc", "free", "realloc", "calloc",
                    "2010-2015 interface (int mm_init, malloc/free/realloc/calloc, void mm_checkheap)"},
    [FB_MM_2016] = {"2016", 16, 100, 1, FB_MM_CHECK_BOOL, 0, "mm_malloc", "mm_free", "mm_realloc",
                    "mm_calloc", "2016+ interface (bool mm_init, mm_* under DRIVER, bool mm_checkheap)"},
};

int fb_mm_iface_find(const char *s) {
    for (int i = 0; i < FB_MM_COUNT; i++)
        if (!strcmp(s, fb_mm_ifaces[i].name))
            return i;
    return -1;
}
