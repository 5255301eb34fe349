/*
 * bench_core.c: fitbench-bench, the allocator core's micro-benchmarks under
 * Google Benchmark (through gbench.h), plus the replay benchmarks that
 * bench_replay.c registers.
 *
 * Where it sits: beside the trace -> metrics flow, not in it. It calls the
 * core (allocator/fitalloc.h) directly, with no trace and no harness
 * between, to give the cost of one malloc+free pair per fit policy. `make
 * bench` runs it with --benchmark_out=FILE.json; `fitbench-bench
 * --ns-table FILE.json` turns that file into the README's table of ns per
 * pair (the library's CSV output is deprecated, so the JSON is the source).
 *
 * Benchmarks, one of each per policy of the core:
 *   BM_random/<policy>        10,000 live blocks; each iteration frees a
 *                             random live block and mallocs a new one of a
 *                             random size in 16..4096 (one pair). The heap
 *                             is ~20 MB, so most pairs miss the caches.
 *   BM_small/<policy>         the same with sizes 16..256: a ~1.5 MB heap
 *                             that fits in L2, so the policy's own path is
 *                             what is timed, not the memory's latency.
 *   BM_cached/<policy>        BM_random's sizes with 500 live blocks: a
 *                             ~1 MB heap in L2. Against BM_random it
 *                             tells what the cache misses cost from what
 *                             the policy's work on these sizes costs.
 *   BM_pair/<policy>/<size>   malloc(size) then free, on a heap warmed as
 *                             BM_random's is (free lists of a fragmented
 *                             heap, not an empty one's).
 * and BM_random/libc, BM_small/libc, BM_cached/libc: glibc's malloc on the
 * same workloads, as a reference point for the machine.
 * All report items_per_second = pairs per second, so the time per
 * iteration is the time per pair. Setup and teardown are untimed; the heap
 * check after each run makes a fast but wrong policy fail, and its
 * statistics give the counters heap_kib and free_blocks (the length of the
 * lists that first, next, best and worst fit walk).
 */
#include "bench_replay.h"
#include "fitalloc.h"
#include "gbench.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The workload of the core's issue: 10,000 live blocks of 16..4096 bytes. */
#define BC_LIVE 10000u
#define BC_MIN_SIZE 16u
#define BC_MAX_SIZE 4096u
#define BC_SMALL_MAX 256u
/* BM_cached's live blocks: with BC_MAX_SIZE, a heap of about 1 MB. */
#define BC_CACHED_LIVE 500u
/* Pairs run untimed after the first 10,000 mallocs, so that timing starts
 * on a heap whose free lists have the steady state's length, not on the
 * hole-free heap the mallocs alone leave. */
#define BC_CHURN 20000u
/* Iterations between two calls into the library: the call costs a few ns,
 * too much to pay once per ~20 ns pair. */
#define BC_BATCH 64

static const int64_t bc_pair_sizes[] = {16, 64, 256, 1024, 4096};
#define BC_NSIZES (sizeof bc_pair_sizes / sizeof bc_pair_sizes[0])

/* ---------------------------------------------------------- workload */

typedef struct bc_rng { uint64_t s; } bc_rng;

/* xorshift64*: one multiply per number, cheap next to a malloc. */
static inline uint64_t bc_next(bc_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}

/* A slot and a size from one number: each half scaled into its range by a
 * multiply and a shift, which costs less than a division. */
static inline uint32_t bc_slot(uint64_t r, uint32_t live)
{
    return (uint32_t)(((r & 0xFFFFFFFFu) * live) >> 32);
}

static inline size_t bc_size(uint64_t r, size_t max)
{
    return BC_MIN_SIZE + (size_t)(((r >> 32) * (max - BC_MIN_SIZE + 1)) >> 32);
}

/* What one benchmark runs on: a core policy, or glibc when policy is NULL. */
typedef struct bc_ctx {
    const char *policy;
    size_t max_size; /* random sizes are 16..max_size */
    uint32_t live;   /* live blocks, at most BC_LIVE */
} bc_ctx;

