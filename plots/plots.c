/*
 * plots.c: the commands `fitbench plot DIR` and `fitbench report DIR`
 * (contract in plots.h).
 *
 * Where it sits: the entry of the last stage of the data flow. It parses
 * the options (getopt_long, as every fitbench command does), then runs
 * the stages of the module in order: load*.c read the results folder,
 * draw.c has the chart families and gnuplot.c draw every chart into
 * DIR/plots/, and for `report`, report.c writes DIR/report.html. The page
 * is written even when some charts could not be drawn (it says which and
 * why), but the command then exits 1.
 */
#include "args.h"
#include "diag.h"
#include "plots.h"
#include "plots_draw.h"
#include "plots_load.h"
#include "plots_report.h"

#include <getopt.h>
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
            "                         cell with the most external fragmentation at its\n"
            "                         footprint peak, ext_frag)\n"
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
    enum { OPT_NO_PNG = 256, OPT_PNG_ALL, OPT_HEAPMAP };
    static const struct option longopts[] = {
        {"heapmap", required_argument, NULL, OPT_HEAPMAP},
        {"no-png", no_argument, NULL, OPT_NO_PNG},
        {"png-all", no_argument, NULL, OPT_PNG_ALL},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":hj:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            plots_usage(stdout, cmd);
            return 1;
        case OPT_NO_PNG:
            o->png = 0;
            break;
        case OPT_PNG_ALL:
            o->png = 2;
            break;
        case OPT_HEAPMAP:
            if (!*optarg) {
                fb_error("--heapmap needs TRACE/ALLOC");
                return 2;
            }
            o->heapmap = optarg;
            break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (!*optarg || *end || n < 1 || n > 256) {
                fb_error("-j needs a number from 1 to 256");
                return 2;
            }
            o->jobs = (int)n;
            break;
        }
        default:
            fb_arg_bad(ch, argv);
            return 2;
        }
    }
    if (optind < argc)
        o->dir = argv[optind];
    if (optind + 1 < argc) {
        fb_error("one results folder only (%s, then %s)", o->dir, argv[optind + 1]);
        return 2;
    }
    if (!o->dir) {
        fb_error("which results folder? usage: fitbench %s [options] DIR", cmd);
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
