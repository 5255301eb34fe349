/*
 * output.c: results.csv, results.json and summary.csv, and the printed
 * tables. The per-cell columns come from FB_METRICS (metrics.h) alone,
 * summary.csv's columns and figures from summary.h. Each row goes to
 * results.csv in one write() on an O_APPEND descriptor, so that no kill
 * leaves half a row there (results_read.c reads the file back).
 */
#include "output.h"

#include "allocators.h"
#include "summary.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fb_results {
    char dir[4096];
    int csv; /* results.csv, O_APPEND */
    fb_row *rows;
    unsigned *machine; /* per row: the machine it was measured on */
    size_t n, cap;
};

/* ------------------------------------------------------- CSV and JSON */

static void csv_str(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
    }
    fputc('"', out);
}

static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* An undefined figure (figure.h) is written as null. */
static void json_f64(FILE *out, double v) {
    if (fb_defined(v))
        fprintf(out, "%.6g", v);
    else
        fputs("null", out);
}

#define CSV_NAME(name, type, fmt, unit, desc) fputs(first ? #name : "," #name, out), first = 0;
void fb_csv_header(FILE *out) {
    int first = 1;
    FB_METRICS(CSV_NAME)
}

#define CSV_VAL_STR(out, v, fmt) csv_str(out, v)
#define CSV_VAL_TXT(out, v, fmt) csv_str(out, v)
#define CSV_VAL_U64(out, v, fmt) fprintf(out, fmt, v)
/* An undefined figure is an empty field (figure.h). */
#define CSV_VAL_F64(out, v, fmt) \
    if (fb_defined(v))           \
        fprintf(out, fmt, v)
#define CSV_FIELD(name, type, fmt, unit, desc) \
    if (!first)                                \
        fputc(',', out);                       \
    first = 0;                                 \
    CSV_VAL_##type(out, row->name, fmt);
void fb_csv_row(FILE *out, const fb_row *row) {
    int first = 1;
    FB_METRICS(CSV_FIELD)
    fputc('\n', out);
}

#define JSON_VAL_STR(out, v) json_str(out, v)
#define JSON_VAL_TXT(out, v) json_str(out, v)
#define JSON_VAL_U64(out, v) fprintf(out, "%" PRIu64, v)
#define JSON_VAL_F64(out, v) json_f64(out, v)
#define JSON_FIELD(name, type, fmt, unit, desc) \
    fputs(first ? "\"" #name "\": " : ", \"" #name "\": ", out); \
    first = 0;                                 \
    JSON_VAL_##type(out, row->name);
void fb_json_row(FILE *out, const fb_row *row) {
    int first = 1;
    fputc('{', out);
    FB_METRICS(JSON_FIELD)
    fputc('}', out);
}

/* ----------------------------------------------------------- the files */

/* Writes all of TEXT to FD in one write() (a regular file takes it
 * whole); 0 or -1. */
static int write_once(int fd, const char *text, size_t len) {
    ssize_t w;
    do
        w = write(fd, text, len);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)len ? 0 : -1;
}

static int rows_grow(fb_results *r) {
    if (r->n < r->cap)
        return 0;
    size_t cap = r->cap ? 2 * r->cap : 64;
    fb_row *rows = realloc(r->rows, cap * sizeof *rows);
    if (rows)
        r->rows = rows;
    unsigned *m = rows ? realloc(r->machine, cap * sizeof *m) : NULL;
    if (!m)
        return -1;
    r->machine = m;
    r->cap = cap;
    return 0;
}

static int write_json(fb_results *r);

fb_results *fb_results_open(const char *dir, char *err, size_t errlen) {
    return fb_results_open_with(dir, NULL, NULL, 0, err, errlen);
}

