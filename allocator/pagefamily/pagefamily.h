/*
 * pagefamily.h: the user-facing API of the page-family memory manager of
 * seed 000 (the seed's UserAPI_MemoryManager.h): one "page family" per
 * registered struct type, each family a list of virtual memory pages from
 * mmap, each page a chain of blocks with metadata, split on allocation and
 * merged on free, a priority list of free blocks per family, and empty
 * pages given back to the kernel.
 *
 * Where it sits: user programs (pagefamily_demo.c, the seed's test
 * application) call these; fitbench's harness reaches them through
 * harness/alloc_pagefamily.c. Internals: pagefamily_impl.h (the seed's
 * MM.h). Memory comes only from mmap/munmap; no libc malloc; printing only
 * in the three mm_print_* functions (stdout).
 *
 * Deviations from the seed, so that bad input is reported, never a crash:
 *  - mm_instantiate_new_page_family returns int: 0, or -1 for a bad name,
 *    a name registered already, a struct size of 0 or larger than a page
 *    can hold, or no memory.
 *  - xcalloc returns NULL for an unregistered struct name, 0 units, a
 *    request larger than one page can hold (mm_max_request()), or no
 *    memory.
 *  - xfree returns int: 0, or -1 for a pointer that is not the start of a
 *    live block of this manager (checked against the manager's own pages
 *    before any header is read); nothing changes then. xfree(NULL) is a
 *    no-op returning 0, like free(3).
 * After any failure, mm_last_error() says why (mm_strerror() words it) and
 * errno is EINVAL, or ENOMEM when the kernel refused memory.
 *
 * Block sizes are rounded up to 16 bytes (units * struct size, then up to a
 * multiple of 16), so that the metadata of the next block and every payload
 * stay aligned for any struct.
 *
 * One manager per process (global state), as in the seed. mm_shutdown (not
 * in the seed) gives every page back; mm_init may follow it. Not
 * thread-safe.
 */
#ifndef PAGEFAMILY_H
#define PAGEFAMILY_H

#include <stddef.h>
#include <stdint.h>

/* A registered struct's family; its layout is internal. */
typedef struct vm_page_family_ vm_page_family_t;

/* Longest struct name, terminating NUL included. */
#define MM_MAX_STRUCT_NAME 32

/* Learns the system page size. A second call while initialised does
 * nothing. */
void mm_init(void);

int mm_instantiate_new_page_family(const char *struct_name, uint32_t struct_size);
/* Registers a struct type under its own name. */
#define MM_REG_STRUCT(struct_name) \
    (mm_instantiate_new_page_family(#struct_name, (uint32_t)sizeof(struct_name)))

/* The family registered under that name, or NULL. */
vm_page_family_t *lookup_page_family_by_name(const char *struct_name);

/* Zeroed memory for units instances of the named struct. */
void *xcalloc(const char *struct_name, size_t units);
int xfree(void *app_data);
#define XCALLOC(units, struct_name) (xcalloc(#struct_name, (units)))
#define XFREE(ptr) (xfree(ptr))

/* The three print functions of the seed (stdout). mm_print_memory_usage
 * with NULL shows every family; with a name, only that one. */
void mm_print_registered_page_families(void);
void mm_print_memory_usage(const char *struct_name);
void mm_print_block_usage(void);

/* --- not in the seed ---------------------------------------------------- */

/* Unmaps every page (data and family records). */
void mm_shutdown(void);

/* Largest units * struct size one page can hold (page size minus the page
 * header and one block's metadata); 0 before mm_init. */
size_t mm_max_request(void);

enum mm_error {
    MM_OK = 0,
    MM_E_NOT_INIT,       /* called before mm_init */
    MM_E_BAD_NAME,       /* NULL, empty, or MM_MAX_STRUCT_NAME bytes or more */
    MM_E_DUPLICATE,      /* struct name registered already */
    MM_E_BAD_SIZE,       /* struct size 0, or more than a page holds */
    MM_E_UNREGISTERED,   /* xcalloc of a name never registered */
    MM_E_ZERO_UNITS,     /* xcalloc of 0 units */
    MM_E_TOO_LARGE,      /* units * struct size more than a page holds */
    MM_E_NOMEM,          /* mmap refused */
    MM_E_FOREIGN,        /* xfree of a pointer in no page of the manager */
    MM_E_NOT_BLOCK,      /* in a page, but not where a block's data starts */
    MM_E_DOUBLE_FREE     /* the block is free already */
};

int mm_last_error(void);
const char *mm_strerror(int err);

#endif
