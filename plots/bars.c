/*
 * bars.c: clustered bar charts (plots_chartkit.h): a matrix of values,
 * clusters (traces) by series (allocators), into a .dat file and a
 * bars.gp job.
 *
 * Where it sits: a tool of the chart families (the overview's
 * utilization and throughput by trace, charts_overview.c; the Google
 * Benchmark bars, charts_bench.c). The layout that needs judgement is
 * decided here, in C, so bars.gp only draws: panels narrow enough that
 * bars stay apart, which bars carry their value, tilted or cut names.
 */
#include "plots_chartkit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest trace name printed under tilted bars. */
#define BARS_TICK_MAX 28

/* The value printed above a bar: three digits at most, so that it fits
 * the bar's width (41234 shows as 41k). */
static void bars_value(FILE *f, double v)
{
    if (v >= 1e6)
        fprintf(f, " \"\" \"%.*fM\"\n", v >= 1e7 ? 0 : 1, v / 1e6);
    else if (v >= 1e3)
        fprintf(f, " \"\" \"%.*fk\"\n", v >= 1e4 ? 0 : 1, v / 1e3);
    else
        fprintf(f, " \"\" \"%.*f\"\n", v >= 100 ? 0 : v >= 10 ? 1 : 2, v);
}

int plots_bars_alloc(plots_bars *b, size_t ncl, size_t nse)
{
    memset(b, 0, sizeof *b);
    b->ncl = ncl;
    b->nse = nse;
    b->cl_name = calloc(ncl ? ncl : 1, sizeof *b->cl_name);
    b->se_name = calloc(nse ? nse : 1, sizeof *b->se_name);
    b->se_color = calloc(nse ? nse : 1, sizeof *b->se_color);
    size_t cells = ncl * nse > 0 ? ncl * nse : 1;
    b->val = malloc(cells * sizeof *b->val);
    b->mark = calloc(cells, sizeof *b->mark);
    if (!b->cl_name || !b->se_name || !b->se_color || !b->val || !b->mark)
        return -1;
    for (size_t i = 0; i < ncl * nse; i++)
        b->val[i] = FB_UNDEF;
    return 0;
}

void plots_bars_free(plots_bars *b)
{
    free(b->cl_name);
    free(b->se_name);
    free(b->se_color);
    free(b->val);
    free(b->mark);
}

/* Writes the bars' .dat and queues bars.gp. Series with nothing to show
 * (no value, no status but "unavailable") are left out. logy: log axis
 * (values must be > 0). ymax0 > 0 fixes the top (utilization: 100). */