fb_results *fb_results_open_with(const char *dir, const fb_row *keep, const unsigned *machine,
                                 size_t nkeep, char *err, size_t errlen) {
    fb_results *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->csv = -1;
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create folder: %s", dir, strerror(errno));
        free(r);
        return NULL;
    }
    /* The header and the kept rows go to a new file that replaces the old
     * one at once: a kill at any moment leaves the old file or the new. */
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        free(r);
        return NULL;
    }
    fb_csv_header(f);
    fputc('\n', f);
    int bad = 0;
    for (size_t i = 0; i < nkeep && !bad; i++) {
        fb_csv_row(f, &keep[i]);
        bad = rows_grow(r);
        if (!bad) {
            r->rows[r->n] = keep[i];
            r->machine[r->n++] = machine ? machine[i] : 0;
        }
    }
    bad |= ferror(f);
    if ((fclose(f) | bad) || rename(tmp, path) != 0 ||
        (r->csv = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0 || write_json(r)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        fb_results_close(r);
        return NULL;
    }
    return r;
}

static int write_json(fb_results *r) {
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/results.json", r->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fputs("[\n", f);
    for (size_t i = 0; i < r->n; i++) {
        fputs("  ", f);
        fb_json_row(f, &r->rows[i]);
        fputs(i + 1 < r->n ? ",\n" : "\n", f);
    }
    fputs("]\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return -1;
    return rename(tmp, path);
}

int fb_results_add(fb_results *r, const fb_row *row) { return fb_results_add_on(r, row, 0); }

int fb_results_add_on(fb_results *r, const fb_row *row, unsigned machine) {
    if (rows_grow(r) != 0)
        return -1;
    r->rows[r->n] = *row;
    r->machine[r->n++] = machine;
    char *line = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&line, &len);
    if (!m)
        return -1;
    fb_csv_row(m, row);
    int bad = ferror(m);
    if (fclose(m) != 0 || bad || write_once(r->csv, line, len) != 0) {
        free(line);
        return -1;
    }
    free(line);
    return write_json(r);
}

size_t fb_results_count(const fb_results *r) { return r->n; }
const fb_row *fb_results_row(const fb_results *r, size_t i) { return i < r->n ? &r->rows[i] : NULL; }

/* ------------------------------------------------------------ summary */

typedef struct {
    const char *name, *group;
    fb_summary_acc acc;
} alloc_sum;

/* A figure as printed, "-" when undefined: SCALE * V in FMT into BUF. */
static const char *fig(char *buf, size_t len, const char *fmt, double scale, double v) {
    if (fb_defined(v))
        snprintf(buf, len, fmt, scale * v);
    else
        snprintf(buf, len, "-");
    return buf;
}

/* The classic driver's table for one allocator; the user's own are
 * marked "(yours)". */
static void print_alloc_table(FILE *out, const fb_results *r, const char *name, double libc_kops) {
    char b1[32], b2[32];
    const fb_allocator *a = fb_allocator_find(name);
    fprintf(out, "\nResults for %s%s:\n", name, a && !strcmp(a->group, "user") ? " (yours)" : "");
    fprintf(out, "%-22s %-8s %7s %9s %10s %10s\n", "trace", "valid", "util", "ops", "secs", "Kops");
    fb_summary_acc acc = {0};
    for (size_t i = 0; i < r->n; i++) {
        const fb_row *w = &r->rows[i];
        if (strcmp(w->allocator, name) != 0)
            continue;
        int good = strcmp(w->status, "ok") == 0;
        fb_summary_add(&acc, good, w->util, w->ops, w->replay_s);
        if (good)
            fprintf(out, "%-22.22s %-8s %7s %9" PRIu64 " %10.6f %10s\n", w->trace, "yes",
                    fig(b1, sizeof b1, "%.1f%%", 100, w->util), w->ops, w->replay_s,
                    fig(b2, sizeof b2, "%.0f", 1, w->kops));
        else
            fprintf(out, "%-22.22s %-8s %7s %9" PRIu64 " %10s %10s  %s\n", w->trace, w->status, "-",
                    w->ops, "-", "-", w->detail);
    }
    if (!acc.ok)
        return;
    double u = fb_summary_mean_util(&acc), k = fb_summary_kops(&acc);
    fprintf(out, "%-22s %-8s %7s %9.0f %10.6f %10s\n", "Total", "",
            fig(b1, sizeof b1, "%.1f%%", 100, u), acc.ops, acc.secs,
            fig(b2, sizeof b2, "%.0f", 1, k));
    double pi = fb_summary_perf_index(acc.ok, u, k, libc_kops);
    if (fb_defined(pi))
        fprintf(out, "Perf index = %.0f (util) + %.0f (thru) = %.0f/100 (%" PRIu64 " of %" PRIu64
                     " traces valid)\n",
                60 * u, pi - 60 * u, pi, acc.ok, acc.traces);
}

int fb_results_finish(fb_results *r, FILE *out) {
    alloc_sum *s = calloc(r->n + 1, sizeof *s);
    if (!s && r->n)
        return -1;
    size_t ns = 0;
    for (size_t i = 0; i < r->n; i++) {
        const fb_row *w = &r->rows[i];
        size_t k = 0;
        while (k < ns && strcmp(s[k].name, w->allocator) != 0)
            k++;
        if (k == ns) {
            const fb_allocator *a = fb_allocator_find(w->allocator);
            s[ns].name = w->allocator;
            s[ns].group = a ? a->group : "";
            ns++;
        }
        fb_summary_add_on(&s[k].acc, strcmp(w->status, "ok") == 0, w->util, w->ops, w->replay_s,
                          r->machine[i]);
    }
    double libc_kops = FB_UNDEF;
    for (size_t k = 0; k < ns; k++)
        if (strcmp(s[k].name, FB_SUMMARY_REFERENCE) == 0)
            libc_kops = fb_summary_kops(&s[k].acc);

    char path[4200];
    int rc = 0;
    /* With the user's own allocators in the run, their tables as the
     * classic driver prints them, and libc's, in malloclab.txt. */
    FILE *ml = NULL;
    for (size_t k = 0; k < ns; k++)
        if (!strcmp(s[k].group, "user") && !ml) {
            snprintf(path, sizeof path, "%s/malloclab.txt", r->dir);
            if (!(ml = fopen(path, "w")))
                rc = -1;
        }
    for (size_t k = 0; ml && k < ns; k++)
        if (!strcmp(s[k].group, "user") || !strcmp(s[k].name, FB_SUMMARY_REFERENCE))
            print_alloc_table(ml, r, s[k].name, libc_kops);
    if (ml && (ferror(ml) | fclose(ml)))
        rc = -1;
    snprintf(path, sizeof path, "%s/summary.csv", r->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        rc = -1;
    if (f)
        fb_summary_csv_header(f);
    if (out) {
        for (size_t k = 0; k < ns; k++)
            print_alloc_table(out, r, s[k].name, libc_kops);
        fprintf(out, "\nSummary (util: mean over valid traces; Kops: op-weighted; gmean: "
                     "geometric mean per trace; perf: classic index against libc in this "
                     "run; -: undefined)\n");
        fprintf(out, "%-12s %-9s %7s %7s %10s %10s %6s\n", "allocator", "group", "valid", "util",
                "Kops", "gmean", "perf");
    }
    for (size_t k = 0; k < ns; k++) {
        fb_summary_row row = {.allocator = s[k].name, .group = s[k].group};
        fb_summary_fill(&row, &s[k].acc, libc_kops);
        if (f)
            fb_summary_csv_row(f, &row);
        if (out) {
            char u[32], k1[32], k2[32], pis[32];
            fprintf(out, "%-12s %-9s %3" PRIu64 "/%-3" PRIu64 " %7s %10s %10s %6s\n",
                    row.allocator, row.group, row.ok, row.traces,
                    fig(u, sizeof u, "%.1f%%", 100, row.mean_util),
                    fig(k1, sizeof k1, "%.0f", 1, row.kops),
                    fig(k2, sizeof k2, "%.0f", 1, row.kops_gmean),
                    fig(pis, sizeof pis, "%.1f", 1, row.perf_index));
        }
    }
    if (out && !fb_defined(libc_kops))
        fprintf(out, "(perf index needs libc in the same run)\n");
    if (f && (ferror(f) | fclose(f)))
        rc = -1;
    free(s);
    return rc;
}

void fb_results_close(fb_results *r) {
    if (!r)
        return;
    if (r->csv >= 0)
        close(r->csv);
    free(r->rows);
    free(r->machine);
    free(r);
}
