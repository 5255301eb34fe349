/*
 * replay_loop.h: the one loop over a trace's operations that every pass
 * replays with (replay/ only). Each pass gives it a const table of hooks;
 * the loop is inlined into each pass, and a hook the table leaves NULL
 * costs nothing, so the timed replay is the bare loop.
 *
 * For op i the loop
 *   1. calls before(ctx, i, op, old)  (old: the id's block, or NULL);
 *   2. makes the call: malloc for `a`, realloc(old) for `r`, free(old) for
 *      `f` (free(NULL) for a free of no id), between start() and stop()
 *      when the table times calls;
 *   3. keeps ptr[id]: the new block, or NULL after a free (and after a
 *      realloc to 0, which freed old); a failed realloc keeps old;
 *   4. calls after(ctx, i, op, old, result, free_rc).
 * A hook that returns nonzero stops the replay. With no after hook, a NULL
 * for a non-zero size stops it. The loop returns 0 when every op of
 * [from, upto) ran, else i + 1 for the op it stopped at.
 *
 * fb_replay_budgeted is the same loop under a pass's budget (replay.h):
 * it replays in chunks and stops between two chunks once the budget's end
 * has passed, or at its op cap, saying how far it got. A chunk is sized to
 * take a few milliseconds (halved or doubled after each), so the clock is
 * read every few thousand ops on a fast allocator and a slow one overruns
 * its budget by little. The first chunk always runs, so every pass covers
 * some ops.
 */
#ifndef FB_REPLAY_LOOP_H
#define FB_REPLAY_LOOP_H

#include "allocators.h"
#include "clock.h"
#include "trace.h"

#include <stdint.h>

typedef struct fb_replay_hooks {
    int (*before)(void *ctx, size_t i, const trace_op *op, void *old);
    uint64_t (*start)(void *ctx);
    void (*stop)(void *ctx, const trace_op *op, uint64_t started);
    int (*after)(void *ctx, size_t i, const trace_op *op, void *old, void *result, int free_rc);
} fb_replay_hooks;

static inline __attribute__((always_inline)) size_t
fb_replay_loop(const trace *t, size_t from, size_t upto, const fb_allocator *a, void *heap,
               void **ptr, const fb_replay_hooks *h, void *ctx) {
    const trace_op *ops = t->ops;
    for (size_t i = from; i < upto; i++) {
        const trace_op *op = &ops[i];
        int has_id = op->id != TRACE_NO_ID;
        void *old = has_id ? ptr[op->id] : NULL;
        if (h->before && h->before(ctx, i, op, old))
            return i + 1;
        uint64_t t0 = h->start ? h->start(ctx) : 0;
        void *res = NULL;
        int frc = 0;
        if (op->kind == TRACE_ALLOC)
            res = a->malloc(heap, op->size);
        else if (op->kind == TRACE_REALLOC)
            res = a->realloc(heap, old, op->size);
        else
            frc = a->free(heap, old);
        if (h->stop)
            h->stop(ctx, op, t0);
        if (op->kind == TRACE_FREE) {
            if (has_id)
                ptr[op->id] = NULL;
        } else if (res || op->size == 0) {
            ptr[op->id] = res;
        } else if (!h->after) {
            return i + 1;
        }
        if (h->after && h->after(ctx, i, op, old, res, frc))
            return i + 1;
    }
    return 0;
}

/* A pass's budget: when it ends (fb_now() seconds; 0: never) and the most
 * ops of the trace one replay may cover (0: all). */
typedef struct fb_budget {
    double end;
    size_t ops;
} fb_budget;

/* Replays [from, upto) of t like fb_replay_loop while budget b lasts; sets
 * *reached to the op it stopped before (upto when it replayed them all).
 * Returns what fb_replay_loop returns for the ops it replayed. */
static inline __attribute__((always_inline)) size_t
fb_replay_budgeted(const trace *t, size_t from, size_t upto, const fb_allocator *a, void *heap,
                   void **ptr, const fb_replay_hooks *h, void *ctx, const fb_budget *b,
                   size_t *reached) {
    if (b->ops && upto > b->ops)
        upto = b->ops > from ? b->ops : from;
    if (!b->end) {
        size_t r = fb_replay_loop(t, from, upto, a, heap, ptr, h, ctx);
        *reached = r ? r - 1 : upto;
        return r;
    }
    size_t i = from, chunk = 256;
    while (i < upto) {
        size_t n = upto - i < chunk ? upto - i : chunk;
        double t0 = fb_now();
        size_t r = fb_replay_loop(t, i, i + n, a, heap, ptr, h, ctx);
        if (r) {
            *reached = r - 1;
            return r;
        }
        i += n;
        double t1 = fb_now();
        if (t1 >= b->end)
            break;
        if (t1 - t0 < 0.002 && chunk < ((size_t)1 << 16))
            chunk *= 2;
        else if (t1 - t0 > 0.02 && chunk > 1)
            chunk /= 2;
    }
    *reached = i;
    return 0;
}

#endif
