/*
 * trace_test_split.c: the op scan on large texts (harness/trace/trace_scan.c,
 * trace_fast.c). A text of a few MB is cut into chunks, tokenised by one
 * or two threads, by the SSE2 tokeniser or its plain-C twin; whichever
 * way, the loader must give what one thread gives, and what this file's
 * own model of the text says: the same ops, figures and warnings, and the
 * same first error with the same FILE:LINE, wherever the error sits (the
 * head, the tail, the first or last line of a chunk).
 *
 * The model: the generator below writes the trace and, as it goes, works
 * out what the loader must make of each line (the freed size of an f,
 * the peak, the quirks and their first lines), independently of the
 * loader's code.
 */
#include "trace_test.h"
#include "trace_impl.h"

#include <stdlib.h>
#include <string.h>

/* Ids in use are 1000 to 4999, always four digits, so that an error line
 * can be made as long as the line it replaces; ids below 1000 and from
 * 5000 on are never used. */
#define TT_ID0 1000
#define TT_POOL 4000
#define TT_NUM_IDS 5100
#define TT_NAME "big.rep"

__extension__ typedef unsigned __int128 tt_u128;

/* How the generated text looks. */
typedef struct tt_style {
    int quirks;    /* f -1, r of ids never allocated, a without a size */
    int odd;       /* CRLF, tabs and double spaces on some lines, sizes
                      too long for the fast tokeniser */
    int blanks;    /* blank lines, most of them in the first third */
    int header_op; /* the first op on the header's last line */
    int extra;     /* op lines after the ones the header declares */
    int crlf;      /* every line ends in CR LF */
} tt_style;

/* A generated trace and what the loader must make of it. */
typedef struct tt_big {
    char *text;
    size_t len;
    size_t nops;
    trace_op *ops;  /* as the loader must fill them */
    uint64_t *line; /* line of each op */
    size_t count[3];
    uint64_t peak, max_request;
    size_t quirks[3]; /* f -1, r of a new id, a without a size */
    uint64_t quirk_line[3];
    size_t extra;
    uint64_t extra_line;
} tt_big;

static void tt_big_free(tt_big *b)
{
    free(b->text);
    free(b->ops);
    free(b->line);
    memset(b, 0, sizeof *b);
}

static void tt_quirk(tt_big *b, int k, uint64_t line)
{
    if (b->quirks[k]++ == 0)
        b->quirk_line[k] = line;
}