/* The live blocks. Big (80 KB of slots), so one shared pool rather than
 * one on the stack; benchmarks run one at a time. */
typedef struct bc_pool {
    fa_heap *heap; /* NULL for glibc */
    void *slot[BC_LIVE];
    bc_rng rng;
} bc_pool;

static bc_pool *bc_shared_pool;

static void *bc_alloc(bc_pool *p, size_t n)
{
    return p->heap ? fa_malloc(p->heap, n) : malloc(n);
}

static int bc_release(bc_pool *p, void *q)
{
    if (p->heap)
        return fa_free(p->heap, q);
    free(q);
    return 0;
}

static char bc_create_error[160];

/* The core's default heap. Its 64 GiB reservation fails where address
 * space is limited (valgrind, ulimit -v); then a 4 GiB one (the workload
 * needs ~40 MB) with a trim threshold as lenient as the default's, so
 * that no free pays for returning pages either way. */
static fa_heap *bc_heap_create(const char *policy)
{
    fa_heap *h = fa_heap_create(policy, NULL);
    if (!h && errno == ENOMEM) {
        fa_config cfg = {.region_bytes = (size_t)4 << 30, .trim_threshold = (size_t)256 << 10};
        h = fa_heap_create(policy, &cfg);
    }
    if (!h)
        snprintf(bc_create_error, sizeof bc_create_error, "fa_heap_create(%s) failed: %s",
                 policy, strerror(errno));
    return h;
}

/* c->live random blocks, then BC_CHURN random pairs; every allocator gets
 * the same sequence of requests. NULL on success, else what went wrong
 * (for gb_skip_with_error). */
static const char *bc_pool_warm(bc_pool *p, const bc_ctx *c)
{
    p->rng.s = 0x9E3779B97F4A7C15ULL;
    memset(p->slot, 0, sizeof p->slot);
    p->heap = NULL;
    if (c->policy && !(p->heap = bc_heap_create(c->policy)))
        return bc_create_error;
    for (uint32_t i = 0; i < c->live; i++) {
        p->slot[i] = bc_alloc(p, bc_size(bc_next(&p->rng), c->max_size));
        if (!p->slot[i])
            return "malloc returned NULL while warming the heap";
    }
    for (uint32_t i = 0; i < BC_CHURN; i++) {
        uint64_t r = bc_next(&p->rng);
        uint32_t k = bc_slot(r, c->live);
        if (bc_release(p, p->slot[k]) != 0)
            return "free rejected a live block while warming the heap";
        p->slot[k] = bc_alloc(p, bc_size(r, c->max_size));
        if (!p->slot[k])
            return "malloc returned NULL while warming the heap";
    }
    return NULL;
}

/* After the timed loop: checks the core's heap, reports its size and free
 * list length, and gives everything back. */
static void bc_pool_finish(bc_pool *p, gb_state *st)
{
    if (!p->heap) {
        for (uint32_t i = 0; i < BC_LIVE; i++)
            free(p->slot[i]);
        return;
    }
    fa_stats fs;
    if (fa_heap_check(p->heap, stderr, &fs) != 0) {
        gb_skip_with_error(st, "heap check failed after the run");
    } else {
        gb_counter(st, "heap_kib", (double)fs.footprint / 1024.0, GB_COUNTER_PLAIN);
        gb_counter(st, "free_blocks", (double)fs.free_blocks, GB_COUNTER_PLAIN);
    }
    fa_heap_destroy(p->heap);
    p->heap = NULL;
}

/* The core's loop and glibc's are written apart, so that the core's is
 * timed with direct calls, as a program would make them. */
