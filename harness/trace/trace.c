/*
 * trace.c: the trace loader (contract and format in trace.h).
 *
 * Where it sits: first stage of the data flow. trace_io.c brings the
 * whole text into memory (a file read whole; gzip inflated); this file reads
 * the header, allocates the flat op array once from num_ops, and hands
 * the op lines to trace_scan.c, which fills the array. The careful,
 * line-at-a-time scanner and the check of one op live here: the scan
 * uses them for every line its fast tokeniser (trace_fast.c) does not
 * take, and every message about an op line comes from them. The replay
 * engine only ever sees the array.
 *
 * Why a hand-written scanner: a scanf or strtol call per field costs more
 * than everything else here together, and traces recorded from real
 * programs run to millions of ops.
 *
 * Why the loader checks the ops' meaning (liveness, ids) and not only
 * their syntax: a trace that frees a block twice would otherwise be
 * half-replayed before the allocator crashes on it, and the crash would
 * be blamed on the allocator.
 */
#include "trace_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Messages                                                            */

/* Writes "PATH:LINE: " (or "PATH: " when LINE is 0) and the message into
 * ERR. */
static void trace_vfail(trace_error *err, const char *path, uint64_t line,
                        const char *fmt, va_list ap)
{
    if (!err)
        return;
    int n = line ? snprintf(err->msg, sizeof err->msg, "%s:%llu: ", path,
                            (unsigned long long)line)
                 : snprintf(err->msg, sizeof err->msg, "%s: ", path);
    if (n < 0 || (size_t)n >= sizeof err->msg)
        return;
    vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
}

/* The same with arguments; returns -1 so that callers can
 * `return trace_fail(...)`. */
int trace_fail(trace_error *err, const char *path, uint64_t line,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_vfail(err, path, line, fmt, ap);
    va_end(ap);
    return -1;
}

static inline int trace_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static inline int trace_is_sep(const char *p, const char *end)
{
    return p == end || *p == '\n' || trace_is_blank(*p);
}

/* Room for a token in a message: up to TRACE_TOKEN_SHOWN bytes, each
 * perhaps written \xNN, the quotes, "..." and the NUL. */
#define TRACE_TOKEN_SHOWN 24
#define TRACE_TOKEN_ROOM (TRACE_TOKEN_SHOWN * 4 + 6)

/* The token at P, quoted for a message: unprintable bytes as \xNN, long
 * tokens cut. A message must stay readable whatever bytes the file holds. */
static const char *trace_token(const char *p, const char *end,
                               char out[TRACE_TOKEN_ROOM])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    out[o++] = '\'';
    for (int shown = 0; p < end && !trace_is_sep(p, end); shown++) {
        if (shown == TRACE_TOKEN_SHOWN) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)*p++;
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o++] = '\'';
    out[o] = '\0';
    return out;
}

