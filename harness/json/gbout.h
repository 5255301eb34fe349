/*
 * gbout.h: Google Benchmark's JSON output (--benchmark_out=FILE
 * --benchmark_out_format=json) as a list of runs, read through jread.h.
 * Its readers: fitbench-bench --ns-table (bench_table.c), which prints
 * the README's table, and plots/ (load_bench.c), which draws and lists
 * DIR/bench.json; each picks its own figure from the runs.
 *
 * One run per object of the file's "benchmarks" array, in file order:
 * the iterations of each repetition, then, when the run repeated, its
 * aggregates (mean, median, stddev, cv), or only those with
 * --benchmark_report_aggregates_only. Times are converted to ns.
 */
#ifndef FB_GBOUT_H
#define FB_GBOUT_H

#include "jread.h"

#include <stddef.h>

typedef struct fb_gbout_run {
    const char *name;     /* run_name (the name without _mean...), else name */
    int aggregate;        /* run_type is "aggregate" */
    const char *agg;      /* aggregate_name ("mean", "median"...), or "" */
    double repetitions;   /* its "repetitions", 0 when absent */
    int error;            /* error_occurred: the benchmark failed */
    const char *error_message; /* or NULL */
    /* real_time and cpu_time per iteration in ns; NaN when absent or in a
     * time_unit Google Benchmark does not write. */
    double real_ns, cpu_ns;
    json_object *obj;     /* the run's object, for its counters */
} fb_gbout_run;

/* Strings point into the tree, which lives until fb_gbout_free. */
typedef struct fb_gbout {
    json_object *root;
    fb_gbout_run *runs;
    size_t n;
} fb_gbout;

/* Reads PATH. 0, or -1 with a message in err: not JSON ("PATH:LINE:COL:
 * what"), or JSON without a "benchmarks" array of objects. */
int fb_gbout_load(fb_gbout *g, const char *path, char *err, size_t errlen);
void fb_gbout_free(fb_gbout *g);
/* The counter NAME of a run (a user counter such as util or heap_kib, or
 * items_per_second) into *out: 0, or -1 when the run has no such number. */
int fb_gbout_counter(const fb_gbout_run *r, const char *name, double *out);

#endif
