/*
 * searchcheck.h: the one switch of the search indexes' checking mode.
 * The slow teaching allocators (mems, dmm, pagefamily) and worst fit find
 * their blocks through indexes that must pick exactly what their designs'
 * list walks pick; with FITBENCH_CHECK_SEARCH set (to anything but 0) in
 * the environment, each of them also runs the walk beside every search
 * and its heap check reports any difference, so that `fitbench run`
 * fails the cell. Read by the harness adapters and by fit_worst.c;
 * tests/harness/search_check.sh replays traces this way.
 */
#ifndef FB_SEARCHCHECK_H
#define FB_SEARCHCHECK_H

#include <stdlib.h>
#include <string.h>

#define FB_SEARCH_CHECK_ENV "FITBENCH_CHECK_SEARCH"

static inline int fb_search_check_wanted(void) {
    const char *v = getenv(FB_SEARCH_CHECK_ENV);
    return v && *v && strcmp(v, "0") != 0;
}

#endif
