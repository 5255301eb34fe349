/*
 * fm_heaps.c: libfitmalloc's heap registry: making heaps, choosing the
 * heap a thread allocates from, finding the heap a pointer belongs to, and
 * keeping all of it consistent across fork.
 *
 * Where it sits: between the entry points (fitmalloc.c) and the core's
 * heaps (allocator/fitalloc.h). The state and its invariants are described
 * in fm.h.
 *
 * Thread mode (FITBENCH_HEAPS=thread) gives each thread a heap of its own
 * at its first call, so threads that allocate at once do not wait on one
 * lock. A heap outlives its thread (its blocks may still be live and
 * anyone may free them); when the thread exits, the heap goes back to a
 * pool and the next new thread adopts it, so a program that starts and
 * ends many threads does not pile up heaps.
 *
 * Why one heap stays the default: measured on the 2-vCPU test machine
 * (which ran two busy threads no faster than one), the heap per thread
 * gained nothing and cost a little: pl_bench (tests/preload) at 1, 2 and 4
 * threads, 0 and 50% cross-thread frees, ran 1-5% slower; xz -T2 and
 * zstd -T2, which make about 40 and 110 allocations in all, 7-9% slower,
 * within their noise. Where threads really run at once and allocate
 * hard, one lock will be the bottleneck; FITBENCH_HEAPS=thread is kept,
 * tested like the default, for measuring that.
 */
#include "fm.h"

#include <errno.h>
#include <stdlib.h>

fm_heap fm_heaps[FM_MAX_HEAPS];
atomic_size_t fm_nheaps;
pthread_mutex_t fm_registry_lock = PTHREAD_MUTEX_INITIALIZER;

/* Initial-exec: the library is loaded with the program (LD_PRELOAD), so its
 * TLS sits in the static block and reading it never calls into the dynamic
 * loader, which could allocate. */
static __thread fm_heap *fm_tls_heap __attribute__((tls_model("initial-exec")));
static pthread_key_t fm_thread_key;
static int fm_thread_key_ok;

fm_heap *fm_heap_new(void) {
    size_t n = atomic_load_explicit(&fm_nheaps, memory_order_relaxed);
    if (n == FM_MAX_HEAPS)
        return NULL;
    fm_heap *m = &fm_heaps[n];
    fa_config cfg = {.region_bytes = fm_region_bytes,
                     .trim_threshold = fm_trim_threshold,
                     .trim_decay_ops = fm_trim_decay,
                     .on_error = fm_core_error,
                     .error_ctx = m};
    fa_heap *h = fa_heap_create(fm_policy, &cfg);
    if (!h)
        return NULL;
    pthread_mutex_init(&m->lock, NULL);
    m->heap = h;
    const void *lo, *hi;
    fa_heap_range(h, &lo, &hi);
    m->lo = (uintptr_t)lo;
    m->span = fm_region_bytes;
    m->owners = 0;
    if (fm_stats_on)
        fm_stats_heap(m);
    atomic_store_explicit(&fm_nheaps, n + 1, memory_order_release);
    return m;
}

/* A pooled heap (no live thread owns it), else a new one, else the heap
 * with the fewest threads. */
static fm_heap *fm_adopt(void) {
    pthread_mutex_lock(&fm_registry_lock);
    size_t n = atomic_load_explicit(&fm_nheaps, memory_order_relaxed);
    fm_heap *pick = NULL;
    for (size_t i = 0; i < n && !pick; i++)
        if (fm_heaps[i].owners == 0)
            pick = &fm_heaps[i];
    if (!pick)
        pick = fm_heap_new();
    if (!pick && n > 0) {
        pick = &fm_heaps[0];
        for (size_t i = 1; i < n; i++)
            if (fm_heaps[i].owners < pick->owners)
                pick = &fm_heaps[i];
    }
    if (pick)
        pick->owners++;
    pthread_mutex_unlock(&fm_registry_lock);
    if (!pick)
        return NULL;
    fm_tls_heap = pick;
    /* After fm_tls_heap is set: for a key past the first few, glibc
     * allocates here, and that nested malloc must find the heap. */
    if (fm_thread_key_ok)
        pthread_setspecific(fm_thread_key, pick);
    return pick;
}

fm_heap *fm_heap_mine(void) {
    if (fm_heap_mode == FM_MODE_ONE)
        return atomic_load_explicit(&fm_nheaps, memory_order_acquire) ? &fm_heaps[0] : NULL;
    fm_heap *m = fm_tls_heap;
    return m ? m : fm_adopt();
}

fm_heap *fm_heap_owner(const void *p) {
    uintptr_t a = (uintptr_t)p;
    fm_heap *t = fm_tls_heap;
    if (t && a - t->lo < t->span)
        return t;
    size_t n = atomic_load_explicit(&fm_nheaps, memory_order_acquire);
    for (size_t i = 0; i < n; i++)
        if (a - fm_heaps[i].lo < fm_heaps[i].span)
            return &fm_heaps[i];
    return NULL;
}

/* The thread is exiting: its heap may serve the next new thread. The
 * thread may still allocate from it while its other destructors run; that
 * stays correct (every call takes the heap's lock), only less private. */
static void fm_thread_gone(void *v) {
    fm_heap *m = v;
    pthread_mutex_lock(&fm_registry_lock);
    if (m->owners > 0)
        m->owners--;
    pthread_mutex_unlock(&fm_registry_lock);
}

int fm_thread_setup(void) {
    if (pthread_key_create(&fm_thread_key, fm_thread_gone) != 0)
        return -1;
    fm_thread_key_ok = 1;
    /* The thread that initialised the library adopted its heap before the
     * key existed. */
    if (fm_tls_heap)
        pthread_setspecific(fm_thread_key, fm_tls_heap);
    return 0;
}

void fm_fork_prepare(void) {
    pthread_mutex_lock(&fm_registry_lock);
    size_t n = atomic_load_explicit(&fm_nheaps, memory_order_relaxed);
    for (size_t i = 0; i < n; i++)
        pthread_mutex_lock(&fm_heaps[i].lock);
}

void fm_fork_parent(void) {
    size_t n = atomic_load_explicit(&fm_nheaps, memory_order_relaxed);
    for (size_t i = n; i-- > 0;)
        pthread_mutex_unlock(&fm_heaps[i].lock);
    pthread_mutex_unlock(&fm_registry_lock);
}

/* The child has one thread: the others' heaps are pooled (their blocks
 * stay valid and freeable), and the locks start over, since the thread
 * that took them in the parent does not exist here under the same id. */
void fm_fork_child(void) {
    size_t n = atomic_load_explicit(&fm_nheaps, memory_order_relaxed);
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_init(&fm_heaps[i].lock, NULL);
        fm_heaps[i].owners = 0;
    }
    if (fm_tls_heap)
        fm_tls_heap->owners = 1;
    pthread_mutex_init(&fm_registry_lock, NULL);
}
