/*
 * plots_set.h: what the plots module knows about a results folder, the
 * types every file of plots/ shares, and set.c, which keeps them (not
 * part of the public interface, which is plots.h).
 *
 * Data flow inside the module (each stage includes only the headers of
 * the stages below it, so imports run one way):
 *
 *   plots.c   options, then the three stages in turn:
 *   load*.c   (plots_load.h)   DIR's CSV and JSON --> a plots_set
 *   draw.c    (plots_draw.h)   the set --> charts_*.c (plots_charts.h)
 *                --> chartkit.c, bars.c (plots_chartkit.h): DIR/plots/data/
 *                --> gnuplot.c (plots_gp.h): DIR/plots/, SVG and PNG
 *   report.c  (plots_report.h) the set --> DIR/report.html
 *   set.c, pick.c (this header) under all of them
 *
 * A plots_set holds the rows of results.csv, the allocators (from
 * summary.csv, or computed from the rows when summary.csv lacks them),
 * the traces, meta.json's object and one result per benchmark of
 * bench.json, the list of charts with what became of each, and the
 * warnings the page repeats. Traces are sorted by name; allocators keep
 * summary.csv's order, those it lacks follow in `fitbench list` order, so
 * every chart and table shows them the same way and each allocator keeps
 * one colour throughout.
 */
#ifndef PLOTS_SET_H
#define PLOTS_SET_H

#include <stddef.h>
#include <stdint.h>

#include "jread.h"
#include "metrics.h"
#include "summary.h"

/* One row of results.csv. The numeric fields come from harness/replay/metrics.h,
 * so a metric added there is read here with no change; strings are owned
 * copies of any length (fb_row's fixed arrays would cut long details). */
#define PLOTS_FIELD_STR(name) char *name;
#define PLOTS_FIELD_TXT(name) char *name;
#define PLOTS_FIELD_U64(name) uint64_t name;
#define PLOTS_FIELD_F64(name) double name;
#define PLOTS_ROW_FIELD(name, type, fmt, unit, desc) PLOTS_FIELD_##type(name)
typedef struct plots_row {
    FB_METRICS(PLOTS_ROW_FIELD)
    unsigned long line; /* line of results.csv, for messages */
    size_t ti, ai;      /* index of its trace and allocator */
    int ok;             /* status is "ok": the numbers may be drawn */
} plots_row;
#undef PLOTS_ROW_FIELD

/* One allocator: the columns of summary.csv, from harness/output/summary.h as the
 * rows' come from metrics.h (allocator is its name, group "" when unknown,
 * perf_index NaN when unknown), read from summary.csv or computed from the
 * rows by summary.h's formulas. */
#define PLOTS_SUM_STR(name) char *name;
#define PLOTS_SUM_U64(name) uint64_t name;
#define PLOTS_SUM_F64(name) double name;
#define PLOTS_SUM_OPT(name) double name;
#define PLOTS_SUM_FIELD(name, type, fmt, desc) PLOTS_SUM_##type(name)
typedef struct plots_alloc {
    FB_SUMMARY_COLUMNS(PLOTS_SUM_FIELD)
    int in_summary; /* the figures come from summary.csv */
    size_t color;   /* index into the palette, stable across charts */
    int picked;     /* drawn in the per-trace charts (pick.c) */
    const char *why; /* why it was picked out of many, or NULL (pick.c) */
    char *label;     /* its name in a chart's key (plots_alloc_label), or NULL */
} plots_alloc;
#undef PLOTS_SUM_FIELD

typedef struct plots_trace {
    char *name;
    char *safe;            /* file-name-safe and unique, for chart names */
    uint64_t ops;          /* from its rows */
    uint64_t peak_payload; /* largest over its ok rows */
} plots_trace;

/* A chart the module tried to draw; report.c places the drawn ones. */
typedef enum plots_kind {
    PLOTS_K_UTIL,
    PLOTS_K_KOPS,
    PLOTS_K_TRADEOFF,
    PLOTS_K_TIMELINE,
    PLOTS_K_LATENCY,
    PLOTS_K_HEAPMAP,
    PLOTS_K_BENCH_PAIR,
    PLOTS_K_BENCH_RANDOM,
    PLOTS_K_BENCH_REPLAY,
    PLOTS_K_COUNT
} plots_kind;

