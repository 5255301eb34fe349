/*
 * trace_test_files.c: the loader on files (trace_load): I/O errors,
 * gzip (written here with zlib, then compared with the plain text), the
 * stats printout, and the shared reference traces when they are present:
 * the classic set against the README's table, the later drivers' samples.
 */
#include "trace_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static const char tt_text[] =
    "20000\n5\n12\n1\n"
    "a 0 100\na 1 2000\nr 0 300\nf -1\na 2 7\nf 1\nr 3 64\na 1 9\n"
    "f 0\nf 2\nf 3\nf 1\n";

static int tt_same(const trace *a, const trace *b)
{
    return trace_same(a, b) && a->format == b->format &&
           memcmp(a->header, b->header, sizeof a->header) == 0;
}

void tt_case_files(void)
{
    const char *dir = tt_tmpdir();
    char path[4200];
    trace t;
    trace_error err;

    snprintf(path, sizeof path, "%s/missing.rep", dir);
    int rc = trace_load(path, &t, &err, NULL);
    char want[4400];
    snprintf(want, sizeof want, "%s: cannot open: %s", path, strerror(ENOENT));
    CHECK(rc == -1 && strcmp(err.msg, want) == 0, "got '%s'", err.msg);
    CHECK(t.ops == NULL && t.path == NULL, "left data behind");

    rc = trace_load(dir, &t, &err, NULL);
    snprintf(want, sizeof want, "%s: cannot read: %s", dir, strerror(EISDIR));
    CHECK(rc == -1 && strcmp(err.msg, want) == 0, "got '%s'", err.msg);

    CHECK(trace_load(NULL, &t, &err, NULL) == -1, "NULL path");
    CHECK(trace_load(path, NULL, &err, NULL) == -1, "NULL trace");

    snprintf(path, sizeof path, "%s/empty.rep", dir);
    CHECK(tt_write_file(path, "", 0) == 0, "write %s", path);
    rc = trace_load(path, &t, &err, NULL);
    snprintf(want, sizeof want, "%s:1: empty file", path);
    CHECK(rc == -1 && strncmp(err.msg, want, strlen(want)) == 0, "got '%s'",
          err.msg);

    /* A device that never ends: refused at its first bytes, not read to
     * the size limit. */
    if (access("/dev/zero", R_OK) == 0) {
        rc = trace_load("/dev/zero", &t, &err, NULL);
        CHECK(rc == -1 && strcmp(err.msg, "/dev/zero:1: not a text file "
                                          "(NUL byte at offset 0)") == 0,
              "got '%s'", err.msg);
    }

    /* A file loads exactly as the same bytes parsed from memory. */
    snprintf(path, sizeof path, "%s/small.rep", dir);
    CHECK(tt_write_file(path, tt_text, strlen(tt_text)) == 0, "write");
    trace mem;
    rc = trace_parse(path, tt_text, strlen(tt_text), &mem, &err, NULL);
    CHECK(rc == 0, "%s", err.msg);
    rc = trace_load(path, &t, &err, NULL);
    CHECK(rc == 0, "%s", err.msg);
    if (rc == 0) {
        CHECK(tt_same(&t, &mem), "file and memory differ");
        CHECK(strcmp(t.name, "small") == 0 && strcmp(t.path, path) == 0,
              "name '%s'", t.name);
    }
    trace_free(&t);
    trace_free(&mem);

    /* Through a pipe (read, not mapped): the same trace. */
    char fifo[4200];
    snprintf(fifo, sizeof fifo, "%s/pipe.rep", dir);
    pid_t pid = mkfifo(fifo, 0600) == 0 ? fork() : -1;
    if (pid >= 0) {
        if (pid == 0) {
            FILE *w = fopen(fifo, "w");
            if (w) {
                fputs(tt_text, w);
                fclose(w);
            }
            _exit(0);
        }
        rc = trace_load(fifo, &t, &err, NULL);
        CHECK(rc == 0, "%s", err.msg);
        trace_parse(path, tt_text, strlen(tt_text), &mem, &err, NULL);
        CHECK(rc || tt_same(&t, &mem), "pipe and memory differ");
        trace_free(&t);
        trace_free(&mem);
        waitpid(pid, NULL, 0);
    }

    /* Errors in a file name the file as it was given. */
    snprintf(path, sizeof path, "%s/bad.rep", dir);
    static const char bad[] = "1000\n2\n2\n1\na 0 8\nf 1\n";
    CHECK(tt_write_file(path, bad, strlen(bad)) == 0, "write");
    rc = trace_load(path, &t, &err, NULL);
    snprintf(want, sizeof want, "%s:6: `f 1`: id 1 was never allocated",
             path);
    CHECK(rc == -1 && strcmp(err.msg, want) == 0, "got '%s'", err.msg);
}

