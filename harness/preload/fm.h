/*
 * fm.h: the internals of libfitmalloc.so, shared by its entry points
 * (fitmalloc.c), its heap registry (fm_heaps.c) and its statistics
 * (fm_stats.c). Nothing outside harness/preload/ includes it.
 *
 * Where it sits: a real program's malloc family -> fitmalloc.c -> one
 * fm_heap (a lock around one heap of the core, allocator/fitalloc.h).
 *
 * Map of the state:
 *
 *   fm_heaps[0..fm_nheaps)   static array, never moves, never shrinks
 *      |  lock ---- one mutex per heap; every core call holds it
 *      |  heap ---> fa_heap of the core (its own mmap'd region)
 *      |  lo, span  the heap's reserved address range, fixed at creation:
 *      |            a pointer belongs to the heap whose range holds it
 *      |  owners    threads that allocate from it (thread mode only)
 *      |  reqs ---> statistics only: requested size per 16-byte granule
 *   fm_tls_heap            the calling thread's heap (thread mode)
 *
 * Invariants:
 *  - A heap's slot is filled (heap, lo, span) before fm_nheaps counts it,
 *    with release/acquire ordering, so a reader that sees the count sees
 *    the slot; slots are never emptied, so an owner lookup needs no lock.
 *  - Every call into the core on a heap holds that heap's lock, whichever
 *    thread made the block: a free from another thread goes to the block's
 *    own heap, under that heap's lock.
 *  - Lock order: fm_registry_lock before any heap lock (fork takes them all
 *    in that order). No code holds two heap locks.
 *  - Nothing here calls the libc malloc family or stdio: memory comes from
 *    the core and mmap, text goes out through write(2).
 */
#ifndef FM_H
#define FM_H

#include "fitalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/single_threaded.h>

#define FM_API __attribute__((visibility("default")))

/* At most this many heaps; in thread mode, threads beyond it share the
 * existing heaps (each one still behind its lock). */
#define FM_MAX_HEAPS 64

/* The policy when FITBENCH_POLICY is unset or empty: tlsf is O(1) per
 * call whatever the heap holds, keeps good utilization, and so serves
 * programs of any size at a speed close to the system allocators'. */
#define FM_DEFAULT_POLICY "tlsf"


typedef enum fm_mode {
    FM_MODE_ONE,   /* one heap for the process */
    FM_MODE_THREAD /* a heap per thread (up to FM_MAX_HEAPS) */
} fm_mode;

typedef struct fm_heap {
    pthread_mutex_t lock;
    fa_heap *heap;
    uintptr_t lo, span;
    int owners; /* under fm_registry_lock */
    /* Counters, under lock. */
    size_t allocs, frees, reallocs, bad_frees;
    enum fa_error last_error; /* of the last pointer the core rejected */
    /* Statistics only (fm_stats_on): requested sizes and the footprint
     * last added to the process total. */
    uint32_t *reqs;
    size_t reqs_bytes;
    size_t fp_seen;
} fm_heap;

/* Takes m's lock for one call of the malloc family, unless the process
 * has never had a second thread: glibc clears __libc_single_threaded in
 * pthread_create before the new thread exists (so the calls pthread_create
 * itself makes already lock) and, in glibc 2.36, never sets it again but
 * in a forked child, which has one thread. Until then no other thread can
 * be inside the heap. Returns whether it locked, for fm_unlock. A thread
 * made without pthread_create (a raw clone with CLONE_VM) is not seen:
 * such a program must not run on this library. Measured with
 * harness/bench/replay_loop on amptjp-bal under tlsf: 54 instructions less
 * per call (callgrind: 353 -> 299 per op, the replay loop included) and a
 * median rate 19% higher over 15 interleaved runs (random-bal, which pays
 * page faults, 2%), on the shared 2-vCPU machine at load 14. */
static inline int fm_lock(fm_heap *m) {
    if (__libc_single_threaded)
        return 0;
    pthread_mutex_lock(&m->lock);
    return 1;
}
static inline void fm_unlock(fm_heap *m, int locked) {
    if (locked)
        pthread_mutex_unlock(&m->lock);
}

/* --- state (fitmalloc.c, fm_heaps.c) --------------------------------- */

extern fm_heap fm_heaps[FM_MAX_HEAPS];
extern atomic_size_t fm_nheaps;
extern pthread_mutex_t fm_registry_lock;
extern fm_mode fm_heap_mode;
extern const char *fm_policy;
extern int fm_stats_on;
/* FITBENCH_STRICT=1: a bad pointer aborts the process (fitmalloc.c). */
extern int fm_strict;
extern size_t fm_region_bytes;
/* The heaps' trim hysteresis: the core's defaults unless FITBENCH_TRIM and
 * FITBENCH_TRIM_DECAY say otherwise. */
extern size_t fm_trim_threshold, fm_trim_decay;
/* Calls on pointers no heap owns (the loader's early blocks, bugs). */
extern atomic_size_t fm_foreign_frees, fm_foreign_reallocs;

/* --- the registry (fm_heaps.c) --------------------------------------- */

/* Makes a new heap in the next slot; NULL when full or out of memory.
 * Caller holds fm_registry_lock (or runs before any other thread can). */
fm_heap *fm_heap_new(void);
/* The heap the calling thread allocates from (thread mode: its own,
 * adopted at its first call). Never NULL once fm_heaps[0] exists. */
fm_heap *fm_heap_mine(void);
/* The heap whose range holds p, or NULL. */
fm_heap *fm_heap_owner(const void *p);
/* Thread mode: hands the calling thread's heap to the next thread after
 * this one exits (a pthread key destructor). */
int fm_thread_setup(void);
/* fork: prepare locks the registry and every heap; parent unlocks; child
 * makes the locks new and forgets the parent's other threads. */
void fm_fork_prepare(void);
void fm_fork_parent(void);
void fm_fork_child(void);

/* --- statistics (fm_stats.c) ----------------------------------------- */

/* Reads FITBENCH_STATS and FITBENCH_STATS_FILE (at start) and sets
 * fm_stats_on. */
void fm_stats_setup(const char *flag, const char *path);
/* Sets up the request table of m (when statistics are on). */
void fm_stats_heap(fm_heap *m);
/* Under m's lock, after the core handed out p for a request of n. */
void fm_stats_alloc(fm_heap *m, const void *p, size_t n);
/* Under m's lock, when the core has taken p back (p's entry in the
 * request table is still there until the next allocation). */
void fm_stats_free(fm_heap *m, const void *p);
/* Under m's lock, after any call that may have moved the break. */
void fm_stats_footprint(fm_heap *m);
/* Writes the exit report (FITBENCH_STATS / FITBENCH_STATS_FILE). */
void fm_stats_report(void);

/* One line on stderr, "fitmalloc: " first, no stdio. */
void fm_say(const char *a, const char *b, const char *c);
/* "fitmalloc: BEFORE0xADDRAFTER" on stderr, in one write (the line is
 * cut at 1 KiB). */
void fm_warn_pointer(const char *before, const void *p, const char *after);

/* The core's error callback (fitmalloc.c): ctx is the fm_heap. */
void fm_core_error(void *ctx, enum fa_error err, const void *ptr, const char *what);

#endif