typedef struct plots_chart {
    plots_kind kind;
    long trace;   /* index of the trace for per-trace kinds, else -1 */
    char *stem;   /* file name without extension, under DIR/plots/ */
    char *title;  /* also the page's caption and alt text */
    int png;      /* a PNG is drawn too (the README's images) */
    int drawn;    /* every requested file was written and checked */
    char *note;   /* why it is missing, when it is */
} plots_chart;

/* One benchmark result picked from bench.json (median aggregate when the
 * run repeated, else the mean of its iterations). */
typedef struct plots_bench {
    char *name;       /* run name, e.g. BM_pair/tlsf/64 */
    double real_ns;   /* real time per iteration in ns */
    double cpu_ns;
    double items_ps;  /* items_per_second, or 0 */
    double util;      /* the util counter, or -1 */
    char *error;      /* error_message of a failed benchmark, or NULL */
} plots_bench;

typedef struct plots_set {
    char *dir;
    char *prog; /* "fitbench plot" or "fitbench report", for messages */

    plots_row *rows;
    size_t nrows;
    plots_trace *traces;
    size_t ntraces;
    plots_alloc *allocs;
    size_t nallocs;
    long *cell; /* [ti * nallocs + ai]: row index, or -1 */
    int summary_file; /* allocators' figures came from summary.csv */

    json_object *meta;  /* meta.json's object; NULL when absent or unreadable */
    plots_bench *bench; /* NULL when bench.json is absent or unreadable */
    size_t nbench;
    int bench_present;  /* bench.json exists (even if unreadable) */

    plots_chart *charts;
    size_t ncharts;
    long heap_ti, heap_ai; /* heap map cell, or -1 */
    size_t npicked;        /* allocators with picked set */

    char **warnings; /* also printed on stderr when they happen */
    size_t nwarnings;
} plots_set;

/* Options shared by `plot` and `report`. */
typedef struct plots_opts {
    const char *dir;
    const char *heapmap; /* TRACE/ALLOC, or NULL for the default choice */
    int png;             /* 0: SVG only; 1: PNG of the overview charts too;
                            2: PNG of every chart */
    int jobs;            /* gnuplot processes at once */
    int progress;        /* print progress lines on stderr */
} plots_opts;

/* --- set.c: building, querying and freeing the set ---------------------- */

/* The allocator named NAME, added (with its group, when fitbench knows the
 * name) when absent: its index, or -1 out of memory. */
long plots_alloc_add(plots_set *s, const char *name);
/* The index of an allocator or a trace by name, or -1. */
long plots_alloc_find(const plots_set *s, const char *name);
long plots_trace_find(const plots_set *s, const char *name);
long plots_trace_add(plots_set *s, const char *name);
/* Where NAME stands in `fitbench list` order; names it does not know go
 * last (the same rank for all). */
size_t plots_alloc_rank(const char *name);
/* The allocator's name in a chart's key: "NAME (yours)" for your own
 * allocators (group PLOTS_PICK_USER), so they stand out in every chart. */
const char *plots_alloc_label(plots_alloc *a);
const plots_row *plots_cell(const plots_set *s, size_t ti, size_t ai);
/* DIR/SUB/<trace>__<alloc>.csv when the file exists, else NULL (malloc'd). */
char *plots_cell_file(const plots_set *s, const char *sub, size_t ti, size_t ai);
/* The colour of palette entry I ("#rrggbb"); allocators use their color. */
const char *plots_color(size_t i);
/* Frees a row's strings (not the row). */
void plots_row_free(plots_row *r);
void plots_set_free(plots_set *s);

/* --- pick.c: the allocators the per-trace charts draw ------------------- */

/* At most this many lines or bars per trace in a chart. */
#define PLOTS_PICK_MAX 8
/* The group name of a user's own allocators, drawn first. */
#define PLOTS_PICK_USER "user"
/* Sets picked (and why) on the allocators that the per-trace charts draw:
 * all of them when there are PLOTS_PICK_MAX or fewer, else the user's own
 * (group PLOTS_PICK_USER), then FB_SUMMARY_REFERENCE (glibc), then the best
 * of each group, up to PLOTS_PICK_MAX. Run once the summary is known. */
void plots_pick(plots_set *s);
/* The words of the page that say how the few were chosen (HTML-safe). */
extern const char plots_pick_rule[];

/* Records a warning and prints it on stderr. */
void plots_warn(plots_set *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints an error on stderr, prefixed with the command. */
void plots_error(const plots_set *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A malloc'd printf. NULL only when out of memory. */
char *plots_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