/* Compresses LEN bytes of TEXT to PATH through zlib's gz* API, as MEMBERS
 * concatenated gzip members. */
static int tt_write_gz(const char *path, const char *text, size_t len,
                       int members)
{
    size_t at = 0;
    for (int m = 0; m < members; m++) {
        gzFile g = gzopen(path, m == 0 ? "wb9" : "ab9");
        if (!g)
            return -1;
        size_t part = m == members - 1 ? len - at : len / (size_t)members;
        if (part && gzwrite(g, text + at, (unsigned)part) != (int)part) {
            gzclose(g);
            return -1;
        }
        at += part;
        if (gzclose(g) != Z_OK)
            return -1;
    }
    return 0;
}

void tt_case_gzip(void)
{
    const char *dir = tt_tmpdir();
    char plain[4200], gz[4200], odd[4200], multi[4200], cut[4200];
    snprintf(plain, sizeof plain, "%s/g.rep", dir);
    snprintf(gz, sizeof gz, "%s/g.rep.gz", dir);
    snprintf(odd, sizeof odd, "%s/named-plain.rep", dir);
    snprintf(multi, sizeof multi, "%s/multi.rep.gz", dir);
    snprintf(cut, sizeof cut, "%s/cut.rep.gz", dir);
    size_t len = strlen(tt_text);
    CHECK(tt_write_file(plain, tt_text, len) == 0, "write");
    CHECK(tt_write_gz(gz, tt_text, len, 1) == 0, "gz");
    CHECK(tt_write_gz(odd, tt_text, len, 1) == 0, "gz");
    CHECK(tt_write_gz(multi, tt_text, len, 3) == 0, "gz");

    trace ref, t;
    trace_error err;
    int rc = trace_load(plain, &ref, &err, NULL);
    CHECK(rc == 0, "%s", err.msg);
    if (rc)
        return;
    const char *const paths[] = {gz, odd, multi};
    for (int i = 0; i < 3; i++) {
        rc = trace_load(paths[i], &t, &err, NULL);
        CHECK(rc == 0, "%s", err.msg);
        if (rc)
            continue;
        CHECK(tt_same(&ref, &t), "%s differs from the plain text",
              paths[i]);
        trace_free(&t);
    }
    rc = trace_load(gz, &t, &err, NULL);
    CHECK(rc == 0 && strcmp(t.name, "g") == 0, "name of a .rep.gz");
    trace_free(&t);

    /* The same bytes from memory; then cut short, then damaged: a clean
     * error that names the file and a line. */
    size_t glen = 0;
    char *bytes = tt_read_file(gz, &glen);
    CHECK(bytes != NULL && glen > 20, "read back %s", gz);
    if (bytes) {
        rc = trace_parse("mem.rep.gz", bytes, glen, &t, &err, NULL);
        CHECK(rc == 0 && tt_same(&ref, &t), "gzip from memory: %s",
              err.msg);
        trace_free(&t);

        CHECK(tt_write_file(cut, bytes, glen - 12) == 0, "write cut");
        rc = trace_load(cut, &t, &err, NULL);
        CHECK(rc == -1 && tt_has_line(err.msg, cut) &&
                  strstr(err.msg, "gzip"),
              "truncated gzip: '%s'", err.msg);

        for (size_t i = 10; i < glen - 8; i += 3)
            bytes[i] ^= 0x5a;
        rc = trace_parse("bad.gz", bytes, glen, &t, &err, NULL);
        CHECK(rc == -1 && tt_has_line(err.msg, "bad.gz"),
              "damaged gzip: '%s'", err.msg);
        free(bytes);
    }

    /* Bytes after the gzip data that are not another member. */
    size_t mlen = 0;
    char *m = tt_read_file(multi, &mlen);
    if (m) {
        char *junk = malloc(mlen + 3);
        if (junk) {
            memcpy(junk, m, mlen);
            memcpy(junk + mlen, "xyz", 3);
            rc = trace_parse("junk.gz", junk, mlen + 3, &t, &err, NULL);
            CHECK(rc == -1 && strstr(err.msg, "after the end of the gzip"),
                  "'%s'", err.msg);
            free(junk);
        }
        free(m);
    }
    /* Just the magic: no data. */
    rc = trace_parse("magic.gz", "\x1f\x8b", 2, &t, &err, NULL);
    CHECK(rc == -1 && tt_has_line(err.msg, "magic.gz"), "'%s'", err.msg);
    trace_free(&ref);
}

/* The count on the histogram line whose range is RANGE and unit UNIT, in
 * the part of OUT after the heading AFTER; -1 when there is none. */