/* Writes NOPS ops in style ST. 0, or -1 when out of memory. */
static int tt_big_make(tt_big *b, size_t nops, const tt_style *st,
                       uint64_t seed)
{
    memset(b, 0, sizeof *b);
    size_t cap = nops * 40 + 4096, o = 0;
    b->text = malloc(cap);
    b->ops = calloc(nops, sizeof *b->ops);
    b->line = calloc(nops, sizeof *b->line);
    uint32_t *spare = malloc(TT_POOL * sizeof *spare);
    uint32_t *live = malloc(TT_POOL * sizeof *live);
    uint64_t *size = calloc(TT_NUM_IDS, sizeof *size);
    if (!b->text || !b->ops || !b->line || !spare || !live || !size) {
        free(spare);
        free(live);
        free(size);
        tt_big_free(b);
        return -1;
    }
    tt_rng r = {seed};
    size_t nspare = 0, nlive = 0, fresh = 0;
    tt_u128 cur = 0, peak = 0;
    uint64_t last_size = 0;
    int have_size = 0;
    uint64_t line = 4;
    o += (size_t)snprintf(b->text, cap, "20000\n%d\n%zu\n1", TT_NUM_IDS,
                          nops);
    if (!st->header_op) {
        b->text[o++] = '\n';
        line++;
    } else {
        b->text[o++] = ' ';
    }
    for (size_t i = 0; i < nops; i++) {
        if (st->blanks && i > 0 && tt_below(&r, i < nops / 3 ? 40 : 400) == 0) {
            o += (size_t)snprintf(b->text + o, cap - o, "%s",
                                  tt_below(&r, 2) ? "\n" : " \t\n");
            line++;
        }
        const char *sep = " ", *eol = st->crlf ? "\r\n" : "\n";
        if (st->odd && tt_below(&r, 30) == 0)
            sep = tt_below(&r, 2) ? "\t" : "  ";
        if (st->odd && tt_below(&r, 30) == 0)
            eol = "\r\n";
        uint64_t sz = 1 + tt_below(&r, 100000);
        if (st->odd && tt_below(&r, 100) == 0)
            sz = tt_next(&r) >> 20; /* more digits than the fast path takes */
        trace_op *op = &b->ops[i];
        unsigned pick = (unsigned)tt_below(&r, 100);
        if (st->quirks && tt_below(&r, 500) == 0) {
            o += (size_t)snprintf(b->text + o, cap - o, "f%s-1%s", sep, eol);
            op->kind = TRACE_FREE;
            op->id = TRACE_NO_ID;
            tt_quirk(b, 0, line);
            b->count[TRACE_COUNT_F]++;
        } else if (st->quirks && fresh < TT_POOL && tt_below(&r, 700) == 0) {
            uint32_t id = (uint32_t)(TT_ID0 + fresh++);
            /* The first is the largest request a tokenised line can have:
             * the figures of a quirk inside a block must count. */
            if (b->quirks[1] == 0)
                sz = 9999999;
            o += (size_t)snprintf(b->text + o, cap - o, "r%s%u%s%llu%s", sep,
                                  id, sep, (unsigned long long)sz, eol);
            *op = (trace_op){.size = sz, .id = id, .kind = TRACE_REALLOC};
            size[id] = sz;
            live[nlive++] = id;
            cur += sz;
            tt_quirk(b, 1, line);
            b->count[TRACE_COUNT_R]++;
        } else if (nlive == 0 || (pick < 50 && (nspare || fresh < TT_POOL))) {
            uint32_t id = nspare && (fresh == TT_POOL || tt_below(&r, 2))
                              ? spare[--nspare]
                              : (uint32_t)(TT_ID0 + fresh++);
            if (st->quirks && have_size && tt_below(&r, 600) == 0) {
                /* Sometimes a blank where the size would start. */
                o += (size_t)snprintf(b->text + o, cap - o, "a%s%u%s%s", sep,
                                      id, tt_below(&r, 2) ? " " : "", eol);
                sz = last_size;
                tt_quirk(b, 2, line);
            } else {
                o += (size_t)snprintf(b->text + o, cap - o, "a%s%u%s%llu%s",
                                      sep, id, sep, (unsigned long long)sz,
                                      eol);
            }
            *op = (trace_op){.size = sz, .id = id, .kind = TRACE_ALLOC};
            size[id] = sz;
            live[nlive++] = id;
            cur += sz;
            b->count[TRACE_COUNT_A]++;
        } else {
            size_t at = tt_below(&r, nlive);
            uint32_t id = live[at];
            if (pick < 65) {
                o += (size_t)snprintf(b->text + o, cap - o, "r%s%u%s%llu%s",
                                      sep, id, sep, (unsigned long long)sz,
                                      eol);
                *op = (trace_op){.size = sz, .id = id, .kind = TRACE_REALLOC};
                cur = cur - size[id] + sz;
                size[id] = sz;
                b->count[TRACE_COUNT_R]++;
            } else {
                o += (size_t)snprintf(b->text + o, cap - o, "f%s%u%s", sep,
                                      id, eol);
                *op = (trace_op){.size = size[id], .id = id,
                                 .kind = TRACE_FREE};
                cur -= size[id];
                live[at] = live[--nlive];
                spare[nspare++] = id;
                b->count[TRACE_COUNT_F]++;
            }
        }
        if (op->kind != TRACE_FREE) {
            last_size = op->size;
            have_size = 1;
            if (op->size > b->max_request)
                b->max_request = op->size;
        }
        if (cur > peak)
            peak = cur;
        b->line[i] = line++;
    }
    if (st->extra) {
        o += (size_t)snprintf(b->text + o, cap - o, "f 1\n\na 7 7\nnot read\n");
        b->extra = 3;
        b->extra_line = line;
    }
    b->len = o;
    b->nops = nops;
    b->peak = peak > UINT64_MAX ? UINT64_MAX : (uint64_t)peak;
    free(spare);
    free(live);
    free(size);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Running the loader every way                                        */

/* The ways the scan can run. The first, one thread and the defaults, is
 * the one the others are compared with. */
static const trace_scan_config tt_ways[] = {
    {1, 0, 0, NULL},     /* one thread */
    {2, 0, 0, NULL},     /* two threads, default chunks */
    {2, 0, 1, NULL},     /* the plain-C tokeniser */
    {2, 65536, 0, NULL}, /* smaller chunks: more boundaries */
    {2, 4096, 1, NULL},  /* many small chunks */
    {-1, 4096, 0, NULL}, /* the second thread cannot be started */
    {0, 0, 0, NULL},     /* the default choice */
};
#define TT_WAYS (sizeof tt_ways / sizeof tt_ways[0])

static const char *tt_way_name(const trace_scan_config *c, char *buf,
                               size_t n)
{
    snprintf(buf, n, "threads %d, chunk %zu, %s", c->threads, c->chunk_bytes,
             c->portable ? "plain C" : "SIMD");
    return buf;
}

/* Loads TEXT the way WAY says; *STATS (if not NULL) gets what the scan
 * did. */
static int tt_parse_way(const trace_scan_config *way, const char *text,
                        size_t len, trace *t, trace_error *err, char *warn,
                        size_t wcap, trace_scan_stats *stats)
{
    trace_scan_config cfg = *way;
    trace_scan_stats taken = {0, 0};
    cfg.stats = &taken;
    trace_scan_tune(&cfg);
    memset(err, 0, sizeof *err);
    int rc = tt_parse(TT_NAME, text, len, t, err, warn, wcap);
    trace_scan_tune(NULL);
    if (stats)
        *stats = taken;
    return rc;
}

/* The loaded trace against the model. */
static void tt_check_model(const trace *t, const tt_big *b, const char *way)
{
    CHECK(t->num_ops == b->nops, "%s: %zu ops, want %zu", way, t->num_ops,
          b->nops);
    CHECK(memcmp(t->count, b->count, sizeof b->count) == 0,
          "%s: counts %zu/%zu/%zu, want %zu/%zu/%zu", way, t->count[0],
          t->count[1], t->count[2], b->count[0], b->count[1], b->count[2]);
    CHECK(t->peak_payload == b->peak, "%s: peak %llu, want %llu", way,
          (unsigned long long)t->peak_payload,
          (unsigned long long)b->peak);
    CHECK(t->max_request == b->max_request, "%s: max_request %llu, want "
          "%llu", way, (unsigned long long)t->max_request,
          (unsigned long long)b->max_request);
    size_t want_warn = b->quirks[0] + b->quirks[1] + b->quirks[2] + b->extra;
    CHECK(t->warnings == want_warn, "%s: %zu warnings, want %zu", way,
          t->warnings, want_warn);
    if (t->num_ops != b->nops)
        return;
    for (size_t i = 0; i < b->nops; i++) {
        const trace_op *x = &t->ops[i], *y = &b->ops[i];
        if (x->kind != y->kind || x->id != y->id || x->size != y->size) {
            CHECK(0, "%s: op %zu (line %llu) is %c %u %llu, want %c %u "
                  "%llu", way, i, (unsigned long long)b->line[i], trace_kind_letter(x->kind),
                  x->id, (unsigned long long)x->size, trace_kind_letter(y->kind), y->id,
                  (unsigned long long)y->size);
            break;
        }
    }
}

/* The warnings must name each quirk's first line, as the model has it. */
static void tt_check_warnings(const char *warn, const tt_big *b)
{
    static const char *const what[3] = {
        "`f -1` read as free(NULL)",
        "`r` of an id never allocated read as realloc(NULL, n)",
        "`a ID` without a size given the previous size"};
    char want[256];
    for (int k = 0; k < 3; k++) {
        if (!b->quirks[k])
            continue;
        snprintf(want, sizeof want, TT_NAME ": warning: %zu x %s", b->quirks[k],
                 what[k]);
        CHECK(strstr(warn, want) != NULL, "want '%s' in '%s'", want, warn);
        snprintf(want, sizeof want, "(first at line %llu)",
                 (unsigned long long)b->quirk_line[k]);
        CHECK(strstr(warn, want) != NULL, "want '%s' in '%s'", want, warn);
    }
    if (b->extra) {
        snprintf(want, sizeof want,
                 TT_NAME ": warning: %zu op line(s) after the %zu the header "
                 "declares, ignored as the old driver did (first at line "
                 "%llu)",
                 b->extra, b->nops, (unsigned long long)b->extra_line);
        CHECK(strstr(warn, want) != NULL, "want '%s' in '%s'", want, warn);
    }
}

/* Loads B every way; each must match the model, and the first way. The
 * fast tokeniser must have taken CHUNK_MIN op lines at least a chunk at a
 * time, and ALL_MIN in all. */
static void tt_every_way(const tt_big *b, const char *what, size_t chunk_min,
                         size_t all_min)
{
    trace ref;
    trace_error err;
    char ref_warn[2048], warn[2048], name[128], way[256];
    trace_scan_stats st;
    int rc = tt_parse_way(&tt_ways[0], b->text, b->len, &ref, &err, ref_warn,
                          sizeof ref_warn, &st);
    CHECK(st.chunk_lines >= chunk_min &&
              st.chunk_lines + st.rest_lines >= all_min,
          "%s, one thread: the tokeniser took %zu + %zu lines, want %zu "
          "and %zu at least", what, st.chunk_lines, st.rest_lines,
          chunk_min, all_min);
    CHECK(rc == 0, "%s: %s", what, err.msg);
    if (rc != 0)
        return;
    snprintf(way, sizeof way, "%s, %s", what,
             tt_way_name(&tt_ways[0], name, sizeof name));
    tt_check_model(&ref, b, way);
    tt_check_warnings(ref_warn, b);
    for (size_t w = 1; w < TT_WAYS; w++) {
        trace t;
        snprintf(way, sizeof way, "%s, %s", what,
                 tt_way_name(&tt_ways[w], name, sizeof name));
        rc = tt_parse_way(&tt_ways[w], b->text, b->len, &t, &err, warn,
                          sizeof warn, &st);
        CHECK(rc == 0, "%s: %s", way, err.msg);
        CHECK(st.chunk_lines >= chunk_min &&
                  st.chunk_lines + st.rest_lines >= all_min,
              "%s: the tokeniser took %zu + %zu lines, want %zu and %zu "
              "at least", way, st.chunk_lines, st.rest_lines, chunk_min,
              all_min);
        if (rc == 0) {
            CHECK(trace_same(&t, &ref), "%s: not what one thread loads",
                  way);
            CHECK(strcmp(warn, ref_warn) == 0,
                  "%s: warnings '%s', one thread gave '%s'", way, warn,
                  ref_warn);
        }
        trace_free(&t);
    }
    trace_free(&ref);
}

/* Several MB of text: past the size at which a second thread starts, and
 * many chunks of every size tried. */
#define TT_BIG_OPS 300000

void tt_case_split(void)
{
    /* The fast tokeniser takes every line of a plain text but the last
     * few (it keeps away from the end of the text), a chunk at a time;
     * in the others it goes on after each line it leaves to the careful
     * scanner. */
    static const struct {
        const char *what;
        tt_style st;
        size_t chunk_min, all_min;
    } styles[] = {
        {"plain", {0, 0, 0, 0, 0, 0}, TT_BIG_OPS - 16, TT_BIG_OPS - 16},
        {"CR LF", {0, 0, 0, 0, 0, 1}, TT_BIG_OPS - 16, TT_BIG_OPS - 16},
        {"quirks and odd lines", {1, 1, 0, 0, 0, 0}, 0, TT_BIG_OPS * 8 / 10},
        {"blank lines, header op, extra lines", {1, 0, 1, 1, 1, 0}, 0,
         TT_BIG_OPS * 9 / 10},
    };
    for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++) {
        tt_big b;
        CHECK(tt_big_make(&b, TT_BIG_OPS, &styles[i].st, 1 + i) == 0,
              "out of memory");
        if (!b.text)
            continue;
        CHECK(b.len > ((size_t)3 << 20), "%s: only %zu bytes",
              styles[i].what, b.len);
        tt_every_way(&b, styles[i].what, styles[i].chunk_min,
                     styles[i].all_min);
        tt_big_free(&b);
    }
}

