/*
 * draw.c: plots_draw (plots_draw.h), the drawing stage of `fitbench
 * plot/report`: prepares every chart family into DIR/plots/data/ and has
 * gnuplot.c draw them into DIR/plots/.
 *
 * Where it sits: after load*.c, before report.c. Each chart's numbers are
 * pivoted by its family (charts_*.c) into a .dat file of plain columns,
 * with everything that needs judgement decided there, in C, so the .gp
 * scripts only draw. A chart that cannot be drawn keeps a note saying
 * why, which the page shows in its place.
 */
#include "plots_charts.h"
#include "plots_draw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int draw_mkdir(plots_set *s, const char *sub)
{
    char *p = plots_strf("%s/%s", s->dir, sub);
    if (!p) {
        plots_error(s, "out of memory");
        return 1;
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        plots_error(s, "cannot create %s: %s", p, strerror(errno));
        free(p);
        return 1;
    }
    free(p);
    return 0;
}

int plots_draw(plots_set *s, const plots_opts *o)
{
    int rc = plots_heapmap_choose(s, o->heapmap);
    if (rc)
        return rc;
    if (draw_mkdir(s, "plots") || draw_mkdir(s, "plots/data"))
        return 1;
    plots_gp g;
    int gp_missing = plots_gnuplot_setup(s, &g) != 0;

    plots_jobs j = {0};
    plots_charts_by_trace(s, &j, 0);
    plots_charts_by_trace(s, &j, 1);
    plots_charts_tradeoff(s, &j);
    for (size_t t = 0; t < s->ntraces; t++) {
        plots_charts_timeline(s, &j, t);
        plots_charts_latency(s, &j, t);
    }
    plots_charts_heapmap(s, &j);
    plots_charts_bench(s, &j);

    for (size_t i = 0; i < s->ncharts; i++)
        s->charts[i].png = o->png == 2 || (o->png == 1 && s->charts[i].png);
    if (j.oom) {
        plots_error(s, "out of memory preparing the charts");
        rc = 1;
    } else if (gp_missing) {
        for (size_t i = 0; i < j.n; i++)
            plots_chart_skip(s, (long)j.v[i].chart, "not drawn: gnuplot was not found");
        rc = 1;
    } else {
        rc = plots_gnuplot_run(s, &g, j.v, j.n, o);
    }
    for (size_t i = 0; i < j.n; i++)
        free(j.v[i].vars);
    free(j.v);
    plots_gnuplot_done(&g);
    return rc;
}
