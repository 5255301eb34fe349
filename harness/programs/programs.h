/*
 * programs.h: what the files of `fitbench programs` share: cmd_programs.c
 * (the options, the loop over the cells), programs_run.c (running one
 * cell, reading hyperfine's JSON) and programs_out.c (writing the CSV, the
 * chart's data, the chart and the summary table). Internal to the three.
 */
#ifndef FB_PROGRAMS_H
#define FB_PROGRAMS_H

#include "workloads.h"

#include <stdio.h>

#define PR_MAX_PROGS 64
#define PR_MAX_ALLOCS 32
#define PR_PATH 4096

typedef struct pr_prog {
    char name[64];
    char *command; /* shell command (--cmd), or NULL */
    char script[PR_PATH];
    const fbw_workload *w; /* built-in, or NULL */
} pr_prog;

typedef struct pr_alloc {
    char name[32];
    const char *policy;  /* core policy name, or NULL */
    char lib[PR_PATH];   /* preloaded library; "" for glibc */
    const char *missing; /* why it cannot run, or NULL */
} pr_alloc;

typedef struct pr_cell {
    char status[16];
    double mean, stddev, median;
    int timed, stddev_known;
    long rss_kb; /* -1: not measured */
} pr_cell;

typedef struct pr_opts {
    const char *outdir;
    const char *lib;
    int runs, warmup, plot;
    double timeout, budget;
} pr_opts;

typedef struct pr_run {
    pr_opts o;
    pr_prog progs[PR_MAX_PROGS];
    size_t nprogs;
    pr_alloc allocs[PR_MAX_ALLOCS];
    size_t nallocs;
    pr_cell cells[PR_MAX_PROGS][PR_MAX_ALLOCS];
    char dir[PR_PATH];  /* DIR/programs: JSON, outputs, logs */
    char work[PR_PATH]; /* DIR/programs/work: the inputs */
    char hyperfine[PR_PATH];
} pr_run;

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An executable NAME on PATH into buf, or NULL. */
const char *pr_which(const char *name, char *buf, size_t len);
/* DIR/programs/ followed by fmt into buf (PR_PATH bytes). */
void pr_file(char *buf, const pr_run *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* programs_run.c: runs cell (program pi, allocator ai), fills
 * r->cells[pi][ai], writes its row to csv and a line on stderr. 0 when its
 * status is ok, else 1. */
int pr_cell_run(pr_run *r, FILE *csv, size_t pi, size_t ai);
/* Reads the first result of hyperfine's --export-json file at PATH into
 * c (mean, median, stddev when known; timed set). 0, or -1 with a message
 * in err. */
int pr_hyperfine_read(const char *path, pr_cell *c, char *err, size_t errlen);

/* programs_out.c: one row of programs.csv, for cell (program pi,
 * allocator ai). */
void pr_write_row(FILE *csv, const pr_run *r, size_t pi, size_t ai);
/* programs.dat, the chart's data; 0 or -1. */
int pr_write_dat(const pr_run *r, const char *path);
/* programs.svg through plots/programs.gp; 0, or -1 with a message. */
int pr_plot(const pr_run *r, const char *dat, const char *svg);
/* The relative time and RSS of every cell, on stdout. */
void pr_print_table(const pr_run *r);

#endif
