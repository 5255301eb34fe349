/*
 * plots_charts.h: the chart families of plots/, each in a file of its
 * own, each preparing its charts' .dat files and queueing their gnuplot
 * jobs with the tools of plots_chartkit.h. draw.c runs them in this order.
 */
#ifndef PLOTS_CHARTS_H
#define PLOTS_CHARTS_H

#include "plots_chartkit.h"

/* charts_overview.c: utilization (kops 0) or throughput (kops 1) by trace,
 * and the trade-off of the allocators' summaries. */
void plots_charts_by_trace(plots_set *s, plots_jobs *j, int kops);
void plots_charts_tradeoff(plots_set *s, plots_jobs *j);

/* charts_trace.c: from the per-cell files. */
void plots_charts_timeline(plots_set *s, plots_jobs *j, size_t ti);
void plots_charts_latency(plots_set *s, plots_jobs *j, size_t ti);
/* Picks the heap map cell: WANT (TRACE/ALLOC, from --heapmap), or the
 * default choice when NULL. 0, or 2 after a message when the --heapmap
 * cell cannot be drawn. */
int plots_heapmap_choose(plots_set *s, const char *want);
void plots_charts_heapmap(plots_set *s, plots_jobs *j);

/* charts_bench.c: the Google Benchmark charts from bench.json. */
void plots_charts_bench(plots_set *s, plots_jobs *j);

#endif
