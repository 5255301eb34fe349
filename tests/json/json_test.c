/*
 * json_test.c: tests of reading JSON (harness/json/jread.h, gbout.h) and of
 * `fitbench programs`' reading of hyperfine's export, on the real files
 * in fixtures/ (see its README) and on small texts written here.
 *
 * Usage: json_test CASE FIXTURES_DIR. Exit 0 pass, 1 fail.
 */
#include "gbout.h"
#include "jread.h"
#include "programs.h"
#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fixtures;

static const char *fixture(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    return path;
}

static json_object *parse(const char *text, char *err, size_t errlen)
{
    return fb_jread_mem("t.json", text, strlen(text), err, errlen);
}

/* Google Benchmark writes NaN, Infinity and -Infinity as bare tokens. */
static void case_nonfinite(void)
{
    char err[256] = "";
    json_object *j = parse("{\"n\": NaN, \"p\": Infinity, \"m\": -Infinity, \"i\": 3, "
                           "\"d\": 2.5e-1, \"s\": \"x\", \"z\": null, \"t\": true}",
                           err, sizeof err);
    CHECK(j != NULL, "NaN and infinities refused: %s", err);
    double v = 0;
    CHECK(fb_jread_num(j, "n", &v) == 0 && isnan(v));
    CHECK(fb_jread_num(j, "p", &v) == 0 && isinf(v) && v > 0);
    CHECK(fb_jread_num(j, "m", &v) == 0 && isinf(v) && v < 0);
    CHECK(fb_jread_num(j, "i", &v) == 0 && v == 3);
    CHECK(fb_jread_num(j, "d", &v) == 0 && v == 0.25);
    CHECK(fb_jread_num(j, "s", &v) < 0 && fb_jread_num(j, "z", &v) < 0);
    CHECK(fb_jread_num(j, "absent", &v) < 0);
    CHECK(fb_jread_true(j, "t") && !fb_jread_true(j, "i") && !fb_jread_true(j, "absent"));
    CHECK(fb_jread_str(j, "s") && strcmp(fb_jread_str(j, "s"), "x") == 0);
    CHECK(fb_jread_str(j, "i") == NULL);
    /* The accessors take anything, a NULL or a non-object included. */
    CHECK(fb_jread_get(NULL, "n") == NULL && fb_jread_str(fb_jread_get(j, "i"), "x") == NULL);
    json_object_put(j);
}

/* Not JSON: a message naming the file, line and column, never a guess. */
static void case_strict(void)
{
    static const struct {
        const char *text, *where;
    } bad[] = {
        {"{\"a\": 1,}", "t.json:1:9: "},   /* trailing comma */
        {"[1 2]", "t.json:1:4: "},         /* missing comma */
        {"{\"a\": 'x'}", "t.json:1:7: "},  /* single quotes */
        {"{\"a\": 01}", "t.json:1:9: "},   /* leading zero */
        {"{\"a\"\n 1}", "t.json:2:2: "},   /* missing colon, on line 2 */
        {"[1] [2]", "t.json:1:5: "},       /* a second value */
        {"{\"a\": [1,\n", "t.json:2:1: unexpected end of file"},
        {"", "t.json:1:1: unexpected end of file"},
        {"{\"a\": inf}", "t.json:1:7: "},  /* C's spelling is not JSON's */
    };
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        json_object *j = parse(bad[i].text, err, sizeof err);
        /* A want ending in ": " is the place, and json-c's words follow;
         * otherwise it is the whole message. */
        size_t n = strlen(bad[i].where);
        int open = bad[i].where[n - 1] == ' ';
        CHECK(!j && strncmp(err, bad[i].where, n) == 0 && (open ? strlen(err) > n : !err[n]),
                  "bad %zu (%s): got \"%s\", want \"%s...\"", i, bad[i].text,
                  j ? "(parsed)" : err, bad[i].where);
        json_object_put(j);
    }
    /* Text after the value, which strict mode reports by itself, is caught
     * here too when the tokener stops without a word. */
    json_object *j = parse("{} x", err, sizeof err);
    CHECK(!j && strncmp(err, "t.json:1:4: ", 12) == 0, "text after: %s", err);
    json_object_put(j);
    /* A NUL inside a string cannot be a C string: the text is refused. */
    j = parse("{\"s\": \"a\\u0000b\"}", err, sizeof err);
    CHECK(j != NULL && fb_jread_str(j, "s") == NULL);
    json_object_put(j);
    /* Deep nesting is an error, not a stack overflow. */
    size_t deep = 100000;
    char *d = malloc(deep + 1);
    CHECK(d != NULL);
    if (d) {
        memset(d, '[', deep);
        d[deep] = '\0';
        j = parse(d, err, sizeof err);
        CHECK(!j && strstr(err, "t.json:1:"), "deep nesting: %s", j ? "(parsed)" : err);
        json_object_put(j);
        free(d);
    }
    j = fb_jread_file(fixture("no-such-file.json"), err, sizeof err);
    CHECK(!j && strstr(err, "no-such-file.json: No such file"), "missing file: %s", err);
}

