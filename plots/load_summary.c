/*
 * load_summary.c: the allocators' summary: DIR/summary.csv when the run
 * wrote it, and the same figures computed from results.csv for every
 * allocator it lacks.
 *
 * Where it sits: steps of plots_load (load.c), after results.csv. The
 * columns and the formulas are harness/output/summary.h's, the ones `fitbench
 * run` wrote the file with, so a computed line equals the line the run
 * would have written for the same rows (the perf index against libc of
 * the same folder, whether libc's figures were read or computed).
 */
#include "plots_csv.h"
#include "plots_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum sum_col {
#define SUM_COL_ENUM(name, type, fmt, desc) SUM_COL_##name,
    FB_SUMMARY_COLUMNS(SUM_COL_ENUM)
#undef SUM_COL_ENUM
    SUM_NCOLS
};

static const char *const sum_col_names[SUM_NCOLS] = {
#define SUM_COL_NAME(name, type, fmt, desc) #name,
    FB_SUMMARY_COLUMNS(SUM_COL_NAME)
#undef SUM_COL_NAME
};

/* The allocator column is the key the line is filed under; every other
 * column fills the allocator. A figure may be empty (undefined). */
#define SUM_SET_STR(name)                                         \
    if (SUM_COL_##name != SUM_COL_allocator) {                    \
        char *v = strdup(f[col[SUM_COL_##name]]);                 \
        if (!v)                                                   \
            return 1;                                             \
        free(a->name);                                            \
        a->name = v;                                              \
    }
#define SUM_SET_U64(name)                      \
    if (col[SUM_COL_##name] < 0)               \
        a->name = 0;                           \
    else if (!*bad && plots_parse_u64(f[col[SUM_COL_##name]], &a->name) < 0) *bad = #name;
#define SUM_SET_OPT(name)                                                  \
    if (!*bad) {                                                           \
        const char *t = f[col[SUM_COL_##name]];                            \
        if (t[strspn(t, " \t")] == '\0')                                   \
            a->name = FB_UNDEF;                                            \
        else if (plots_parse_f64(t, &a->name) < 0)                         \
            *bad = #name;                                                  \
    }
/* An F64 column read as an OPT one: an empty field is undefined. */
#define SUM_SET_F64(name) SUM_SET_OPT(name)
#define SUM_SET(name, type, fmt, desc) SUM_SET_##type(name)

/* Fills A from the record F; 0 (with *bad naming a column that is not a
 * valid number, or NULL), or 1 out of memory. */
static int sum_fill(plots_alloc *a, char **f, const long *col, const char **bad)
{
    *bad = NULL;
    FB_SUMMARY_COLUMNS(SUM_SET)
    return 0;
}

int plots_load_summary(plots_set *s)
{
    char err[PLOTS_ERRLEN];
    char *path = plots_strf("%s/summary.csv", s->dir);
    if (!path)
        return 1;
    if (access(path, F_OK) != 0) {
        free(path);
        return 0; /* computed from the rows later */
    }
    plots_csv *c = plots_csv_open(path, err, sizeof err);
    free(path);
    if (!c) {
        plots_error(s, "%s", err);
        return 2;
    }
    long col[SUM_NCOLS];
    char **f;
    size_t nf;
    int rc = plots_csv_next(c, &f, &nf, err, sizeof err);
    if (rc == 1 && plots_csv_columns(f, nf, sum_col_names, SUM_NCOLS, col) > 0) {
        /* Another fitbench's summary (a column more or less): the rows
         * hold what it needs, so it is computed from them instead. */
        for (size_t i = 0; i < SUM_NCOLS; i++) {
            /* machines came later: a file without it still reads (0). */
            if (col[i] < 0 && i != SUM_COL_machines) {
                plots_warn(s, "%s:1: no column %s in the header (another fitbench?); the "
                           "summary is computed from results.csv", plots_csv_name(c),
                           sum_col_names[i]);
                plots_csv_close(c);
                return 0;
            }
        }
    }
    size_t header_n = nf;
    while (rc == 1 && (rc = plots_csv_next(c, &f, &nf, err, sizeof err)) == 1) {
        if (nf != header_n) {
            plots_error(s, "%s:%lu: %zu fields, but the header has %zu", plots_csv_name(c),
                        plots_csv_line(c), nf, header_n);
            rc = 2;
            break;
        }
        const char *name = f[col[SUM_COL_allocator]];
        long ai = plots_alloc_add(s, name);
        const char *bad;
        if (ai < 0 || sum_fill(&s->allocs[ai], f, col, &bad) != 0) {
            rc = 1;
            break;
        }
        if (bad || name[0] == '\0') {
            plots_error(s, "%s:%lu: %s%s", plots_csv_name(c), plots_csv_line(c),
                        bad ? "not a valid number in column " : "empty allocator name",
                        bad ? bad : "");
            rc = 2;
            break;
        }
        s->allocs[ai].in_summary = 1;
    }
    if (rc < 0) {
        plots_error(s, "%s", err);
        rc = 2;
    }
    if (rc == 1)
        plots_error(s, "out of memory reading %s", plots_csv_name(c));
    plots_csv_close(c);
    if (rc == 0)
        s->summary_file = 1;
    return rc;
}

void plots_summary_compute(plots_set *s)
{
    for (size_t ai = 0; ai < s->nallocs; ai++) {
        plots_alloc *a = &s->allocs[ai];
        if (a->in_summary)
            continue;
        fb_summary_acc acc = {0};
        for (size_t i = 0; i < s->nrows; i++) {
            const plots_row *r = &s->rows[i];
            /* A cell written twice counts once: the row the cell shows. */
            if (r->ai == ai && s->cell[r->ti * s->nallocs + ai] == (long)i)
                fb_summary_add(&acc, r->ok, r->util, r->ops, r->replay_s);
        }
        a->traces = acc.traces;
        a->ok = acc.ok;
        a->mean_util = fb_summary_mean_util(&acc);
        a->kops = fb_summary_kops(&acc);
        a->kops_gmean = fb_summary_kops_gmean(&acc);
        a->machines = (uint64_t)__builtin_popcountll(acc.machine_bits);
    }
    /* libc's throughput may come from the file or from the pass above. */
    long libc = plots_alloc_find(s, FB_SUMMARY_REFERENCE);
    double libc_kops = libc >= 0 ? s->allocs[libc].kops : FB_UNDEF;
    for (size_t ai = 0; ai < s->nallocs; ai++) {
        plots_alloc *a = &s->allocs[ai];
        if (!a->in_summary)
            a->perf_index = fb_summary_perf_index(a->ok, a->mean_util, a->kops, libc_kops);
    }
}
