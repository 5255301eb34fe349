/*
 * replay_loop.c: `replay_loop TRACE [REPS]`, the plain replay loop: the
 * trace replayed REPS times (default 200) through the process's own malloc,
 * realloc and free, so that any malloc library can be timed on a trace by
 * preloading it:
 *
 *   LD_PRELOAD=build/harness/libfitmalloc.so FITBENCH_POLICY=tlsf \
 *       build/harness/replay_loop trace.rep
 *
 * It prints one line: ops, repetitions, the median rate in ops/s, and the
 * minor page faults per 1000 ops of the timed replays. The replay is the
 * harness's own (fb_replay_once through the `libc` adapter, which calls
 * the process's malloc); every block is freed between repetitions, outside
 * the timing. Not a test: a rate, which machines make noisy.
 */
#include "diag.h"
#include "allocators.h"
#include "clock.h"
#include "replay.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    fb_diag_program("replay_loop");
    if (argc < 2 || argc > 3 || !strcmp(argv[1], "--help")) {
        fprintf(argc < 2 ? stderr : stdout, "usage: replay_loop TRACE [REPS]\n");
        return argc < 2 ? 2 : 0;
    }
    char *end;
    long reps = argc == 3 ? strtol(argv[2], &end, 10) : 200;
    if (argc == 3 && (*end || reps < 1 || reps > 1000000)) {
        fb_error("REPS wants a count from 1 to 1000000, not '%s'", argv[2]);
        return 2;
    }
    trace t;
    trace_error err;
    if (trace_load(argv[1], &t, &err, stderr) != 0) {
        fb_error_text(err.msg);
        return 2;
    }
    const fb_allocator *a = fb_allocator_find("libc");
    fb_alloc_hint hint = fb_replay_hint(&t, 0);
    void **ptrs = calloc(t.num_ids ? t.num_ids : 1, sizeof *ptrs);
    double *times = calloc((size_t)reps, sizeof *times);
    void *heap = a ? a->create(&hint) : NULL;
    if (!ptrs || !times || !heap) {
        fb_error("out of memory");
        return 1;
    }
    uint64_t faults = 0;
    for (long r = 0; r < reps; r++) {
        uint64_t f0 = fb_minor_faults();
        double t0 = fb_now();
        int bad = fb_replay_once(&t, a, heap, ptrs);
        times[r] = fb_now() - t0;
        faults += fb_minor_faults() - f0;
        if (bad) {
            fb_error("an allocation failed in repetition %ld", r + 1);
            return 1;
        }
        heap = fb_heap_renew(a, heap, ptrs, t.num_ids, &hint);
    }
    qsort(times, (size_t)reps, sizeof *times, cmp_double);
    double med = times[reps / 2];
    double ops = (double)t.num_ops;
    printf("%s: %zu ops, %ld reps, %.0f ops/s (median), %.3f minor faults per 1000 ops\n", t.name,
           t.num_ops, reps, med > 0 ? ops / med : 0.0, ops > 0 ? faults * 1000.0 / (ops * reps) : 0);
    a->destroy(heap);
    free(times);
    free(ptrs);
    trace_free(&t);
    return 0;
}