static long tt_hist(const char *out, const char *after, const char *range,
                    const char *unit)
{
    const char *p = strstr(out, after);
    if (!p)
        return -1;
    p = strchr(p, '\n');
    while (p && p[1] == ' ' && p[2] == ' ') {
        char r[64], u[16];
        long n;
        if (sscanf(p + 1, " %63s %15s %ld", r, u, &n) == 3 &&
            strcmp(r, range) == 0 && strcmp(u, unit) == 0)
            return n;
        p = strchr(p + 1, '\n');
    }
    return -1;
}

void tt_case_stats(void)
{
    /* Sizes 1, 3, 1000, 5 (the r); lifetimes: id 0 from op 0 to op 4
     * (4 ops), id 1 from op 1 (the r keeps its birth) to op 6 (5 ops),
     * id 2 never freed. Peak: 1 + 3 + 1000, then the r adds 2. */
    static const char text[] = "0\n3\n7\n0\na 0 1\na 1 3\na 2 1000\nr 1 5\n"
                               "f 0\nf -1\nf 1\n";
    trace t;
    trace_error err;
    int rc = trace_parse("s.rep", text, strlen(text), &t, &err, NULL);
    CHECK(rc == 0, "%s", err.msg);
    if (rc)
        return;
    FILE *f = tmpfile();
    CHECK(f != NULL, "tmpfile");
    if (!f) {
        trace_free(&t);
        return;
    }
    CHECK(trace_stats_print(&t, f) == 0, "print failed");
    rewind(f);
    char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);

    CHECK(strstr(out, "trace s (2010 header: 0 3 7 0)"), "%s", out);
    CHECK(strstr(out, "ops: 7 (a 3, r 1, f 3, of which free(NULL) 1)"),
          "%s", out);
    CHECK(strstr(out, "peak live payload: 1006 bytes"), "%s", out);
    CHECK(strstr(out, "largest request: 1000 bytes"), "%s", out);
    CHECK(strstr(out, "quirks accepted: 1"), "%s", out);
    const char *sizes = "request sizes";
    CHECK(tt_hist(out, sizes, "1..1", "bytes") == 1, "%s", out);
    CHECK(tt_hist(out, sizes, "2..3", "bytes") == 1, "%s", out);
    CHECK(tt_hist(out, sizes, "4..7", "bytes") == 1, "%s", out);
    CHECK(tt_hist(out, sizes, "512..1023", "bytes") == 1, "%s", out);
    CHECK(tt_hist(out, sizes, "8..15", "bytes") == -1, "%s", out);
    const char *lives = "block lifetimes";
    CHECK(strstr(out, "2 freed, 1 never freed"), "%s", out);
    CHECK(tt_hist(out, lives, "4..7", "ops") == 2, "%s", out);
    CHECK(strstr(out, "mean 4.5 ops, max 5 ops"), "%s", out);

    /* A stream that cannot be written is an error, not a crash. */
    FILE *ro = fopen("/dev/null", "r");
    if (ro) {
        CHECK(trace_stats_print(&t, ro) == -1, "write to a read-only file");
        fclose(ro);
    }
    CHECK(trace_stats_print(NULL, stdout) == -1, "NULL trace");
    /* An op array that trace_load could not have made. */
    t.ops[0].id = 99;
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        CHECK(trace_stats_print(&t, null) == -1, "bad id accepted");
        fclose(null);
    }
    trace_free(&t);
}

/* The README's table for the eleven traces the classic driver runs. */
static const struct {
    const char *name;
    size_t ids, ops, a, r, f;
    uint64_t peak;
} tt_classic[] = {
    {"amptjp-bal", 2847, 5694, 2847, 0, 2847, 2012279},
    {"cccp-bal", 2924, 5848, 2924, 0, 2924, 1679165},
    {"cp-decl-bal", 3324, 6648, 3324, 0, 3324, 3165325},
    {"expr-bal", 2690, 5380, 2690, 0, 2690, 3421135},
    {"coalescing-bal", 7200, 14400, 7200, 0, 7200, 8190},
    {"random-bal", 2400, 4800, 2400, 0, 2400, 14756035},
    {"random2-bal", 2400, 4800, 2400, 0, 2400, 14432586},
    {"binary-bal", 6000, 12000, 6000, 0, 6000, 1152000},
    {"binary2-bal", 12000, 24000, 12000, 0, 12000, 576000},
    {"realloc-bal", 4801, 14401, 4801, 4799, 4801, 615040},
    {"realloc2-bal", 4801, 14401, 4801, 4799, 4801, 28119},
};

