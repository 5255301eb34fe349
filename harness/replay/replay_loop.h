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
 */
#ifndef FB_REPLAY_LOOP_H
#define FB_REPLAY_LOOP_H

#include "allocators.h"
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

#endif
