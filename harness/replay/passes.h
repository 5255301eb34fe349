/*
 * passes.h: what the passes of one cell share inside replay/ (not part of
 * the engine's interface, which is replay.h): their entry points, the
 * per-id tables, the row's failure, the op's text for messages, and the
 * per-cell output files.
 */
#ifndef FB_PASSES_H
#define FB_PASSES_H

#include "replay.h"
#include "replay_loop.h"

#include <stdint.h>
#include <stdio.h>

/* Each pass: 0, or -1 with the row's status and detail set. b is the
 * pass's budget (replay.h); a pass that covers only a prefix of the trace
 * puts the prefix's length in its column of the row (space_ops,
 * check_ops, timed_ops, lat_ops), the trace's ops when it covered all. */
int fb_pass_space(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                  const fb_budget *b, fb_row *row);
int fb_pass_check(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                  const fb_budget *b, fb_row *row);
int fb_pass_time(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                 const fb_budget *b, fb_row *row);
int fb_pass_latency(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                    const fb_budget *b, fb_row *row);

/* The part of budget b that ends when share (0..1] of the time left in it
 * has passed; the same op cap. */
static inline fb_budget fb_budget_part(const fb_budget *b, double share) {
    fb_budget p = *b;
    if (b->end) {
        double now = fb_now();
        p.end = b->end > now ? now + share * (b->end - now) : now;
    }
    return p;
}

/* Per-id tables of one pass, mmap'd (never malloc'd: a system allocator
 * under test must see only the trace's requests). */
typedef struct id_tables {
    void **ptr;     /* what the allocator returned */
    uint64_t *size; /* live payload size (NULL unless asked for) */
    uint64_t *seed; /* payload pattern seed (NULL unless asked for) */
    size_t n;
} id_tables;

/* 0, or -1 with the row failed ("out of memory for the NAME's tables")
 * and nothing left mapped. */
int fb_tables_open(id_tables *tb, const trace *t, int with_size, int with_seed, fb_row *row,
                   const char *pass);
void fb_tables_close(id_tables *tb);

/* Sets the row's status and detail. */
void fb_fail(fb_row *row, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "a 12 100", "r 3 40", "f 7": the op as the trace has it. */
const char *fb_op_text(const trace_op *op, char *buf, size_t len);
/* A new heap for a pass, or NULL with the row failed ("cannot create a
 * heap for the NAME pass: why"). */
void *fb_pass_heap(const fb_allocator *a, const fb_alloc_hint *hint, fb_row *row, const char *pass);
/* OUTDIR/SUB/TRACE__ALLOC.csv opened for writing, or NULL (no outdir). */
FILE *fb_cell_file(const fb_replay_opts *o, const char *sub, const trace *t, const fb_allocator *a);
/* Removes that file (one cut short is not left behind). */
void fb_cell_file_remove(const fb_replay_opts *o, const char *sub, const trace *t,
                         const fb_allocator *a);

#endif