/* ------------------------------------------------------------------ */
/* Errors in a large text                                              */

/* Where line LINE (from 1) of TEXT starts, and its length without the
 * newline; -1 when there is no such line. */
static int tt_find_line(const char *text, size_t len, uint64_t line,
                        size_t *at, size_t *n)
{
    size_t p = 0;
    for (uint64_t l = 1; l < line; l++) {
        const char *nl = memchr(text + p, '\n', len - p);
        if (!nl)
            return -1;
        p = (size_t)(nl - text) + 1;
    }
    const char *nl = memchr(text + p, '\n', len - p);
    *at = p;
    *n = nl ? (size_t)(nl - text) - p : len - p;
    return 0;
}

/* A copy of TEXT with line LINE replaced by PREFIX, then FILL as often
 * as it takes for the line to keep its length (so that no chunk boundary
 * moves), then SUFFIX. NULL when they do not fit. */
static char *tt_replace(const char *text, size_t len, uint64_t line,
                        const char *prefix, char fill, const char *suffix)
{
    size_t at, n;
    if (tt_find_line(text, len, line, &at, &n) != 0)
        return NULL;
    size_t np = strlen(prefix), ns = strlen(suffix);
    if (np + ns > n)
        return NULL;
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    memcpy(s, text, len);
    s[len] = '\0';
    memcpy(s + at, prefix, np);
    memset(s + at + np, fill, n - np - ns);
    memcpy(s + at + n - ns, suffix, ns);
    return s;
}

