/*
 * cmd_run.c: `fitbench run`, the main job: every trace against every
 * selected allocator, each cell in a process of its own (cell/), the rows
 * written as they come (output/). This file reads the options and the
 * traces; run.h says which file does the rest (the results folder and
 * --resume, --plan, running the cells -j at a time, the progress line).
 *
 * Each trace is read once: loaded, checked and handed to a memfd before any
 * cell runs, so that a bad file stops the run whole, never half-run, and a
 * trace given as a pipe (`<(zcat big.rep.gz)`) needs only one writer.
 */
#include "allocators.h"
#include "args.h"
#include "cell.h"
#include "cli.h"
#include "diag.h"
#include "output.h"
#include "replay.h"
#include "run.h"
#include "summary.h"
#include "trace.h"
#include "trace_args.h"
#include "user.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FB_TRACES_DIR
#define FB_TRACES_DIR "traces"
#endif

const char *fb_default_traces(void) {
    const char *env = getenv("FITBENCH_TRACES");
    return env && *env ? env : FB_TRACES_DIR;
}

/* --max-rss's default follows the trace and the machine: 4 GiB, or more
 * for a trace that needs it (its op array, which the cell maps, plus 16
 * times its peak live payload, room for any sane allocator's footprint),
 * but never more than three quarters of the machine's memory, so that an
 * allocator that runs away cannot take the machine with it. In MiB. */
uint64_t run_default_max_rss_mib(uint64_t num_ops, uint64_t peak_payload) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t machine = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page >> 20 : 8192;
    uint64_t cap = machine / 4 * 3;
    uint64_t need = (num_ops * sizeof(trace_op) + 16 * peak_payload) >> 20;
    uint64_t want = need > 4096 ? need : 4096;
    return want < cap ? want : cap;
}

static void usage_run(FILE *out) {
    fprintf(out,
            "usage: fitbench run [-a LIST] [-o DIR] [-j N] [-r N] [--timeout S] [--max-rss MIB]\n"
            "                    [--min-time S] [--check-every N] [--resume | --force] [--plan]\n"
            "                    [--timing-lock FILE] [-q] [TRACE|DIR ...]\n"
            "\n"
            "Replays each trace against each allocator, every cell in a process of its own,\n"
            "and writes DIR/results.csv, results.json, summary.csv, meta.json, and\n"
            "timeline/, heapmap/, latency/ CSV files. With no TRACE, the bundled suite\n"
            "(%s).\n"
            "\n"
            "  -a LIST          allocators and groups, comma-separated (default: all);\n"
            "                   groups: %s\n"
            "  -o DIR           results folder (default: results)\n"
            "  -j N             N cells at once (default 1); their untimed passes run side by\n"
            "                   side, the throughput and latency passes one at a time\n"
            "  -r N             exactly N timed repetitions (default: adaptive, >= 3 and\n"
            "                   >= --min-time seconds)\n"
            "  --min-time S     timed replay seconds per cell, at least (default 0.2)\n"
            "  --timeout S      seconds a cell may take before it is killed (default 120);\n"
            "                   a cell cut short keeps the figures of its finished passes.\n"
            "                   Its passes must end within %.0f%% of it: space may take %.0f%%,\n"
            "                   correctness %.0f%% of what is left, throughput %.0f%% of the\n"
            "                   rest, latency the remainder; a pass out of time gives the\n"
            "                   figures of the ops it did (status partial, README)\n"
            "  --max-rss MIB    resident memory a cell may reach before it is killed as\n"
            "                   `oom` (default: 4096, or the trace's op array plus 16 times\n"
            "                   its peak payload when that is more, at most 3/4 of the\n"
            "                   machine's memory)\n"
            "  --check-every N  run the allocator's heap check every N ops (default: 64\n"
            "                   times per trace)\n"
            "  --resume         DIR holds some of these cells already: run only the others\n"
            "  --force          DIR holds another run's results: replace them\n"
            "  --plan           run nothing: print one shell command per cell, each writing\n"
            "                   DIR/TRACE__ALLOC/, for GNU parallel or a Slurm array;\n"
            "                   `fitbench merge` combines the folders\n"
            "  --timing-lock F  the lock file that keeps timed passes one at a time\n"
            "                   (default DIR/.timing.lock; --plan: DIR/.timing.lock for all)\n"
            "  -q               no progress, no tables\n"
            FB_USER_USAGE
            "  --no-reference   with mm: allocators, do not add libc for the perf index\n"
            "                   (a plan's commands: libc has a cell of its own there)\n"
            "\n"
            "Progress goes to stderr: a line rewritten in place on a terminal, one line per\n"
            "finished cell otherwise. The core's heaps give memory back as FITBENCH_TRIM and\n"
            "FITBENCH_TRIM_DECAY say (README, \"Giving memory back\").\n"
            "\n"
            "Exit status: 0 every cell ok, 1 some cell not ok, 2 usage or input error,\n"
            "130 interrupted.\n",
            fb_default_traces(), fb_group_names(), 100 * fb_budget_cell_share,
            100 * fb_budget_shares[0], 100 * fb_budget_shares[1], 100 * fb_budget_shares[2]);
}

