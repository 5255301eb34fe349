/*
 * mems.h: the public API of MeMS, the mmap-backed memory management system
 * of seeds 001/004 (a teaching assignment), reproduced on its own design.
 *
 * Where it sits: user programs (mems_demo.c) call these functions directly;
 * fitbench's harness reaches them through harness/alloc_mems.c. MeMS knows
 * nothing of traces. Memory comes only from mmap/munmap, in multiples of
 * PAGE_SIZE; MeMS never calls libc malloc and prints only in
 * mems_print_stats().
 *
 * Addresses. mems_malloc returns a MeMS *virtual* address: a number in
 * MeMS's own address space, which starts at MEMS_VIRTUAL_BASE and grows by
 * the size of each mapping, so the mappings sit back to back there even
 * though the kernel places them anywhere. It must not be dereferenced; the
 * real ("MeMS physical") address comes from mems_get().
 *
 * Deviations from the seed's signatures, both so that bad input can be
 * reported instead of crashing:
 *  - mems_free returns int: 0 on success, -1 when the address is not the
 *    start of a segment MeMS handed out and has not freed. Nothing changes
 *    on error. (The seed declares it void.) mems_free(NULL) is a no-op that
 *    returns 0, like free(3).
 *  - mems_get returns NULL for an address that lies in no PROCESS segment.
 *  - mems_malloc returns NULL for size 0, before mems_init, or when mmap
 *    fails (or the size cannot be mapped at all).
 * After any failure, mems_last_error() says why (mems_strerror() words it)
 * and errno is EINVAL (bad argument) or ENOMEM (no memory).
 *
 * One MeMS per process, as the seed says: the state is global. mems_init on
 * an initialised system keeps it as it is; mems_finish on an uninitialised
 * one does nothing. Not thread-safe.
 */
#ifndef MEMS_H
#define MEMS_H

#include <stddef.h>

/* The unit MeMS maps and unmaps in. The assignment asks for a macro that
 * can be changed for evaluation: build with -DPAGE_SIZE=8192 (a multiple of
 * 64, at least 256; the build fails otherwise). A value smaller than the
 * system page still works, the kernel rounds each mapping up; MeMS's
 * figures count PAGE_SIZE units. The library and its users must agree on
 * it: mems_page_size() is the value the library was built with. */
#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif

/* First MeMS virtual address. One page above 0, so that no segment is ever
 * at the null pointer, and page-aligned, so that a virtual address and its
 * physical one agree modulo PAGE_SIZE (alignment carries over). */
#ifndef MEMS_VIRTUAL_BASE
#define MEMS_VIRTUAL_BASE ((size_t)PAGE_SIZE)
#endif

/* The seed's six functions. */
void mems_init(void);
void mems_finish(void);
void *mems_malloc(size_t size);
int mems_free(void *ptr);
void mems_print_stats(void);
void *mems_get(void *v_ptr);

/* Why the last failing call failed. */
enum mems_error {
    MEMS_OK = 0,
    MEMS_E_NOT_INIT,   /* called before mems_init (or after mems_finish) */
    MEMS_E_ZERO_SIZE,  /* mems_malloc(0) */
    MEMS_E_NOMEM,      /* mmap refused, or the size cannot be mapped */
    MEMS_E_UNKNOWN,    /* address outside every mapping MeMS made */
    MEMS_E_NOT_START,  /* inside a PROCESS segment but not its start */
    MEMS_E_IN_HOLE     /* inside a HOLE: freed already, or never given */
};

/* The error of the last call that failed (MEMS_OK before any failure). */
int mems_last_error(void);
/* A sentence for an error code; never NULL. */
const char *mems_strerror(int err);
/* PAGE_SIZE as the library was built. */
size_t mems_page_size(void);

#endif
