/*
 * charts_trace.c: the charts drawn from the per-cell files of a results
 * folder: the footprint timeline and the latency CDF of every trace, and
 * the heap map of one chosen cell.
 *
 * Where it sits: a chart family (plots_charts.h), run by draw.c. Reads
 * DIR/timeline/, DIR/latency/ and DIR/heapmap/<trace>__<alloc>.csv, writes
 * DIR/plots/data/<stem>.dat and queues timeline.gp, latency.gp, heapmap.gp.
 * Only cells whose status is ok are drawn, and in the timeline and the
 * latency CDF only those of the allocators pick.c chose. A malformed
 * per-cell file costs that one line of its chart, with a warning naming
 * the file and line; it does not stop the report, since the table rows
 * are still right.
 */
#include "plots_charts.h"
#include "plots_csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The columns NAMES of the CSV at PATH, as doubles, row-major into *out.
 * The header must name them (in any order; other columns are ignored).
 * 0, or -1 after a warning. */
static int cellfile_read(plots_set *s, const char *path, const char *const *names, size_t nn,
                      double **out, size_t *nrows)
{
    char err[512];
    *out = NULL;
    *nrows = 0;
    plots_csv *c = plots_csv_open(path, err, sizeof err);
    if (!c) {
        plots_warn(s, "%s; left out of its chart", err);
        return -1;
    }
    char **f;
    size_t nf, cap = 0, header_n = 0;
    long col[4] = {-1, -1, -1, -1};
    int rc = plots_csv_next(c, &f, &nf, err, sizeof err);
    if (rc == 1) {
        header_n = nf;
        for (size_t i = 0; i < nn; i++)
            for (size_t k = 0; k < nf; k++)
                if (strcmp(f[k], names[i]) == 0)
                    col[i] = (long)k;
        for (size_t i = 0; i < nn; i++) {
            if (col[i] < 0) {
                snprintf(err, sizeof err, "%s:1: no column %s in the header", path, names[i]);
                rc = -1;
            }
        }
    } else if (rc == 0) {
        snprintf(err, sizeof err, "%s: empty file", path);
        rc = -1;
    }
    while (rc == 1 && (rc = plots_csv_next(c, &f, &nf, err, sizeof err)) == 1) {
        if (nf != header_n) {
            snprintf(err, sizeof err, "%s:%lu: %zu fields, but the header has %zu", path,
                     plots_csv_line(c), nf, header_n);
            rc = -1;
            break;
        }
        if (*nrows == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            double *nv = realloc(*out, ncap * nn * sizeof *nv);
            if (!nv) {
                snprintf(err, sizeof err, "%s: out of memory", path);
                rc = -1;
                break;
            }
            *out = nv;
            cap = ncap;
        }
        for (size_t i = 0; i < nn && rc == 1; i++) {
            if (plots_parse_f64(f[col[i]], &(*out)[*nrows * nn + i]) < 0) {
                snprintf(err, sizeof err, "%s:%lu: column %s: \"%.30s\" is not a number", path,
                         plots_csv_line(c), names[i], f[col[i]]);
                rc = -1;
            }
        }
        if (rc == 1)
            (*nrows)++;
    }
    plots_csv_close(c);
    if (rc == 0 && *nrows == 0) {
        snprintf(err, sizeof err, "%s: no rows below the header", path);
        rc = -1;
    }
    if (rc < 0) {
        plots_warn(s, "%s; left out of its chart", err);
        free(*out);
        *out = NULL;
        *nrows = 0;
        return -1;
    }
    return 0;
}

/* One allocator's line in a per-trace chart. */
typedef struct cellfile_series {
    size_t ai;
    double *v;
    size_t n;
} cellfile_series;

/* Reads SUB/<trace>__<alloc>.csv of every ok cell of trace TI whose
 * allocator pick.c chose. Returns
 * the series read (count in *ns); *nfiles counts files found, read or not. */
static cellfile_series *cellfile_collect(plots_set *s, size_t ti, const char *sub,
                                   const char *const *names, size_t nn, size_t *ns,
                                   int *nfiles, int *oom)
{
    cellfile_series *v = calloc(s->nallocs ? s->nallocs : 1, sizeof *v);
    *ns = 0;
    *nfiles = 0;
    *oom = !v;
    for (size_t a = 0; v && a < s->nallocs; a++) {
        const plots_row *r = plots_cell(s, ti, a);
        if (!r || !r->ok || !s->allocs[a].picked)
            continue;
        char *path = plots_cell_file(s, sub, ti, a);
        if (!path)
            continue;
        (*nfiles)++;
        if (cellfile_read(s, path, names, nn, &v[*ns].v, &v[*ns].n) == 0)
            v[(*ns)++].ai = a;
        free(path);
    }
    return v;
}

