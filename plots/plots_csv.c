/*
 * plots_csv.c: the RFC 4180 reader (contract in plots_csv.h).
 *
 * Where it sits: under every loader of plots/ (load.c). The results
 * folder may come from an interrupted run or from another machine, so
 * nothing in a file is trusted: a record is unquoted in place, in a
 * private copy of the text, and any malformation stops with the line.
 */
#include "plots_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct plots_csv {
    char *name;
    char *text;         /* private copy, NUL-terminated, edited in place */
    size_t len;
    size_t pos;
    unsigned long line; /* line of pos */
    unsigned long rec_line;
    char **fields;
    size_t cap;
};

/* Files larger than this are not results of fitbench; refusing them keeps a
 * wrong path from eating the machine's memory. */
#define PLOTS_CSV_MAX_BYTES ((size_t)1 << 30)

plots_csv *plots_csv_from_mem(const char *name, const char *text, size_t len,
                              char *err, size_t errlen)
{
    plots_csv *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    c->name = strdup(name);
    c->text = malloc(len + 1);
    if (!c->name || !c->text) {
        snprintf(err, errlen, "%s: out of memory", name);
        plots_csv_close(c);
        return NULL;
    }
    if (len)
        memcpy(c->text, text, len);
    c->text[len] = '\0';
    c->len = len;
    c->line = 1;
    /* A UTF-8 byte order mark (spreadsheets write one) is not data. */
    if (len >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;
    return c;
}

/* The whole file at path in a malloc'd buffer (*lenp bytes), or NULL with
 * a message when it cannot be read or is larger than max. */
static char *csv_read_file(const char *path, size_t max, size_t *lenp, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
        if (len == cap) {
            if (cap >= max) {
                snprintf(err, errlen, "%s: larger than %zu bytes, not a fitbench file", path, max);
                free(buf);
                fclose(f);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (!buf || ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, buf ? "read error" : "out of memory");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *lenp = len;
    return buf;
}

plots_csv *plots_csv_open(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *buf = csv_read_file(path, PLOTS_CSV_MAX_BYTES, &len, err, errlen);
    if (!buf)
        return NULL;
    plots_csv *c = plots_csv_from_mem(path, buf, len, err, errlen);
    free(buf);
    return c;
}

void plots_csv_close(plots_csv *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->text);
    free(c->fields);
    free(c);
}

size_t plots_csv_columns(char **f, size_t nf, const char *const *names, size_t nn, long *col)
{
    size_t absent = 0;
    for (size_t i = 0; i < nn; i++) {
        col[i] = -1;
        for (size_t k = 0; k < nf; k++)
            if (strcmp(f[k], names[i]) == 0)
                col[i] = (long)k;
        absent += col[i] < 0;
    }
    return absent;
}

unsigned long plots_csv_line(const plots_csv *c) { return c->rec_line; }
const char *plots_csv_name(const plots_csv *c) { return c->name; }

/* Appends one field pointer, growing the array; -1 when out of memory. */
static int csv_add(plots_csv *c, size_t *n, char *field)
{
    if (*n + 1 >= c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 32;
        char **nf = realloc(c->fields, nc * sizeof *nf);
        if (!nf)
            return -1;
        c->fields = nf;
        c->cap = nc;
    }
    c->fields[(*n)++] = field;
    c->fields[*n] = NULL;
    return 0;
}

int plots_csv_next(plots_csv *c, char ***fields, size_t *nfields, char *err,
                   size_t errlen)
{
    char *t = c->text;

    /* Blank lines between records carry nothing. */
    while (c->pos < c->len && (t[c->pos] == '\n' || t[c->pos] == '\r')) {
        if (t[c->pos] == '\n')
            c->line++;
        c->pos++;
    }
    if (c->pos >= c->len)
        return 0;

    c->rec_line = c->line;
    size_t n = 0;
    for (;;) {
        char *out = t + c->pos; /* unquoted text is written here, in place */
        char *start = out;
        if (t[c->pos] == '"') {
            unsigned long qline = c->line;
            c->pos++;
            for (;;) {
                if (c->pos >= c->len) {
                    snprintf(err, errlen, "%s:%lu: a quoted field opened here never closes",
                             c->name, qline);
                    return -1;
                }
                char ch = t[c->pos];
                if (ch == '"') {
                    if (c->pos + 1 < c->len && t[c->pos + 1] == '"') {
                        *out++ = '"';
                        c->pos += 2;
                        continue;
                    }
                    c->pos++;
                    break;
                }
                if (ch == '\0') {
                    snprintf(err, errlen, "%s:%lu: NUL byte in the file", c->name, c->line);
                    return -1;
                }
                if (ch == '\n')
                    c->line++;
                *out++ = ch;
                c->pos++;
            }
            if (c->pos < c->len && t[c->pos] != ',' && t[c->pos] != '\n' &&
                !(t[c->pos] == '\r' && (c->pos + 1 >= c->len || t[c->pos + 1] == '\n'))) {
                snprintf(err, errlen, "%s:%lu: text after a closing quote", c->name, c->line);
                return -1;
            }
        } else {
            while (c->pos < c->len && t[c->pos] != ',' && t[c->pos] != '\n') {
                char ch = t[c->pos];
                if (ch == '\r' && (c->pos + 1 >= c->len || t[c->pos + 1] == '\n'))
                    break;
                if (ch == '"') {
                    snprintf(err, errlen, "%s:%lu: quote inside an unquoted field",
                             c->name, c->line);
                    return -1;
                }
                if (ch == '\0') {
                    snprintf(err, errlen, "%s:%lu: NUL byte in the file", c->name, c->line);
                    return -1;
                }
                *out++ = ch;
                c->pos++;
            }
        }
        /* The separator after the field is consumed before the field is
         * terminated, since the terminator may overwrite it. */
        char sep = c->pos < c->len ? t[c->pos] : '\n';
        if (sep == '\r') {
            c->pos++;
            sep = '\n';
        }
        if (c->pos < c->len)
            c->pos++;
        if (sep == '\n' && c->pos <= c->len)
            c->line++;
        *out = '\0';
        if (csv_add(c, &n, start) < 0) {
            snprintf(err, errlen, "%s:%lu: out of memory", c->name, c->rec_line);
            return -1;
        }
        if (sep == '\n')
            break;
    }
    *fields = c->fields;
    *nfields = n;
    return 1;
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int plots_parse_u64(const char *s, uint64_t *out)
{
    s = skip_blanks(s);
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE || *skip_blanks(end) != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int plots_parse_f64(const char *s, double *out)
{
    s = skip_blanks(s);
    if (*s == '\0')
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *skip_blanks(end) != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