/* The first line of each chunk after the first, for chunks of CHUNK
 * bytes, as trace_scan.c cuts them: the op lines start after the header's
 * last line, and a chunk ends at the first newline at least CHUNK bytes
 * from its start. Up to MAX lines into LINES; returns how many. */
static size_t tt_chunk_starts(const char *text, size_t len, size_t chunk,
                              uint64_t *lines, size_t max)
{
    size_t p = 0, got = 0;
    uint64_t line = 1;
    for (int h = 0; h < 4; h++) {
        const char *nl = memchr(text + p, '\n', len - p);
        if (!nl)
            return 0;
        p = (size_t)(nl - text) + 1;
        line++;
    }
    while (got < max && len - p > chunk) {
        size_t from = p + chunk - 1;
        const char *nl = memchr(text + from, '\n', len - from);
        if (!nl)
            break;
        for (size_t q = p; q <= (size_t)(nl - text); q++)
            line += text[q] == '\n';
        p = (size_t)(nl - text) + 1;
        if (p < len)
            lines[got++] = line;
    }
    return got;
}

/* Loads TEXT every way; each must fail with exactly WANT. */
static void tt_expect_everywhere(const char *text, size_t len,
                                 const char *want, const char *what)
{
    for (size_t w = 0; w < TT_WAYS; w++) {
        trace t;
        trace_error err;
        char warn[512], name[128];
        int rc = tt_parse_way(&tt_ways[w], text, len, &t, &err, warn,
                              sizeof warn, NULL);
        CHECK(rc == -1 && strcmp(err.msg, want) == 0,
              "%s, %s: got %d '%s', want '%s'", what,
              tt_way_name(&tt_ways[w], name, sizeof name), rc, err.msg,
              want);
        CHECK(t.ops == NULL && t.path == NULL && warn[0] == '\0',
              "%s: a failed load left data or warnings", what);
        trace_free(&t);
    }
}

