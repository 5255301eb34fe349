/*
 * plots_gp.h: how the chart families (through draw.c) hand work to
 * gnuplot.c.
 *
 * A job is one chart: the script of plots/ that draws it and the gnuplot
 * variables (`name='value'; ...`) that say what to draw. gnuplot.c adds
 * term, out and plotsdir, and runs the job once per output format.
 */
#ifndef PLOTS_GP_H
#define PLOTS_GP_H

#include "plots_set.h"

/* A growing text of gnuplot assignments, or of a word list. Out of memory
 * sets oom and stops growing; the job is then reported as not drawn. */
typedef struct plots_vars {
    char *b;
    size_t n, cap;
    int oom;
} plots_vars;

void plots_var_str(plots_vars *v, const char *name, const char *value);
void plots_var_num(plots_vars *v, const char *name, double value);
void plots_var_int(plots_vars *v, const char *name, long value);
/* Adds one word (quoted, for gnuplot's word()) to a word list. */
void plots_words_add(plots_vars *w, const char *word);
void plots_vars_free(plots_vars *v);

typedef struct plots_job {
    size_t chart;       /* index in plots_set.charts */
    const char *script; /* file name under the scripts folder */
    char *vars;         /* owned */
} plots_job;

typedef struct plots_gp {
    char *gnuplot; /* full path of the program */
    char *scripts; /* folder of the .gp files */
} plots_gp;

/* Finds gnuplot and the scripts; 1 with a message when either is missing. */
int plots_gnuplot_setup(plots_set *s, plots_gp *g);
void plots_gnuplot_done(plots_gp *g);
/* Runs every job (SVG, and PNG for charts that want one). Marks each chart
 * drawn or gives it a note. 0 when all were drawn, else 1. */
int plots_gnuplot_run(plots_set *s, const plots_gp *g, const plots_job *jobs, size_t njobs,
                      const plots_opts *o);

/* Whether PATH holds a complete SVG document / PNG image. */
int plots_file_is_svg(const char *path);
int plots_file_is_png(const char *path);

#endif
