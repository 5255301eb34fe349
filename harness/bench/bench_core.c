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
#include "diag.h"
#include "bench_core.h"
#include "bench_replay.h"
#include "fitalloc.h"
#include "gbench.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The workload of the core's issue: 10,000 live blocks (of 16..BC_MAX_SIZE
 * bytes, bench_core.h). */
#define BC_LIVE 10000u
/* BM_cached's live blocks: with BC_MAX_SIZE, a heap of about 1 MB. */
#define BC_CACHED_LIVE 500u
/* Pairs run untimed after the first 10,000 mallocs, so that timing starts
 * on a heap whose free lists have the steady state's length, not on the
 * hole-free heap the mallocs alone leave. */
#define BC_CHURN 20000u
/* Iterations between two calls into the library: the call costs a few ns,
 * too much to pay once per ~20 ns pair. */
#define BC_BATCH 64

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

/* Registers BM_random, BM_small, BM_cached and BM_pair for every policy,
 * and the glibc references. ctxs (three per row) must outlive gb_run. 0,
 * or -1 after a message. */
static int bc_register(bc_ctx **ctxs)
{
    size_t rows = bc_row_count();
    *ctxs = calloc(3 * rows, sizeof **ctxs);
    bc_shared_pool = malloc(sizeof *bc_shared_pool);
    if (!*ctxs || !bc_shared_pool) {
        fb_error("out of memory");
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
    fb_diag_program("fitbench-bench");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--ns-table", 10) != 0 || (a[10] != 0 && a[10] != '='))
            continue;
        const char *file = a[10] == '=' ? a + 11 : i + 1 < argc ? argv[i + 1] : NULL;
        int used = a[10] == '=' ? 1 : 2;
        if (!file || !*file || argc != 1 + used) {
            fb_error("--ns-table takes one FILE and no other argument");
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
