/*
 * repwrite.h: writes malloc-lab traces (.rep, or .rep.gz by name).
 *
 * Where it sits: the end of every path that makes a trace. The recorder
 * (cmd_record.c) and the mtrace converter (cmd_convert.c) stream ops out
 * of events.c into an rw_writer; the generators (tracegen.c) build an op
 * array and hand it to rw_write_ops. Reading traces back is trace.c's job.
 *
 * Header written (four lines): 0, num_ids, num_ops, peak live payload.
 * That is the layout of the 2016+ CMU driver (weight 0, max_alloc = peak);
 * fields 2 and 3 mean the same in every variant, so every loader reads it.
 *
 * The file is written under a temporary name in the same folder and
 * renamed into place by rw_close, so a failed run never leaves half a
 * trace under the final name. A name ending in ".gz" is gzip-compressed
 * (level 6: level 9 is ten times slower for 0.2% less; zlib's header
 * carries no time stamp, so the bytes depend only on the ops).
 */
#ifndef FB_REPWRITE_H
#define FB_REPWRITE_H

#include <stddef.h>
#include <stdint.h>

/* One op as written: kind 'a' (size), 'r' (size) or 'f' (no size). */
typedef struct rw_op {
    uint64_t size;
    uint32_t id;
    char kind;
} rw_op;

typedef struct rw_error {
    char msg[512];
} rw_error;

typedef struct rw_writer rw_writer;

/* Starts a trace whose header is already known. NULL with err on failure. */
rw_writer *rw_open(const char *path, uint64_t num_ids, uint64_t num_ops,
                   uint64_t peak_payload, rw_error *err);
/* Appends one op. -1 with err on a write error or a malformed op. */
int rw_put(rw_writer *w, const rw_op *op, rw_error *err);
/* Finishes: checks that exactly num_ops ops were written, flushes and
 * renames into place. Frees w whatever happens. 0 ok, -1 with err. */
int rw_close(rw_writer *w, rw_error *err);
/* Gives up: removes the temporary file and frees w. */
void rw_abort(rw_writer *w);

/* Header figures of an op array, counted the classic driver's way (+size
 * on a, +(new-old) on r, -size on f). -1 with err when the ops are not a
 * valid trace (f or r of a dead id, a of a live id). */
typedef struct rw_summary {
    uint64_t num_ids, num_ops, peak_payload;
    uint64_t count[3]; /* a, r, f */
} rw_summary;
int rw_summarize(const rw_op *ops, size_t n, rw_summary *out, rw_error *err);

/* rw_summarize, then the whole file. 0 ok, -1 with err. */
int rw_write_ops(const char *path, const rw_op *ops, size_t n, rw_error *err);

#endif