void plots_bars_chart(plots_set *s, plots_jobs *jobs, long ci, const plots_bars *b, int logy,
                      double ymax0, const char *ylabel)
{
    size_t *keep = malloc((b->nse ? b->nse : 1) * sizeof *keep);
    size_t nk = 0;
    double lo = INFINITY, hi = 0;
    if (!keep) {
        plots_chart_skip(s, ci, "out of memory");
        return;
    }
    for (size_t se = 0; se < b->nse; se++) {
        int any = 0;
        for (size_t cl = 0; cl < b->ncl; cl++) {
            double v = b->val[cl * b->nse + se];
            const char *m = b->mark[cl * b->nse + se];
            if (fb_defined(v) && (!logy || v > 0)) {
                any = 1;
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            } else if (m && strcmp(m, "unavailable") != 0) {
                any = 1;
            }
        }
        if (any)
            keep[nk++] = se;
    }
    if (nk == 0 || hi <= 0) {
        plots_chart_skip(s, ci, "no cell ran ok, nothing to draw");
        free(keep);
        return;
    }

    /* Bars narrower than about 6 px cannot be told apart: split the
     * clusters into panels of at most ~130 bar slots, then even them out. */
    const double gap = 1.5;
    size_t per = (size_t)(130.0 / ((double)nk + gap));
    if (per < 1)
        per = 1;
    size_t npanels = (b->ncl + per - 1) / per;
    per = (b->ncl + npanels - 1) / npanels;
    double step = (double)nk + gap;
    double xmin = -1, xmax = (double)(per - 1) * step + (double)nk;
    /* A few bars would each be a hand wide: keep at least 16 slots across
     * the panel, with the bars in the middle. */
    if (xmax - xmin < 16) {
        double pad = (16 - (xmax - xmin)) / 2;
        xmin -= pad;
        xmax += pad;
    }
    /* Few enough bars to print each value above its bar. */
    int values = b->ncl * nk <= 40;

    double ymin, ymax, marky;
    if (logy) {
        ymin = pow(10, floor(log10(lo * 0.9)));
        ymax = pow(10, ceil(log10(hi * 1.15)));
        marky = ymin * 1.15;
    } else {
        ymin = 0;
        ymax = ymax0 > 0 ? ymax0 : hi * 1.1;
        marky = ymax * 0.015;
    }
    size_t maxlen = 0;
    for (size_t cl = 0; cl < b->ncl; cl++)
        if (strlen(b->cl_name[cl]) > maxlen)
            maxlen = strlen(b->cl_name[cl]);
    /* ~7 px a character in the tick font, ~800 px across a panel */
    double cluster_px = 800.0 * step / (xmax - xmin);
    int rotate = (double)maxlen * 7.0 > cluster_px - 8;

    char *path;
    FILE *f = plots_dat_open(s, ci, &path);
    if (!f) {
        free(keep);
        return;
    }
    fprintf(f, "# %s: x y color status trace value, one block per panel\n", s->charts[ci].stem);
    for (size_t p = 0; p < npanels; p++) {
        if (p)
            fputs("\n\n", f);
        for (size_t t = 0; t < per && p * per + t < b->ncl; t++) {
            size_t cl = p * per + t;
            for (size_t k = 0; k < nk; k++) {
                size_t se = keep[k];
                double v = b->val[cl * b->nse + se];
                const char *m = b->mark[cl * b->nse + se];
                fprintf(f, "%.4f ", (double)t * step + (double)k);
                if (!fb_defined(v) || (logy && v <= 0))
                    fputs("? ", f);
                else
                    fprintf(f, "%.6g ", v);
                fprintf(f, "0x%s ", b->se_color[se] + 1);
                plots_dat_string(f, !fb_defined(v) && m ? m : "");
                if (!fb_defined(v) || (logy && v <= 0))
                    fputs(" \"\" \"\"\n", f);
                else
                    bars_value(f, v);
            }
            /* The trace name, on a row of its own at the cluster's middle;
             * a tilted name longer than BARS_TICK_MAX is cut, since the
             * page's tables carry it whole. */
            fprintf(f, "%.4f ? 0x000000 \"\" ", (double)t * step + ((double)nk - 1) / 2);
            const char *name = b->cl_name[cl];
            if (rotate && strlen(name) > BARS_TICK_MAX) {
                char cut[BARS_TICK_MAX + 4];
                snprintf(cut, sizeof cut, "%.*s\xE2\x80\xA6", BARS_TICK_MAX - 1, name);
                plots_dat_string(f, cut);
            } else {
                plots_dat_string(f, name);
            }
            fputs(" \"\"\n", f);
        }
    }
    if (plots_dat_close(s, ci, f, path) < 0) {
        free(path);
        free(keep);
        return;
    }
    plots_vars v = {0}, titles = {0}, colors = {0};
    for (size_t k = 0; k < nk; k++) {
        plots_words_add(&titles, b->se_name[keep[k]]);
        plots_words_add(&colors, b->se_color[keep[k]]);
    }
    plots_var_str(&v, "data", path);
    plots_var_int(&v, "n", (long)nk);
    plots_var_str(&v, "titles", titles.b ? titles.b : "");
    plots_var_str(&v, "colors", colors.b ? colors.b : "");
    plots_var_int(&v, "npanels", (long)npanels);
    plots_var_num(&v, "xmin", xmin);
    plots_var_num(&v, "xmax", xmax);
    plots_var_num(&v, "ymin", ymin);
    plots_var_num(&v, "ymax", ymax);
    plots_var_int(&v, "logy", logy);
    plots_var_str(&v, "ylabel", ylabel);
    plots_var_str(&v, "title", s->charts[ci].title);
    plots_var_int(&v, "rotate", rotate);
    plots_var_int(&v, "maxlen", (long)(maxlen > BARS_TICK_MAX ? BARS_TICK_MAX : maxlen));
    plots_var_num(&v, "marky", marky);
    plots_var_int(&v, "values", values);
    v.oom |= titles.oom | colors.oom;
    plots_jobs_add(jobs, ci, "bars.gp", &v);
    plots_vars_free(&titles);
    plots_vars_free(&colors);
    free(path);
    free(keep);
}
