/*
 * plots.c: the commands `fitbench plot DIR` and `fitbench report DIR`
 * (contract in plots.h).
 *
 * Where it sits: the entry of the last stage of the data flow. It parses
 * the options, then runs the stages of the module in order: load.c reads
 * the results folder, charts*.c and gnuplot.c draw every chart into
 * DIR/plots/, and for `report`, report.c writes DIR/report.html. The page
 * is written even when some charts could not be drawn (it says which and
 * why), but the command then exits 1.
 */
#include "plots.h"
#include "plots_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void plots_usage(FILE *out, const char *cmd)
{
    int report = strcmp(cmd, "report") == 0;
    fprintf(out,
            "usage: fitbench %s [options] DIR\n"
            "\n"
            "%s"
            "DIR is a results folder written by `fitbench run` (results.csv, summary.csv,\n"
            "meta.json, timeline/, heapmap/, latency/, and bench.json after `make bench`).\n"
            "Charts go to DIR/plots/ (SVG, and PNG of the overview charts for a README).\n"
            "\n"
            "options:\n"
            "  --heapmap TRACE/ALLOC  the cell whose heap at peak is drawn (default: the\n"
            "                         trace with the largest peak payload and its fit\n"
            "                         policy with the best utilization)\n"
            "  --no-png               SVG only\n"
            "  --png-all              a PNG of every chart, not only of the overview ones\n"
            "  -j, --jobs N           gnuplot processes at once (default: CPUs, at most 8)\n"
            "  -h, --help             this text\n"
            "\n"
            "environment: FITBENCH_PLOTS_DIR, the folder of the gnuplot scripts\n"
            "exit status: 0 ok, 1 a chart or the page could not be made, 2 bad usage or input\n",
            report ? "report" : "plot",
            report ? "Draws the charts and writes DIR/report.html, a page that opens from disk.\n"
                   : "Draws the charts from the CSV and JSON files of a results folder.\n");
}

/* 0 and *o filled, 1 when --help was given (and printed), 2 usage error. */
static int plots_parse(int argc, char **argv, const char *cmd, plots_opts *o)
{
    memset(o, 0, sizeof *o);
    o->png = 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
    o->progress = isatty(2);
    int dashdash = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (!dashdash && strcmp(a, "--") == 0) {
            dashdash = 1;
        } else if (!dashdash && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            plots_usage(stdout, cmd);
            return 1;
        } else if (!dashdash && strcmp(a, "--no-png") == 0) {
            o->png = 0;
        } else if (!dashdash && strcmp(a, "--png-all") == 0) {
            o->png = 2;
        } else if (!dashdash && (strcmp(a, "--heapmap") == 0 || strncmp(a, "--heapmap=", 10) == 0)) {
            val = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val || !*val) {
                fprintf(stderr, "fitbench %s: --heapmap needs TRACE/ALLOC\n", cmd);
                return 2;
            }
            o->heapmap = val;
        } else if (!dashdash && (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0 ||
                                 strncmp(a, "--jobs=", 7) == 0 ||
                                 (strncmp(a, "-j", 2) == 0 && a[2]))) {
            val = strncmp(a, "--jobs=", 7) == 0 ? a + 7
                  : (a[1] == 'j' && a[2]) ? a + 2
                  : (i + 1 < argc ? argv[++i] : NULL);
            char *end;
            long n = val ? strtol(val, &end, 10) : 0;
            if (!val || *end || n < 1 || n > 256) {
                fprintf(stderr, "fitbench %s: -j needs a number from 1 to 256\n", cmd);
                return 2;
            }
            o->jobs = (int)n;
        } else if (!dashdash && a[0] == '-' && a[1]) {
            fprintf(stderr, "fitbench %s: unknown option %s (see fitbench %s --help)\n", cmd,
                    a, cmd);
            return 2;
        } else if (o->dir) {
            fprintf(stderr, "fitbench %s: one results folder only (%s, then %s)\n", cmd,
                    o->dir, a);
            return 2;
        } else {
            o->dir = a;
        }
    }
    if (!o->dir) {
        fprintf(stderr, "fitbench %s: which results folder? usage: fitbench %s [options] DIR\n",
                cmd, cmd);
        return 2;
    }
    return 0;
}

static int plots_cmd(int argc, char **argv, int report)
{
    const char *cmd = report ? "report" : "plot";
    plots_opts o;
    int rc = plots_parse(argc, argv, cmd, &o);
    if (rc)
        return rc == 1 ? 0 : rc;
    char prog[32];
    snprintf(prog, sizeof prog, "fitbench %s", cmd);
    plots_set s;
    rc = plots_load(&s, o.dir, prog);
    if (rc) {
        plots_set_free(&s);
        return rc;
    }
    if (o.progress)
        fprintf(stderr, "%s: %zu traces x %zu allocators from %s\n", prog, s.ntraces,
                s.nallocs, s.dir);
    rc = plots_draw(&s, &o);
    if (report && rc != 2) {
        int prc = plots_report_write(&s);
        if (prc)
            rc = prc;
    }
    size_t drawn = 0;
    for (size_t i = 0; i < s.ncharts; i++)
        drawn += s.charts[i].drawn;
    if (rc != 2)
        fprintf(stderr, "%s: %zu of %zu charts drawn in %s/plots/%s%s%s\n", prog, drawn,
                s.ncharts, s.dir, report ? "; page: " : "", report ? s.dir : "",
                report ? "/report.html" : "");
    plots_set_free(&s);
    return rc;
}

int cmd_plot(int argc, char **argv) { return plots_cmd(argc, argv, 0); }

int cmd_report(int argc, char **argv) { return plots_cmd(argc, argv, 1); }