/* Index of the op on LINE, or B->nops. */
static size_t tt_op_at(const tt_big *b, uint64_t line)
{
    size_t lo = 0, hi = b->nops;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b->line[mid] < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->nops && b->line[lo] == line ? lo : b->nops;
}

/* Line LINE of B's text rewritten by tt_replace(PREFIX, FILL, TAIL) must
 * fail every way with "NAME:LINE: " MSG; KIND names the case. */
static void tt_expect_replaced(const tt_big *b, uint64_t line,
                               const char *prefix, char fill,
                               const char *tail, const char *msg,
                               const char *where, const char *kind)
{
    char *s = tt_replace(b->text, b->len, line, prefix, fill, tail);
    if (!s)
        return;
    char want[512], what[256];
    snprintf(want, sizeof want, TT_NAME ":%llu: %s", (unsigned long long)line,
             msg);
    snprintf(what, sizeof what, "%s: %s", where, kind);
    tt_expect_everywhere(s, b->len, want, what);
    free(s);
}

/* Puts each kind of error on LINE (an op line of B) in turn; the message
 * is worked out from the model. WHERE names the place for messages. */
static void tt_errors_at(const tt_big *b, uint64_t line, const char *where)
{
    size_t op = tt_op_at(b, line);
    CHECK(op < b->nops, "%s: line %llu holds no op", where,
          (unsigned long long)line);
    if (op == b->nops)
        return;

    /* A syntax error: the careful scanner's message. */
    tt_expect_replaced(b, line, "x ", '0', "1",
                       "unknown op 'x' (expected a, r or f)", where,
                       "unknown op");
    /* The same with the shape of an a or r line otherwise. */
    tt_expect_replaced(b, line, "x 1234 ", '0', "1",
                       "unknown op 'x' (expected a, r or f)", where,
                       "unknown op with an id and size");
    /* An id the header does not declare: the tokeniser must refuse it. */
    char range[128];
    snprintf(range, sizeof range,
             "id 9999 out of range: the header declares %d ids (0 to %d)",
             TT_NUM_IDS, TT_NUM_IDS - 1);
    tt_expect_replaced(b, line, "f ", '0', "9999", range, where,
                       "id out of range");
    /* A free of an id never allocated: a check error, in a block. */
    tt_expect_replaced(b, line, "f ", '0', "5050",
                       "`f 5050`: id 5050 was never allocated", where,
                       "free of an id never allocated");
    /* A line the tokeniser must not take for an op, though it nearly has
     * the shape: an r with a blank where its size should be, an f with
     * something after its id. */
    tt_expect_replaced(b, line, "r 1234", ' ', "",
                       "`r 1234` without a size", where, "r without a size");
    tt_expect_replaced(b, line, "f 1234 ", ' ', "7",
                       "trailing garbage '7' after the op (an op line is "
                       "`a ID SIZE`, `r ID SIZE` or `f ID`)",
                       where, "trailing garbage");
    /* An a of a live id: the message names the line that made it live. */
    uint32_t id = 0;
    uint64_t since = 0;
    for (size_t i = op; i-- > 0 && !id;) {
        const trace_op *o = &b->ops[i];
        if (o->kind == TRACE_FREE || o->id == TRACE_NO_ID)
            continue;
        /* Live at LINE if nothing on it came between. */
        int freed = 0;
        for (size_t j = i + 1; j < op && !freed; j++)
            freed = b->ops[j].id == o->id;
        if (!freed) {
            id = o->id;
            since = b->line[i];
        }
        if (op - i > 200)
            break;
    }
    if (id) {
        char prefix[32], msg[160];
        snprintf(prefix, sizeof prefix, "a %u ", id);
        snprintf(msg, sizeof msg,
                 "`a %u`: id %u is still live (allocated or resized at line "
                 "%llu, not freed since)",
                 id, id, (unsigned long long)since);
        tt_expect_replaced(b, line, prefix, '0', "5", msg, where,
                           "a of a live id");
    }
}

