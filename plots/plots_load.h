/*
 * plots_load.h: the loading stage of plots/: a results folder into a
 * plots_set. plots_load (load.c) is the stage's entry, called by plots.c;
 * it runs the steps below, each in a file of its own, which only fill
 * the set (set.c) and never call back into load.c.
 */
#ifndef PLOTS_LOAD_H
#define PLOTS_LOAD_H

#include "plots_set.h"

/* Messages are built in buffers of this size. */
#define PLOTS_ERRLEN 512

/* Reads the folder. 0, or 2 after printing why (bad input), or 1 (system
 * failure such as out of memory). */
int plots_load(plots_set *s, const char *dir, const char *prog);

/* load_results.c: DIR/results.csv into s->rows; 0, 2 after a message, or
 * 1 out of memory. */
int plots_load_results(plots_set *s);
/* load_summary.c: DIR/summary.csv, when present, into the allocators it
 * names (0, 2 after a message, 1 out of memory), and the summary of every
 * allocator it lacks, from the rows (after the cells are indexed). */
int plots_load_summary(plots_set *s);
void plots_summary_compute(plots_set *s);
/* load_bench.c: DIR/bench.json when present; 1 only out of memory. */
int plots_load_bench(plots_set *s);

#endif
