/*
 * charts_bench.c: the Google Benchmark charts, from DIR/bench.json (which
 * `make bench` writes; load_bench.c has already picked one result per
 * benchmark).
 *
 * Where it sits: a chart family (plots_charts.h), run by draw.c. Three
 * kinds are drawn when present: BM_pair/<policy>/<size> (one malloc+free
 * pair of one size: ns per pair against size), BM_random/<policy> (the
 * random-size workload: ns per pair, one bar per policy) and
 * BM_replay/<trace>/<allocator> (a whole trace replayed: Kops/s by
 * trace). Every benchmark, drawn or not,
 * is also listed in a table by report.c.
 */
#include "plots_charts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The colour of a benchmark series: its allocator's when the name is one,
 * so a policy looks the same here as in the replay charts. */
static const char *bench_color(const plots_set *s, const char *name, size_t *extra)
{
    for (size_t a = 0; a < s->nallocs; a++)
        if (strcmp(s->allocs[a].allocator, name) == 0)
            return plots_color(s->allocs[a].color);
    return plots_color(s->nallocs + (*extra)++);
}

/* Splits "PREFIX/a/b" into its parts after the prefix; NPARTS wanted.
 * The parts point into BUF (a copy of NAME). 0 when it matches. */
static int bench_split(const char *name, const char *prefix, char *buf, size_t len,
                       char **parts, int nparts)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0 || name[pl] != '/' || strlen(name) >= len)
        return -1;
    strcpy(buf, name + pl + 1);
    char *p = buf;
    for (int i = 0; i < nparts; i++) {
        char *slash = i + 1 < nparts ? strchr(p, '/') : NULL;
        if (i + 1 < nparts && !slash)
            return -1;
        if (slash)
            *slash = '\0';
        if (!*p)
            return -1;
        parts[i] = p;
        p = slash ? slash + 1 : p + strlen(p);
    }
    return strchr(parts[nparts - 1], '/') ? -1 : 0;
}

static void bench_pair(plots_set *s, plots_jobs *j)
{
    long ci = plots_chart_new(s, PLOTS_K_BENCH_PAIR, -1, "bench_pair",
                              "Google Benchmark BM_pair: one malloc+free pair by size", 1);
    if (ci < 0) {
        j->oom = 1;
        return;
    }
    if (!s->bench) {
        plots_chart_skip(s, ci, s->bench_present ? "bench.json could not be read"
                                                 : "no bench.json: run `make bench`");
        return;
    }
    /* Policies in order of first appearance; a policy's points in file
     * order, which Google Benchmark keeps by argument. */
    char **pol = calloc(s->nbench + 1, sizeof *pol);
    if (!pol) {
        j->oom = 1;
        return;
    }
    size_t np = 0;
    char buf[512], *parts[2];
    for (size_t i = 0; i < s->nbench; i++) {
        const plots_bench *b = &s->bench[i];
        if (b->error || bench_split(b->name, "BM_pair", buf, sizeof buf, parts, 2) < 0)
            continue;
        char *end;
        double size = strtod(parts[1], &end);
        if (*end || !(size > 0) || !(b->real_ns > 0))
            continue;
        size_t k;
        for (k = 0; k < np && strcmp(pol[k], parts[0]) != 0; k++)
            ;
        if (k == np && !(pol[np++] = strdup(parts[0]))) {
            j->oom = 1;
            np--;
            break;
        }
    }
    if (np == 0) {
        if (!j->oom)
            plots_chart_skip(s, ci, "bench.json has no BM_pair results");
        free(pol);
        return;
    }
    char *path;
    FILE *f = plots_dat_open(s, ci, &path);
    if (!f) {
        for (size_t k = 0; k < np; k++)
            free(pol[k]);
        free(pol);
        return;
    }
    plots_vars titles = {0}, colors = {0};
    size_t extra = 0;
    fprintf(f, "# BM_pair: one block per policy; size ns-per-pair\n");
    for (size_t k = 0; k < np; k++) {
        const char *name = pol[k];
        plots_words_add(&titles, name);
        plots_words_add(&colors, bench_color(s, name, &extra));
        if (k)
            fputs("\n\n", f);
        for (size_t i = 0; i < s->nbench; i++) {
            const plots_bench *b = &s->bench[i];
            if (b->error || bench_split(b->name, "BM_pair", buf, sizeof buf, parts, 2) < 0 ||
                strcmp(parts[0], name) != 0)
                continue;
            char *end;
            double size = strtod(parts[1], &end);
            if (*end || !(size > 0) || !(b->real_ns > 0))
                continue;
            fprintf(f, "%.6g %.6g\n", size, b->real_ns);
        }
    }
    if (plots_dat_close(s, ci, f, path) == 0) {
        plots_vars v = {0};
        plots_var_str(&v, "data", path);
        plots_var_int(&v, "n", (long)np);
        plots_var_str(&v, "titles", titles.b ? titles.b : "");
        plots_var_str(&v, "colors", colors.b ? colors.b : "");
        plots_var_str(&v, "title", s->charts[ci].title);
        plots_var_str(&v, "xlabel", "request size (bytes, log scale)");
        plots_var_str(&v, "ylabel", "time per malloc+free pair (ns, real time)");
        v.oom |= titles.oom | colors.oom;
        plots_jobs_add(j, ci, "benchpair.gp", &v);
    }
    plots_vars_free(&titles);
    plots_vars_free(&colors);
    free(path);
    for (size_t k = 0; k < np; k++)
        free(pol[k]);
    free(pol);
}