static int bc_random_core(gb_state *st, bc_pool *p, size_t max, uint32_t live)
{
    fa_heap *h = p->heap;
    bc_rng rng = p->rng;
    int bad = 0;
    while (!bad && gb_keep_running_batch(st, BC_BATCH)) {
        for (int i = 0; i < BC_BATCH; i++) {
            uint64_t r = bc_next(&rng);
            uint32_t k = bc_slot(r, live);
            bad |= fa_free(h, p->slot[k]);
            p->slot[k] = fa_malloc(h, bc_size(r, max));
            bad |= p->slot[k] == NULL;
        }
    }
    return bad;
}

static int bc_random_libc(gb_state *st, bc_pool *p, size_t max, uint32_t live)
{
    bc_rng rng = p->rng;
    int bad = 0;
    while (!bad && gb_keep_running_batch(st, BC_BATCH)) {
        for (int i = 0; i < BC_BATCH; i++) {
            uint64_t r = bc_next(&rng);
            uint32_t k = bc_slot(r, live);
            free(p->slot[k]);
            p->slot[k] = malloc(bc_size(r, max));
            bad |= p->slot[k] == NULL;
        }
    }
    return bad;
}

/* BM_random, BM_small and BM_cached: ctx says which sizes, how many
 * live blocks and which allocator. */
static void bc_bench_random(gb_state *st, void *arg)
{
    const bc_ctx *c = arg;
    bc_pool *p = bc_shared_pool;
    const char *err = bc_pool_warm(p, c);
    if (!err && (p->heap ? bc_random_core(st, p, c->max_size, c->live)
                         : bc_random_libc(st, p, c->max_size, c->live)))
        err = "malloc returned NULL or free rejected a live block";
    if (err)
        gb_skip_with_error(st, err);
    gb_set_items_processed(st, gb_iterations(st));
    bc_pool_finish(p, st);
}

static void bc_bench_pair(gb_state *st, void *arg)
{
    const bc_ctx *c = arg;
    bc_pool *p = bc_shared_pool;
    size_t size = (size_t)gb_arg(st, 0);
    const char *err = bc_pool_warm(p, c);
    if (!err) {
        fa_heap *h = p->heap;
        int bad = 0;
        while (!bad && gb_keep_running_batch(st, BC_BATCH)) {
            for (int i = 0; i < BC_BATCH; i++) {
                void *q = fa_malloc(h, size);
                bad |= fa_free(h, q) != 0 || q == NULL;
            }
        }
        if (bad)
            err = "fa_malloc returned NULL or fa_free rejected its block";
    }
    if (err)
        gb_skip_with_error(st, err);
    gb_set_items_processed(st, gb_iterations(st));
    bc_pool_finish(p, st);
}

/* The row names of the table, in order: the core's policies, then glibc. */
#define BC_LIBC_ROW "libc"

static size_t bc_row_count(void)
{
    return fa_policy_count() + 1;
}

static const char *bc_row_name(size_t i)
{
    return i < fa_policy_count() ? fa_policy_name(i) : BC_LIBC_ROW;
}

/* Registers BM_random, BM_small, BM_cached and BM_pair for every policy,
 * and the glibc references. ctxs (three per row) must outlive gb_run. 0,
 * or -1 after a message. */
