/*
 * trace_bench.c: how fast the trace loader is, against the obvious loader.
 *
 * Where it sits: a stand-alone benchmark beside the loader, not part of
 * any run. It writes a synthetic valid trace (a/r/f mix) to a temporary
 * file, then loads it repeatedly with trace_load (as it is, then kept to
 * one thread), with trace_load from a gzip copy, and with a plain fscanf
 * loop of the kind the malloc-lab drivers used, interleaving them so that
 * none gets a warmer cache. It prints the median of each and the ratio of
 * the fscanf loop to trace_load as it is. The loaders' ops are compared,
 * so a fast wrong loader cannot pass.
 *
 * usage: trace_bench [OPS [RUNS [IDS]]]
 *   default 5000000 ops, 7 runs, OPS/20 ids (the more ids, the less the
 *   loader's id table fits in the cache)
 */
#include "diag.h"
#include "trace_impl.h" /* trace_scan_tune, for the one-thread figure */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

typedef struct bench_rng { uint64_t s; } bench_rng;

static uint64_t bench_next(bench_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}

/* Request sizes spread over powers of two, like real programs' are. */
static uint64_t bench_size(bench_rng *r)
{
    uint64_t v = bench_next(r);
    int shift = (int)(v % 15);
    return ((uint64_t)1 << shift) + (v >> 32) % ((uint64_t)1 << shift);
}

/* Writes a valid trace of NOPS ops over NIDS ids: ids are reused after
 * their free, every r and f names a live id. */
static int bench_write_trace(const char *path, const char *gz_path,
                             size_t nops, size_t nids)
{
    FILE *f = fopen(path, "w");
    gzFile g = gzopen(gz_path, "wb6");
    uint32_t *live = malloc(nids * sizeof *live);
    uint32_t *spare = malloc(nids * sizeof *spare);
    if (!f || !g || !live || !spare) {
        fb_error("cannot set up %s: %s", path,
                strerror(errno));
        if (f)
            fclose(f);
        if (g)
            gzclose(g);
        free(live);
        free(spare);
        return -1;
    }
    size_t nlive = 0, nspare = nids;
    for (size_t i = 0; i < nids; i++)
        spare[i] = (uint32_t)(nids - 1 - i);
    bench_rng rng = {0x9E3779B97F4A7C15ULL};
    char line[64];
    int n = snprintf(line, sizeof line, "%d\n%zu\n%zu\n%d\n", 20000000, nids,
                     nops, 1);
    fwrite(line, 1, (size_t)n, f);
    gzwrite(g, line, (unsigned)n);
    for (size_t i = 0; i < nops; i++) {
        unsigned pick = (unsigned)(bench_next(&rng) % 100);
        if (nlive == 0 || (nspare > 0 && pick < 50)) {
            uint32_t id = spare[--nspare];
            live[nlive++] = id;
            n = snprintf(line, sizeof line, "a %u %llu\n", id,
                         (unsigned long long)bench_size(&rng));
        } else {
            size_t at = (size_t)(bench_next(&rng) % nlive);
            uint32_t id = live[at];
            if (pick < 65) {
                n = snprintf(line, sizeof line, "r %u %llu\n", id,
                             (unsigned long long)bench_size(&rng));
            } else {
                live[at] = live[--nlive];
                spare[nspare++] = id;
                n = snprintf(line, sizeof line, "f %u\n", id);
            }
        }
        fwrite(line, 1, (size_t)n, f);
        gzwrite(g, line, (unsigned)n);
    }
    free(live);
    free(spare);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    bad |= gzclose(g) != Z_OK;
    if (bad) {
        fb_error("cannot write %s", path);
        return -1;
    }
    return 0;
}

/* The loader to beat: one fscanf("%c %u %lu") per line, as the
 * malloc-lab drivers read traces. On an `f` line the size conversion
 * fails at the next line's letter, which scanf pushes back. */
static int bench_fscanf_load(const char *path, trace_op **out, size_t *nout)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    unsigned long h[4];
    if (fscanf(f, "%lu %lu %lu %lu", &h[0], &h[1], &h[2], &h[3]) != 4) {
        fclose(f);
        return -1;
    }
    trace_op *ops = malloc((h[2] ? h[2] : 1) * sizeof *ops);
    if (!ops) {
        fclose(f);
        return -1;
    }
    for (size_t i = 0; i < h[2]; i++) {
        char c = 0;
        unsigned id;
        unsigned long size = 0;
        int got = fscanf(f, " %c %u %lu", &c, &id, &size);
        if (got != (c == 'f' ? 2 : 3)) {
            free(ops);
            fclose(f);
            return -1;
        }
        ops[i].size = c == 'f' ? 0 : size;
        ops[i].id = id;
        ops[i].kind = TRACE_KIND_OF(c);
    }
    fclose(f);
    *out = ops;
    *nout = h[2];
    return 0;
}

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Same ops? (the fscanf loader leaves an f's size 0; trace_load fills in
 * the size freed, so f sizes are not compared). */
