/*
 * charts.c: turns a loaded results folder into gnuplot work: the overview
 * charts (utilization and throughput by trace, the trade-off, the Google
 * Benchmark charts), then every chart through gnuplot.c.
 *
 * Where it sits: after load.c, before report.c. Each chart's numbers are
 * pivoted here into DIR/plots/data/<stem>.dat (plain columns gnuplot reads
 * without help), and everything that needs judgement is decided here, in
 * C, so the .gp scripts only draw: which cells may be drawn (status ok
 * only; a failed cell is shown by its status, never as a zero), where each
 * bar goes, which side of its point a label goes, which unit an axis uses.
 */
#include "plots_charts.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Colours of the allocators, in allocator order (so an allocator has the
 * same colour in every chart and in the page's tables). Twenty cannot all
 * be far apart: the line charts also give each line its own point shape,
 * and beyond the list colours repeat. */
static const char *const charts_palette[] = {
    "#1f5fbf", "#e06c00", "#2a8f3c", "#c8283d", "#7a4cc2", "#8a5a2b",
    "#d13fa4", "#59636b", "#9aa500", "#0097a7", "#0b2f7a", "#e0a100",
    "#63b04a", "#ff7f8e", "#9c8cf0", "#3d3d3d", "#b36b00", "#00705f",
    "#a82d10", "#52a5dc",
};
#define CHARTS_NPAL (sizeof charts_palette / sizeof charts_palette[0])

const char *plots_color(size_t i) { return charts_palette[i % CHARTS_NPAL]; }

long plots_chart_new(plots_set *s, plots_kind kind, long trace, const char *stem,
                     const char *title, int png)
{
    plots_chart *nc = realloc(s->charts, (s->ncharts + 1) * sizeof *nc);
    if (!nc)
        return -1;
    s->charts = nc;
    plots_chart *c = &s->charts[s->ncharts];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->trace = trace;
    c->png = png;
    c->stem = strdup(stem);
    c->title = strdup(title);
    if (!c->stem || !c->title) {
        free(c->stem);
        free(c->title);
        return -1;
    }
    return (long)s->ncharts++;
}

void plots_chart_skip(plots_set *s, long ci, const char *fmt, ...)
{
    if (ci < 0)
        return;
    plots_chart *c = &s->charts[ci];
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(c->note);
    c->note = strdup(buf);
    c->drawn = 0;
    /* A chart left from an earlier run would contradict the page. */
    static const char *const ext[] = {"svg", "png"};
    for (size_t i = 0; i < 2; i++) {
        char *old = plots_strf("%s/plots/%s.%s", s->dir, c->stem, ext[i]);
        if (old)
            unlink(old);
        free(old);
    }
}

void plots_jobs_add(plots_jobs *j, long ci, const char *script, plots_vars *v)
{
    if (ci < 0 || v->oom || j->oom) {
        j->oom = 1;
        plots_vars_free(v);
        return;
    }
    if (j->n == j->cap) {
        size_t nc = j->cap ? j->cap * 2 : 16;
        plots_job *nv = realloc(j->v, nc * sizeof *nv);
        if (!nv) {
            j->oom = 1;
            plots_vars_free(v);
            return;
        }
        j->v = nv;
        j->cap = nc;
    }
    j->v[j->n].chart = (size_t)ci;
    j->v[j->n].script = script;
    j->v[j->n].vars = v->b;
    j->n++;
    memset(v, 0, sizeof *v);
}

FILE *plots_dat_open(plots_set *s, long ci, char **path_out)
{
    *path_out = plots_strf("%s/plots/data/%s.dat", s->dir, s->charts[ci].stem);
    FILE *f = *path_out ? fopen(*path_out, "w") : NULL;
    if (!f) {
        plots_error(s, "cannot write %s: %s", *path_out ? *path_out : "a .dat file",
                    strerror(errno));
        plots_chart_skip(s, ci, "its data file could not be written");
        free(*path_out);
        *path_out = NULL;
    }
    return f;
}

int plots_dat_close(plots_set *s, long ci, FILE *f, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        plots_error(s, "write error on %s", path);
        plots_chart_skip(s, ci, "its data file could not be written");
        return -1;
    }
    return 0;
}

void plots_dat_string(FILE *f, const char *text)
{
    fputc('"', f);
    for (; *text; text++) {
        char c = *text;
        fputc(c == '"' ? '\'' : (c == '\n' || c == '\r' || c == '\t') ? ' ' : c, f);
    }
    fputc('"', f);
}

double plots_byte_unit(double max, const char **name)
{
    static const char *const names[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double div = 1;
    size_t k = 0;
    while (k + 1 < sizeof names / sizeof names[0] && max >= div * 1024 * 2)
        div *= 1024, k++;
    *name = names[k];
    return div;
}

/* --- clustered bars ------------------------------------------------------ */

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
        b->val[i] = NAN;
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
            if (!isnan(v) && (!logy || v > 0)) {
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
                if (isnan(v) || (logy && v <= 0))
                    fputs("? ", f);
                else
                    fprintf(f, "%.6g ", v);
                fprintf(f, "0x%s ", b->se_color[se] + 1);
                plots_dat_string(f, isnan(v) && m ? m : "");
                if (isnan(v) || (logy && v <= 0))
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

/* Utilization (%) or throughput (Kops/s) by trace from results.csv. */
static void charts_by_trace(plots_set *s, plots_jobs *j, int kops)
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
        b.se_name[a] = s->allocs[a].name;
        b.se_color[a] = plots_color(s->allocs[a].color);
    }
    for (size_t t = 0; t < s->ntraces; t++) {
        for (size_t a = 0; a < s->nallocs; a++) {
            const plots_row *r = plots_cell(s, t, a);
            if (!r)
                continue;
            if (r->ok)
                b.val[t * s->nallocs + a] = kops ? r->kops : 100.0 * r->util;
            else
                b.mark[t * s->nallocs + a] = r->status;
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

static void charts_tradeoff(plots_set *s, plots_jobs *j)
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
        if (al->ok == 0 || !(al->kops > 0))
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
        const char *name = s->allocs[idx[i]].name;
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
            plots_dat_string(f, s->allocs[idx[i]].name);
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

/* --- everything ---------------------------------------------------------- */

static int charts_mkdir(plots_set *s, const char *sub)
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
    if (charts_mkdir(s, "plots") || charts_mkdir(s, "plots/data"))
        return 1;
    plots_gp g;
    int gp_missing = plots_gnuplot_setup(s, &g) != 0;

    plots_jobs j = {0};
    charts_by_trace(s, &j, 0);
    charts_by_trace(s, &j, 1);
    charts_tradeoff(s, &j);
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