uint64_t trace_line_at(const char *text, size_t pos)
{
    uint64_t line = 1;
    const char *p = text, *end = text + pos;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

enum trace_num { TRACE_NUM_OK, TRACE_NUM_BAD, TRACE_NUM_OVERFLOW };

/* Reads a decimal number that must end at a blank, a newline or the end.
 * The caller has made sure a token starts at *PP. Advances *PP only on
 * success. Nineteen digits can never overflow 64 bits, so only longer
 * numbers pay for the check. */
static inline int trace_scan_u64(const char **pp, const char *end,
                                 uint64_t *out)
{
    const char *p = *pp;
    const char *fast_end = end - p > 19 ? p + 19 : end;
    uint64_t v = 0;
    unsigned d;
    while (p < fast_end && (d = (unsigned)(*p - '0')) < 10) {
        v = v * 10 + d;
        p++;
    }
    if (p == *pp)
        return TRACE_NUM_BAD;
    while (p < end && (d = (unsigned)(*p - '0')) < 10) {
        if (v > (UINT64_MAX - d) / 10) {
            while (p < end && (unsigned)(*p - '0') < 10)
                p++;
            return trace_is_sep(p, end) ? TRACE_NUM_OVERFLOW : TRACE_NUM_BAD;
        }
        v = v * 10 + d;
        p++;
    }
    if (!trace_is_sep(p, end))
        return TRACE_NUM_BAD;
    *pp = p;
    *out = v;
    return TRACE_NUM_OK;
}

/* ------------------------------------------------------------------ */
/* Ops, the careful way                                                */

/* A syntax error at AT. When its line holds a NUL byte the file is not
 * text, and saying so helps more than naming the odd token. */
__attribute__((format(printf, 4, 5), cold))
static int trace_syntax_fail(const trace_scan *s, const char *at,
                             uint64_t line, const char *fmt, ...)
{
    const char *b = at, *e = at;
    while (b > s->text && b[-1] != '\n')
        b--;
    while (e < s->end && *e != '\n')
        e++;
    const char *nul = memchr(b, '\0', (size_t)(e - b));
    if (nul)
        return trace_fail(s->err, s->path, line,
                          "not a text file (NUL byte at offset %zu)",
                          (size_t)(nul - s->text));
    va_list ap;
    va_start(ap, fmt);
    trace_vfail(s->err, s->path, line, fmt, ap);
    va_end(ap);
    return -1;
}

void trace_note_quirk(trace_quirks *q, enum trace_quirk k, uint64_t line)
{
    if (q->count[k]++ == 0)
        q->first_line[k] = line;
}

static void trace_print_quirks(FILE *warn, const char *path,
                               const trace_quirks *q, size_t num_ops)
{
    static const char *const what[TRACE_Q_COUNT] = {
        "`f -1` read as free(NULL)",
        "`r` of an id never allocated read as realloc(NULL, n)",
        "`a ID` without a size given the previous size, as the old driver "
        "did",
        NULL};
    for (int k = 0; k < TRACE_Q_COUNT; k++) {
        if (!q->count[k])
            continue;
        unsigned long long first = (unsigned long long)q->first_line[k];
        if (k == TRACE_Q_EXTRA)
            fprintf(warn,
                    "%s: warning: %zu op line(s) after the %zu the header "
                    "declares, ignored as the old driver did (first at "
                    "line %llu)\n",
                    path, q->count[k], num_ops, first);
        else
            fprintf(warn, "%s: warning: %zu x %s (first at line %llu)\n",
                    path, q->count[k], what[k], first);
    }
}

/* The careful scanner (contract in trace_impl.h). */
int trace_parse_line(trace_scan *s, const char **pp, uint64_t line, size_t n,
                     trace_op *op)
{
    const char *p = *pp, *end = s->end;
    const size_t num_ids = s->t->num_ids;
    char tok[TRACE_TOKEN_ROOM];
    while (p < end && trace_is_blank(*p))
        p++;
    if (p == end) {
        *pp = p;
        return TRACE_LINE_END;
    }
    if (*p == '\n') {
        *pp = p + 1;
        return TRACE_LINE_BLANK;
    }
    char c = *p;
    if ((c != 'a' && c != 'r' && c != 'f') || !trace_is_sep(p + 1, end))
        return trace_syntax_fail(s, p, line,
                                 "unknown op %s (expected a, r or f)",
                                 trace_token(p, end, tok));
    p++;
    while (p < end && trace_is_blank(*p))
        p++;
    if (p == end || *p == '\n')
        return trace_syntax_fail(s, p, line, "`%c` without an id", c);

    uint64_t id;
    if (*p == '-') {
        if (c != 'f' || end - p < 2 || p[1] != '1' ||
            !trace_is_sep(p + 2, end))
            return trace_syntax_fail(s, p, line, "negative id %s",
                                     trace_token(p, end, tok));
        p += 2;
        id = TRACE_NO_ID;
        trace_note_quirk(&s->q, TRACE_Q_FREE_NULL, line);
    } else {
        int rc = trace_scan_u64(&p, end, &id);
        if (rc == TRACE_NUM_OVERFLOW)
            return trace_syntax_fail(s, p, line, "id overflows 64 bits: %s",
                                     trace_token(p, end, tok));
        if (rc != TRACE_NUM_OK)
            return trace_syntax_fail(s, p, line, "id is not a number: %s",
                                     trace_token(p, end, tok));
        if (id >= num_ids && num_ids == 0)
            return trace_syntax_fail(s, p, line,
                                     "id %llu out of range: the header "
                                     "declares no ids",
                                     (unsigned long long)id);
        if (id >= num_ids)
            return trace_syntax_fail(s, p, line,
                                     "id %llu out of range: the header "
                                     "declares %zu ids (0 to %zu)",
                                     (unsigned long long)id, num_ids,
                                     num_ids - 1);
    }

    uint64_t size = 0;
    if (c != 'f') {
        while (p < end && trace_is_blank(*p))
            p++;
        if (p < end && *p == '-')
            return trace_syntax_fail(s, p, line, "negative size %s",
                                     trace_token(p, end, tok));
        if (p < end && *p != '\n') {
            int rc = trace_scan_u64(&p, end, &size);
            if (rc == TRACE_NUM_OVERFLOW)
                return trace_syntax_fail(s, p, line,
                                         "size overflows 64 bits: %s",
                                         trace_token(p, end, tok));
            if (rc != TRACE_NUM_OK)
                return trace_syntax_fail(s, p, line,
                                         "size is not a number: %s",
                                         trace_token(p, end, tok));
        } else if (c == 'r') {
            return trace_syntax_fail(s, p, line, "`r %llu` without a size",
                                     (unsigned long long)id);
        } else {
            /* The old driver's scanf left its size variable as the last
             * a or r had set it. */
            const trace_op *ops = s->t->ops;
            size_t k = n;
            while (k > 0 && ops[k - 1].kind == TRACE_FREE)
                k--;
            if (k == 0)
                return trace_syntax_fail(s, p, line,
                                         "`a %llu` without a size, and no "
                                         "earlier size to reuse",
                                         (unsigned long long)id);
            size = ops[k - 1].size;
            trace_note_quirk(&s->q, TRACE_Q_NO_SIZE, line);
        }
    }

    while (p < end && trace_is_blank(*p))
        p++;
    if (p < end && *p != '\n')
        return trace_syntax_fail(s, p, line,
                                 "trailing garbage %s after the op (an op "
                                 "line is `a ID SIZE`, `r ID SIZE` or "
                                 "`f ID`)",
                                 trace_token(p, end, tok));
    *pp = p < end ? p + 1 : p;
    op->size = size;
    op->id = (uint32_t)id;
    op->kind = TRACE_KIND_OF(c);
    return TRACE_LINE_OP;
}

/* Says why OP cannot be replayed. */
__attribute__((cold))
static int trace_check_fail(const trace_scan *s, const trace_op *op,
                            const trace_idinfo *d, uint64_t line)
{
    unsigned long long id = op->id;
    if (op->kind == TRACE_ALLOC)
        return trace_fail(s->err, s->path, line,
                          "`a %llu`: id %llu is still live (allocated or "
                          "resized at line %u, not freed since)",
                          id, id, TRACE_ID_LINE(d));
    if (op->kind == TRACE_REALLOC)
        return trace_fail(s->err, s->path, line,
                          "`r %llu`: id %llu was freed at line %u", id, id,
                          TRACE_ID_LINE(d));
    if (TRACE_ID_STATE(d) == TRACE_ID_NEVER)
        return trace_fail(s->err, s->path, line,
                          "`f %llu`: id %llu was never allocated", id, id);
    return trace_fail(s->err, s->path, line,
                      "`f %llu`: id %llu was already freed at line %u", id,
                      id, TRACE_ID_LINE(d));
}

/* The check of one op (contract in trace_impl.h). trace_scan.c has a
 * branch-free copy of the common cases for its blocks of ops, and calls
 * this for the rest; the two must agree. */
int trace_check_op(trace_scan *s, trace_op *op, uint64_t line)
{
    trace_tally *y = &s->y;
    if (op->id == TRACE_NO_ID) { /* free(NULL) */
        op->size = 0;
        y->count[TRACE_COUNT_F]++;
        return 0;
    }
    trace_idinfo *d = &s->ids[op->id];
    uint64_t size = op->size;
    switch (op->kind) {
    case TRACE_ALLOC:
        if (TRACE_ID_STATE(d) == TRACE_ID_LIVE)
            return trace_check_fail(s, op, d, line);
        y->count[TRACE_COUNT_A]++;
        break;
    case TRACE_REALLOC:
        if (TRACE_ID_STATE(d) == TRACE_ID_FREED)
            return trace_check_fail(s, op, d, line);
        if (TRACE_ID_STATE(d) == TRACE_ID_NEVER)
            trace_note_quirk(&s->q, TRACE_Q_REALLOC_NEW, line);
        y->count[TRACE_COUNT_R]++;
        break;
    default:
        if (TRACE_ID_STATE(d) != TRACE_ID_LIVE)
            return trace_check_fail(s, op, d, line);
        op->size = d->size;
        size = 0;
        y->count[TRACE_COUNT_F]++;
        break;
    }
    /* size(id) is 0 unless live: one formula for a, r and f. */
    y->live = y->live - d->size + size;
    if (y->live > y->peak)
        y->peak = y->live;
    if (size > y->max_request)
        y->max_request = size;
    d->size = size;
    d->tag = TRACE_ID_TAG(op->kind == TRACE_FREE ? TRACE_ID_FREED
                                                 : TRACE_ID_LIVE,
                          line > UINT32_MAX ? UINT32_MAX : line);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Header                                                              */

static const char *const trace_field_name[4] = {
    "field 1 (heap size or weight)", "field 2 (num_ids)",
    "field 3 (num_ops)", "field 4 (weight, flag or max_alloc)"};

/* Reads the four header numbers, one per line in every known trace set,
 * but any whitespace is accepted between them. LINES gets the line of
 * each, so that later complaints about a value point at it. */
static int trace_parse_header(trace_scan *s, const char **pp, uint64_t *line,
                              uint64_t h[4], uint64_t lines[4])
{
    const char *p = *pp, *end = s->end;
    char tok[TRACE_TOKEN_ROOM];
    for (int i = 0; i < 4; i++) {
        while (p < end && (*p == '\n' || trace_is_blank(*p))) {
            if (*p == '\n')
                (*line)++;
            p++;
        }
        if (p == end) {
            if (i == 0)
                return trace_fail(s->err, s->path, *line,
                                  "empty file: expected a header of four "
                                  "numbers (heap size or weight, num_ids, "
                                  "num_ops, weight or flag or max_alloc)");
            return trace_fail(s->err, s->path, *line,
                              "the header ends after %d of its four numbers",
                              i);
        }
        lines[i] = *line;
        int rc = trace_scan_u64(&p, end, &h[i]);
        if (rc == TRACE_NUM_OVERFLOW)
            return trace_syntax_fail(s, p, *line,
                              "header %s overflows 64 bits: %s",
                              trace_field_name[i], trace_token(p, end, tok));
        if (rc != TRACE_NUM_OK)
            return trace_syntax_fail(s, p, *line,
                              "header %s is not a non-negative integer: %s%s",
                              trace_field_name[i], trace_token(p, end, tok),
                              i == 0 ? " (a trace starts with a header of "
                                       "four numbers)"
                                     : "");
    }
    *pp = p;
    return 0;
}

static enum trace_format trace_detect_format(const uint64_t h[4])
{
    if (h[0] > 3)
        return TRACE_FMT_CLASSIC;
    return h[3] <= 1 ? TRACE_FMT_2010 : TRACE_FMT_2016;
}

/* ------------------------------------------------------------------ */
/* Whole text                                                          */

static char *trace_dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *trace_base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 3 && memcmp(b + n - 3, ".gz", 3) == 0)
        n -= 3;
    if (n > 4 && memcmp(b + n - 4, ".rep", 4) == 0)
        n -= 4;
    return trace_dup(b, n);
}

