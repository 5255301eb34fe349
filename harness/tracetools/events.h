/*
 * events.h: turns a stream of pointer events (this address was handed out
 * with this size, this address was freed, this one moved) into malloc-lab
 * ops that name blocks by id.
 *
 * Where it sits: shared by the recorder (cmd_record.c, fed from the raw
 * logs of libfbrecord.so) and the mtrace converter (cmd_convert.c, fed from
 * glibc's mtrace text). Ops go out through a callback, usually straight
 * into an rw_writer (repwrite.h). Feeding the same events twice gives the
 * same ops, so a caller can run once with no callback to learn the header
 * (num_ids, num_ops, peak) and once more to write.
 *
 * The rules:
 * - every successful allocation gets an id; ids are reused only once the
 *   block that had them is freed (most recently freed first);
 * - realloc of a live block is `r` (even when the address changes);
 *   realloc(NULL, n) is an allocation; realloc(p, 0) returning NULL freed p
 *   (glibc's rule); a failed realloc leaves the block as it was;
 * - free(NULL) and frees of addresses that are not live are dropped and
 *   counted (a fork child frees blocks its parent allocated, for one);
 * - an allocation returning an address we believe is still live means a
 *   free went unseen: the old block gets its `f` first, counted;
 * - ev_finish frees every block still live, in id order, so the trace is
 *   balanced.
 * Aligned allocations are plain allocations of the requested size: the
 * trace format has no alignment field.
 */
#ifndef FB_EVENTS_H
#define FB_EVENTS_H

#include <stdint.h>

#include "repwrite.h"

/* Receives each op; nonzero stops the feed (the ev_* call returns -1). */
typedef int (*ev_emit_fn)(void *ctx, const rw_op *op);

typedef struct ev_counts {
    uint64_t events;          /* events fed */
    uint64_t ops[3];          /* a, r, f emitted */
    uint64_t num_ids;         /* highest id used + 1 */
    uint64_t num_ops;
    uint64_t peak_payload;    /* classic counting */
    uint64_t live_payload;    /* now */
    uint64_t free_null;       /* free(NULL): dropped */
    uint64_t free_unknown;    /* free of an address not live: dropped */
    uint64_t realloc_unknown; /* realloc of an address not live: became `a` */
    uint64_t failed;          /* allocation that returned NULL: no op */
    uint64_t unseen_free;     /* address handed out while believed live */
    uint64_t live_at_end;     /* freed by ev_finish */
} ev_counts;

typedef struct ev_state ev_state;

/* emit may be NULL: then only the counts are kept. NULL on out of memory. */
ev_state *ev_create(ev_emit_fn emit, void *ctx);
void ev_destroy(ev_state *ev);

/* Each returns 0, or -1 when memory ran out or emit stopped the feed. */
int ev_alloc(ev_state *ev, uint64_t ptr, uint64_t size); /* ptr 0: failed */
int ev_free(ev_state *ev, uint64_t ptr);
int ev_realloc(ev_state *ev, uint64_t old, uint64_t ptr, uint64_t size);
int ev_finish(ev_state *ev);

const ev_counts *ev_get_counts(const ev_state *ev);

/* Feeds every event of a source into ev (ev_finish is called by the
 * caller below, not by the feed). 0 ok, -1 with err. Called twice: the
 * source must give the same events both times. */
typedef int (*ev_feed_fn)(void *src, ev_state *ev, rw_error *err);

/* The two passes: count (header), then write path through repwrite.
 * On success *counts (if not NULL) gets the final counts. 0 ok, -1 with
 * err (nothing is left under path then). */
int ev_write_trace(const char *path, ev_feed_fn feed, void *src,
                   ev_counts *counts, rw_error *err);

#endif