static int bc_register(bc_ctx **ctxs)
{
    size_t rows = bc_row_count();
    *ctxs = calloc(3 * rows, sizeof **ctxs);
    bc_shared_pool = malloc(sizeof *bc_shared_pool);
    if (!*ctxs || !bc_shared_pool) {
        fprintf(stderr, "fitbench-bench: out of memory\n");
        return -1;
    }
    bc_ctx *big = *ctxs, *small = *ctxs + rows, *cached = *ctxs + 2 * rows;
    for (size_t i = 0; i < rows; i++) {
        const char *pol = i < fa_policy_count() ? fa_policy_name(i) : NULL;
        big[i] = (bc_ctx){pol, BC_MAX_SIZE, BC_LIVE};
        small[i] = (bc_ctx){pol, BC_SMALL_MAX, BC_LIVE};
        cached[i] = (bc_ctx){pol, BC_MAX_SIZE, BC_CACHED_LIVE};
    }
    char name[96];
    for (size_t i = 0; i < rows; i++) {
        snprintf(name, sizeof name, "BM_random/%s", bc_row_name(i));
        if (gb_register(name, bc_bench_random, &big[i], NULL, 0) != 0)
            return -1;
    }
    for (size_t i = 0; i < rows; i++) {
        snprintf(name, sizeof name, "BM_small/%s", bc_row_name(i));
        if (gb_register(name, bc_bench_random, &small[i], NULL, 0) != 0)
            return -1;
    }
    for (size_t i = 0; i < rows; i++) {
        snprintf(name, sizeof name, "BM_cached/%s", bc_row_name(i));
        if (gb_register(name, bc_bench_random, &cached[i], NULL, 0) != 0)
            return -1;
    }
    for (size_t i = 0; i + 1 < rows; i++) {
        snprintf(name, sizeof name, "BM_pair/%s", bc_row_name(i));
        if (gb_register(name, bc_bench_pair, &big[i], bc_pair_sizes, BC_NSIZES) != 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------- the JSON reader (--ns-table)
 *
 * Just enough JSON for Google Benchmark's output: a recursive reader that
 * validates the whole file and keeps, from each object of the top-level
 * "benchmarks" array, the few keys the table needs. Anything malformed is
 * reported as FILE:LINE: what. */

typedef struct bc_run {
    char name[128];     /* run_name when present: the name without _mean... */
    char run_type[16];  /* "iteration" or "aggregate" */
    char agg[16];       /* aggregate_name: "mean", "median", ... */
    char unit[8];
    double cpu_time;
    double repetitions; /* the run's "repetitions" key, 0 when absent */
    int has_time, error;
} bc_run;

typedef struct bc_json {
    const char *p, *end, *file;
    int line;
    int failed;
    bc_run *runs;
    size_t nruns, cap;
} bc_json;

#define BC_JSON_DEPTH 64

static int bc_fail(bc_json *j, const char *what)
{
    if (!j->failed)
        fprintf(stderr, "%s:%d: %s\n", j->file, j->line, what);
    j->failed = 1;
    return -1;
}

static void bc_ws(bc_json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
        if (*j->p == '\n')
            j->line++;
        j->p++;
    }
}

static int bc_expect(bc_json *j, char c)
{
    bc_ws(j);
    if (j->p >= j->end || *j->p != c) {
        char msg[48];
        snprintf(msg, sizeof msg, "%sexpected '%c'",
                 j->p >= j->end ? "unexpected end of file, " : "", c);
        return bc_fail(j, msg);
    }
    j->p++;
    return 0;
}

/* A string into out (truncated to cap-1; escapes other than \" and \\ are
 * kept as their letter, which is all a benchmark name needs). */
static int bc_string(bc_json *j, char *out, size_t cap)
{
    if (bc_expect(j, '"') != 0)
        return -1;
    size_t n = 0;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if ((unsigned char)c < 0x20)
            return bc_fail(j, "control character in a string");
        if (c == '\\') {
            if (j->p >= j->end)
                break;
            c = *j->p++;
            if (c == 'u') {
                for (int i = 0; i < 4; i++, j->p++)
                    if (j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p) || !*j->p)
                        return bc_fail(j, "bad \\u escape");
                c = '?';
            } else if (!strchr("\"\\/bfnrt", c) || !c) {
                return bc_fail(j, "bad escape in a string");
            }
        }
        if (n + 1 < cap)
            out[n++] = c;
    }
    if (j->p >= j->end)
        return bc_fail(j, "unterminated string");
    j->p++;
    if (cap)
        out[n] = 0;
    return 0;
}

