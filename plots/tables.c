/*
 * tables.c: `fitbench tables DIR KIND [-a LIST]`, a results folder's
 * figures as Markdown tables, for the README's measured sections (`make
 * numbers` splices them in) and for anyone who wants them in a document.
 * An undefined figure (figure.h) is "-".
 * It reads the folder with the same loader as the report (load*.c), so
 * the tables show exactly what the report shows; it formats, never
 * recomputes.
 *
 *   cells    one row per trace, one column per allocator: util / ops/s
 *   summary  one row per allocator: summary.csv's figures
 *   tails    one row per trace and allocator: malloc and free latency
 *            p50 / p99 / p99.9 and the timed passes' page faults
 */
#include "plots.h"
#include "plots_load.h"

#include "diag.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void tables_usage(FILE *out) {
    fprintf(out,
            "usage: fitbench tables [-a LIST] DIR KIND\n"
            "\n"
            "Prints the figures of the results folder DIR as a Markdown table. KIND:\n"
            "  cells    util / throughput (median, ops/s) per trace and allocator\n"
            "  summary  per allocator: valid traces, mean util, op-weighted and\n"
            "           geometric-mean throughput, perf index (summary.csv)\n"
            "  tails    per trace and allocator: malloc and free latency p50, p99, p99.9\n"
            "           (ns) and the timed passes' minor page faults per 1000 ops\n"
            "\n"
            "  -a LIST  only these allocators, in this order (comma-separated names)\n");
}

/* "31M", "0.8M", "850K": ops per second, two significant figures or more. */
static void fmt_rate(char *buf, size_t len, double kops) {
    double ops = kops * 1000;
    if (!fb_defined(ops) || !(ops > 0))
        snprintf(buf, len, "-");
    else if (ops >= 10e6)
        snprintf(buf, len, "%.0fM", ops / 1e6);
    else if (ops >= 1e6)
        snprintf(buf, len, "%.1fM", ops / 1e6);
    else if (ops >= 100e3)
        snprintf(buf, len, "%.2fM", ops / 1e6);
    else
        snprintf(buf, len, "%.0fK", ops / 1e3);
}

static void fmt_pct(char *buf, size_t len, double frac) {
    if (!fb_defined(frac))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f%%", 100 * frac);
}

/* The allocators to show, as indexes into s->allocs: LIST's names in its
 * order, else all. -1 after a message. */
static int pick_allocs(const plots_set *s, const char *list, size_t *idx, size_t *n) {
    *n = 0;
    if (!list) {
        for (size_t a = 0; a < s->nallocs; a++)
            idx[(*n)++] = a;
        return 0;
    }
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        long a = plots_alloc_find(s, w);
        if (a < 0) {
            fb_error("%s: no allocator '%s' in this folder's results", s->dir, w);
            return -1;
        }
        if (*n < s->nallocs)
            idx[(*n)++] = (size_t)a;
    }
    return 0;
}

static void header(const char *first, const plots_set *s, const size_t *idx, size_t n) {
    printf("| %s |", first);
    for (size_t k = 0; k < n; k++)
        printf(" %s |", s->allocs[idx[k]].allocator);
    printf("\n|---|");
    for (size_t k = 0; k < n; k++)
        printf("---|");
    putchar('\n');
}

static void table_cells(const plots_set *s, const size_t *idx, size_t n) {
    header("trace", s, idx, n);
    for (size_t t = 0; t < s->ntraces; t++) {
        printf("| %s |", s->traces[t].name);
        for (size_t k = 0; k < n; k++) {
            const plots_row *r = plots_cell(s, t, idx[k]);
            char u[32], k2[32];
            if (!r) {
                printf(" |");
            } else if (!r->ok) {
                printf(" %s |", r->status);
            } else {
                fmt_pct(u, sizeof u, r->util);
                fmt_rate(k2, sizeof k2, r->kops);
                printf(" %s / %s |", u, k2);
            }
        }
        putchar('\n');
    }
}

static void table_summary(const plots_set *s, const size_t *idx, size_t n) {
    printf("| allocator | valid | mean util | ops/s (op-weighted) | ops/s (gmean) | perf index |\n"
           "|---|---:|---:|---:|---:|---:|\n");
    for (size_t k = 0; k < n; k++) {
        const plots_alloc *a = &s->allocs[idx[k]];
        char u[32], r[32], g[32], p[32];
        fmt_pct(u, sizeof u, a->ok ? a->mean_util : FB_UNDEF);
        fmt_rate(r, sizeof r, a->ok ? a->kops : FB_UNDEF);
        fmt_rate(g, sizeof g, a->ok ? a->kops_gmean : FB_UNDEF);
        if (fb_defined(a->perf_index))
            snprintf(p, sizeof p, "%.1f", a->perf_index);
        else
            snprintf(p, sizeof p, "-");
        printf("| %s | %llu/%llu | %s | %s | %s | %s |\n", a->allocator,
               (unsigned long long)a->ok, (unsigned long long)a->traces, u, r, g, p);
    }
}

static void table_tails(const plots_set *s, const size_t *idx, size_t n) {
    printf("| trace | allocator | malloc p50 / p99 / p99.9 ns | free p50 / p99 / p99.9 ns | "
           "faults / 1000 ops |\n|---|---|---:|---:|---:|\n");
    for (size_t t = 0; t < s->ntraces; t++)
        for (size_t k = 0; k < n; k++) {
            const plots_row *r = plots_cell(s, t, idx[k]);
            if (!r || !r->ok)
                continue;
            char fl[32] = "-";
            if (fb_defined(r->faults))
                snprintf(fl, sizeof fl, "%.2f", r->faults);
            printf("| %s | %s | %llu / %llu / %llu | %llu / %llu / %llu | %s |\n",
                   s->traces[t].name, r->allocator, (unsigned long long)r->lat_a_p50,
                   (unsigned long long)r->lat_a_p99, (unsigned long long)r->lat_a_p999,
                   (unsigned long long)r->lat_f_p50, (unsigned long long)r->lat_f_p99,
                   (unsigned long long)r->lat_f_p999, fl);
        }
}

int cmd_tables(int argc, char **argv) {
    static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *list = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:h", longs, NULL)) != -1) {
        switch (c) {
        case 'a': list = optarg; break;
        case 'h': tables_usage(stdout); return 0;
        default: tables_usage(stderr); return 2;
        }
    }
    if (argc - optind != 2) {
        tables_usage(stderr);
        return 2;
    }
    static const struct {
        const char *name;
        void (*print)(const plots_set *, const size_t *, size_t);
    } kinds[] = {{"cells", table_cells}, {"summary", table_summary}, {"tails", table_tails}};
    const char *kind = argv[optind + 1];
    size_t which = sizeof kinds / sizeof kinds[0];
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, kind))
            which = i;
    if (which == sizeof kinds / sizeof kinds[0]) {
        fb_error("unknown table '%s' (cells, summary, tails)", kind);
        return 2;
    }
    plots_set s;
    int rc = plots_load(&s, argv[optind], fb_diag_name());
    if (rc != 0) {
        plots_set_free(&s);
        return rc;
    }
    size_t *idx = calloc(s.nallocs ? s.nallocs : 1, sizeof *idx), n = 0;
    if (!idx || pick_allocs(&s, list, idx, &n) != 0)
        rc = 2;
    else
        kinds[which].print(&s, idx, n);
    free(idx);
    plots_set_free(&s);
    return rc;
}
