/*
 * trace_impl.h: what the loader's files share, and nobody else uses.
 *
 * trace_io.c gets the text (a mapped or read file, gunzipped when it is
 * gzip); trace.c reads the header and owns the careful, line-at-a-time
 * scanner and the check of one op; trace_scan.c runs the op part of the
 * text in chunks, on two threads when it is large; trace_fast.c is the
 * tokeniser those chunks go through. All report errors the same way, as
 * "FILE:LINE: what is wrong".
 *
 * How the scan's types relate:
 *   trace_scan    one text being loaded: where it is, the trace being
 *                 filled, the id table, the quirks and running figures
 *     .ids[]      trace_idinfo per id: its state for the checks
 *     .q          trace_quirks: how often each quirk came, first line
 *     .y          trace_tally: live and peak payload, counts, max request
 */
#ifndef FB_TRACE_IMPL_H
#define FB_TRACE_IMPL_H

#include "trace.h"

/* The live payload is kept exactly even when a hostile trace makes it pass
 * 2^64 (sizes are full 64-bit); only the reported peak saturates. */
__extension__ typedef unsigned __int128 trace_u128;

enum trace_id_state { TRACE_ID_NEVER = 0, TRACE_ID_LIVE, TRACE_ID_FREED };

/* What the loader remembers about one id while it checks the ops.
 * Invariant: size is 0 unless the id is live, so that an `a` and an `r`
 * both change the live payload by size(op) - size(id). The state and the
 * line share one word so that the check writes them in one store. */
typedef struct trace_idinfo {
    uint64_t size; /* payload while live, else 0 */
    uint64_t tag;  /* line of its last a/r/f (saturated to 32 bits) in
                      the low half, enum trace_id_state in the high */
} trace_idinfo;

#define TRACE_ID_TAG(state, line) ((uint64_t)(state) << 32 | (uint32_t)(line))
#define TRACE_ID_STATE(d) ((unsigned)((d)->tag >> 32))
#define TRACE_ID_LINE(d) ((unsigned)(uint32_t)(d)->tag)

/* The historical quirks, each reported once per file with a count. */
enum trace_quirk {
    TRACE_Q_FREE_NULL,   /* f -1 */
    TRACE_Q_REALLOC_NEW, /* r of an id never allocated */
    TRACE_Q_NO_SIZE,     /* a ID without its size */
    TRACE_Q_EXTRA,       /* op lines beyond num_ops */
    TRACE_Q_COUNT
};

typedef struct trace_quirks {
    size_t count[TRACE_Q_COUNT];
    uint64_t first_line[TRACE_Q_COUNT];
} trace_quirks;

/* The running figures of the check, with the classic driver's counting. */
typedef struct trace_tally {
    trace_u128 live, peak;
    size_t count[3];      /* by TRACE_COUNT_A/R/F */
    uint64_t max_request; /* largest a/r size */
} trace_tally;

/* Everything the scan of one text needs. Only the thread that checks the
 * ops touches it; the tokenising thread sees the text and the op array
 * only. */
typedef struct trace_scan {
    const char *path, *text, *end;
    trace_error *err;
    trace *t;
    trace_idinfo *ids;
    size_t cap; /* ops the array can hold */
    trace_quirks q;
    trace_tally y;
} trace_scan;

/* ---- trace.c ---- */

/* Writes "PATH:LINE: " (just "PATH: " when LINE is 0) and the message
 * into ERR, if not NULL. Always returns -1. */
__attribute__((format(printf, 4, 5)))
int trace_fail(trace_error *err, const char *path, uint64_t line,
               const char *fmt, ...);

/* The line (from 1) that byte POS of TEXT is on. */
uint64_t trace_line_at(const char *text, size_t pos);

void trace_note_quirk(trace_quirks *q, enum trace_quirk k, uint64_t line);

