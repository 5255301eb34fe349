/*
 * plots_chartkit.h: the tools every chart family of plots/ is made with:
 * chartkit.c (the set's chart list, the queue of gnuplot jobs, the .dat
 * files, byte units) and bars.c (clustered bar charts).
 *
 * Where it sits: below the chart families (plots_charts.h) and above
 * gnuplot.c's variables (plots_gp.h) and the set (plots_set.h). A chart is
 * made in three moves: plots_chart_new names it, its family writes
 * DIR/plots/data/<stem>.dat with plots_dat_open/close, and
 * plots_jobs_add queues the script that draws it (or plots_chart_skip
 * records why it is not drawn).
 */
#ifndef PLOTS_CHARTKIT_H
#define PLOTS_CHARTKIT_H

#include <stdio.h>

#include "plots_gp.h"
#include "plots_set.h"

typedef struct plots_jobs {
    plots_job *v;
    size_t n, cap;
    int oom;
} plots_jobs;

/* Adds a chart entry (not drawn yet); its index, or -1 out of memory. */
long plots_chart_new(plots_set *s, plots_kind kind, long trace, const char *stem,
                     const char *title, int png);
/* Records why chart CI is not drawn (printf-style note). */
void plots_chart_skip(plots_set *s, long ci, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Queues chart CI for SCRIPT with the variables in V (taken over). */
void plots_jobs_add(plots_jobs *j, long ci, const char *script, plots_vars *v);
/* Opens DIR/plots/data/<stem>.dat for writing; NULL after a message. */
FILE *plots_dat_open(plots_set *s, long ci, char **path_out);
/* Closes a .dat file; 0, or -1 after a message when the write failed. */
int plots_dat_close(plots_set *s, long ci, FILE *f, const char *path);
/* A name safe inside a double-quoted gnuplot data field. */
void plots_dat_string(FILE *f, const char *text);

/* Sizes in bytes shown in a binary unit: the divisor and its name for a
 * largest value MAX (B, KiB, MiB, GiB, TiB). */
double plots_byte_unit(double max, const char **name);

/* A matrix of cells to draw as clustered bars: clusters (traces) by
 * series (allocators). val is FB_UNDEF for a cell not to draw; mark then holds
 * its status, or NULL when the cell does not exist at all. */
typedef struct plots_bars {
    size_t ncl, nse;
    const char **cl_name;
    const char **se_name;
    const char **se_color;
    double *val;
    const char **mark;
} plots_bars;

/* bars.c. Allocates the arrays (every val FB_UNDEF); -1 out of memory (free
 * anyway). */
int plots_bars_alloc(plots_bars *b, size_t ncl, size_t nse);
void plots_bars_free(plots_bars *b);
/* Writes chart CI's .dat and queues bars.gp. Series with nothing to show
 * (no value, no status but "unavailable") are left out. logy: log axis
 * (values must be > 0). ymax0 > 0 fixes the top (utilization: 100). */
void plots_bars_chart(plots_set *s, plots_jobs *jobs, long ci, const plots_bars *b, int logy,
                      double ymax0, const char *ylabel);

#endif