static void cellfile_series_free(cellfile_series *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].v);
    free(v);
}

/* Title, colour lists and the job for a chart with one line per series. */
static void cellfile_lines_job(plots_set *s, plots_jobs *j, long ci, const char *script,
                            const cellfile_series *v, size_t ns, plots_vars *vars)
{
    plots_vars titles = {0}, colors = {0};
    for (size_t i = 0; i < ns; i++) {
        plots_words_add(&titles, plots_alloc_label(&s->allocs[v[i].ai]));
        plots_words_add(&colors, plots_color(s->allocs[v[i].ai].color));
    }
    plots_var_int(vars, "n", (long)ns);
    plots_var_str(vars, "titles", titles.b ? titles.b : "");
    plots_var_str(vars, "colors", colors.b ? colors.b : "");
    plots_var_str(vars, "title", s->charts[ci].title);
    vars->oom |= titles.oom | colors.oom;
    plots_jobs_add(j, ci, script, vars);
    plots_vars_free(&titles);
    plots_vars_free(&colors);
}

static long cellfile_chart(plots_set *s, plots_jobs *j, plots_kind kind, size_t ti,
                        const char *prefix, const char *what)
{
    char *stem = plots_strf("%s_%s", prefix, s->traces[ti].safe);
    char *title = plots_strf("%s: %s", what, s->traces[ti].name);
    long ci = stem && title ? plots_chart_new(s, kind, (long)ti, stem, title, 0) : -1;
    free(stem);
    free(title);
    if (ci < 0)
        j->oom = 1;
    return ci;
}

void plots_charts_timeline(plots_set *s, plots_jobs *j, size_t ti)
{
    static const char *const names[] = {"op", "live_payload", "footprint"};
    long ci = cellfile_chart(s, j, PLOTS_K_TIMELINE, ti, "timeline",
                          "Footprint and live payload along the replay");
    if (ci < 0)
        return;
    size_t ns;
    int nfiles, oom;
    /* A trace with no ops has nothing to draw, and no row in its files. */
    if (s->traces[ti].ops == 0) {
        plots_chart_skip(s, ci, "the trace has no operations");
        return;
    }
    cellfile_series *v = cellfile_collect(s, ti, "timeline", names, 3, &ns, &nfiles, &oom);
    if (oom)
        j->oom = 1;
    if (ns == 0) {
        plots_chart_skip(s, ci, nfiles ? "its timeline files could not be read"
                                       : "no timeline file for an ok cell of this trace");
        cellfile_series_free(v, ns);
        return;
    }
    double max_fp = 0, max_live = 0;
    for (size_t i = 0; i < ns; i++) {
        for (size_t r = 0; r < v[i].n; r++) {
            max_live = fmax(max_live, v[i].v[r * 3 + 1]);
            max_fp = fmax(max_fp, v[i].v[r * 3 + 2]);
        }
    }
    /* An allocator holding ten times the payload or more would flatten all
     * the others against the axis: such charts get a log axis. */
    int logy = max_live > 0 && max_fp > 10 * max_live;
    const char *unit;
    double div = plots_byte_unit(fmax(max_fp, max_live), &unit);
    char *path;
    FILE *f = plots_dat_open(s, ci, &path);
    if (!f) {
        cellfile_series_free(v, ns);
        return;
    }
    fprintf(f, "# timeline of %s: block 0 live payload, then one block of footprint per "
               "allocator; op and %s\n", s->traces[ti].name, unit);
    for (size_t i = 0; i <= ns; i++) {
        const cellfile_series *sv = &v[i ? i - 1 : 0];
        int col = i ? 2 : 1;
        if (i)
            fputs("\n\n", f);
        for (size_t r = 0; r < sv->n; r++) {
            double y = sv->v[r * 3 + col];
            if (logy && y <= 0)
                fprintf(f, "%.0f ?\n", sv->v[r * 3]);
            else
                fprintf(f, "%.0f %.6g\n", sv->v[r * 3], y / div);
        }
    }
    if (plots_dat_close(s, ci, f, path) == 0) {
        plots_vars vars = {0}, pis = {0};
        for (size_t i = 0; i < ns; i++) {
            char num[24];
            snprintf(num, sizeof num, "%zu", v[i].n / 7 ? v[i].n / 7 : 1);
            plots_words_add(&pis, num);
        }
        char *ylabel = plots_strf("bytes held (%s%s)", unit, logy ? ", log scale" : "");
        plots_var_str(&vars, "data", path);
        plots_var_str(&vars, "pis", pis.b ? pis.b : "");
        plots_var_int(&vars, "logy", logy);
        /* A log axis down to the first and last few bytes would squeeze
         * the replay itself into the top of the chart: two decades below
         * the payload peak are enough. */
        plots_var_num(&vars, "ymin", logy ? pow(10, floor(log10(max_live / div / 100))) : 0);
        plots_var_str(&vars, "xlabel", "operations replayed");
        plots_var_str(&vars, "ylabel", ylabel ? ylabel : "bytes held");
        vars.oom |= pis.oom;
        cellfile_lines_job(s, j, ci, "timeline.gp", v, ns, &vars);
        plots_vars_free(&pis);
        free(ylabel);
    }
    free(path);
    cellfile_series_free(v, ns);
}

