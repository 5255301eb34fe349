/*
 * load_bench.c: reads DIR/bench.json, Google Benchmark's JSON output
 * (written by `make bench`), into the plots_set's list of benchmarks.
 *
 * Where it sits: part of the loading step (load.c calls it last), before
 * charts_bench.c draws and report.c tabulates; the file is read through
 * harness/json/gbout.h, as fitbench-bench --ns-table reads it. One figure per
 * benchmark: when the run was repeated, Google Benchmark adds aggregate
 * entries and the median is taken; otherwise the mean of the iteration
 * entries. A missing file is not an error (the page says to run `make
 * bench`); an unreadable one is a warning.
 */
#include "gbout.h"
#include "plots_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Drops Google Benchmark's option suffixes, which name how a benchmark ran
 * rather than what it measured. */
static void bench_strip(char *name)
{
    static const char *const suffix[] = {"real_time", "process_time", "manual_time",
                                         "threads:", "iterations:", "repeats:",
                                         "min_time:", "min_warmup_time:"};
    for (;;) {
        char *slash = strrchr(name, '/');
        if (!slash)
            return;
        int hit = 0;
        for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
            if (strncmp(slash + 1, suffix[i], strlen(suffix[i])) == 0)
                hit = 1;
        if (!hit)
            return;
        *slash = '\0';
    }
}

/* One run name's chosen figures: a median aggregate wins over the mean of
 * the iteration entries. */
typedef struct bench_acc {
    plots_bench b;
    int has_median;
    double sum_real, sum_cpu, sum_items, sum_util;
    size_t n, n_util;
} bench_acc;

static int load_bench_entries(plots_set *s, const fb_gbout *g, const char *path)
{
    bench_acc *acc = NULL;
    size_t nacc = 0;
    int rc = 0, skipped = 0;
    for (size_t i = 0; i < g->n && rc == 0; i++) {
        const fb_gbout_run *e = &g->runs[i];
        if (!e->name) {
            skipped++;
            continue;
        }
        int is_median = e->aggregate && strcmp(e->agg, "median") == 0;
        if (e->aggregate && !is_median)
            continue; /* mean, stddev, cv: the iterations give the mean anyway */
        char *key = strdup(e->name);
        if (!key) {
            rc = 1;
            break;
        }
        bench_strip(key);
        size_t k;
        for (k = 0; k < nacc; k++)
            if (strcmp(acc[k].b.name, key) == 0)
                break;
        if (k == nacc) {
            bench_acc *na = realloc(acc, (nacc + 1) * sizeof *na);
            if (!na) {
                free(key);
                rc = 1;
                break;
            }
            acc = na;
            memset(&acc[nacc], 0, sizeof acc[nacc]);
            acc[nacc].b.name = key;
            acc[nacc].b.util = -1;
            nacc++;
        } else {
            free(key);
        }
        bench_acc *a = &acc[k];
        if (e->error) {
            free(a->b.error);
            a->b.error = strdup(e->error_message ? e->error_message : "error");
            continue;
        }
        /* Only finite figures are drawn: Google Benchmark writes NaN or
         * Infinity for one it could not compute, and gbout gives NaN for an
         * absent time. */
        if (!isfinite(e->real_ns) || !isfinite(e->cpu_ns)) {
            skipped++;
            continue;
        }
        double items = 0, util;
        if (fb_gbout_counter(e, "items_per_second", &items) < 0 || !isfinite(items))
            items = 0;
        int has_util = fb_gbout_counter(e, "util", &util) == 0 && isfinite(util);
        if (is_median) {
            a->has_median = 1;
            a->b.real_ns = e->real_ns;
            a->b.cpu_ns = e->cpu_ns;
            a->b.items_ps = items;
            if (has_util)
                a->b.util = util;
        } else if (!a->has_median) {
            a->sum_real += e->real_ns;
            a->sum_cpu += e->cpu_ns;
            a->sum_items += items;
            a->n++;
            if (has_util) {
                a->sum_util += util;
                a->n_util++;
            }
        }
    }
    if (skipped)
        plots_warn(s, "%s: %d benchmark entr%s without name or times, left out", path,
                   skipped, skipped == 1 ? "y" : "ies");
    s->bench = calloc(nacc ? nacc : 1, sizeof *s->bench);
    if (!s->bench)
        rc = 1;
    for (size_t k = 0; k < nacc; k++) {
        bench_acc *a = &acc[k];
        if (!a->has_median && a->n) {
            a->b.real_ns = a->sum_real / (double)a->n;
            a->b.cpu_ns = a->sum_cpu / (double)a->n;
            a->b.items_ps = a->sum_items / (double)a->n;
            if (a->n_util)
                a->b.util = a->sum_util / (double)a->n_util;
        }
        if (s->bench && (a->has_median || a->n || a->b.error)) {
            s->bench[s->nbench++] = a->b;
        } else {
            free(a->b.name);
            free(a->b.error);
        }
    }
    free(acc);
    return rc;
}

int plots_load_bench(plots_set *s)
{
    char err[PLOTS_ERRLEN];
    char *path = plots_strf("%s/bench.json", s->dir);
    if (!path)
        return 1;
    int rc = 0;
    if (access(path, F_OK) == 0) {
        s->bench_present = 1;
        fb_gbout g;
        if (fb_gbout_load(&g, path, err, sizeof err) != 0)
            plots_warn(s, "%s", err);
        else
            rc = load_bench_entries(s, &g, path);
        fb_gbout_free(&g);
    }
    free(path);
    return rc;
}
