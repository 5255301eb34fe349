/*
 * load.c: reads a results folder into a plots_set (plots_int.h).
 *
 * Where it sits: first step of `fitbench plot/report`, after option
 * parsing. results.csv is the one file that must be there and be right: a
 * malformed row stops the command with the file and line (exit status 2),
 * since a chart drawn from a half-read table would mislead. summary.csv,
 * meta.json and bench.json are read when present; summary.csv is computed
 * from the rows when it is missing (an interrupted run writes rows as they
 * finish but no summary), and an unreadable meta.json or bench.json is a
 * warning that the page repeats. bench.json is read by load_bench.c.
 */
#include "plots_int.h"
#include "plots_csv.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLOTS_ERRLEN 512

char *plots_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void plots_error(const plots_set *s, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", s && s->prog ? s->prog : "fitbench");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void plots_warn(plots_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg) {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    fprintf(stderr, "%s: warning: %s\n", s->prog, msg ? msg : fmt);
    char **nw = msg ? realloc(s->warnings, (s->nwarnings + 1) * sizeof *nw) : NULL;
    if (!nw) {
        free(msg);
        return;
    }
    s->warnings = nw;
    s->warnings[s->nwarnings++] = msg;
}

/* The allocators DESIGN.md names, in `fitbench list` order: the order and
 * group used when summary.csv is absent. */
static const struct {
    const char *name, *group;
} load_known[] = {
    {"first", "fit"},       {"first-ao", "fit"}, {"next", "fit"},     {"best", "fit"},
    {"worst", "fit"},       {"segfit", "fit"},   {"tlsf", "fit"},     {"buddy", "fit"},
    {"mems", "seed"},       {"pagefamily", "seed"}, {"ostep", "seed"}, {"dmm", "seed"},
    {"libc", "system"},     {"jemalloc", "system"}, {"tcmalloc", "system"},
    {"mimalloc", "system"}, {"bump", "baseline"},
};
#define LOAD_NKNOWN (sizeof load_known / sizeof load_known[0])

static size_t load_known_rank(const char *name)
{
    for (size_t i = 0; i < LOAD_NKNOWN; i++)
        if (strcmp(load_known[i].name, name) == 0)
            return i;
    return LOAD_NKNOWN;
}

static long find_alloc(const plots_set *s, const char *name)
{
    for (size_t i = 0; i < s->nallocs; i++)
        if (strcmp(s->allocs[i].name, name) == 0)
            return (long)i;
    return -1;
}

static long add_alloc(plots_set *s, const char *name)
{
    long i = find_alloc(s, name);
    if (i >= 0)
        return i;
    plots_alloc *na = realloc(s->allocs, (s->nallocs + 1) * sizeof *na);
    if (!na)
        return -1;
    s->allocs = na;
    plots_alloc *a = &s->allocs[s->nallocs];
    memset(a, 0, sizeof *a);
    a->name = strdup(name);
    size_t k = load_known_rank(name);
    a->group = strdup(k < LOAD_NKNOWN ? load_known[k].group : "");
    if (!a->name || !a->group) {
        free(a->name);
        free(a->group);
        return -1;
    }
    return (long)s->nallocs++;
}

static long find_trace(const plots_set *s, const char *name)
{
    for (size_t i = 0; i < s->ntraces; i++)
        if (strcmp(s->traces[i].name, name) == 0)
            return (long)i;
    return -1;
}

static long add_trace(plots_set *s, const char *name)
{
    long i = find_trace(s, name);
    if (i >= 0)
        return i;
    plots_trace *nt = realloc(s->traces, (s->ntraces + 1) * sizeof *nt);
    if (!nt)
        return -1;
    s->traces = nt;
    plots_trace *t = &s->traces[s->ntraces];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    if (!t->name)
        return -1;
    return (long)s->ntraces++;
}

/* --- results.csv --------------------------------------------------------- */

enum load_col {
#define LOAD_COL_ENUM(name, type, fmt, unit, desc) LOAD_COL_##name,
    FB_METRICS(LOAD_COL_ENUM)
#undef LOAD_COL_ENUM
    LOAD_NCOLS
};