static int bench_same(const trace *t, const trace_op *ops, size_t n)
{
    if (t->num_ops != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const trace_op *a = &t->ops[i], *b = &ops[i];
        if (a->kind != b->kind || a->id != b->id ||
            (a->kind != TRACE_FREE && a->size != b->size))
            return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    fb_diag_program("trace_bench");
    size_t nops = argc > 1 ? strtoull(argv[1], NULL, 10) : 5000000;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    size_t nids = argc > 3 ? strtoull(argv[3], NULL, 10) : nops / 20;
    if (nops == 0 || runs < 1 || runs > 1000 || nids == 0 ||
        nids > TRACE_MAX_IDS || nops > TRACE_MAX_OPS) {
        fprintf(stderr, "usage: trace_bench [OPS [RUNS [IDS]]]\n");
        return 2;
    }

    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[4096], gz_path[4200];
    snprintf(path, sizeof path, "%s/fbtrace_bench_XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        fb_error("cannot create a file in %s: %s", dir,
                strerror(errno));
        return 1;
    }
    close(fd);
    snprintf(gz_path, sizeof gz_path, "%s.gz", path);
    int status = 1;
    double *t_load = NULL, *t_one = NULL, *t_gz = NULL, *t_scanf = NULL;
    if (bench_write_trace(path, gz_path, nops, nids))
        goto out_free;

    t_load = calloc((size_t)runs, sizeof(double));
    t_one = calloc((size_t)runs, sizeof(double));
    t_gz = calloc((size_t)runs, sizeof(double));
    t_scanf = calloc((size_t)runs, sizeof(double));
    if (!t_load || !t_one || !t_gz || !t_scanf) {
        fb_error("out of memory");
        goto out_free;
    }
    /* Run -1 warms the page cache and checks that the loaders agree. */
    for (int r = -1; r < runs; r++) {
        trace t, t1t, tg;
        trace_error err;
        const trace_scan_config one = {1, 0, 0, NULL};
        trace_scan_tune(&one);
        double tb = bench_now();
        int rc = trace_load(path, &t1t, &err, stderr);
        double ta = bench_now();
        trace_scan_tune(NULL);
        if (rc) {
            fb_error("%s", err.msg);
            goto out_free;
        }
        double t0 = bench_now();
        if (trace_load(path, &t, &err, stderr)) {
            fb_error("%s", err.msg);
            trace_free(&t1t);
            goto out_free;
        }
        double t1 = bench_now();
        if (trace_load(gz_path, &tg, &err, stderr)) {
            fb_error("%s", err.msg);
            trace_free(&t);
            trace_free(&t1t);
            goto out_free;
        }
        double t2 = bench_now();
        trace_op *ops = NULL;
        size_t n = 0;
        if (bench_fscanf_load(path, &ops, &n)) {
            fb_error("the fscanf loader failed");
            trace_free(&t);
            trace_free(&t1t);
            trace_free(&tg);
            goto out_free;
        }
        double t3 = bench_now();
        int same = bench_same(&t, ops, n) && bench_same(&t1t, ops, n) &&
                   bench_same(&tg, ops, n);
        trace_free(&t);
        trace_free(&t1t);
        trace_free(&tg);
        free(ops);
        if (!same) {
            fb_error("the loaders disagree");
            goto out_free;
        }
        if (r >= 0) {
            t_load[r] = t1 - t0;
            t_one[r] = ta - tb;
            t_gz[r] = t2 - t1;
            t_scanf[r] = t3 - t2;
        }
    }
    double m_load = bench_median(t_load, runs);
    double m_one = bench_median(t_one, runs);
    double m_gz = bench_median(t_gz, runs);
    double m_scanf = bench_median(t_scanf, runs);
    printf("trace_bench: %zu ops, %zu ids, median of %d runs each\n", nops,
           nids, runs);
    printf("  trace_load (text)    %9.1f ms  %7.1f M ops/s\n", m_load * 1e3,
           (double)nops / m_load * 1e-6);
    printf("  trace_load (1 thread)%9.1f ms  %7.1f M ops/s\n", m_one * 1e3,
           (double)nops / m_one * 1e-6);
    printf("  trace_load (gzip)    %9.1f ms  %7.1f M ops/s\n", m_gz * 1e3,
           (double)nops / m_gz * 1e-6);
    printf("  fscanf loop (text)   %9.1f ms  %7.1f M ops/s\n", m_scanf * 1e3,
           (double)nops / m_scanf * 1e-6);
    printf("  ratio fscanf / trace_load: %.1fx\n", m_scanf / m_load);
    status = 0;
out_free:
    free(t_load);
    free(t_one);
    free(t_gz);
    free(t_scanf);
    unlink(path);
    unlink(gz_path);
    return status;
}
