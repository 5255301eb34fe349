/*
 * results_read.c: a results.csv read back into rows (contract in
 * output.h), for `fitbench run --resume`, which keeps the cells a folder
 * already holds, and `fitbench merge`, which combines folders.
 *
 * Where it sits: output/, beside the writer whose format it reads: one
 * record a line (the writer turns line breaks inside a field into blanks),
 * fields quoted when they hold a comma or a quote, quotes doubled. The
 * columns are found by name from FB_METRICS, so a file written before a
 * column was added still reads (the new column stays zero). An empty
 * number is one the row did not define: FB_UNDEF for a figure, 0 for a
 * count.
 */
#include "figure.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum rr_col {
#define RR_ENUM(name, type, fmt, unit, desc) RR_##name,
    FB_METRICS(RR_ENUM)
#undef RR_ENUM
        RR_NCOLS
};

static const char *const rr_names[RR_NCOLS] = {
#define RR_NAME(name, type, fmt, unit, desc) #name,
    FB_METRICS(RR_NAME)
#undef RR_NAME
};

/* Splits the line at P (NUL-terminated, no newline) into fields, in
 * place; the count, or -1 when a quote is not closed or text follows a
 * closing quote. */
static long split_fields(char *p, char **f, size_t max) {
    size_t n = 0;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            char *out = ++p;
            f[n++] = out;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else
                    *out++ = *p++;
            }
            *out = '\0';
            if (*p != ',' && *p != '\0')
                return -1;
        } else {
            f[n++] = p;
            p += strcspn(p, ",");
        }
        if (*p == '\0')
            return (long)n;
        *p++ = '\0';
    }
}

static int rr_u64(const char *s, uint64_t *v) {
    if (!*s) {
        *v = 0;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    *v = x;
    return errno || *end || *s == '-' ? -1 : 0;
}

/* An empty field is a figure that was not defined (figure.h). */
static int rr_f64(const char *s, double *v) {
    if (!*s) {
        *v = FB_UNDEF;
        return 0;
    }
    char *end;
    *v = strtod(s, &end);
    return *end ? -1 : 0;
}

#define RR_SET_STR(name) snprintf(row->name, sizeof row->name, "%s", v);
#define RR_SET_TXT(name) RR_SET_STR(name)
#define RR_SET_U64(name) bad = rr_u64(v, &row->name);
#define RR_SET_F64(name) bad = rr_f64(v, &row->name);
#define RR_SET(name, type, fmt, unit, desc)                      \
    if (col[RR_##name] >= 0 && !bad) {                           \
        const char *v = f[col[RR_##name]];                       \
        RR_SET_##type(name) if (bad) what = #name;               \
    }

/* Fills ROW from the fields F; NULL, or the name of a column that does
 * not hold a number. */
static const char *fill_row(fb_row *row, char **f, const long *col) {
    int bad = 0;
    const char *what = NULL;
    memset(row, 0, sizeof *row);
    FB_METRICS(RR_SET)
    return what;
}

static int read_whole(const char *path, char **text, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return errno == ENOENT ? 1 : -1;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            char *b = realloc(buf, cap = cap * 2 + 65536);
            if (!b) {
                free(buf);
                fclose(fp);
                errno = ENOMEM;
                return -1;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int fb_results_read(const char *path, fb_row **rows, size_t *n, int *torn, char *err,
                    size_t errlen) {
    *rows = NULL;
    *n = 0;
    *torn = 0;
    char *text;
    size_t len;
    int rc = read_whole(path, &text, &len);
    if (rc == 1)
        return 1;
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: a NUL byte: not a results.csv", path);
        free(text);
        return -1;
    }
    /* A row is written in one write(): a last line without its newline
     * is one that a full disk cut short. */
    if (len && text[len - 1] != '\n') {
        char *nl = strrchr(text, '\n');
        *(nl ? nl + 1 : text) = '\0';
        *torn = 1;
    }
    long col[RR_NCOLS];
    char *f[RR_NCOLS + 64];
    size_t cap = 0, line = 0;
    int have_header = 0;
    rc = 0;
    for (char *p = text, *next; *p && rc == 0; p = next) {
        char *nl = strchr(p, '\n');
        next = nl ? nl + 1 : p + strlen(p);
        if (nl)
            *nl = '\0';
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        line++;
        if (!*p)
            continue;
        long nf = split_fields(p, f, sizeof f / sizeof f[0]);
        if (nf < 0) {
            snprintf(err, errlen, "%s:%zu: not a CSV record", path, line);
            rc = -1;
            break;
        }
        if (!have_header) {
            for (size_t c = 0; c < RR_NCOLS; c++) {
                col[c] = -1;
                for (long i = 0; i < nf; i++)
                    if (strcmp(f[i], rr_names[c]) == 0)
                        col[c] = i;
            }
            if (col[RR_trace] < 0 || col[RR_allocator] < 0 || col[RR_status] < 0) {
                snprintf(err, errlen, "%s:%zu: no trace, allocator and status columns", path,
                         line);
                rc = -1;
            }
            have_header = (int)nf;
            continue;
        }
        if (nf != have_header) {
            snprintf(err, errlen, "%s:%zu: %ld fields, but the header has %d", path, line, nf,
                     have_header);
            rc = -1;
            break;
        }
        if (*n == cap) {
            fb_row *r = realloc(*rows, (cap = cap * 2 + 64) * sizeof *r);
            if (!r) {
                snprintf(err, errlen, "%s: out of memory", path);
                rc = -1;
                break;
            }
            *rows = r;
        }
        const char *bad = fill_row(&(*rows)[*n], f, col);
        if (bad) {
            snprintf(err, errlen, "%s:%zu: column %s does not hold a number", path, line, bad);
            rc = -1;
            break;
        }
        (*n)++;
    }
    free(text);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}