/* BM_random (one cluster, ns per pair) or BM_replay (Kops/s by trace). */
static void bench_bars(plots_set *s, plots_jobs *j, int replay)
{
    long ci = replay
        ? plots_chart_new(s, PLOTS_K_BENCH_REPLAY, -1, "bench_replay",
                          "Google Benchmark BM_replay: whole-trace replay throughput", 1)
        : plots_chart_new(s, PLOTS_K_BENCH_RANDOM, -1, "bench_random",
                          "Google Benchmark BM_random: random sizes, 10,000 live blocks", 1);
    if (ci < 0) {
        j->oom = 1;
        return;
    }
    if (!s->bench) {
        plots_chart_skip(s, ci, s->bench_present ? "bench.json could not be read"
                                                 : "no bench.json: run `make bench`");
        return;
    }
    const char *prefix = replay ? "BM_replay" : "BM_random";
    int nparts = replay ? 2 : 1;
    /* Names of clusters and series, in order of first appearance. */
    char **cl = calloc(s->nbench + 1, sizeof *cl), **se = calloc(s->nbench + 1, sizeof *se);
    size_t ncl = 0, nse = 0, extra = 0;
    char buf[512], *parts[2];
    plots_bars b;
    memset(&b, 0, sizeof b);
    int oom = !cl || !se;
    for (size_t i = 0; !oom && i < s->nbench; i++) {
        if (bench_split(s->bench[i].name, prefix, buf, sizeof buf, parts, nparts) < 0)
            continue;
        const char *cn = replay ? parts[0] : prefix, *sn = parts[nparts - 1];
        size_t k;
        for (k = 0; k < ncl && strcmp(cl[k], cn) != 0; k++)
            ;
        if (k == ncl && !(cl[ncl++] = strdup(cn)))
            oom = 1;
        for (k = 0; k < nse && strcmp(se[k], sn) != 0; k++)
            ;
        if (k == nse && !(se[nse++] = strdup(sn)))
            oom = 1;
    }
    if (oom || (ncl && plots_bars_alloc(&b, ncl, nse) < 0)) {
        j->oom = 1;
    } else if (ncl == 0) {
        plots_chart_skip(s, ci, "bench.json has no %s results", prefix);
    } else {
        for (size_t k = 0; k < ncl; k++)
            b.cl_name[k] = cl[k];
        for (size_t k = 0; k < nse; k++) {
            b.se_name[k] = se[k];
            b.se_color[k] = bench_color(s, se[k], &extra);
        }
        for (size_t i = 0; i < s->nbench; i++) {
            const plots_bench *bb = &s->bench[i];
            if (bench_split(bb->name, prefix, buf, sizeof buf, parts, nparts) < 0)
                continue;
            size_t c = 0, e = 0;
            while (strcmp(cl[c], replay ? parts[0] : prefix) != 0)
                c++;
            while (strcmp(se[e], parts[nparts - 1]) != 0)
                e++;
            double v = replay ? bb->items_ps / 1000.0 : bb->real_ns;
            if (bb->error)
                b.mark[c * nse + e] = "error";
            else if (v > 0)
                b.val[c * nse + e] = v;
        }
        if (replay)
            plots_bars_chart(s, j, ci, &b, 1, 0, "throughput (Kops/s, log scale)");
        else
            plots_bars_chart(s, j, ci, &b, 0, 0, "time per free+malloc pair (ns, real time)");
    }
    plots_bars_free(&b);
    for (size_t k = 0; cl && k < ncl; k++)
        free(cl[k]);
    for (size_t k = 0; se && k < nse; k++)
        free(se[k]);
    free(cl);
    free(se);
}

void plots_charts_bench(plots_set *s, plots_jobs *j)
{
    bench_pair(s, j);
    bench_bars(s, j, 0);
    bench_bars(s, j, 1);
}