/* The big trace the error cases spoil, the same for both. */
static void tt_errors_trace(tt_big *b)
{
    const tt_style st = {1, 1, 1, 0, 0, 0};
    CHECK_STOP(tt_big_make(b, TT_BIG_OPS, &st, 7) == 0 && b->text, "out of memory");
}

/* The first line of a chunk and the last line of the one before, for the
 * default chunks and the smaller ones tried: the longest case, so ctest
 * runs it apart (trace.split_boundaries, label stress). */
void tt_case_split_boundaries(void)
{
    tt_big b;
    tt_errors_trace(&b);
    static const size_t sizes[] = {(size_t)256 << 10, 65536, 4096};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint64_t starts[8];
        size_t n = tt_chunk_starts(b.text, b.len, sizes[k], starts, 8);
        CHECK(n >= 3, "chunks of %zu: only %zu boundaries", sizes[k], n);
        for (size_t i = 0; i < n; i += 3) {
            char where[128];
            for (uint64_t l = starts[i]; tt_op_at(&b, l) == b.nops; l++)
                starts[i] = l + 1; /* a blank line: take the next op */
            snprintf(where, sizeof where, "first line of a %zu-byte chunk",
                     sizes[k]);
            tt_errors_at(&b, starts[i], where);
            uint64_t before = starts[i] - 1;
            while (before > 5 && tt_op_at(&b, before) == b.nops)
                before--;
            snprintf(where, sizeof where, "last line of a %zu-byte chunk",
                     sizes[k]);
            tt_errors_at(&b, before, where);
        }
    }
    tt_big_free(&b);
}

