/*
 * run.h: what the parts of `fitbench run` share (cli/, private to it).
 * cmd_run.c reads the options and the traces and calls, in order:
 * run_dir.c (is the results folder new, resumed or replaced; the cells it
 * keeps), plan.c (--plan: print the cells as commands instead) or
 * run_sched.c (the cells in child processes, -j at a time, with
 * progress.c's line on stderr).
 */
#ifndef FB_RUN_H
#define FB_RUN_H

#include "allocators.h"
#include "output.h"
#include "replay.h"
#include "trace.h"
#include "user.h"

#include <stdint.h>

typedef struct run_opts {
    const char *alist, *outdir;
    fb_replay_opts replay;
    double timeout;
    uint64_t max_rss_mib; /* 0: the default for each trace */
    unsigned jobs;        /* cells at once (-j) */
    const char *lock;     /* --timing-lock; NULL: DIR/.timing.lock */
    int quiet, resume, force, plan;
    int no_reference; /* --no-reference: no libc added beside mm: allocators */
    int reps_given, min_time_given; /* for --plan: pass them on */
    fb_user_opts user;              /* mm: and so: allocators' options */
} run_opts;

/* A trace read and handed to a memfd for its cells. */
typedef struct run_trace {
    char *name, *path;
    int fd;
    uint64_t num_ops, peak_payload;
    char hash[17]; /* of the op array, hex (fb_trace_hash) */
} run_trace;

/* One cell to run: trace index and allocator. */
typedef struct run_cell {
    size_t ti;
    const fb_allocator *alloc;
} run_cell;

/* FNV-1a of the trace's ops, as 16 hex digits into hex: what merge and
 * --resume compare to know two folders replayed the same trace. */
void fb_trace_hash(const trace *t, char hex[17]);

/* The results folder, before any cell (run_dir.c): refuses (a message,
 * -1: exit 2) a folder holding another run's rows without --resume or
 * --force; with --resume keeps the rows of the folder that are final and
 * of the same traces, and sets *todo to the cells still to run (all of
 * them otherwise). Opens *res and writes meta.json. */
int run_dir_open(const run_opts *o, const run_trace *t, size_t nt, const fb_allocator *const *sel,
                 size_t nsel, int argc, char **argv, fb_results **res, run_cell **todo,
                 size_t *ntodo);

/* --plan (plan.c): one shell command per cell on stdout. 0, or 2. */
int run_plan(const run_opts *o, const run_trace *t, size_t nt, const fb_allocator *const *sel,
             size_t nsel);

/* Progress on stderr (progress.c): a line rewritten in place on a
 * terminal, one line per finished cell otherwise, nothing with -q. */
typedef struct fb_progress {
    int mode; /* 0 quiet, 1 terminal, 2 a line per cell */
    size_t total, done;
    double start;
} fb_progress;
void fb_progress_init(fb_progress *p, int quiet, size_t total);
/* The cells running now (names "TRACE x ALLOC"), on a terminal. */
void fb_progress_running(fb_progress *p, const char *const *names, size_t n);
/* A cell finished, in SECS seconds. */
void fb_progress_cell(fb_progress *p, const fb_row *row, double secs);
void fb_progress_end(fb_progress *p);

/* Runs the cells (run_sched.c), o->jobs at a time, each row added to res
 * as it comes. Returns 1 when interrupted (or a row could not be written),
 * else 0; *bad counts the rows not ok, *done the rows written. */
int run_cells(const run_opts *o, const run_trace *t, const run_cell *cells, size_t n,
              fb_results *res, size_t *done, size_t *bad);

/* --max-rss's default for a trace, in MiB (cmd_run.c). */
uint64_t run_default_max_rss_mib(uint64_t num_ops, uint64_t peak_payload);

#endif