static int trace_parse_text(const char *path, const char *text, size_t len,
                            trace *t, trace_error *err, FILE *warn)
{
    trace_scan s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.text = text;
    s.end = text + len;
    s.err = err;
    s.t = t;

    const char *p = text;
    uint64_t line = 1, hline[4];
    if (trace_parse_header(&s, &p, &line, t->header, hline))
        return -1;
    if (t->header[1] > TRACE_MAX_IDS)
        return trace_fail(err, path, hline[1],
                          "num_ids %llu is absurd (the limit is %zu)",
                          (unsigned long long)t->header[1], TRACE_MAX_IDS);
    if (t->header[2] > TRACE_MAX_OPS)
        return trace_fail(err, path, hline[2],
                          "num_ops %llu is absurd (the limit is %zu)",
                          (unsigned long long)t->header[2], TRACE_MAX_OPS);
    t->format = trace_detect_format(t->header);
    t->num_ids = (size_t)t->header[1];
    t->num_ops = (size_t)t->header[2];

    /* n op lines take at least 4n-1 bytes ("f 0" and a newline between
     * two), so the text bounds the array whatever the header claims. */
    size_t fits = ((size_t)(s.end - p) + 1) / 4;
    s.cap = t->num_ops < fits ? t->num_ops : fits;
    if (s.cap) {
        /* Zeroed so that the padding of each op is defined when the
         * array is copied out whole (the harness hands it to its cells). */
        t->ops = trace_table_alloc(s.cap, sizeof *t->ops, &t->ops_mapped);
        if (!t->ops)
            return trace_fail(err, path, hline[2],
                              "out of memory for %zu ops", s.cap);
    }
    size_t ids_mapped = 0;
    if (t->num_ids) {
        /* Zeroed; pages of ids the trace never names are never touched. */
        s.ids = trace_table_alloc(t->num_ids, sizeof *s.ids, &ids_mapped);
        if (!s.ids)
            return trace_fail(err, path, hline[1],
                              "out of memory for %zu ids", t->num_ids);
    }
    int rc = trace_scan_ops(&s, p, line);
    trace_table_free(s.ids, ids_mapped);
    if (rc)
        return -1;
    for (int k = 0; k < TRACE_Q_COUNT; k++)
        t->warnings += s.q.count[k];
    if (warn)
        trace_print_quirks(warn, path, &s.q, t->num_ops);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                 */

int trace_parse(const char *name, const char *buf, size_t len, trace *t,
                trace_error *err, FILE *warn)
{
    if (!name)
        name = "(memory)";
    if (!t)
        return trace_fail(err, name, 0, "no trace to load into");
    memset(t, 0, sizeof *t);
    if (!buf && len)
        return trace_fail(err, name, 0, "no buffer");
    if (len > TRACE_MAX_TEXT)
        return trace_fail(err, name, 0,
                          "%zu bytes, more than the 4 GiB a trace may have",
                          len);
    t->path = trace_dup(name, strlen(name));
    t->name = trace_base_name(name);
    if (!t->path || !t->name) {
        trace_free(t);
        return trace_fail(err, name, 0, "out of memory");
    }
    int rc;
    if (trace_is_gzip(buf, len)) {
        char *text = NULL;
        size_t text_len = 0;
        rc = trace_gunzip(name, buf, len, &text, &text_len, err);
        if (rc == 0)
            rc = trace_parse_text(name, text, text_len, t, err, warn);
        free(text);
    } else {
        rc = trace_parse_text(name, buf ? buf : "", len, t, err, warn);
    }
    if (rc)
        trace_free(t);
    return rc;
}
void trace_free(trace *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->name);
    trace_table_free(t->ops, t->ops_mapped);
    memset(t, 0, sizeof *t);
}

const char *trace_format_name(enum trace_format f)
{
    switch (f) {
    case TRACE_FMT_CLASSIC:
        return "classic";
    case TRACE_FMT_2010:
        return "2010";
    case TRACE_FMT_2016:
        return "2016";
    }
    return "unknown";
}

int trace_same(const trace *a, const trace *b)
{
    if (a->num_ops != b->num_ops || a->num_ids != b->num_ids ||
        a->peak_payload != b->peak_payload ||
        a->max_request != b->max_request || a->warnings != b->warnings ||
        memcmp(a->count, b->count, sizeof a->count) != 0)
        return 0;
    for (size_t i = 0; i < a->num_ops; i++)
        if (a->ops[i].kind != b->ops[i].kind || a->ops[i].id != b->ops[i].id ||
            a->ops[i].size != b->ops[i].size)
            return 0;
    return 1;
}