void tt_case_classic(void)
{
    const char *shared = tt_shared_dir();
    if (!shared)
        check_skip("trace_test classic: no shared traces folder (set FB_SHARED_TRACES or pass "
                   "it as an argument)");
    char path[4200];
    for (size_t i = 0; i < sizeof tt_classic / sizeof tt_classic[0]; i++) {
        snprintf(path, sizeof path, "%s/malloclab-classic/%s.rep", shared,
                 tt_classic[i].name);
        trace t;
        trace_error err;
        int rc = trace_load(path, &t, &err, stderr);
        CHECK(rc == 0, "%s", err.msg);
        if (rc)
            continue;
        const char *nm = tt_classic[i].name;
        CHECK(t.format == TRACE_FMT_CLASSIC, "%s: format", nm);
        CHECK(t.num_ids == tt_classic[i].ids, "%s: ids %zu", nm, t.num_ids);
        CHECK(t.num_ops == tt_classic[i].ops, "%s: ops %zu", nm, t.num_ops);
        CHECK(t.count[TRACE_COUNT_A] == tt_classic[i].a &&
                  t.count[TRACE_COUNT_R] == tt_classic[i].r &&
                  t.count[TRACE_COUNT_F] == tt_classic[i].f,
              "%s: a/r/f %zu/%zu/%zu", nm, t.count[0], t.count[1],
              t.count[2]);
        CHECK(t.peak_payload == tt_classic[i].peak, "%s: peak %llu", nm,
              (unsigned long long)t.peak_payload);
        CHECK(t.warnings == 0, "%s: %zu warnings", nm, t.warnings);
        trace_free(&t);
    }
    /* Every file of the set loads, balanced or not. */
    static const char *const others[] = {
        "amptjp", "cccp", "cp-decl", "expr", "coalescing", "random",
        "random2", "binary", "binary2", "realloc", "realloc2", "short1",
        "short1-bal", "short2", "short2-bal"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        snprintf(path, sizeof path, "%s/malloclab-classic/%s.rep", shared,
                 others[i]);
        trace t;
        trace_error err;
        int rc = trace_load(path, &t, &err, stderr);
        CHECK(rc == 0 && t.warnings == 0, "%s: %s", others[i],
              rc ? err.msg : "warnings");
        CHECK(rc || t.count[0] + t.count[1] + t.count[2] == t.num_ops,
              "%s: counts", others[i]);
        trace_free(&t);
    }
}

void tt_case_samples(void)
{
    const char *shared = tt_shared_dir();
    if (!shared)
        check_skip("trace_test samples: no shared traces folder (set FB_SHARED_TRACES or pass "
                   "it as an argument)");
    static const struct {
        const char *name;
        enum trace_format format;
        size_t quirks;
    } samples[] = {
        {"corners", TRACE_FMT_2010, 2},
        {"malloc", TRACE_FMT_2010, 0},
        {"malloc-free", TRACE_FMT_2010, 0},
        {"hostname", TRACE_FMT_2010, 3},
        {"syn-array-short", TRACE_FMT_2016, 0},
        {"syn-mix-short", TRACE_FMT_2016, 0},
        {"syn-mix-realloc", TRACE_FMT_2016, 0},
        {"syn-giantarray-short", TRACE_FMT_2016, 0},
    };
    char path[4200];
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        snprintf(path, sizeof path, "%s/format-samples/%s.rep", shared,
                 samples[i].name);
        trace t;
        trace_error err;
        FILE *w = tmpfile();
        int rc = trace_load(path, &t, &err, w);
        CHECK(rc == 0, "%s", err.msg);
        char warn[2048] = "";
        if (w) {
            rewind(w);
            size_t n = fread(warn, 1, sizeof warn - 1, w);
            warn[n] = '\0';
            fclose(w);
        }
        if (rc)
            continue;
        const char *nm = samples[i].name;
        CHECK(t.format == samples[i].format, "%s: format %s", nm,
              trace_format_name(t.format));
        CHECK(t.warnings == samples[i].quirks, "%s: %zu quirks", nm,
              t.warnings);
        CHECK((samples[i].quirks == 0) == (warn[0] == '\0'),
              "%s: warnings '%s'", nm, warn);
        /* The 2016 driver's field 4 is the trace's peak live payload. */
        if (t.format == TRACE_FMT_2016)
            CHECK(t.header[3] == t.peak_payload, "%s: max_alloc %llu, "
                  "peak %llu", nm, (unsigned long long)t.header[3],
                  (unsigned long long)t.peak_payload);
        if (strcmp(nm, "corners") == 0) {
            CHECK(t.ops[0].kind == TRACE_FREE &&
                      t.ops[0].id == TRACE_NO_ID,
                  "corners: f -1 first");
            CHECK(strstr(warn, "`f -1`") && strstr(warn, "realloc(NULL"),
                  "corners: %s", warn);
        }
        if (strcmp(nm, "syn-giantarray-short") == 0)
            CHECK(t.max_request > 10000000000000000ULL,
                  "giant sizes kept: %llu",
                  (unsigned long long)t.max_request);
        trace_free(&t);
    }
}