static void on_signal(int sig) {
    (void)sig;
    fb_interrupted = 1;
}

/* Options into o; the index of the first trace argument, or -1 (exit 2)
 * or -2 (--help, exit 0). */
static int parse_options(int argc, char **argv, run_opts *o) {
    static const struct option longs[] = {
        {"help", no_argument, NULL, 'h'},           {"timeout", required_argument, NULL, 'T'},
        {"min-time", required_argument, NULL, 'm'}, {"check-every", required_argument, NULL, 'c'},
        {"max-rss", required_argument, NULL, 'M'},  {"jobs", required_argument, NULL, 'j'},
        {"resume", no_argument, NULL, 'R'},         {"force", no_argument, NULL, 'F'},
        {"plan", no_argument, NULL, 'P'},           {"timing-lock", required_argument, NULL, 'L'},
        {"no-reference", no_argument, NULL, 'N'},  FB_USER_LONGOPTS,                           {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->alist = "all";
    o->outdir = "results";
    fb_replay_defaults(&o->replay);
    o->timeout = 120;
    o->jobs = 1;
    fb_user_opts_init(&o->user);
    uint64_t v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":a:o:r:j:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'a': o->alist = optarg; break;
        case 'o': o->outdir = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'R': o->resume = 1; break;
        case 'F': o->force = 1; break;
        case 'P': o->plan = 1; break;
        case 'N': o->no_reference = 1; break;
        case 'L': o->lock = optarg; break;
        case 'j':
            if (fb_arg_count("-j", optarg, "a count of cells", 1, 256, &v))
                return -1;
            o->jobs = (unsigned)v;
            break;
        case 'r':
            if (fb_arg_count("-r", optarg, "a count", 1, 1000000, &v))
                return -1;
            o->replay.fixed_reps = (unsigned)v;
            o->reps_given = 1;
            break;
        case 'T':
            if (fb_arg_double("--timeout", optarg, "seconds", 0.001, 1e6, &o->timeout))
                return -1;
            break;
        case 'm':
            if (fb_arg_double("--min-time", optarg, "seconds", 0, 3600, &o->replay.min_time))
                return -1;
            if (o->replay.max_time < o->replay.min_time)
                o->replay.max_time = o->replay.min_time;
            o->min_time_given = 1;
            break;
        case 'M':
            if (fb_arg_count("--max-rss", optarg, "MiB", 1, (uint64_t)1 << 30, &o->max_rss_mib))
                return -1;
            break;
        case 'c':
            if (fb_arg_count("--check-every", optarg, "a count of ops", 1, UINT64_MAX, &v))
                return -1;
            o->replay.check_every = (size_t)v;
            break;
        case 'h': usage_run(stdout); return -2;
        default:
            switch (fb_user_option(c, optarg, &o->user)) {
            case 1: break;
            case 0: fb_arg_bad(c, argv); usage_run(stderr); return -1;
            default: return -1;
            }
        }
    }
    if (o->resume && o->force) {
        fb_error("--resume keeps the cells a folder holds, --force replaces them: not both");
        return -1;
    }
    return optind;
}

/* Reads every trace once, before any cell: a bad file stops the run
 * whole. NULL (every message given) or the array of n traces. */
static run_trace *read_traces(int argc, char **argv, int first, int quiet, size_t *n) {
    trace_paths paths = {0};
    char err[4200];
    int bad = 0;
    if (first == argc && trace_paths_add(&paths, fb_default_traces(), err, sizeof err)) {
        fb_error("%s", err);
        bad = 1;
    }
    for (int i = first; i < argc; i++)
        if (trace_paths_add(&paths, argv[i], err, sizeof err)) {
            fb_error("%s", err);
            bad = 1;
        }
    run_trace *ts = bad ? NULL : calloc(paths.n ? paths.n : 1, sizeof *ts);
    for (size_t i = 0; ts && i < paths.n; i++) {
        trace t;
        trace_error terr;
        ts[i].fd = -1;
        ts[i].path = strdup(paths.paths[i]);
        if (trace_load(paths.paths[i], &t, &terr, quiet ? NULL : stderr) != 0) {
            fb_error_text(terr.msg);
            bad = 1;
            continue;
        }
        ts[i].fd = fb_trace_share(&t);
        if (ts[i].fd < 0) {
            fb_error("%s: cannot hold the trace for its cells: %s", paths.paths[i], strerror(errno));
            bad = 1;
        }
        ts[i].name = strdup(t.name);
        ts[i].num_ops = t.num_ops;
        ts[i].peak_payload = t.peak_payload;
        fb_trace_hash(&t, ts[i].hash);
        trace_free(&t);
    }
    /* Two traces of one name would be one cell twice (and one file). */
    for (size_t i = 0; ts && !bad && i < paths.n; i++)
        for (size_t k = 0; k < i && !bad; k++)
            if (strcmp(ts[i].name, ts[k].name) == 0) {
                fb_error("%s and %s are both trace '%s': rename one", ts[k].path, ts[i].path,
                         ts[i].name);
                bad = 1;
            }
    *n = paths.n;
    trace_paths_free(&paths);
    if (ts && !bad)
        return ts;
    for (size_t i = 0; ts && i < *n; i++) {
        free(ts[i].name);
        free(ts[i].path);
        if (ts[i].fd >= 0)
            close(ts[i].fd);
    }
    free(ts);
    return NULL;
}

