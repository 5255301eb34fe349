/*
 * plots.h: the commands `fitbench plot DIR` and `fitbench report DIR`.
 *
 * Where they sit: last stage of the data flow. They read a results folder
 * written by `fitbench run` (results.csv, summary.csv, meta.json, the
 * timeline/, heapmap/ and latency/ files, bench.json when `make bench`
 * ran), draw the charts with gnuplot into DIR/plots/ (SVG for the page,
 * PNG of the overview charts for the README) and, for `report`, write the
 * self-contained page DIR/report.html.
 *
 * argv[0] is the subcommand's name. Options: --heapmap TRACE/ALLOC,
 * --no-png, --png-all, -j N, --help. Return: 0 ok, 1 failure (gnuplot missing or
 * failing, a file that cannot be written), 2 usage or input error (no DIR,
 * no results.csv, a malformed results.csv).
 *
 * The gnuplot scripts are looked for in $FITBENCH_PLOTS_DIR, else in
 * FB_PLOTS_DIR (the source plots/ folder, set at compile time).
 */
#ifndef FB_PLOTS_H
#define FB_PLOTS_H

#ifdef __cplusplus
extern "C" {
#endif

int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* `fitbench tables DIR KIND`: the folder's figures as Markdown (tables.c). */
int cmd_tables(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