void plots_charts_latency(plots_set *s, plots_jobs *j, size_t ti)
{
    static const char *const names[] = {"ns", "cdf"};
    long ci = cellfile_chart(s, j, PLOTS_K_LATENCY, ti, "latency",
                          "Latency CDF, every malloc, realloc and free");
    if (ci < 0)
        return;
    size_t ns;
    int nfiles, oom;
    /* A trace with no ops has nothing to draw, and no row in its files. */
    if (s->traces[ti].ops == 0) {
        plots_chart_skip(s, ci, "the trace has no operations");
        return;
    }
    cellfile_series *v = cellfile_collect(s, ti, "latency", names, 2, &ns, &nfiles, &oom);
    if (oom)
        j->oom = 1;
    /* A CDF that falls or leaves [0, 1] is not one: drop the line. */
    for (size_t i = 0; i < ns;) {
        double prev = 0;
        const char *bad = NULL;
        for (size_t r = 0; r < v[i].n && !bad; r++) {
            double c = v[i].v[r * 2 + 1];
            if (c < 0 || c > 1 + 1e-9)
                bad = "a fraction outside [0, 1]";
            else if (c < prev - 1e-9)
                bad = "a fraction lower than the one before";
            prev = c;
        }
        if (bad) {
            plots_warn(s, "%s/latency/%s__%s.csv: %s; left out of its chart", s->dir,
                       s->traces[ti].name, s->allocs[v[i].ai].allocator, bad);
            free(v[i].v);
            v[i] = v[--ns];
            continue;
        }
        i++;
    }
    if (ns == 0) {
        plots_chart_skip(s, ci, nfiles ? "its latency files could not be used"
                                       : "no latency file for an ok cell of this trace");
        cellfile_series_free(v, ns);
        return;
    }
    char *path;
    FILE *f = plots_dat_open(s, ci, &path);
    if (!f) {
        cellfile_series_free(v, ns);
        return;
    }
    fprintf(f, "# latency CDF of %s: one block per allocator; ns fraction\n",
            s->traces[ti].name);
    for (size_t i = 0; i < ns; i++) {
        if (i)
            fputs("\n\n", f);
        int rows = 0;
        for (size_t r = 0; r < v[i].n; r++) {
            /* A 0 ns bound has no place on a log axis. */
            if (v[i].v[r * 2] <= 0)
                continue;
            /* The line rises from 0 at the first bound, as a CDF does. */
            if (!rows)
                fprintf(f, "%.6g 0\n", v[i].v[r * 2]);
            fprintf(f, "%.6g %.6g\n", v[i].v[r * 2], v[i].v[r * 2 + 1]);
            rows++;
        }
        if (!rows)
            fputs("1 ?\n", f);
    }
    if (plots_dat_close(s, ci, f, path) == 0) {
        plots_vars vars = {0}, pis = {0};
        for (size_t i = 0; i < ns; i++) {
            char num[24];
            snprintf(num, sizeof num, "%zu", v[i].n / 6 ? v[i].n / 6 : 1);
            plots_words_add(&pis, num);
        }
        plots_var_str(&vars, "pis", pis.b ? pis.b : "");
        vars.oom |= pis.oom;
        plots_vars_free(&pis);
        plots_var_str(&vars, "data", path);
        plots_var_str(&vars, "xlabel", "latency of one operation (ns, log scale)");
        plots_var_str(&vars, "ylabel", "fraction of operations at most this slow");
        cellfile_lines_job(s, j, ci, "latency.gp", v, ns, &vars);
    }
    free(path);
    cellfile_series_free(v, ns);
}

/* --- the heap map ------------------------------------------------------- */

