/*
 * charts_overview.c: the overview charts, drawn from results.csv and the
 * summary: utilization and throughput by trace (clustered bars), and the
 * trade-off of mean utilization against op-weighted throughput, one point
 * per allocator.
 *
 * Where it sits: a chart family (plots_charts.h) that draw.c runs first.
 * Only cells whose status is ok give a value; a failed cell is shown by
 * its status, an undefined figure as "undefined", never as a zero. The
 * bars by trace draw the allocators pick.c chose; the trade-off, one
 * point each, draws them all. The trade-off's labels are placed here,
 * beside their points where they cover the fewest others.
 */
#include "plots_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utilization (%) or throughput (Kops/s) by trace from results.csv. */
void plots_charts_by_trace(plots_set *s, plots_jobs *j, int kops)
{
    long ci = kops ? plots_chart_new(s, PLOTS_K_KOPS, -1, "kops",
                                     "Throughput by trace (median of the timed replays)", 1)
                   : plots_chart_new(s, PLOTS_K_UTIL, -1, "util",
                                     "Utilization by trace (peak live payload / heap peak)", 1);
    if (ci < 0) {
        j->oom = 1;
        return;
    }
    plots_bars b;
    if (plots_bars_alloc(&b, s->ntraces, s->nallocs) < 0) {
        plots_chart_skip(s, ci, "out of memory");
        plots_bars_free(&b);
        return;
    }
    for (size_t t = 0; t < s->ntraces; t++)
        b.cl_name[t] = s->traces[t].name;
    for (size_t a = 0; a < s->nallocs; a++) {
        b.se_name[a] = plots_alloc_label(&s->allocs[a]);
        b.se_color[a] = plots_color(s->allocs[a].color);
    }
    /* Only the picked allocators (pick.c): a series left without value or
     * mark is not drawn. An undefined figure is marked, never a 0 bar. */
    for (size_t t = 0; t < s->ntraces; t++) {
        for (size_t a = 0; a < s->nallocs; a++) {
            const plots_row *r = plots_cell(s, t, a);
            if (!r || !s->allocs[a].picked)
                continue;
            double v = kops ? r->kops : 100.0 * r->util;
            if (!r->ok)
                b.mark[t * s->nallocs + a] = r->status;
            else if (!fb_defined(v))
                b.mark[t * s->nallocs + a] = "undefined";
            else
                b.val[t * s->nallocs + a] = v;
        }
    }
    if (kops)
        plots_bars_chart(s, j, ci, &b, 1, 0, "throughput (Kops/s, log scale)");
    else
        plots_bars_chart(s, j, ci, &b, 0, 100, "utilization (%)");
    plots_bars_free(&b);
}

/* --- the trade-off ------------------------------------------------------- */

/* Plot area of tradeoff.gp, in screen fractions of its 900x500 canvas;
 * the label placement below relies on it. */
#define TRADE_W 900.0
#define TRADE_H 500.0
#define TRADE_LM 0.09
#define TRADE_RM 0.97
#define TRADE_BM 0.19
#define TRADE_TM 0.9

typedef struct trade_box {
    double x0, y0, x1, y1;
} trade_box;

