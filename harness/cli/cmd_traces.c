/*
 * cmd_traces.c: `fitbench list` (the allocators of the one list, their
 * groups and whether they can run here), `fitbench check` and `fitbench
 * stats` (validate and describe trace files).
 */
#include "allocators.h"
#include "cli.h"
#include "diag.h"
#include "fitalloc.h"
#include "trace.h"
#include "trace_args.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage_list(FILE *out) {
    fprintf(out,
            "usage: fitbench list [--names] [LIST]\n"
            "\n"
            "The allocators `fitbench run -a` accepts, their group and whether they can run\n"
            "here. LIST (names and groups, comma-separated, as for run -a) shows only those;\n"
            "--names prints their names alone, one per line. Groups: %s.\n",
            fb_group_names());
}

int cmd_list(int argc, char **argv) {
    static const struct option longs[] = {
        {"help", no_argument, NULL, 'h'}, {"names", no_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
    int names = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case 'n': names = 1; break;
        case 'h': usage_list(stdout); return 0;
        default: usage_list(stderr); return 2;
        }
    }
    if (argc - optind > 1) {
        usage_list(stderr);
        return 2;
    }
    size_t cap = fb_allocator_count(), n = 0;
    const fb_allocator *sel[cap ? cap : 1];
    char err[256];
    if (fb_select(optind < argc ? argv[optind] : "all", sel, cap, &n, err, sizeof err) != 0) {
        fb_error("%s", err);
        return 2;
    }
    if (!names)
        printf("%-12s %-9s %-12s %s\n", "name", "group", "status", "what");
    for (size_t i = 0; i < n; i++) {
        const fb_allocator *a = sel[i];
        if (names) {
            printf("%s\n", a->name);
            continue;
        }
        const char *sum = a->summary ? a->summary : fa_policy_summary(a->name);
        printf("%-12s %-9s %-12s %s\n", a->name, a->group,
               a->available() ? "available" : "unavailable", sum ? sum : "");
    }
    return 0;
}

static int load_each(int argc, char **argv, const char *cmd, int stats) {
    static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1)
        if (c != 'h')
            return 2;
        else {
            printf("usage: fitbench %s TRACE|DIR ...\n\n%s\n", cmd,
                   stats ? "Ops by kind, peak live payload, request sizes and block lifetimes."
                         : "Validates trace files: FILE:LINE: message and exit 2 on the first "
                           "error in each.");
            return 0;
        }
    if (optind == argc) {
        fb_error("no trace given (usage: fitbench %s TRACE|DIR ...)", cmd);
        return 2;
    }
    trace_paths l = {0};
    char err[4200];
    int rc = 0;
    for (int i = optind; i < argc; i++)
        if (trace_paths_add(&l, argv[i], err, sizeof err)) {
            fb_error("%s", err);
            rc = 2;
        }
    for (size_t i = 0; i < l.n; i++) {
        trace t;
        trace_error terr;
        if (trace_load(l.paths[i], &t, &terr, stderr) != 0) {
            fb_error_text(terr.msg);
            rc = 2;
            continue;
        }
        if (stats) {
            printf("%s\n", l.paths[i]);
            if (trace_stats_print(&t, stdout) != 0)
                rc = rc ? rc : 1;
        } else {
            printf("%s: ok (%s header, %zu ids, %zu ops, peak payload %llu bytes)\n", l.paths[i],
                   trace_format_name(t.format), t.num_ids, t.num_ops,
                   (unsigned long long)t.peak_payload);
        }
        trace_free(&t);
    }
    trace_paths_free(&l);
    return rc;
}

int cmd_check(int argc, char **argv) { return load_each(argc, argv, "check", 0); }
int cmd_stats(int argc, char **argv) { return load_each(argc, argv, "stats", 1); }