enum trace_line_kind {
    TRACE_LINE_ERROR = -1,
    TRACE_LINE_OP,
    TRACE_LINE_BLANK,
    TRACE_LINE_END
};

/* Parses the line at *PP the careful way: any blanks, the syntax quirks,
 * every syntax error (reported, with LINE). N ops precede it, in
 * s->t->ops. On TRACE_LINE_OP fills *OP (its size 0 for an f); *PP moves
 * past the line's newline. */
int trace_parse_line(trace_scan *s, const char **pp, uint64_t line, size_t n,
                     trace_op *op);

/* Checks OP (on LINE), the next op in file order, against the state of
 * its id, and counts it into s->y; for an f, fills in the size freed.
 * Any op, free(NULL) and the realloc(NULL, n) quirk included. 0, or -1
 * with the reason reported. */
int trace_check_op(trace_scan *s, trace_op *op, uint64_t line);

/* ---- trace_scan.c ---- */

/* Parses and checks every op from P (at LINE, just after the header) to
 * the end of the text, lines beyond num_ops included; fills s->t's ops
 * and figures. 0, or -1 with the first error in file order reported. */
int trace_scan_ops(trace_scan *s, const char *p, uint64_t line);

/* Room for N zeroed ops (or ids, in units of 16 bytes): a private anonymous
 * mapping, with transparent huge pages asked for, when large (the page
 * faults of a large array otherwise cost a fifth of a load); else calloc.
 * *MAPPED gets the bytes mapped, or 0 for calloc. NULL when out of
 * memory. */
void *trace_table_alloc(size_t n, size_t elem, size_t *mapped);

/* Frees what trace_table_alloc gave (P may be NULL). */
void trace_table_free(void *p, size_t mapped);

/* How the op scan runs; the tests set it to compare every way on the
 * same text. threads: 0 the default (a second thread for a large text,
 * FB_TRACE_THREADS=1 in the environment says one), 1 one thread, 2 two
 * threads whatever the size (-1: as 2, but as if the thread could not be
 * started). chunk_bytes: the text a thread tokenises at a time, 0 the
 * default. portable: 1 uses the plain-C tokeniser even where SSE2 is
 * there. NULL restores the defaults. Not thread-safe: set it before
 * loading. */
typedef struct trace_scan_stats {
    size_t chunk_lines; /* op lines tokenised a chunk at a time */
    size_t rest_lines;  /* op lines tokenised after a careful one */
} trace_scan_stats;

typedef struct trace_scan_config {
    int threads;
    size_t chunk_bytes;
    int portable;
    trace_scan_stats *stats; /* when not NULL, each load adds to it, so
                                that the tests can see what ran */
} trace_scan_config;

void trace_scan_tune(const trace_scan_config *cfg);

/* ---- trace_fast.c ---- */

/* Newlines in [P, END). */
size_t trace_count_newlines(const char *p, const char *end, int portable);

/* Tokenises lines from P (a line start, at least 8 bytes into the text)
 * while they have the common shape and end before LIMIT (a line start,
 * or the end of the text); writes at most MAX ops. It reads nothing at
 * or past END (the end of the text), and so leaves the lines in its last
 * 80 bytes or so to the careful scanner. Returns the ops written; *STOP
 * gets the start of the first line not taken. An op's id is below
 * NUM_IDS, an f's size is 0. */
size_t trace_fast_lines(const char *p, const char *limit, const char *end,
                        uint64_t num_ids, trace_op *ops, size_t max,
                        int portable, const char **stop);

/* ---- trace_io.c ---- */

/* Nonzero when BUF starts with the gzip magic bytes. */
int trace_is_gzip(const char *buf, size_t len);

/* Inflates LEN bytes of gzip (one member or several) into a new buffer
 * that the caller frees. 0, or -1 with ERR naming PATH. */
int trace_gunzip(const char *path, const char *in, size_t len, char **out,
                 size_t *out_len, trace_error *err);

#endif /* FB_TRACE_IMPL_H */
