/*
 * replay.h: the replay engine. One (trace, allocator) cell runs four passes
 * over the trace's op array, each on a fresh heap (space runs first, see
 * fb_replay_cell):
 *
 *   1. correctness: every result checked (non-NULL, alignment, inside the
 *      heap, no overlap with a live payload), random payload bytes written
 *      on allocation and verified on realloc and free, and the allocator's
 *      own heap check every `check_every` ops and at the end;
 *   2. space: footprint after every op (or sampled, for allocators whose
 *      statistic is costly), the peak and when it happened, the
 *      fragmentation measures, a timeline, and the heap map at the peak;
 *   3. throughput: repeated timed replays, nothing but the calls timed;
 *   4. latency: every op timed alone into histograms per op kind.
 *
 * A pass stops at the first failure, whose status and detail go in the row;
 * the later passes are skipped. Nothing here forks: cell.c runs this in a
 * child process of its own.
 */
#ifndef FB_REPLAY_H
#define FB_REPLAY_H

#include "allocators.h"
#include "metrics.h"
#include "trace.h"

typedef struct fb_replay_opts {
    double min_time;      /* seconds of timed replays, at least */
    double max_time;      /* stop adding repetitions past this */
    unsigned min_reps;    /* at least this many timed replays */
    unsigned max_reps;
    unsigned fixed_reps;  /* nonzero: exactly this many */
    size_t check_every;   /* heap check period in ops; 0: ~64 per trace */
    unsigned passes;      /* FB_PASS_* bits; 0: all */
    const char *outdir;   /* timeline/, heapmap/, latency/ go here; NULL: none */
    /* Called after each pass that passed, with the row so far (status
     * "running", detail naming the pass); NULL: not called. */
    void (*progress)(const fb_row *row, void *ctx);
    void *progress_ctx;
} fb_replay_opts;

enum { FB_PASS_CHECK = 1, FB_PASS_SPACE = 2, FB_PASS_TIME = 4, FB_PASS_LATENCY = 8 };

void fb_replay_defaults(fb_replay_opts *o);

/* Runs the passes and fills row (trace, allocator, status, detail and the
 * metrics). Returns 0 when every pass ran and passed, 1 otherwise (the
 * reason is in row->status / row->detail). */
int fb_replay_cell(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row);

/* What an allocator is told of trace t before it creates a heap;
 * for_check: the heap serves the correctness pass (allocators.h). */
fb_alloc_hint fb_replay_hint(const trace *t, int for_check);

/* Empties heap for the next replay: frees the n pointers still live in
 * ptrs (setting them NULL), then resets the heap, or destroys and creates
 * it when the allocator has no reset. Returns the heap to use (NULL when
 * it cannot be created again). */
void *fb_heap_renew(const fb_allocator *a, void *heap, void **ptrs, size_t n,
                    const fb_alloc_hint *hint);

/* Replays ops [from, upto) of t on heap with no checks, keeping one
 * pointer per id in ptrs. Returns 0, or the index + 1 of the op whose
 * allocation failed. */
size_t fb_replay_range(const trace *t, size_t from, size_t upto, const fb_allocator *a, void *heap,
                       void **ptrs);

/* Throughput of one replay of the whole trace, for the benchmark wrapper:
 * replays once on heap (created by the caller, empty) and returns 0, or -1
 * when an allocation failed. */
int fb_replay_once(const trace *t, const fb_allocator *a, void *heap, void **ptrs);

#endif