static const char *const load_col_names[LOAD_NCOLS] = {
#define LOAD_COL_NAME(name, type, fmt, unit, desc) #name,
    FB_METRICS(LOAD_COL_NAME)
#undef LOAD_COL_NAME
};

/* Fills one field of a row from its text. ok: the row's status is ok, when
 * an empty number is an error; otherwise empty means "not measured". */
static int load_u64(const char *text, int ok, uint64_t *out)
{
    if (!ok && text[strspn(text, " \t")] == '\0') {
        *out = 0;
        return 0;
    }
    return plots_parse_u64(text, out);
}

static int load_f64(const char *text, int ok, double *out)
{
    if (!ok && text[strspn(text, " \t")] == '\0') {
        *out = 0;
        return 0;
    }
    return plots_parse_f64(text, out);
}

#define LOAD_SET_STR(name) r->name = strdup(f[col[LOAD_COL_##name]]); if (!r->name) return 1;
#define LOAD_SET_TXT(name) LOAD_SET_STR(name)
#define LOAD_SET_U64(name) if (load_u64(f[col[LOAD_COL_##name]], r->ok, &r->name) < 0) bad = #name;
#define LOAD_SET_F64(name) if (load_f64(f[col[LOAD_COL_##name]], r->ok, &r->name) < 0) bad = #name;
#define LOAD_SET(name, type, fmt, unit, desc) \
    if (col[LOAD_COL_##name] >= 0 && !bad) { LOAD_SET_##type(name) }

/* Fills R from the record F; 0, or 2 with a message, or 1 out of memory.
 * Text fields are read after status so that r->ok is known. */
static int load_fill(plots_set *s, plots_csv *c, plots_row *r, char **f, const long *col)
{
    const char *bad = NULL;
    const char *status = f[col[LOAD_COL_status]];
    r->ok = strcmp(status, "ok") == 0;
    FB_METRICS(LOAD_SET)
    if (bad) {
        long k = -1;
        for (size_t i = 0; i < LOAD_NCOLS; i++)
            if (strcmp(load_col_names[i], bad) == 0)
                k = col[i];
        plots_error(s, "%s:%lu: column %s: \"%.40s\" is not a valid number", plots_csv_name(c),
                    plots_csv_line(c), bad, k >= 0 ? f[k] : "");
        return 2;
    }
    if (r->trace[0] == '\0' || r->allocator[0] == '\0' || r->status[0] == '\0') {
        plots_error(s, "%s:%lu: empty trace, allocator or status", plots_csv_name(c),
                    plots_csv_line(c));
        return 2;
    }
    return 0;
}

static void row_free(plots_row *r)
{
#define LOAD_FREE_STR(name) free(r->name);
#define LOAD_FREE_TXT(name) free(r->name);
#define LOAD_FREE_U64(name)
#define LOAD_FREE_F64(name)
#define LOAD_FREE(name, type, fmt, unit, desc) LOAD_FREE_##type(name)
    FB_METRICS(LOAD_FREE)
#undef LOAD_FREE
}

static int load_results(plots_set *s)
{
    char err[PLOTS_ERRLEN];
    char *path = plots_strf("%s/results.csv", s->dir);
    if (!path)
        return 1;
    if (access(path, F_OK) != 0) {
        plots_error(s, "%s: not found; DIR must be a folder written by `fitbench run`", path);
        free(path);
        return 2;
    }
    plots_csv *c = plots_csv_open(path, err, sizeof err);
    free(path);
    if (!c) {
        plots_error(s, "%s", err);
        return 2;
    }
    char **f;
    size_t nf;
    int rc = plots_csv_next(c, &f, &nf, err, sizeof err);
    if (rc <= 0) {
        if (rc == 0)
            plots_error(s, "%s: empty file, no header row", plots_csv_name(c));
        else
            plots_error(s, "%s", err);
        plots_csv_close(c);
        return 2;
    }
    long col[LOAD_NCOLS];
    size_t header_n = nf;
    char missing[512] = "";
    for (size_t i = 0; i < LOAD_NCOLS; i++) {
        col[i] = -1;
        for (size_t k = 0; k < nf; k++)
            if (strcmp(f[k], load_col_names[i]) == 0)
                col[i] = (long)k;
        if (col[i] < 0 && strlen(missing) + strlen(load_col_names[i]) + 3 < sizeof missing) {
            if (missing[0])
                strcat(missing, ", ");
            strcat(missing, load_col_names[i]);
        }
    }
    if (col[LOAD_COL_trace] < 0 || col[LOAD_COL_allocator] < 0 || col[LOAD_COL_status] < 0) {
        plots_error(s, "%s:1: the header lacks trace, allocator or status; not a results.csv "
                    "of fitbench", plots_csv_name(c));
        plots_csv_close(c);
        return 2;
    }
    if (missing[0])
        plots_warn(s, "%s: no column %s (older or newer fitbench?): shown as 0",
                   plots_csv_name(c), missing);

    size_t cap = 0;
    while ((rc = plots_csv_next(c, &f, &nf, err, sizeof err)) == 1) {
        if (nf != header_n) {
            plots_error(s, "%s:%lu: %zu fields, but the header has %zu", plots_csv_name(c),
                        plots_csv_line(c), nf, header_n);
            rc = 2;
            break;
        }
        if (s->nrows == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            plots_row *nr = realloc(s->rows, ncap * sizeof *nr);
            if (!nr) {
                rc = 1;
                break;
            }
            s->rows = nr;
            cap = ncap;
        }
        plots_row *r = &s->rows[s->nrows];
        memset(r, 0, sizeof *r);
        r->line = plots_csv_line(c);
        int frc = load_fill(s, c, r, f, col);
        /* Absent text columns are empty strings, not NULL. */
        if (!frc && !r->detail && !(r->detail = strdup("")))
            frc = 1;
        if (frc) {
            row_free(r);
            rc = frc;
            break;
        }
        s->nrows++;
    }
    if (rc < 0) {
        plots_error(s, "%s", err);
        rc = 2;
    }
    if (rc == 0 && s->nrows == 0) {
        plots_error(s, "%s: no rows below the header; nothing to draw", plots_csv_name(c));
        rc = 2;
    }
    if (rc == 1)
        plots_error(s, "out of memory reading %s", plots_csv_name(c));
    plots_csv_close(c);
    return rc;
}

/* --- summary.csv --------------------------------------------------------- */

static int load_summary(plots_set *s)
{
    char err[PLOTS_ERRLEN];
    char *path = plots_strf("%s/summary.csv", s->dir);
    if (!path)
        return 1;
    if (access(path, F_OK) != 0) {
        free(path);
        return 0; /* computed from the rows later */
    }
    plots_csv *c = plots_csv_open(path, err, sizeof err);
    free(path);
    if (!c) {
        plots_error(s, "%s", err);
        return 2;
    }
    static const char *const names[] = {"allocator", "group", "traces", "ok",
                                        "mean_util", "kops", "perf_index"};
    enum { NS = sizeof names / sizeof names[0] };
    long col[NS];
    char **f;
    size_t nf;
    int rc = plots_csv_next(c, &f, &nf, err, sizeof err);
    if (rc == 1) {
        for (size_t i = 0; i < NS; i++) {
            col[i] = -1;
            for (size_t k = 0; k < nf; k++)
                if (strcmp(f[k], names[i]) == 0)
                    col[i] = (long)k;
            if (col[i] < 0) {
                plots_error(s, "%s:1: no column %s in the header", plots_csv_name(c), names[i]);
                plots_csv_close(c);
                return 2;
            }
        }
    }
    size_t header_n = nf;
    while (rc == 1 && (rc = plots_csv_next(c, &f, &nf, err, sizeof err)) == 1) {
        if (nf != header_n) {
            plots_error(s, "%s:%lu: %zu fields, but the header has %zu", plots_csv_name(c),
                        plots_csv_line(c), nf, header_n);
            rc = 2;
            break;
        }
        long ai = add_alloc(s, f[col[0]]);
        if (ai < 0) {
            rc = 1;
            break;
        }
        plots_alloc *a = &s->allocs[ai];
        char *g = strdup(f[col[1]]);
        if (!g) {
            rc = 1;
            break;
        }
        free(a->group);
        a->group = g;
        const char *pi = f[col[6]];
        a->has_perf = pi[strspn(pi, " \t")] != '\0';
        const char *bad = NULL;
        if (plots_parse_u64(f[col[2]], &a->traces) < 0)
            bad = names[2];
        else if (plots_parse_u64(f[col[3]], &a->ok) < 0)
            bad = names[3];
        else if (plots_parse_f64(f[col[4]], &a->mean_util) < 0)
            bad = names[4];
        else if (plots_parse_f64(f[col[5]], &a->kops) < 0)
            bad = names[5];
        else if (a->has_perf && plots_parse_f64(pi, &a->perf_index) < 0)
            bad = names[6];
        if (bad || f[col[0]][0] == '\0') {
            plots_error(s, "%s:%lu: %s%s", plots_csv_name(c), plots_csv_line(c),
                        bad ? "not a valid number in column " : "empty allocator name",
                        bad ? bad : "");
            rc = 2;
            break;
        }
        a->in_summary = 1;
    }
    if (rc < 0) {
        plots_error(s, "%s", err);
        rc = 2;
    }
    if (rc == 1)
        plots_error(s, "out of memory reading %s", plots_csv_name(c));
    plots_csv_close(c);
    if (rc == 0)
        s->summary_file = 1;
    return rc;
}

/* The summary of every allocator missing from summary.csv, from the rows,
 * by summary.csv's definitions (perf index against libc of the same run). */
static void load_compute_summary(plots_set *s)
{
    for (size_t ai = 0; ai < s->nallocs; ai++) {
        plots_alloc *a = &s->allocs[ai];
        if (a->in_summary)
            continue;
        double usum = 0, secs = 0, ops = 0;
        a->traces = a->ok = 0;
        for (size_t i = 0; i < s->nrows; i++) {
            const plots_row *r = &s->rows[i];
            if (r->ai != ai || s->cell[r->ti * s->nallocs + ai] != (long)i)
                continue;
            a->traces++;
            if (!r->ok)
                continue;
            a->ok++;
            usum += r->util;
            secs += r->replay_s;
            ops += (double)r->ops;
        }
        a->mean_util = a->ok ? usum / (double)a->ok : 0;
        a->kops = secs > 0 ? ops / secs / 1000.0 : 0;
    }
    long libc = find_alloc(s, "libc");
    double t_libc = libc >= 0 ? s->allocs[libc].kops : 0;
    for (size_t ai = 0; ai < s->nallocs; ai++) {
        plots_alloc *a = &s->allocs[ai];
        if (a->in_summary)
            continue;
        a->has_perf = t_libc > 0 && a->ok > 0;
        if (a->has_perf)
            a->perf_index = 100.0 * (0.6 * a->mean_util + 0.4 * fmin(1.0, a->kops / t_libc));
    }
}

/* --- meta.json ---------------------------------------------------------- */

static void load_meta(plots_set *s)
{
    char err[PLOTS_ERRLEN];
    char *path = plots_strf("%s/meta.json", s->dir);
    if (!path)
        return;
    if (access(path, F_OK) == 0) {
        s->meta = plots_json_load(path, err, sizeof err);
        if (!s->meta) {
            plots_warn(s, "%s", err);
        } else if (s->meta->type != PLOTS_JOBJ) {
            plots_warn(s, "%s: not a JSON object; machine details not shown", path);
            plots_json_free(s->meta);
            s->meta = NULL;
        }
    } else {
        plots_warn(s, "%s: absent; the page cannot say which machine ran", path);
    }
    free(path);
}

/* --- the set ------------------------------------------------------------ */

static int trace_cmp(const void *a, const void *b)
{
    return strcmp(((const plots_trace *)a)->name, ((const plots_trace *)b)->name);
}

/* Allocators without a summary.csv line go after those with one (kept in
 * summary.csv's order), in `fitbench list` order, then by name. */
static int alloc_cmp(const void *pa, const void *pb)
{
    const plots_alloc *a = pa, *b = pb;
    size_t ra = load_known_rank(a->name), rb = load_known_rank(b->name);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return strcmp(a->name, b->name);
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
        if (add_trace(s, s->rows[i].trace) < 0 || add_alloc(s, s->rows[i].allocator) < 0)
            return 1;
    }
    qsort(s->traces, s->ntraces, sizeof *s->traces, trace_cmp);
    size_t nsum = 0;
    while (nsum < s->nallocs && s->allocs[nsum].in_summary)
        nsum++;
    qsort(s->allocs + nsum, s->nallocs - nsum, sizeof *s->allocs, alloc_cmp);
    for (size_t i = 0; i < s->nallocs; i++)
        s->allocs[i].color = i;

    s->cell = malloc((s->ntraces * s->nallocs) * sizeof *s->cell);
    if (!s->cell)
        return 1;
    for (size_t i = 0; i < s->ntraces * s->nallocs; i++)
        s->cell[i] = -1;
    for (size_t i = 0; i < s->nrows; i++) {
        plots_row *r = &s->rows[i];
        r->ti = (size_t)find_trace(s, r->trace);
        r->ai = (size_t)find_alloc(s, r->allocator);
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
    int rc = load_results(s);
    if (rc == 0)
        rc = load_summary(s);
    if (rc == 0)
        rc = load_index(s);
    if (rc == 1)
        plots_error(s, "out of memory");
    if (rc)
        return rc;
    if (!s->summary_file) {
        load_compute_summary(s);
        plots_warn(s, "%s/summary.csv: absent (interrupted run?); the summary is computed "
                   "from results.csv", s->dir);
    } else {
        for (size_t i = 0; i < s->nallocs; i++)
            if (!s->allocs[i].in_summary)
                plots_warn(s, "%s/summary.csv: no line for %s; its summary is computed "
                           "from results.csv", s->dir, s->allocs[i].name);
        load_compute_summary(s);
    }
    load_meta(s);
    return plots_load_bench(s) ? 1 : 0;
}

const plots_row *plots_cell(const plots_set *s, size_t ti, size_t ai)
{
    long i = s->cell[ti * s->nallocs + ai];
    return i >= 0 ? &s->rows[i] : NULL;
}

/* Names become part of a path: refuse what could leave the folder. */
static int load_name_ok(const char *n)
{
    return n[0] != '\0' && n[0] != '.' && !strchr(n, '/');
}

char *plots_cell_file(const plots_set *s, const char *sub, size_t ti, size_t ai)
{
    const char *t = s->traces[ti].name, *a = s->allocs[ai].name;
    if (!load_name_ok(t) || !load_name_ok(a))
        return NULL;
    char *p = plots_strf("%s/%s/%s__%s.csv", s->dir, sub, t, a);
    if (p && access(p, R_OK) != 0) {
        free(p);
        p = NULL;
    }
    return p;
}

void plots_set_free(plots_set *s)
{
    for (size_t i = 0; i < s->nrows; i++)
        row_free(&s->rows[i]);
    free(s->rows);
    for (size_t i = 0; i < s->ntraces; i++) {
        free(s->traces[i].name);
        free(s->traces[i].safe);
    }
    free(s->traces);
    for (size_t i = 0; i < s->nallocs; i++) {
        free(s->allocs[i].name);
        free(s->allocs[i].group);
    }
    free(s->allocs);
    free(s->cell);
    plots_json_free(s->meta);
    for (size_t i = 0; i < s->nbench; i++) {
        free(s->bench[i].name);
        free(s->bench[i].error);
    }
    free(s->bench);
    for (size_t i = 0; i < s->ncharts; i++) {
        free(s->charts[i].stem);
        free(s->charts[i].title);
        free(s->charts[i].note);
    }
    free(s->charts);
    for (size_t i = 0; i < s->nwarnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    free(s->dir);
    free(s->prog);
    memset(s, 0, sizeof *s);
}
