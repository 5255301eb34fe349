/*
 * trace.h: loading malloc-lab allocation traces into a flat array of ops.
 *
 * Where it sits: first stage of the data flow. A trace file (.rep, or
 * .rep.gz) is read whole, checked line by line and turned into one
 * `trace`; the replay engine then runs its passes over `trace.ops` and
 * never looks at text again. Nothing is timed here.
 *
 * How the types relate:
 *   trace        one loaded file: its header, format, summary figures
 *     .ops[]     num_ops trace_op, in file order
 *   trace_op     one line `a ID SIZE` / `r ID SIZE` / `f ID`; the id is the
 *                trace's own block name (0 .. num_ids-1), never an address
 *   trace_error  the reason a load failed, as "FILE:LINE: what is wrong"
 *
 * Meaning of an op for the replay engine (which keeps ptr[num_ids]):
 *   a   ptr[id] = malloc(size)                      (id is not live before)
 *   r   ptr[id] = realloc(ptr[id], size)            (ptr[id] may be NULL:
 *       an `r` of an id never allocated is the historical realloc(NULL, n))
 *   f   free(ptr[id]); ptr[id] = NULL; with id == TRACE_NO_ID it is
 *       free(NULL). For `f`, size holds the payload being freed (the
 *       size of the last a/r of that id; 0 for free(NULL)), so a pass can
 *       keep the live payload without a table of its own.
 *
 * Strictness: real errors make the load fail, whole; the four historical
 * quirks of the 2010 CMU set are accepted with one warning line per kind
 * (see trace_load). Sizes are full 64-bit values: a trace may ask for more
 * than any heap can give, and the replay must report that as ENOMEM.
 */
#ifndef FB_TRACE_H
#define FB_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An op's kind is bits 1 and 2 of its letter (a 0, r 1, f 3): the loader
 * turns a letter into a kind with one shift, and a kind fits the two bits
 * that let an op take 12 bytes. */
enum trace_kind { TRACE_ALLOC = 0, TRACE_REALLOC = 1, TRACE_FREE = 3 };
#define TRACE_KIND_OF(letter) (((unsigned)(letter) >> 1) & 3)
/* The letter of a kind, for messages and for writing traces. */
static inline char trace_kind_letter(unsigned kind) { return "ar?f"[kind & 3]; }

/* The id of `f -1`, the historical spelling of free(NULL): the largest
 * value of an op's 30-bit id field, above any TRACE_MAX_IDS id. */
#define TRACE_NO_ID (((uint32_t)1 << 30) - 1)

/* Limits that keep a hostile header from turning into a huge allocation.
 * The replay engine holds a pointer per id, so 2^26 ids is already 512 MiB
 * of table; no real trace comes near. The ops array is sized from the
 * header but never beyond what the text can hold (an op line takes at
 * least 4 bytes), so a tiny file claiming 10^12 ops fails at its end, not
 * in malloc. */
#define TRACE_MAX_IDS  ((size_t)1 << 26)
#define TRACE_MAX_OPS  ((size_t)UINT32_MAX)
#define TRACE_MAX_TEXT ((size_t)1 << 32) /* bytes of text, after gunzip */

/* One op in 12 bytes: the op array is most of what the harness holds per
 * op (in the parent while loading, in every cell's mapping of it), so it
 * decides how large a trace a machine can run. */
typedef struct __attribute__((packed, aligned(4))) trace_op {
    uint64_t size;     /* a, r: bytes asked for; f: payload freed */
    uint32_t id : 30;  /* 0 .. num_ids-1, or TRACE_NO_ID for free(NULL) */
    uint32_t kind : 2; /* enum trace_kind */
} trace_op;
_Static_assert(sizeof(trace_op) == 12, "trace_op must stay 12 bytes");
_Static_assert(TRACE_KIND_OF('a') == TRACE_ALLOC && TRACE_KIND_OF('r') == TRACE_REALLOC &&
                   TRACE_KIND_OF('f') == TRACE_FREE,
               "kinds are the letters' bits 1 and 2");