static size_t count_runs(const fb_gbout *g, const char *name, int aggregate, const char *agg)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++)
        n += g->runs[i].name && strcmp(g->runs[i].name, name) == 0 &&
             g->runs[i].aggregate == aggregate && (!agg || strcmp(g->runs[i].agg, agg) == 0);
    return n;
}

static const fb_gbout_run *find_run(const fb_gbout *g, const char *name, const char *agg)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->runs[i].name && strcmp(g->runs[i].name, name) == 0 &&
            strcmp(g->runs[i].agg, agg) == 0)
            return &g->runs[i];
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A real run with three repetitions: three iterations and four aggregates
 * per benchmark, and the library's own median equals the median of the
 * iterations as read. */
static void case_gbout_reps(void)
{
    fb_gbout g;
    char err[512];
    CHECK(fb_gbout_load(&g, fixture("gbench_pair_reps.json"), err, sizeof err) == 0, "%s",
              err);
    CHECK_EQ(g.n, 14);
    static const char *const names[] = {"BM_pair/first/16", "BM_pair/first/4096"};
    for (size_t k = 0; k < 2; k++) {
        CHECK_EQ(count_runs(&g, names[k], 0, NULL), 3);
        CHECK_EQ(count_runs(&g, names[k], 1, NULL), 4);
        double t[3];
        size_t n = 0;
        for (size_t i = 0; i < g.n && n < 3; i++) {
            const fb_gbout_run *r = &g.runs[i];
            if (strcmp(r->name, names[k]) == 0 && !r->aggregate) {
                CHECK(r->repetitions == 3 && !r->error && r->cpu_ns > 0 && r->real_ns > 0);
                double heap, items;
                CHECK(fb_gbout_counter(r, "heap_kib", &heap) == 0 && heap > 0);
                CHECK(fb_gbout_counter(r, "items_per_second", &items) == 0 && items > 0);
                t[n++] = r->cpu_ns;
            }
        }
        qsort(t, n, sizeof t[0], cmp_double);
        const fb_gbout_run *med = find_run(&g, names[k], "median");
        CHECK(med && fabs(med->cpu_ns - t[1]) <= 1e-9 * t[1],
                  "%s: median aggregate %g, median of the iterations %g", names[k],
                  med ? med->cpu_ns : -1, t[1]);
    }
    fb_gbout_free(&g);
}

/* --benchmark_report_aggregates_only: no iteration entries at all. */
static void case_gbout_aggregates(void)
{
    fb_gbout g;
    char err[512];
    CHECK(fb_gbout_load(&g, fixture("gbench_pair_aggregates.json"), err, sizeof err) == 0,
              "%s", err);
    CHECK_EQ(g.n, 4);
    CHECK_EQ(count_runs(&g, "BM_pair/first/64", 1, NULL), 4);
    const fb_gbout_run *mean = find_run(&g, "BM_pair/first/64", "mean");
    const fb_gbout_run *sd = find_run(&g, "BM_pair/first/64", "stddev");
    CHECK(mean && mean->repetitions == 3 && mean->cpu_ns > 0);
    CHECK(sd && sd->cpu_ns >= 0 && sd->cpu_ns < mean->cpu_ns);
    fb_gbout_free(&g);
}