static int bc_number(bc_json *j, double *v)
{
    bc_ws(j);
    /* strtod also takes hex, inf and nan, which JSON does not: the first
     * character decides. */
    if (j->p >= j->end || !strchr("-0123456789", *j->p) || !*j->p)
        return bc_fail(j, "expected a value");
    char buf[64];
    size_t n = 0;
    while (j->p + n < j->end && n + 1 < sizeof buf && strchr("+-.eE0123456789", j->p[n]) && j->p[n])
        n++;
    memcpy(buf, j->p, n);
    buf[n] = 0;
    char *stop;
    errno = 0;
    *v = strtod(buf, &stop);
    if (stop != buf + n || errno == ERANGE)
        return bc_fail(j, "malformed number");
    j->p += n;
    return 0;
}

static int bc_word(bc_json *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return bc_fail(j, "expected a value");
    j->p += n;
    return 0;
}

static int bc_value(bc_json *j, int depth, bc_run *into, const char *key);

/* Copies a string value into a field of a run. A value too long for its
 * field is cut short, and then matches no name or keyword the table looks
 * for, which is the right outcome for a value nobody wrote on purpose. */
static void bc_keep(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* An object; when run is non-NULL its keys fill run. */
static int bc_object(bc_json *j, int depth, bc_run *run)
{
    if (bc_expect(j, '{') != 0)
        return -1;
    bc_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return 0;
    }
    for (;;) {
        char key[64];
        if (bc_string(j, key, sizeof key) != 0 || bc_expect(j, ':') != 0 ||
            bc_value(j, depth + 1, run, key) != 0)
            return -1;
        bc_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        return bc_expect(j, '}');
    }
}

/* The "benchmarks" array: one bc_run per object. */
static int bc_runs(bc_json *j, int depth)
{
    if (bc_expect(j, '[') != 0)
        return -1;
    bc_ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return 0;
    }
    for (;;) {
        if (j->nruns == j->cap) {
            size_t cap = j->cap ? 2 * j->cap : 64;
            bc_run *r = realloc(j->runs, cap * sizeof *r);
            if (!r)
                return bc_fail(j, "out of memory");
            j->runs = r;
            j->cap = cap;
        }
        bc_run *run = &j->runs[j->nruns];
        memset(run, 0, sizeof *run);
        bc_ws(j);
        if (j->p < j->end && *j->p != '{')
            return bc_fail(j, "expected an object in \"benchmarks\"");
        if (bc_object(j, depth + 1, run) != 0)
            return -1;
        j->nruns++;
        bc_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        return bc_expect(j, ']');
    }
}

/* Any value. key is the key it belongs to in its object (NULL in an
 * array); into is the run being filled at depth 2, else NULL. */
static int bc_value(bc_json *j, int depth, bc_run *into, const char *key)
{
    if (depth > BC_JSON_DEPTH)
        return bc_fail(j, "nested too deep");
    bc_ws(j);
    if (j->p >= j->end)
        return bc_fail(j, "expected a value");
    char c = *j->p;
    if (c == '{')
        return bc_object(j, depth, NULL);
    if (c == '[') {
        if (depth == 1 && key && strcmp(key, "benchmarks") == 0)
            return bc_runs(j, depth);
        j->p++;
        bc_ws(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return 0;
        }
        for (;;) {
            if (bc_value(j, depth + 1, NULL, NULL) != 0)
                return -1;
            bc_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            return bc_expect(j, ']');
        }
    }
    if (c == '"') {
        char s[128];
        if (bc_string(j, s, sizeof s) != 0)
            return -1;
        if (into && key) {
            if (strcmp(key, "run_name") == 0 || (strcmp(key, "name") == 0 && !into->name[0]))
                bc_keep(into->name, sizeof into->name, s);
            else if (strcmp(key, "run_type") == 0)
                bc_keep(into->run_type, sizeof into->run_type, s);
            else if (strcmp(key, "aggregate_name") == 0)
                bc_keep(into->agg, sizeof into->agg, s);
            else if (strcmp(key, "time_unit") == 0)
                bc_keep(into->unit, sizeof into->unit, s);
        }
        return 0;
    }
    if (c == 't' || c == 'f' || c == 'n') {
        const char *w = c == 't' ? "true" : c == 'f' ? "false" : "null";
        if (bc_word(j, w) != 0)
            return -1;
        if (into && key && strcmp(key, "error_occurred") == 0 && c == 't')
            into->error = 1;
        return 0;
    }
    double v;
    if (bc_number(j, &v) != 0)
        return -1;
    if (into && key && strcmp(key, "cpu_time") == 0) {
        into->cpu_time = v;
        into->has_time = 1;
    } else if (into && key && strcmp(key, "repetitions") == 0) {
        into->repetitions = v;
    }
    return 0;
}

