/*
 * load_results.c: DIR/results.csv into the rows of a plots_set.
 *
 * Where it sits: the first step of plots_load (load.c). The columns are
 * found by name in the header, from the one list harness/replay/metrics.h, so a
 * metric added there is read here with no change; a column the header
 * lacks is shown as 0, with a warning. The numbers of a row whose status
 * is not ok may be empty ("not measured"); so may the F64 figures of an ok
 * row (undefined, figure.h: shown as "-", never drawn); its counts must
 * all be valid numbers.
 */
#include "plots_csv.h"
#include "plots_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* An empty figure is undefined (figure.h) in any row: util of a trace
 * with no payload, a throughput with no timed pass. */
static int load_f64(const char *text, int ok, double *out)
{
    (void)ok;
    if (text[strspn(text, " \t")] == '\0') {
        *out = FB_UNDEF;
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

int plots_load_results(plots_set *s)
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
    plots_csv_columns(f, nf, load_col_names, LOAD_NCOLS, col);
    for (size_t i = 0; i < LOAD_NCOLS; i++) {
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
            plots_row_free(r);
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