int plots_heapmap_choose(plots_set *s, const char *want)
{
    s->heap_ti = s->heap_ai = -1;
    if (want) {
        const char *slash = strrchr(want, '/');
        if (!slash || slash == want || !slash[1]) {
            plots_error(s, "--heapmap %s: give TRACE/ALLOCATOR, e.g. --heapmap %s/%s", want,
                        s->traces[0].name, s->allocs[0].allocator);
            return 2;
        }
        long ti = -1, ai = -1;
        for (size_t t = 0; t < s->ntraces; t++)
            if (strlen(s->traces[t].name) == (size_t)(slash - want) &&
                strncmp(s->traces[t].name, want, (size_t)(slash - want)) == 0)
                ti = (long)t;
        for (size_t a = 0; a < s->nallocs; a++)
            if (strcmp(s->allocs[a].allocator, slash + 1) == 0)
                ai = (long)a;
        if (ti < 0 || ai < 0) {
            plots_error(s, "--heapmap %s: no %s named \"%.*s\" in %s/results.csv", want,
                        ti < 0 ? "trace" : "allocator",
                        ti < 0 ? (int)(slash - want) : (int)strlen(slash + 1),
                        ti < 0 ? want : slash + 1, s->dir);
            return 2;
        }
        char *p = plots_cell_file(s, "heapmap", (size_t)ti, (size_t)ai);
        if (!p) {
            plots_error(s, "--heapmap %s: no file %s/heapmap/%s__%s.csv (only allocators "
                           "that can walk their heap write one)", want, s->dir,
                        s->traces[ti].name, s->allocs[ai].allocator);
            return 2;
        }
        free(p);
        const plots_row *r = plots_cell(s, (size_t)ti, (size_t)ai);
        if (r && !r->ok)
            plots_warn(s, "--heapmap %s: that cell's status is %s; its heap map may be "
                          "partial", want, r->status);
        s->heap_ti = ti;
        s->heap_ai = ai;
        return 0;
    }
    /* The default: the ok cell with a heap map whose heap was the most
     * fragmented at its footprint peak (ext_frag), where there is the
     * most to see; ties go to the larger peak payload, then to the first
     * in the tables' order. A cell whose ext_frag is undefined comes after
     * every cell that has one. */
    double best = 0;
    for (size_t t = 0; t < s->ntraces; t++) {
        for (size_t a = 0; a < s->nallocs; a++) {
            const plots_row *r = plots_cell(s, t, a);
            if (!r || !r->ok)
                continue;
            char *p = plots_cell_file(s, "heapmap", t, a);
            if (!p)
                continue;
            free(p);
            double score = fb_defined(r->ext_frag) ? r->ext_frag : -1;
            if (s->heap_ti >= 0 &&
                (score < best || (score == best && s->traces[t].peak_payload <=
                                                       s->traces[s->heap_ti].peak_payload)))
                continue;
            best = score;
            s->heap_ti = (long)t;
            s->heap_ai = (long)a;
        }
    }
    return 0;
}

