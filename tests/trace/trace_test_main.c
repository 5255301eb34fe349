/*
 * trace_test_main.c: the entry point of the trace loader's tests and the
 * helpers the cases share (see trace_test.h). Unit tests of the loader
 * (harness/trace/trace*.c) through its public API; ctest runs one case each.
 */
#include "trace_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *tt_shared;
static char tt_dir[4096];

int tt_parse(const char *name, const char *text, size_t len, trace *t,
             trace_error *err, char *warn, size_t wcap)
{
    FILE *w = tmpfile();
    int rc = trace_parse(name, text, len, t, err, w);
    if (warn && wcap) {
        warn[0] = '\0';
        if (w) {
            rewind(w);
            size_t n = fread(warn, 1, wcap - 1, w);
            warn[n] = '\0';
        }
    }
    if (w)
        fclose(w);
    return rc;
}

int tt_count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int tt_has_line(const char *msg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(msg, name, n) != 0 || msg[n] != ':')
        return 0;
    const char *p = msg + n + 1;
    if (*p < '1' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return p[0] == ':' && p[1] == ' ';
}

const char *tt_tmpdir(void)
{
    if (tt_dir[0])
        return tt_dir;
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(tt_dir, sizeof tt_dir, "%s/trace_test_XXXXXX", base);
    if (!mkdtemp(tt_dir)) {
        perror("trace_test: mkdtemp");
        exit(1);
    }
    return tt_dir;
}

void tt_tmpdir_remove(void)
{
    if (!tt_dir[0])
        return;
    DIR *d = opendir(tt_dir);
    if (d) {
        struct dirent *e;
        char path[8192];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", tt_dir, e->d_name);
            if (unlink(path) != 0)
                rmdir(path);
        }
        closedir(d);
    }
    rmdir(tt_dir);
    tt_dir[0] = '\0';
}

int tt_write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(buf, 1, len, f);
    return (fclose(f) == 0 && n == len) ? 0 : -1;
}

char *tt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
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
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = n;
    }
    return buf;
}

const char *tt_shared_dir(void)
{
    if (!tt_shared || !*tt_shared)
        return NULL;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/README.md", tt_shared);
    return access(probe, R_OK) == 0 ? tt_shared : NULL;
}

static const struct {
    const char *name;
    void (*run)(void);
} tt_cases[] = {
    {"errors", tt_case_errors},       {"order", tt_case_order},
    {"quirks", tt_case_quirks},       {"headers", tt_case_headers},
    {"whitespace", tt_case_whitespace}, {"files", tt_case_files},
    {"gzip", tt_case_gzip},           {"stats", tt_case_stats},
    {"classic", tt_case_classic},     {"samples", tt_case_samples},
    {"mutate", tt_case_mutate},       {"split", tt_case_split},
    {"split_errors", tt_case_split_errors},
    {"split_boundaries", tt_case_split_boundaries},
};

int main(int argc, char **argv)
{
#ifdef FB_SHARED_TRACES
    tt_shared = FB_SHARED_TRACES;
#endif
    if (argc > 2)
        tt_shared = argv[2];
    if (argc < 2) {
        fprintf(stderr, "usage: trace_test CASE [SHARED_TRACES_DIR]\ncases:");
        for (size_t i = 0; i < sizeof tt_cases / sizeof tt_cases[0]; i++)
            fprintf(stderr, " %s", tt_cases[i].name);
        fputc('\n', stderr);
        return 2;
    }
    for (size_t i = 0; i < sizeof tt_cases / sizeof tt_cases[0]; i++) {
        if (strcmp(argv[1], tt_cases[i].name) != 0)
            continue;
        tt_cases[i].run();
        tt_tmpdir_remove();
        return check_finish("trace_test %s", argv[1]);
    }
    fprintf(stderr, "trace_test: no case named '%s'\n", argv[1]);
    return 2;
}
