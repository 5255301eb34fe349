/*
 * replay.h: the replay engine. One (trace, allocator) cell runs its passes
 * over the trace's op array, each on a fresh heap, in this order:
 *
 *   1. space (pass_space.c): footprint after every op, the peaks, the
 *      fragmentation measures, a timeline and the heap map at the peak;
 *      first, so that a system allocator's process-wide statistic sees
 *      this trace from a clean start;
 *   2. correctness (pass_check.c): every result checked, payload bytes
 *      verified, the allocator's own heap check;
 *   3. throughput (pass_time.c): repeated timed replays, nothing but the
 *      calls timed, and the page faults they took;
 *   4. latency (pass_time.c): every op timed alone into histograms.
 *
 * Every pass replays with the one loop of replay_loop.h. A pass stops at
 * the first failure, whose status and detail go in the row; the later
 * passes are skipped. Nothing here forks: cell/ runs this in a child
 * process of its own.
 *
 * Budgets. A cell may be given an end (budget_end, on fb_now's clock);
 * each pass then gets a share of the time left when it starts
 * (fb_budget_shares, below) and replays only the prefix of the trace that
 * fits in it, so a slow allocator ends with figures for the ops it did
 * instead of none. budget_ops caps every replay at that many ops the same way, for
 * tests that need a cut they can predict. A pass that covered fewer ops
 * than the trace has says how many in its column (space_ops, check_ops,
 * timed_ops, lat_ops), and the cell's status is then `partial`.
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
    double budget_end;    /* fb_now() by which the passes must be done; 0: none */
    size_t budget_ops;    /* every replay covers at most this many ops; 0: all */
    /* A file to flock around the throughput and latency passes, so that
     * cells run side by side (fitbench run -j) time one at a time; NULL:
     * none. A cell killed meanwhile lets go of it with its process. */
    const char *timing_lock;
} fb_replay_opts;

enum { FB_PASS_CHECK = 1, FB_PASS_SPACE = 2, FB_PASS_TIME = 4, FB_PASS_LATENCY = 8 };

/* The budgets, in one place (replay.c): a cell's passes must end within
 * fb_budget_cell_share of its time limit, and each pass, in the order
 * space, correctness, throughput, latency, may take fb_budget_shares[i] of
 * what is left of that when it starts. */
extern const double fb_budget_cell_share;
extern const double fb_budget_shares[4];

void fb_replay_defaults(fb_replay_opts *o);

/* Runs the passes and fills row (trace, allocator, status, detail and the
 * metrics). Returns 0 when every pass ran and passed (status ok, or
 * partial when a budget cut one short), 1 otherwise (the reason is in
 * row->status / row->detail). */
int fb_replay_cell(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row);

/* What an allocator is told of trace t before it creates a heap;
 * for_check: the heap serves the correctness pass (allocators.h). */
fb_alloc_hint fb_replay_hint(const trace *t, int for_check);

/* Frees the blocks still live in ptrs[0..n) (an unbalanced trace, a
 * replay cut short) and sets them NULL. */
void fb_free_live(const fb_allocator *a, void *heap, void **ptrs, size_t n);

/* Destroys heap after a replay, live blocks and all, and sets ptrs[0..n)
 * NULL: one by one through free only where destroy cannot release them
 * (a system allocator), since a slow allocator's frees of a cut prefix's
 * live blocks could take longer than the prefix did. */
void fb_heap_discard(const fb_allocator *a, void *heap, void **ptrs, size_t n);

/* Empties heap for the next replay: frees the n pointers still live in
 * ptrs (setting them NULL), then resets the heap, or discards it and creates
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