/* Which driver wrote the header. Fields 2 and 3 are always num_ids and
 * num_ops; fields 1 and 4 mean:
 *   CLASSIC  suggested heap size, weight        (CS:APP 2002 driver)
 *   2010     weight 0..3, ignore_ranges 0/1     (CMU 2010-2015)
 *   2016     weight 0..3, max_alloc (the peak live payload)  (CMU 2016+)
 * Told apart by value: field 1 <= 3 means a weight (a heap size is never
 * that small); then field 4 <= 1 is a flag (2010), larger is max_alloc
 * (2016). A 2016 trace whose peak is 0 or 1 byte reads as 2010, which
 * changes nothing for the replay. */
enum trace_format { TRACE_FMT_CLASSIC, TRACE_FMT_2010, TRACE_FMT_2016 };

typedef struct trace {
    char *path;  /* as given to trace_load / trace_parse */
    char *name;  /* base name without .rep / .rep.gz */
    enum trace_format format;
    uint64_t header[4];
    size_t num_ids, num_ops;
    trace_op *ops; /* num_ops of them (NULL when num_ops is 0) */

    /* Computed while loading, with the classic driver's counting. */
    uint64_t peak_payload; /* +size on a, +(new-old) on r, -size on f;
                              saturates at UINT64_MAX */
    uint64_t max_request;  /* largest size of an a or r */
    size_t count[3];       /* ops by kind: [0] a, [1] r, [2] f */
    size_t warnings;       /* quirk occurrences accepted */

    /* How the loader got room for ops, so that trace_free gives it back
     * the same way: the bytes of its own mapping, or 0 for malloc. Code
     * that builds a trace by hand leaves it 0 (and frees ops itself, or
     * lets trace_free call free on them). */
    size_t ops_mapped;
} trace;

/* Index into trace.count for an op kind. */
enum { TRACE_COUNT_A = 0, TRACE_COUNT_R = 1, TRACE_COUNT_F = 2 };

typedef struct trace_error {
    char msg[512]; /* "FILE:LINE: what is wrong" (no LINE for I/O errors) */
} trace_error;

/*
 * Loads PATH into *T (which need not be initialised). Plain text or gzip,
 * told by the gzip magic bytes, whatever the name. A regular file is
 * read as large as it was when opened (one that another process cuts
 * short meanwhile gives what was left); pipes and devices to their end.
 * Returns 0 on success. On failure returns -1, leaves *T empty (safe to
 * trace_free) and writes the reason to ERR (if not NULL).
 * Accepted quirks (each kind gives one line to WARN, if not NULL, only
 * when the load succeeds: "FILE: warning: ..." with the count and the
 * first line): `f -1` (free(NULL)); `r` of an id never allocated
 * (realloc(NULL, n)); op lines beyond num_ops (ignored, as the old driver
 * stopped there); `a ID` without a size (the previous a/r size is reused,
 * as the old driver's scanf did; an error when there is none).
 * Threads: a text of 1 MiB or more is tokenised by the calling thread and
 * one more, which the load starts and joins before it returns (with the
 * same result, message for message); FB_TRACE_THREADS=1 in the
 * environment keeps it to the calling thread. Loads of different traces
 * may run in different threads at once.
 */
int trace_load(const char *path, trace *t, trace_error *err, FILE *warn);

/* The same from LEN bytes in memory (text or gzip); NAME stands for the
 * file in messages and gives t->path and t->name. BUF is not modified and
 * need not be NUL-terminated. */
int trace_parse(const char *name, const char *buf, size_t len, trace *t,
                trace_error *err, FILE *warn);

/* Frees what a load put in *T and leaves it empty. T may be NULL. */
void trace_free(trace *t);

/* Nonzero when A and B hold the same ops and the same figures (op and id
 * counts, ops by kind, peak payload, largest request, warnings): two loads
 * of one trace, however it was stored or scanned. */
int trace_same(const trace *a, const trace *b);

/* "classic", "2010", "2016". */
const char *trace_format_name(enum trace_format f);

/* Human-readable summary of a loaded trace: ops by kind, peak live
 * payload, request sizes in log2 buckets, block lifetimes (ops from the
 * a, or the r that created it, to its f) in log2 buckets.
 * Returns 0, or -1 when OUT fails or memory runs out. */
int trace_stats_print(const trace *t, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* FB_TRACE_H */
