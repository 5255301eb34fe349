/*
 * bench_table.c: `fitbench-bench --ns-table FILE.json`, the README's
 * table of ns per malloc+free pair, from the JSON that a run with
 * --benchmark_out=FILE.json wrote (read by gbout.h).
 *
 * Where it sits: after fitbench-bench's benchmarks (bench_core.c), beside
 * plots/, which reads the same file for the report. One cell per
 * benchmark of bench_core.h's rows: the median cpu_time of its
 * repetitions, else its median or mean aggregate (a run with
 * --benchmark_report_aggregates_only has no iteration entries).
 */
#include "diag.h"
#include "bench_core.h"
#include "gbout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bt_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ns per pair for one benchmark name (see the top of the file). Returns
 * -1 when absent, -2 when it failed. *reps gets the number of runs used. */
static double bt_lookup(const fb_gbout *g, const char *name, int *reps)
{
    double vals[256];
    int n = 0, err = 0, agg_reps = 0;
    double agg_median = -1, agg_mean = -1;
    for (size_t i = 0; i < g->n; i++) {
        const fb_gbout_run *r = &g->runs[i];
        if (!r->name || strcmp(r->name, name) != 0)
            continue;
        if (r->error) {
            err = 1;
            continue;
        }
        if (!isfinite(r->cpu_ns) || r->cpu_ns < 0)
            continue; /* absent, or a NaN or infinity the library wrote */
        if (r->aggregate) {
            if (r->repetitions >= 1 && r->repetitions <= 1e6)
                agg_reps = (int)r->repetitions;
            if (strcmp(r->agg, "median") == 0)
                agg_median = r->cpu_ns;
            else if (strcmp(r->agg, "mean") == 0)
                agg_mean = r->cpu_ns;
        } else if (n < (int)(sizeof vals / sizeof vals[0])) {
            vals[n++] = r->cpu_ns;
        }
    }
    *reps = n > 0 ? n : agg_reps;
    if (n > 0) {
        qsort(vals, (size_t)n, sizeof vals[0], bt_cmp_double);
        return n % 2 ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2;
    }
    if (agg_median >= 0)
        return agg_median;
    if (agg_mean >= 0)
        return agg_mean;
    return err ? -2 : -1;
}

/* One cell: looks name up, prints it, and keeps count for the footer. */
static void bt_cell(const fb_gbout *g, const char *name, int *found, int *max_reps)
{
    int reps;
    double v = bt_lookup(g, name, &reps);
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

int bc_ns_table(const char *file)
{
    fb_gbout g;
    char err[512];
    if (fb_gbout_load(&g, file, err, sizeof err) != 0) {
        fb_error("%s", err);
        return 2;
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
        bt_cell(&g, name, &found, &max_reps);
        snprintf(name, sizeof name, "BM_small/%s", row);
        bt_cell(&g, name, &found, &max_reps);
        for (size_t s = 0; s < BC_NSIZES; s++) {
            snprintf(name, sizeof name, "BM_pair/%s/%lld", row, (long long)bc_pair_sizes[s]);
            bt_cell(&g, name, &found, &max_reps);
        }
        printf(" |\n");
    }
    int rc = 0;
    if (!found) {
        fb_error("%s: no BM_random, BM_small or BM_pair results in it",
                file);
        rc = 2;
    } else {
        printf("\nrandom: 10,000 live blocks, free a random one and malloc a random size;"
               " N B: malloc(N)+free on that heap.\n"
               "%d repetition(s); '-': not run; 'error': the benchmark failed.\n",
               max_reps ? max_reps : 1);
    }
    fb_gbout_free(&g);
    return rc;
}