/* Reads FILE whole and parses it; the runs go to j. 0 or -1. */
static int bc_json_load(bc_json *j, const char *file, char **text)
{
    memset(j, 0, sizeof *j);
    j->file = file;
    j->line = 1;
    *text = NULL;
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "fitbench-bench: %s: %s\n", file, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = cap < ((size_t)1 << 30) ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int rerr = ferror(f);
    fclose(f);
    if (!buf || rerr) {
        fprintf(stderr, "fitbench-bench: %s: %s\n", file,
                buf ? "read error" : "too large or out of memory");
        free(buf);
        return -1;
    }
    *text = buf;
    j->p = buf;
    j->end = buf + n;
    bc_ws(j);
    if (j->p < j->end && *j->p != '{')
        return bc_fail(j, "not a Google Benchmark JSON file (expected '{')");
    if (bc_value(j, 0, NULL, NULL) != 0)
        return -1;
    bc_ws(j);
    if (j->p != j->end)
        return bc_fail(j, "text after the end of the JSON value");
    return 0;
}

/* ------------------------------------------------------ the ns table */

static double bc_to_ns(const bc_run *r)
{
    if (strcmp(r->unit, "us") == 0)
        return r->cpu_time * 1e3;
    if (strcmp(r->unit, "ms") == 0)
        return r->cpu_time * 1e6;
    if (strcmp(r->unit, "s") == 0)
        return r->cpu_time * 1e9;
    return r->cpu_time;
}

static int bc_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ns per pair for one benchmark name: the median of its iteration runs,
 * else its median or mean aggregate (a run with
 * --benchmark_report_aggregates_only has no iteration runs). Returns -1
 * when absent, -2 when it failed. *reps gets the number of runs used. */
static double bc_lookup(const bc_json *j, const char *name, int *reps)
{
    double vals[256];
    int n = 0, err = 0, agg_reps = 0;
    double agg_median = -1, agg_mean = -1;
    for (size_t i = 0; i < j->nruns; i++) {
        const bc_run *r = &j->runs[i];
        if (strcmp(r->name, name) != 0)
            continue;
        if (r->error) {
            err = 1;
            continue;
        }
        if (!r->has_time || r->cpu_time < 0)
            continue;
        if (strcmp(r->run_type, "aggregate") == 0) {
            if (r->repetitions >= 1 && r->repetitions <= 1e6)
                agg_reps = (int)r->repetitions;
            if (strcmp(r->agg, "median") == 0)
                agg_median = bc_to_ns(r);
            else if (strcmp(r->agg, "mean") == 0)
                agg_mean = bc_to_ns(r);
        } else if (n < (int)(sizeof vals / sizeof vals[0])) {
            vals[n++] = bc_to_ns(r);
        }
    }
    *reps = n > 0 ? n : agg_reps;
    if (n > 0) {
        qsort(vals, (size_t)n, sizeof vals[0], bc_cmp_double);
        return n % 2 ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2;
    }
    if (agg_median >= 0)
        return agg_median;
    if (agg_mean >= 0)
        return agg_mean;
    return err ? -2 : -1;
}

/* One cell: looks name up, prints it, and keeps count for the footer. */
static void bc_cell(const bc_json *j, const char *name, int *found, int *max_reps)
{
    int reps;
    double v = bc_lookup(j, name, &reps);
    *found += v != -1;
    if (reps > *max_reps)
        *max_reps = reps;
    if (v == -1)
        printf(" | -");
    else if (v == -2)
        printf(" | error");
    else
        printf(" | %.1f", v);
}

