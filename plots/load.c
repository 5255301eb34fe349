/*
 * load.c: reads a results folder into a plots_set (plots_load.h).
 *
 * Where it sits: first step of `fitbench plot/report`, after option
 * parsing (plots.c). It checks the folder, has load_results.c read
 * results.csv, the one file that must be there and be right (a malformed
 * row stops the command with the file and line, exit status 2, since a
 * chart drawn from a half-read table would mislead), and load_summary.c
 * read summary.csv when present and compute the summary of every
 * allocator it lacks (an interrupted run writes rows as they finish but
 * no summary). It then indexes traces and allocators into the cell
 * matrix, picks the allocators the per-trace charts draw (pick.c), reads
 * meta.json (through harness/json/jread.h) and has load_bench.c
 * read bench.json; an absent or unreadable meta.json or bench.json is a
 * warning that the page repeats.
 */
#include "plots_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- meta.json ---------------------------------------------------------- */

static void load_meta(plots_set *s)
{
    char err[PLOTS_ERRLEN];
    char *path = plots_strf("%s/meta.json", s->dir);
    if (!path)
        return;
    if (access(path, F_OK) == 0) {
        s->meta = fb_jread_file(path, err, sizeof err);
        if (!s->meta) {
            plots_warn(s, "%s", err);
        } else if (!json_object_is_type(s->meta, json_type_object)) {
            plots_warn(s, "%s: not a JSON object; machine details not shown", path);
            json_object_put(s->meta);
            s->meta = NULL;
        }
    } else {
        plots_warn(s, "%s: absent; the page cannot say which machine ran", path);
    }
    free(path);
}

/* --- the set ------------------------------------------------------------ */

static int load_trace_cmp(const void *a, const void *b)
{
    return strcmp(((const plots_trace *)a)->name, ((const plots_trace *)b)->name);
}

/* Allocators without a summary.csv line go after those with one (kept in
 * summary.csv's order), in `fitbench list` order, then by name. */
static int load_alloc_cmp(const void *pa, const void *pb)
{
    const plots_alloc *a = pa, *b = pb;
    size_t ra = plots_alloc_rank(a->allocator), rb = plots_alloc_rank(b->allocator);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return strcmp(a->allocator, b->allocator);
}

/* Chart file names: trace names made safe for a path and a URL. */
static int load_safe_names(plots_set *s)
{
    for (size_t i = 0; i < s->ntraces; i++) {
        const char *n = s->traces[i].name;
        size_t len = strlen(n);
        if (len > 80)
            len = 80;
        char *safe = malloc(len + 24);
        if (!safe)
            return 1;
        for (size_t k = 0; k < len; k++) {
            char ch = n[k];
            int okc = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || (ch == '.' && k);
            safe[k] = okc ? ch : '_';
        }
        safe[len] = '\0';
        for (size_t j = 0; j < i; j++) {
            if (strcmp(s->traces[j].safe, safe) == 0) {
                snprintf(safe + len, 24, "-%zu", i + 1);
                break;
            }
        }
        s->traces[i].safe = safe;
    }
    return 0;
}

static int load_index(plots_set *s)
{
    for (size_t i = 0; i < s->nrows; i++) {
        if (plots_trace_add(s, s->rows[i].trace) < 0 ||
            plots_alloc_add(s, s->rows[i].allocator) < 0)
            return 1;
    }
    qsort(s->traces, s->ntraces, sizeof *s->traces, load_trace_cmp);
    size_t nsum = 0;
    while (nsum < s->nallocs && s->allocs[nsum].in_summary)
        nsum++;
    qsort(s->allocs + nsum, s->nallocs - nsum, sizeof *s->allocs, load_alloc_cmp);
    for (size_t i = 0; i < s->nallocs; i++)
        s->allocs[i].color = i;

    s->cell = malloc((s->ntraces * s->nallocs) * sizeof *s->cell);
    if (!s->cell)
        return 1;
    for (size_t i = 0; i < s->ntraces * s->nallocs; i++)
        s->cell[i] = -1;
    for (size_t i = 0; i < s->nrows; i++) {
        plots_row *r = &s->rows[i];
        r->ti = (size_t)plots_trace_find(s, r->trace);
        r->ai = (size_t)plots_alloc_find(s, r->allocator);
        long *c = &s->cell[r->ti * s->nallocs + r->ai];
        if (*c >= 0)
            plots_warn(s, "%s/results.csv:%lu: second row for %s / %s (first on line %lu); "
                       "the later one is used", s->dir, r->line, r->trace, r->allocator,
                       s->rows[*c].line);
        *c = (long)i;
    }
    for (size_t i = 0; i < s->nrows; i++) {
        const plots_row *r = &s->rows[i];
        plots_trace *t = &s->traces[r->ti];
        if (s->cell[r->ti * s->nallocs + r->ai] != (long)i)
            continue;
        if (r->ops > t->ops)
            t->ops = r->ops;
        if (r->ok && r->peak_payload > t->peak_payload)
            t->peak_payload = r->peak_payload;
    }
    return load_safe_names(s);
}

int plots_load(plots_set *s, const char *dir, const char *prog)
{
    memset(s, 0, sizeof *s);
    s->heap_ti = s->heap_ai = -1;
    s->prog = strdup(prog);
    s->dir = strdup(dir);
    if (!s->prog || !s->dir)
        return 1;
    /* A trailing slash would double in every path and link. */
    size_t len = strlen(s->dir);
    while (len > 1 && s->dir[len - 1] == '/')
        s->dir[--len] = '\0';

    struct stat st;
    if (stat(s->dir, &st) != 0) {
        plots_error(s, "%s: %s", s->dir, strerror(errno));
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
        plots_error(s, "%s: not a folder; give the results folder of `fitbench run`", s->dir);
        return 2;
    }
    int rc = plots_load_results(s);
    if (rc == 0)
        rc = plots_load_summary(s);
    if (rc == 0)
        rc = load_index(s);
    if (rc == 1)
        plots_error(s, "out of memory");
    if (rc)
        return rc;
    if (!s->summary_file) {
        plots_summary_compute(s);
        char *sum = plots_strf("%s/summary.csv", s->dir);
        if (sum && access(sum, F_OK) != 0)
            plots_warn(s, "%s/summary.csv: absent (interrupted run?); the summary is "
                       "computed from results.csv", s->dir);
        free(sum);
    } else {
        for (size_t i = 0; i < s->nallocs; i++)
            if (!s->allocs[i].in_summary)
                plots_warn(s, "%s/summary.csv: no line for %s; its summary is computed "
                           "from results.csv", s->dir, s->allocs[i].allocator);
        plots_summary_compute(s);
    }
    plots_pick(s);
    load_meta(s);
    return plots_load_bench(s) ? 1 : 0;
}