static int block_cmp(const void *pa, const void *pb)
{
    const double *a = pa, *b = pb;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

static void fmt_bytes(char *buf, size_t len, double bytes)
{
    const char *unit;
    double div = plots_byte_unit(bytes, &unit);
    if (div == 1)
        snprintf(buf, len, "%.0f B", bytes);
    else
        snprintf(buf, len, "%.1f %s", bytes / div, unit);
}

void plots_charts_heapmap(plots_set *s, plots_jobs *j)
{
    static const char *const names[] = {"offset", "size", "used"};
    long ci = plots_chart_new(s, PLOTS_K_HEAPMAP, s->heap_ti, "heapmap",
                              "Heap at its footprint peak", 1);
    if (ci < 0) {
        j->oom = 1;
        return;
    }
    if (s->heap_ti < 0) {
        plots_chart_skip(s, ci, "no heap map file in %s/heapmap/ for a cell that ran ok",
                         s->dir);
        return;
    }
    size_t ti = (size_t)s->heap_ti, ai = (size_t)s->heap_ai;
    char *src = plots_cell_file(s, "heapmap", ti, ai);
    double *b = NULL;
    size_t n = 0;
    if (!src || cellfile_read(s, src, names, 3, &b, &n) < 0) {
        plots_chart_skip(s, ci, "its heap map file could not be read");
        free(src);
        return;
    }
    double end = 0, used_b = 0, free_b = 0, largest = 0;
    size_t used_n = 0, free_n = 0, overlaps = 0;
    const char *bad = NULL;
    for (size_t i = 0; i < n && !bad; i++) {
        double off = b[i * 3], size = b[i * 3 + 1], u = b[i * 3 + 2];
        if (off < 0 || size <= 0 || off + size > 9e15)
            bad = "a block with a negative offset or a size that is not positive";
        else if (u != 0 && u != 1)
            bad = "a used flag other than 0 or 1";
    }
    if (bad) {
        plots_warn(s, "%s: %s; no heap map drawn", src, bad);
        plots_chart_skip(s, ci, "its heap map file is malformed");
        free(src);
        free(b);
        return;
    }
    qsort(b, n, 3 * sizeof *b, block_cmp);
    for (size_t i = 0; i < n; i++) {
        double off = b[i * 3], size = b[i * 3 + 1];
        if (i && off < b[(i - 1) * 3] + b[(i - 1) * 3 + 1])
            overlaps++;
        end = fmax(end, off + size);
        if (b[i * 3 + 2] != 0) {
            used_n++;
            used_b += size;
        } else {
            free_n++;
            free_b += size;
            largest = fmax(largest, size);
        }
    }
    if (overlaps)
        plots_warn(s, "%s: %zu blocks overlap the one before; drawn as given", src, overlaps);

    /* Rows like lines of text: about sqrt(blocks/3) of them (at most 40),
     * each a power-of-two number of bytes wide. */
    double want_rows = fmin(40, fmax(1, ceil(sqrt((double)n / 3.0))));
    double roww = 16;
    while (roww * want_rows < end)
        roww *= 2;
    double nrows = fmax(1, ceil(end / roww));
    const char *unit;
    double div = plots_byte_unit(roww, &unit);
    double ystep = roww * ceil(nrows / 12);

    char *path;
    FILE *f = plots_dat_open(s, ci, &path);
    if (f) {
        static const char *const shade[2][2] = {{"f08c00", "ffb347"}, {"1f5fbf", "5a8ddb"}};
        int alt = 0, prev_u = -1;
        double prev_end = -1;
        fprintf(f, "# heap map of %s / %s: xlo xhi row color, in %s\n", s->traces[ti].name,
                s->allocs[ai].allocator, unit);
        for (size_t i = 0; i < n; i++) {
            double o = b[i * 3], e = o + b[i * 3 + 1];
            int u = b[i * 3 + 2] != 0;
            /* The lighter shade only marks a block that touches one of
             * its own kind, so the boundary between them shows. */
            alt = u == prev_u && o == prev_end ? !alt : 0;
            prev_u = u;
            prev_end = e;
            const char *col = shade[u][alt];
            while (o < e) {
                double row = floor(o / roww);
                double re = fmin(e, (row + 1) * roww);
                fprintf(f, "%.6g %.6g %.6g 0x%s\n", (o - row * roww) / div,
                        (re - row * roww) / div, row * roww / div, col);
                o = re;
            }
        }
        if (plots_dat_close(s, ci, f, path) == 0) {
            char ub[32], fb[32], lb[32];
            fmt_bytes(ub, sizeof ub, used_b);
            fmt_bytes(fb, sizeof fb, free_b);
            fmt_bytes(lb, sizeof lb, largest);
            char *title = plots_strf("Heap at its footprint peak: %s / %s",
                                     s->traces[ti].name, s->allocs[ai].allocator);
            /* The heap map merges neighbouring blocks in the same state. */
            char *sub = plots_strf("%zu used stretches (%s), %zu free stretches (%s), "
                                   "largest free stretch %s", used_n, ub, free_n, fb, lb);
            char *xl = plots_strf("offset within the row (%s)", unit);
            char *yl = plots_strf("row start offset (%s)", unit);
            if (title) {
                free(s->charts[ci].title);
                s->charts[ci].title = title;
            }
            plots_vars v = {0};
            plots_var_str(&v, "data", path);
            plots_var_num(&v, "roww", roww / div);
            plots_var_int(&v, "nrows", (long)nrows);
            plots_var_num(&v, "ystep", ystep / div);
            plots_var_str(&v, "title", s->charts[ci].title);
            plots_var_str(&v, "subtitle", sub ? sub : "");
            plots_var_str(&v, "xlabel", xl ? xl : "offset");
            plots_var_str(&v, "ylabel", yl ? yl : "row");
            plots_var_str(&v, "ucolor", "#1f5fbf");
            plots_var_str(&v, "fcolor", "#f08c00");
            v.oom |= !sub || !xl || !yl;
            plots_jobs_add(j, ci, "heapmap.gp", &v);
            free(sub);
            free(xl);
            free(yl);
        }
        free(path);
    }
    free(src);
    free(b);
}