static double box_overlap(trade_box a, trade_box b)
{
    double w = fmin(a.x1, b.x1) - fmax(a.x0, b.x0);
    double h = fmin(a.y1, b.y1) - fmax(a.y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
}

static int group_point(const char *g)
{
    if (strcmp(g, "fit") == 0)
        return 7;
    if (strcmp(g, "seed") == 0)
        return 5;
    if (strcmp(g, "system") == 0)
        return 9;
    if (strcmp(g, "baseline") == 0)
        return 13;
    return 11;
}

void plots_charts_tradeoff(plots_set *s, plots_jobs *j)
{
    long ci = plots_chart_new(s, PLOTS_K_TRADEOFF, -1, "tradeoff",
                              "Trade-off: mean utilization against throughput", 1);
    if (ci < 0) {
        j->oom = 1;
        return;
    }
    size_t n = 0;
    size_t *idx = malloc((s->nallocs ? s->nallocs : 1) * sizeof *idx);
    trade_box *placed = malloc((2 * s->nallocs + 1) * sizeof *placed);
    double *px = malloc((s->nallocs + 1) * 2 * sizeof *px);
    if (!idx || !placed || !px) {
        plots_chart_skip(s, ci, "out of memory");
        goto out;
    }
    double ulo = 100, uhi = 0, klo = INFINITY, khi = 0;
    for (size_t a = 0; a < s->nallocs; a++) {
        const plots_alloc *al = &s->allocs[a];
        if (al->ok == 0 || !fb_defined(al->mean_util) || !fb_defined(al->kops) ||
            !(al->kops > 0))
            continue;
        idx[n++] = a;
        ulo = fmin(ulo, 100 * al->mean_util);
        uhi = fmax(uhi, 100 * al->mean_util);
        klo = fmin(klo, al->kops);
        khi = fmax(khi, al->kops);
    }
    if (n == 0) {
        plots_chart_skip(s, ci, "no allocator ran a trace ok, nothing to draw");
        goto out;
    }
    double xmin = fmax(0, floor((ulo - 8) / 10) * 10);
    double xmax = fmin(110, ceil((uhi + 8) / 10) * 10);
    double lymin = floor(log10(klo / 1.6)), lymax = ceil(log10(khi * 1.6));
    if (lymax - lymin < 1)
        lymax = lymin + 1;
    double W = (TRADE_RM - TRADE_LM) * TRADE_W, H = (TRADE_TM - TRADE_BM) * TRADE_H;
    for (size_t i = 0; i < n; i++) {
        const plots_alloc *al = &s->allocs[idx[i]];
        px[2 * i] = (100 * al->mean_util - xmin) / (xmax - xmin) * W;
        px[2 * i + 1] = (log10(al->kops) - lymin) / (lymax - lymin) * H;
        placed[i] = (trade_box){px[2 * i] - 6, px[2 * i + 1] - 6, px[2 * i] + 6,
                                px[2 * i + 1] + 6};
    }

    char *path;
    FILE *f = plots_dat_open(s, ci, &path);
    if (!f)
        goto out;
    fprintf(f, "# tradeoff: block 0 points (util%% Kops/s pointtype color), blocks 1-3 "
               "labels (x y text) aligned left, right, centre\n");
    for (size_t i = 0; i < n; i++) {
        const plots_alloc *al = &s->allocs[idx[i]];
        fprintf(f, "%.4f %.6g %d 0x%s\n", 100 * al->mean_util, al->kops,
                group_point(al->group), plots_color(al->color) + 1);
    }
    /* Each label goes to whichever of eight spots beside its point covers
     * the fewest points and already placed labels, staying inside. */
    static const struct {
        double dx, dy;
        int align; /* 0 left, 1 right, 2 centre */
    } spot[] = {{9, 0, 0}, {-9, 0, 1}, {0, 15, 2}, {0, -15, 2},
                {7, 12, 0}, {7, -12, 0}, {-7, 12, 1}, {-7, -12, 1}};
    int *align = malloc(n * sizeof *align);
    double *lx = malloc(n * 2 * sizeof *lx);
    if (!align || !lx) {
        fclose(f);
        free(align);
        free(lx);
        free(path);
        plots_chart_skip(s, ci, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = s->allocs[idx[i]].allocator;
        double w = 6.6 * (double)strlen(name) + 4, h = 14;
        double best = INFINITY;
        trade_box bestbox = {0, 0, 0, 0};
        for (size_t k = 0; k < sizeof spot / sizeof spot[0]; k++) {
            double ax = px[2 * i] + spot[k].dx, ay = px[2 * i + 1] + spot[k].dy;
            double x0 = spot[k].align == 0 ? ax : spot[k].align == 1 ? ax - w : ax - w / 2;
            trade_box bx = {x0, ay - h / 2, x0 + w, ay + h / 2};
            double cost = 0.5 * (double)k;
            for (size_t q = 0; q < n + i; q++)
                cost += box_overlap(bx, placed[q]);
            trade_box area = {0, 0, W, H};
            cost += 3 * (w * h - box_overlap(bx, area));
            if (cost < best) {
                best = cost;
                bestbox = bx;
                align[i] = spot[k].align;
                lx[2 * i] = ax;
                lx[2 * i + 1] = ay;
            }
        }
        placed[n + i] = bestbox;
    }
    for (int al = 0; al < 3; al++) {
        fputs("\n\n", f);
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            if (align[i] != al)
                continue;
            any = 1;
            fprintf(f, "%.6g %.6g ", xmin + lx[2 * i] / W * (xmax - xmin),
                    pow(10, lymin + lx[2 * i + 1] / H * (lymax - lymin)));
            plots_dat_string(f, s->allocs[idx[i]].allocator);
            fputc('\n', f);
        }
        /* gnuplot warns about an empty block: an invisible empty label */
        if (!any)
            fprintf(f, "%.6g %.6g \"\"\n", xmin, pow(10, lymin));
    }
    free(align);
    free(lx);
    if (plots_dat_close(s, ci, f, path) < 0) {
        free(path);
        goto out;
    }
    plots_vars v = {0}, gt = {0}, gp = {0};
    static const char *const groups[] = {"fit", "seed", "system", "baseline"};
    int other = 0;
    for (size_t g = 0; g < 4; g++) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(s->allocs[idx[i]].group, groups[g]) == 0) {
                char num[8];
                snprintf(num, sizeof num, "%d", group_point(groups[g]));
                plots_words_add(&gt, groups[g]);
                plots_words_add(&gp, num);
                break;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        if (group_point(s->allocs[idx[i]].group) == 11)
            other = 1;
    if (other) {
        plots_words_add(&gt, "other");
        plots_words_add(&gp, "11");
    }
    plots_var_str(&v, "data", path);
    plots_var_num(&v, "xmin", xmin);
    plots_var_num(&v, "xmin", xmin);
    plots_var_num(&v, "xmax", xmax);
    plots_var_num(&v, "ymin", pow(10, lymin));
    plots_var_num(&v, "ymax", pow(10, lymax));
    plots_var_num(&v, "lm", TRADE_LM);
    plots_var_num(&v, "rm", TRADE_RM);
    plots_var_num(&v, "bm", TRADE_BM);
    plots_var_num(&v, "tm", TRADE_TM);
    plots_var_str(&v, "title", s->charts[ci].title);
    plots_var_str(&v, "xlabel", "mean utilization over the traces run ok (%)");
    plots_var_str(&v, "ylabel", "op-weighted throughput (Kops/s, log scale)");
    plots_var_str(&v, "gtitles", gt.b ? gt.b : "");
    plots_var_str(&v, "gpts", gp.b ? gp.b : "");
    v.oom |= gt.oom | gp.oom;
    plots_jobs_add(j, ci, "tradeoff.gp", &v);
    plots_vars_free(&gt);
    plots_vars_free(&gp);
    free(path);
out:
    free(idx);
    free(placed);
    free(px);
}