void tt_case_split_errors(void)
{
    tt_big b;
    tt_errors_trace(&b);

    /* The head, the tail, the very last op line. */
    tt_errors_at(&b, b.line[100], "head");
    tt_errors_at(&b, b.line[b.nops - 100], "tail");
    tt_errors_at(&b, b.line[b.nops - 1], "last line");

    /* Two errors: the one earlier in the file wins, even when the other
     * sits in a chunk the second thread tokenised long before. */
    char *s = tt_replace(b.text, b.len, b.line[b.nops - 10], "x ", '0', "1");
    char *s2 = s ? tt_replace(s, b.len, b.line[5000], "f ", '0', "5050") : NULL;
    if (s2) {
        char want[256];
        snprintf(want, sizeof want,
                 TT_NAME ":%llu: `f 5050`: id 5050 was never allocated",
                 (unsigned long long)b.line[5000]);
        tt_expect_everywhere(s2, b.len, want, "two errors");
    }
    free(s);
    free(s2);

    /* The text ends before the ops the header declares. */
    size_t at, n;
    if (tt_find_line(b.text, b.len, b.line[b.nops - 20], &at, &n) == 0) {
        char want[256];
        snprintf(want, sizeof want,
                 TT_NAME ":%llu: the file ends after %zu of the %zu ops its "
                 "header declares",
                 (unsigned long long)b.line[b.nops - 20], b.nops - 20, b.nops);
        tt_expect_everywhere(b.text, at, want, "cut short");
    }
    tt_big_free(&b);
}