/* Prints the Markdown table of ns per pair; 0, or 2 on bad input. */
static int bc_ns_table(const char *file)
{
    bc_json j;
    char *text;
    int rc = 0;
    if (bc_json_load(&j, file, &text) != 0) {
        rc = 2;
        goto out;
    }
    int found = 0, max_reps = 0;
    printf("ns per malloc+free pair (cpu_time; median over repetitions) from %s\n\n", file);
    printf("| allocator | random 16..%u B | random 16..%u B", BC_MAX_SIZE, BC_SMALL_MAX);
    for (size_t s = 0; s < BC_NSIZES; s++)
        printf(" | %lld B", (long long)bc_pair_sizes[s]);
    printf(" |\n|---|---:|---:");
    for (size_t s = 0; s < BC_NSIZES; s++)
        printf("|---:");
    printf("|\n");
    for (size_t i = 0; i < bc_row_count(); i++) {
        const char *row = bc_row_name(i);
        char name[128];
        printf("| %s", row);
        snprintf(name, sizeof name, "BM_random/%s", row);
        bc_cell(&j, name, &found, &max_reps);
        snprintf(name, sizeof name, "BM_small/%s", row);
        bc_cell(&j, name, &found, &max_reps);
        for (size_t s = 0; s < BC_NSIZES; s++) {
            snprintf(name, sizeof name, "BM_pair/%s/%lld", row, (long long)bc_pair_sizes[s]);
            bc_cell(&j, name, &found, &max_reps);
        }
        printf(" |\n");
    }
    if (!found) {
        fprintf(stderr, "fitbench-bench: %s: no BM_random, BM_small or BM_pair results in it\n",
                file);
        rc = 2;
    } else {
        printf("\nrandom: 10,000 live blocks, free a random one and malloc a random size;"
               " N B: malloc(N)+free on that heap.\n"
               "%d repetition(s); '-': not run; 'error': the benchmark failed.\n",
               max_reps ? max_reps : 1);
    }
out:
    free(j.runs);
    free(text);
    return rc;
}

/* ------------------------------------------------------------- main */

static const char bc_usage_head[] =
    "usage: fitbench-bench [--benchmark_* flags...]\n"
    "       fitbench-bench --ns-table FILE.json\n"
    "\n"
    "Micro-benchmarks of the allocator core: BM_random/<policy> (16..4096 B),\n"
    "BM_small/<policy> (16..256 B), BM_cached/<policy> (16..4096 B, 500 live\n"
    "blocks), BM_pair/<policy>/<size>, and glibc on the three random\n"
    "workloads (<workload>/libc) for reference. items_per_second =\n"
    "malloc+free pairs per second.\n"
    "  --ns-table FILE.json   print the table of ns per pair from the JSON\n"
    "                         that --benchmark_out=FILE.json wrote, and exit\n";

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--ns-table", 10) != 0 || (a[10] != 0 && a[10] != '='))
            continue;
        const char *file = a[10] == '=' ? a + 11 : i + 1 < argc ? argv[i + 1] : NULL;
        int used = a[10] == '=' ? 1 : 2;
        if (!file || !*file || argc != 1 + used) {
            fprintf(stderr, "fitbench-bench: --ns-table takes one FILE and no other argument\n");
            return 2;
        }
        return bc_ns_table(file);
    }

    char usage[2048];
    snprintf(usage, sizeof usage, "%s%s\n", bc_usage_head, bench_replay_usage());
    gb_set_usage(usage);

    bc_ctx *ctxs = NULL;
    int rc;
    if (bc_register(&ctxs) != 0) {
        rc = 2;
    } else {
        int nrep = bench_register_replays(&argc, argv);
        rc = nrep < 0 ? 2 : gb_run(&argc, argv);
    }
    free(ctxs);
    free(bc_shared_pool);
    return rc;
}