static void free_traces(run_trace *t, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(t[i].name);
        free(t[i].path);
        close(t[i].fd);
    }
    free(t);
}

/* With -j, the cells of the longest traces first (each trace's cells in
 * their order): the long cells then overlap the many short ones instead
 * of running last, side by side with nothing, which ends the run sooner. */
static void longest_first(const run_trace *t, size_t nt, run_cell *c, size_t n) {
    run_cell *sorted = malloc(n * sizeof *sorted);
    char *used = calloc(nt ? nt : 1, 1);
    size_t k = 0;
    while (sorted && used && k < n) {
        size_t best = nt;
        for (size_t i = 0; i < nt; i++)
            if (!used[i] && (best == nt || t[i].num_ops > t[best].num_ops))
                best = i;
        if (best == nt)
            break;
        used[best] = 1;
        for (size_t j = 0; j < n; j++)
            if (c[j].ti == best)
                sorted[k++] = c[j];
    }
    if (sorted && k == n)
        memcpy(c, sorted, n * sizeof *c);
    free(sorted);
    free(used);
}

int cmd_run(int argc, char **argv) {
    run_opts o;
    int first = parse_options(argc, argv, &o);
    if (first < 0)
        return first == -2 ? 0 : 2;
    size_t cap = fb_allocator_count() + FB_USER_MAX + 1, nsel = 0;
    const fb_allocator *sel[cap];
    char err[512];
    if (fb_select(o.alist, sel, cap, &nsel, err, sizeof err) != 0) {
        fb_error("%s", err);
        return 2;
    }
    for (size_t i = 0; i < nsel; i++) {
        const char *why = sel[i]->config_error ? sel[i]->config_error() : NULL;
        if (why) {
            fb_error("%s: %s", sel[i]->name, why);
            return 2;
        }
    }
    /* An mm.c's perf index is measured against libc in the same run. */
    int any_mm = 0, have_ref = 0;
    for (size_t i = 0; i < nsel; i++) {
        any_mm |= fb_user_is(sel[i]) && !sel[i]->preload;
        have_ref |= !strcmp(sel[i]->name, FB_SUMMARY_REFERENCE);
    }
    if (any_mm && !have_ref && !o.no_reference && fb_allocator_find(FB_SUMMARY_REFERENCE))
        sel[nsel++] = fb_allocator_find(FB_SUMMARY_REFERENCE);
    o.user.verbose = !o.quiet && !o.plan; /* a plan's stdout is its commands only */
    if (fb_user_prepare(&o.user) != 0)
        return 2;
    size_t ntraces = 0;
    run_trace *traces = read_traces(argc, argv, first, o.quiet || o.plan, &ntraces);
    if (!traces)
        return 2;
    if (o.plan) {
        int rc = run_plan(&o, traces, ntraces, sel, nsel);
        free_traces(traces, ntraces);
        return rc;
    }
    fb_results *res;
    run_cell *todo;
    size_t ntodo;
    if (run_dir_open(&o, traces, ntraces, sel, nsel, argc, argv, &res, &todo, &ntodo) != 0) {
        free_traces(traces, ntraces);
        return 2;
    }
    o.replay.outdir = o.outdir;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    size_t done = 0, bad = 0, kept = fb_results_count(res);
    for (size_t i = 0; i < kept; i++)
        bad += strcmp(fb_results_row(res, i)->status, "ok") != 0;
    if (o.jobs > 1)
        longest_first(traces, ntraces, todo, ntodo);
    int interrupted = run_cells(&o, traces, todo, ntodo, res, &done, &bad);
    if (fb_results_finish(res, o.quiet ? NULL : stdout) != 0)
        fb_error("cannot write %s/summary.csv", o.outdir);
    if (!o.quiet) {
        printf("\n%zu cells, %zu not ok; results in %s/\n", done + kept, bad, o.outdir);
        if (kept)
            printf("(%zu of them kept from the folder, %zu run now)\n", kept, done);
    }
    fb_results_close(res);
    free(todo);
    free_traces(traces, ntraces);
    if (interrupted) {
        fb_error("interrupted; %zu cells written (--resume runs the rest)", done + kept);
        return 130;
    }
    return bad ? 1 : 0;
}
