/*
 * chartkit.c: what every chart of plots/ is made with (plots_chartkit.h):
 * the chart list of the plots_set, the queue of gnuplot jobs, the .dat
 * files under DIR/plots/data/ and the units of byte axes.
 *
 * Where it sits: under the chart families (charts_*.c) and the bars
 * (bars.c), above gnuplot.c's variables; it draws nothing itself.
 */
#include "plots_chartkit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