/* NaN and infinities in a run come through as such; the rest is intact. */
static void case_gbout_nonfinite(void)
{
    fb_gbout g, ref;
    char err[512];
    CHECK(fb_gbout_load(&g, fixture("gbench_pair_nonfinite.json"), err, sizeof err) == 0,
              "%s", err);
    CHECK(fb_gbout_load(&ref, fixture("gbench_pair_reps.json"), err, sizeof err) == 0, "%s",
              err);
    CHECK_EQ(g.n, ref.n);
    if (g.n && g.n == ref.n) {
        double v;
        CHECK(isnan(g.runs[0].cpu_ns) && g.runs[0].real_ns == ref.runs[0].real_ns);
        CHECK(fb_gbout_counter(&g.runs[0], "items_per_second", &v) == 0 && isinf(v) && v > 0);
        CHECK(fb_gbout_counter(&g.runs[0], "heap_kib", &v) == 0 && isinf(v) && v < 0);
        for (size_t i = 1; i < g.n; i++)
            CHECK(g.runs[i].cpu_ns == ref.runs[i].cpu_ns, "run %zu differs", i);
    }
    fb_gbout_free(&g);
    fb_gbout_free(&ref);
    /* JSON that is not Google Benchmark's. */
    char path[4200];
    snprintf(path, sizeof path, "%s", fixture("hyperfine_runs3.json"));
    CHECK(fb_gbout_load(&g, path, err, sizeof err) != 0 &&
                  strstr(err, "no \"benchmarks\" array"),
              "hyperfine's file read as benchmarks: %s", err);
}

/* hyperfine's export: mean, median and stddev of the first result. */
static void case_hyperfine(void)
{
    char err[512];
    pr_cell c;
    memset(&c, 0, sizeof c);
    CHECK(pr_hyperfine_read(fixture("hyperfine_runs3.json"), &c, err, sizeof err) == 0, "%s",
              err);
    CHECK(c.timed && c.stddev_known);
    /* The values are the file's; the "times" list holds the same runs. */
    json_object *j = fb_jread_file(fixture("hyperfine_runs3.json"), err, sizeof err);
    json_object *r0 = json_object_array_get_idx(fb_jread_get(j, "results"), 0);
    json_object *times = fb_jread_get(r0, "times");
    CHECK(times && json_object_array_length(times) == 3);
    if (times && json_object_array_length(times) == 3) {
        double t[3], sum = 0;
        for (size_t i = 0; i < 3; i++)
            sum += t[i] = json_object_get_double(json_object_array_get_idx(times, i));
        qsort(t, 3, sizeof t[0], cmp_double);
        CHECK(fabs(c.mean - sum / 3) < 1e-12 && c.median == t[1] && c.stddev > 0,
                  "mean %g median %g stddev %g", c.mean, c.median, c.stddev);
    }
    json_object_put(j);

    memset(&c, 0, sizeof c);
    CHECK(pr_hyperfine_read(fixture("hyperfine_runs1.json"), &c, err, sizeof err) == 0, "%s",
              err);
    CHECK(c.timed && !c.stddev_known && c.mean > 0 && c.mean == c.median);

    memset(&c, 0, sizeof c);
    CHECK(pr_hyperfine_read(fixture("gbench_pair_aggregates.json"), &c, err, sizeof err) != 0);
    CHECK(strstr(err, "no mean and median") && !c.timed, "%s", err);
    CHECK(pr_hyperfine_read(fixture("absent.json"), &c, err, sizeof err) != 0);
    CHECK(strstr(err, "absent.json: No such file") && !c.timed, "%s", err);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } cases[] = {
        {"nonfinite", case_nonfinite},
        {"strict", case_strict},
        {"gbout_reps", case_gbout_reps},
        {"gbout_aggregates", case_gbout_aggregates},
        {"gbout_nonfinite", case_gbout_nonfinite},
        {"hyperfine", case_hyperfine},
    };
    if (argc != 3) {
        fprintf(stderr, "usage: json_test CASE FIXTURES_DIR\n");
        return 2;
    }
    fixtures = argv[2];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(cases[i].name, argv[1]) == 0) {
            cases[i].fn();
            return check_finish("json %s", argv[1]);
        }
    }
    fprintf(stderr, "json_test: unknown case %s\n", argv[1]);
    return 2;
}
