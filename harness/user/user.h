/*
 * user.h: the user's own allocators, `-a [NAME=]mm:PATH` (a malloc-lab
 * mm.c, or a folder of .c files, compiled by fitbench against its memlib)
 * and `-a [NAME=]so:PATH` (any malloc library, preloaded into the cell).
 *
 * The registry and the cell's side are harness/alloc/alloc_user.c: each
 * entry is an fb_allocator of group "user" that the rest of the harness
 * replays like any other. The parent's side is user_build.c: before any
 * cell runs it compiles each mm: source into a shared object (or checks
 * that each so: library loads and serves malloc), then hands the entries
 * to the cells in the environment (FITBENCH_USER_ALLOCATORS), from which
 * fb_user_find rebuilds them in the cell's process.
 */
#ifndef FB_USER_H
#define FB_USER_H

#include "allocators.h"

#include <stddef.h>

#define FB_USER_MAX 16
#define FB_USER_ENV "FITBENCH_USER_ALLOCATORS"

enum { FB_USER_MM, FB_USER_SO };

typedef struct fb_user {
    fb_allocator a;     /* what the harness sees; a.name is name */
    int kind;           /* FB_USER_MM or FB_USER_SO */
    char name[64];
    char path[2048];    /* as given: the mm.c, its folder, or the library */
    char summary[192];
    int iface;          /* mm: FB_MM_* (mm_iface.h); -1 until detected */
    size_t align;       /* mm: payload alignment checked */
    size_t max_heap;    /* mm: memlib's maximum heap, bytes */
    int has_check;      /* mm: the object defines mm_checkheap */
    char file[2048];    /* mm: the shared object built; so: the library */
} fb_user;

/* The run's options for every mm: allocator (0 / NULL / -1: the
 * interface's own). */
typedef struct fb_user_opts {
    const char *cflags; /* more compiler flags, split at spaces */
    int iface;          /* --mm-interface */
    size_t align;       /* --mm-align */
    size_t max_heap;    /* --mm-max-heap, bytes */
    int verbose;        /* say on stdout how each mm: was built */
} fb_user_opts;

/* Nonzero when word is a user allocator's spec (has "mm:" or "so:"). */
int fb_user_is_spec(const char *word);
/* Registers a spec; its allocator, or NULL with a message in err (a bad
 * name, a name taken, too many). */
const fb_allocator *fb_user_add(const char *spec, char *err, size_t errlen);
size_t fb_user_count(void);
fb_user *fb_user_at(size_t i);
/* The registered allocator of that name; in a cell's process, the
 * entries come from the environment on the first call. NULL: none. */
const fb_allocator *fb_user_find(const char *name);
/* Nonzero for an allocator that is one of these. */
int fb_user_is(const fb_allocator *a);
/* Puts the entries into the environment for the cells; 0 or -1. */
int fb_user_export(void);

/* `fitbench run`'s options for them, to splice into its getopt_long
 * table, and their parsing: 1 when c was one of them (its value checked
 * into o, or a message and -1), 0 when it was not. */
enum { FB_OPT_CFLAGS = 0x1600, FB_OPT_MM_IFACE, FB_OPT_MM_ALIGN, FB_OPT_MM_MAX_HEAP };
#define FB_USER_LONGOPTS                                                 \
    {"cflags", required_argument, NULL, FB_OPT_CFLAGS},                  \
    {"mm-interface", required_argument, NULL, FB_OPT_MM_IFACE},          \
    {"mm-align", required_argument, NULL, FB_OPT_MM_ALIGN},              \
    {"mm-max-heap", required_argument, NULL, FB_OPT_MM_MAX_HEAP}
#define FB_USER_USAGE                                                                   \
    "  -a [NAME=]mm:PATH  your mm.c (or a folder of .c files), compiled against\n"     \
    "                   fitbench's memlib; -a [NAME=]so:PATH  your malloc library,\n"   \
    "                   preloaded (README, \"Test your own allocator\")\n"              \
    "  --cflags FLAGS   more compiler flags for mm: files (\"-g -DDEBUG\")\n"           \
    "  --mm-interface Y 2002, 2010 or 2016: the handout interface (default: told\n"    \
    "                   from the file)\n"                                               \
    "  --mm-align N     alignment checked for mm: payloads (default 8; 16 for 2016)\n" \
    "  --mm-max-heap MIB  memlib's maximum heap (default 20; 100 for 2016)\n"
void fb_user_opts_init(fb_user_opts *o);
int fb_user_option(int c, const char *arg, fb_user_opts *o);

/* user_build.c, the parent's side: builds every mm: entry and checks
 * every so: entry, then exports them. 0, or -1 with every message given
 * (the compiler's own output first), for exit 2. */
int fb_user_prepare(const fb_user_opts *o);
/* `fitbench __probe LIB` (internal): run with LIB preloaded, tells
 * whether LIB serves malloc, free, realloc and calloc. */
int fb_user_probe_main(int argc, char **argv);
/* Removes what fb_user_prepare built (the run's end). */
void fb_user_cleanup(void);

#endif
