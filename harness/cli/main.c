/*
 * main.c: the `fitbench` command: one table of subcommands, from which the
 * dispatch and the usage both come. run, list, check and stats live in
 * cli/; record, gen and convert in tracetools/; programs in programs/;
 * plot and report in plots/.
 */
#include "cell.h"
#include "cli.h"
#include "cmds_programs.h"
#include "cmds_trace.h"
#include "diag.h"
#include "plots.h"
#include "user.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what; /* NULL: internal, not listed */
} fb_commands[] = {
    {"run", cmd_run, "replay traces against allocators, write CSV and JSON"},
    {"list", cmd_list, "the allocators, their groups and whether they are installed"},
    {"check", cmd_check, "validate trace files"},
    {"stats", cmd_stats, "describe trace files (ops, peak payload, sizes, lifetimes)"},
    {"record", cmd_record, "record a program's allocations as a trace"},
    {"gen", cmd_gen, "generate a synthetic trace"},
    {"convert", cmd_convert, "convert a glibc mtrace log into a trace"},
    {"plot", cmd_plot, "draw the charts of a results folder"},
    {"report", cmd_report, "draw the charts and write report.html for a results folder"},
    {"tables", cmd_tables, "print a results folder's figures as Markdown tables"},
    {"merge", cmd_merge, "combine results folders (the parts of a run --plan) into one"},
    {"programs", cmd_programs, "time real programs under each policy and system allocator"},
    {"__cell", fb_cell_main, NULL},
    {"__probe", fb_user_probe_main, NULL},
};
#define FB_NCOMMANDS (sizeof fb_commands / sizeof fb_commands[0])

static void usage_main(FILE *out) {
    fprintf(out, "usage: fitbench COMMAND [ARGS]\n"
                 "\n"
                 "Replays malloc-lab allocation traces against many allocators, checks them\n"
                 "and measures throughput, utilization, fragmentation and latency.\n"
                 "\n"
                 "commands:\n");
    for (size_t i = 0; i < FB_NCOMMANDS; i++)
        if (fb_commands[i].what)
            fprintf(out, "  %-9s%s\n", fb_commands[i].name, fb_commands[i].what);
    fprintf(out, "\n`fitbench COMMAND --help` describes each.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage_main(stderr);
        return 2;
    }
    fb_cell_set_argv0(argv[0]);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("fitbench %s\n", FB_VERSION);
        return 0;
    }
    for (size_t i = 0; i < FB_NCOMMANDS; i++)
        if (!strcmp(argv[1], fb_commands[i].name)) {
            /* Messages name the subcommand: "fitbench run: ...". */
            static char program[64];
            snprintf(program, sizeof program, "fitbench %s", fb_commands[i].name);
            fb_diag_program(program);
            return fb_commands[i].fn(argc - 1, argv + 1);
        }
    fb_error("unknown command '%s'", argv[1]);
    usage_main(stderr);
    return 2;
}
