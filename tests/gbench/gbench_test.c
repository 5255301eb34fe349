/*
 * gbench_test.c: tests of the Google Benchmark wrapper (harness/bench/gbench.h)
 * through its C API only. Each mode registers a few trivial benchmarks,
 * runs them with a tiny minimum time and JSON output to a file, then
 * reads the file back and checks that names, counters, items and errors
 * came through.
 *
 * usage: gbench_test run|error|badflag OUT.json
 *   run      names, arguments, the three counter kinds, items_per_second,
 *            label, and registration refusals
 *   error    gb_skip_with_error: a failing exit status and the error in
 *            the JSON, while the other benchmark still runs
 *   badflag  an argument the library does not know: exit status 2
 */
#include "check.h"
#include "gbench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------ benchmarks */

/* Defeats the optimizer without a C++ DoNotOptimize. */
static volatile uint64_t sink;

static void bm_trivial(gb_state *st, void *ctx)
{
    (void)ctx;
    uint64_t acc = 0;
    while (gb_keep_running_batch(st, 16))
        for (int i = 0; i < 16; i++)
            acc += (uint64_t)i * 2654435761u;
    sink = acc;
    int64_t it = gb_iterations(st);
    gb_set_items_processed(st, it);
    gb_counter(st, "widgets", (double)it, GB_COUNTER_PLAIN);
    gb_counter(st, "per_iter", 3.0 * (double)it, GB_COUNTER_PER_ITER);
    gb_counter(st, "touch_rate", (double)it, GB_COUNTER_RATE);
    gb_set_label(st, "trivial-label");
}

static void bm_args(gb_state *st, void *ctx)
{
    int *calls = ctx;
    ++*calls;
    while (gb_keep_running(st))
        sink = sink + 1;
    gb_counter(st, "arg0", (double)gb_arg(st, 0), GB_COUNTER_PLAIN);
    gb_counter(st, "arg1", (double)gb_arg(st, 1), GB_COUNTER_PLAIN);
    gb_counter(st, "argneg", (double)gb_arg(st, -1), GB_COUNTER_PLAIN);
}

static void bm_fails(gb_state *st, void *ctx)
{
    (void)ctx;
    gb_skip_with_error(st, "deliberate failure");
    /* A second error is ignored, not a library abort. */
    gb_skip_with_error(st, "second failure");
    while (gb_keep_running(st))
        sink = 0;
}

static void bm_pauses(gb_state *st, void *ctx)
{
    (void)ctx;
    while (gb_keep_running(st)) {
        gb_pause_timing(st);
        sink = sink + 1;
        gb_resume_timing(st);
    }
    gb_set_items_processed(st, gb_iterations(st));
}

/* ------------------------------------------------- reading the JSON */

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, 2 * cap + 1);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

/* The benchmark entry named name: [*start, *end) is its object. The
 * library writes each entry as one flat object, so the braces around the
 * name delimit it. 0 when absent. */
static int find_entry(const char *json, const char *name, const char **start,
                      const char **end)
{
    char pat[160];
    snprintf(pat, sizeof pat, "\"name\": \"%s\"", name);
    const char *at = strstr(json, pat);
    if (!at)
        return 0;
    const char *s = at;
    while (s > json && *s != '{')
        s--;
    const char *e = strchr(at, '}');
    if (*s != '{' || !e)
        return 0;
    *start = s;
    *end = e;
    return 1;
}

/* The number after "key": inside [start, end), or NAN when absent. */
static double entry_number(const char *start, const char *end, const char *key)
{
    char pat[96];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    size_t n = strlen(pat);
    for (const char *p = start; p + n <= end; p++) {
        if (memcmp(p, pat, n) == 0) {
            char *stop;
            double v = strtod(p + n, &stop);
            return stop == p + n ? NAN : v;
        }
    }
    return NAN;
}

static int entry_has(const char *start, const char *end, const char *text)
{
    size_t n = strlen(text);
    for (const char *p = start; p + n <= end; p++)
        if (memcmp(p, text, n) == 0)
            return 1;
    return 0;
}

/* Runs gb_run with the flags every mode uses plus extra (may be NULL). */
static int run_with(const char *argv0, const char *out, const char *filter,
                    const char *extra)
{
    char outflag[1024], filterflag[256];
    snprintf(outflag, sizeof outflag, "--benchmark_out=%s", out);
    snprintf(filterflag, sizeof filterflag, "--benchmark_filter=%s", filter);
    char *args[8];
    int n = 0;
    args[n++] = (char *)argv0;
    args[n++] = "--benchmark_min_time=0.001";
    args[n++] = "--benchmark_format=json";
    args[n++] = outflag;
    args[n++] = "--benchmark_out_format=json";
    args[n++] = filterflag;
    if (extra)
        args[n++] = (char *)extra;
    args[n] = NULL;
    return gb_run(&n, args);
}

/* --------------------------------------------------------- the modes */

static void mode_run(const char *argv0, const char *out)
{
    static int arg_calls;
    static const int64_t args[] = {7, 900};
    CHECK(gb_register("BM_trivial", bm_trivial, NULL, NULL, 0) == 0, "register");
    CHECK(gb_register("BM_args", bm_args, &arg_calls, args, 2) == 0, "register");
    CHECK(gb_register("BM_pauses", bm_pauses, NULL, NULL, 0) == 0, "register");
    gb_opts o = {.unit = GB_US, .iterations = 5};
    CHECK(gb_register_opts("BM_fixed", bm_args, &arg_calls, NULL, 0, &o) == 0, "register");
    /* Refusals: said on stderr, -1, nothing registered. */
    CHECK(gb_register("", bm_trivial, NULL, NULL, 0) == -1, "empty name accepted");
    CHECK(gb_register("BM_nofn", NULL, NULL, NULL, 0) == -1, "NULL function accepted");
    CHECK(gb_register("BM_noargs", bm_trivial, NULL, NULL, 3) == -1,
          "argument count without arguments accepted");

    int rc = run_with(argv0, out, ".*", NULL);
    CHECK(rc == 0, "gb_run returned %d", rc);
    CHECK(arg_calls > 0, "BM_args never ran");

    char *json = read_all(out);
    CHECK(json != NULL, "cannot read %s", out);
    if (!json)
        return;
    CHECK(strstr(json, "\"context\":") && strstr(json, "\"benchmarks\":"),
          "not the library's JSON layout");
    CHECK(!strstr(json, "BM_nofn") && !strstr(json, "BM_noargs"),
          "a refused registration ran");

    const char *s, *e;
    if (find_entry(json, "BM_trivial", &s, &e)) {
        double it = entry_number(s, e, "iterations");
        double ips = entry_number(s, e, "items_per_second");
        double widgets = entry_number(s, e, "widgets");
        double per_iter = entry_number(s, e, "per_iter");
        double rate = entry_number(s, e, "touch_rate");
        double cpu = entry_number(s, e, "cpu_time");
        CHECK(it >= 1, "iterations %g", it);
        CHECK((int64_t)it % 16 == 0, "a batch of 16 ran partly: %g iterations", it);
        CHECK(ips > 0 && isfinite(ips), "items_per_second %g", ips);
        CHECK(widgets == it, "plain counter %g != iterations %g", widgets, it);
        CHECK(fabs(per_iter - 3.0) < 1e-9, "per-iteration counter %g, want 3", per_iter);
        CHECK(rate > 0 && isfinite(rate), "rate counter %g", rate);
        /* A rate of one per iteration and items of one per iteration are
         * the same figure. */
        CHECK(fabs(rate - ips) <= 1e-6 * ips, "rate %g vs items_per_second %g", rate, ips);
        CHECK(cpu > 0, "cpu_time %g", cpu);
        CHECK(entry_has(s, e, "\"label\": \"trivial-label\""), "label missing");
        CHECK(entry_has(s, e, "\"time_unit\": \"ns\""), "default unit is not ns");
    } else {
        CHECK(0, "no BM_trivial entry in %s", out);
    }
    static const char *arg_names[] = {"BM_args/7", "BM_args/900"};
    static const double arg_vals[] = {7, 900};
    for (int i = 0; i < 2; i++) {
        if (!find_entry(json, arg_names[i], &s, &e)) {
            CHECK(0, "no %s entry", arg_names[i]);
            continue;
        }
        CHECK(entry_number(s, e, "arg0") == arg_vals[i], "%s: gb_arg(0) = %g",
              arg_names[i], entry_number(s, e, "arg0"));
        CHECK(entry_number(s, e, "arg1") == 0, "%s: gb_arg(1) beyond the args = %g",
              arg_names[i], entry_number(s, e, "arg1"));
        CHECK(entry_number(s, e, "argneg") == 0, "%s: gb_arg(-1) = %g", arg_names[i],
              entry_number(s, e, "argneg"));
    }
    if (find_entry(json, "BM_fixed/iterations:5", &s, &e)) {
        CHECK(entry_number(s, e, "iterations") == 5, "fixed iterations %g",
              entry_number(s, e, "iterations"));
        CHECK(entry_has(s, e, "\"time_unit\": \"us\""), "unit option lost");
        CHECK(entry_number(s, e, "arg0") == 0, "gb_arg(0) without args = %g",
              entry_number(s, e, "arg0"));
    } else {
        CHECK(0, "no BM_fixed/iterations:5 entry");
    }
    if (find_entry(json, "BM_pauses", &s, &e))
        CHECK(entry_number(s, e, "items_per_second") > 0, "BM_pauses items_per_second %g",
              entry_number(s, e, "items_per_second"));
    else
        CHECK(0, "no BM_pauses entry");
    free(json);
}

static void mode_error(const char *argv0, const char *out)
{
    CHECK(gb_register("BM_fails", bm_fails, NULL, NULL, 0) == 0, "register");
    CHECK(gb_register("BM_trivial", bm_trivial, NULL, NULL, 0) == 0, "register");
    int rc = run_with(argv0, out, ".*", NULL);
    CHECK(rc == 1, "gb_run returned %d after a failed benchmark, want 1", rc);
    char *json = read_all(out);
    CHECK(json != NULL, "cannot read %s", out);
    if (!json)
        return;
    const char *s, *e;
    if (find_entry(json, "BM_fails", &s, &e)) {
        CHECK(entry_has(s, e, "\"error_occurred\": true"), "error not reported");
        CHECK(entry_has(s, e, "\"error_message\": \"deliberate failure\""),
              "first error message lost");
    } else {
        CHECK(0, "no BM_fails entry");
    }
    if (find_entry(json, "BM_trivial", &s, &e))
        CHECK(!entry_has(s, e, "error_occurred") && entry_number(s, e, "items_per_second") > 0,
              "the benchmark after the failing one did not run cleanly");
    else
        CHECK(0, "no BM_trivial entry: one failure stopped the run");
    free(json);
}

static void mode_badflag(const char *argv0, const char *out)
{
    CHECK(gb_register("BM_trivial", bm_trivial, NULL, NULL, 0) == 0, "register");
    remove(out);
    int rc = run_with(argv0, out, ".*", "--no-such-flag");
    CHECK(rc == 2, "gb_run returned %d for an unknown flag, want 2", rc);
    FILE *f = fopen(out, "r");
    CHECK(f == NULL, "benchmarks ran despite the unknown flag");
    if (f)
        fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gbench_test run|error|badflag OUT.json\n");
        return 2;
    }
    if (strcmp(argv[1], "run") == 0)
        mode_run(argv[0], argv[2]);
    else if (strcmp(argv[1], "error") == 0)
        mode_error(argv[0], argv[2]);
    else if (strcmp(argv[1], "badflag") == 0)
        mode_badflag(argv[0], argv[2]);
    else {
        fprintf(stderr, "gbench_test: unknown mode '%s'\n", argv[1]);
        return 2;
    }
    return check_finish("gbench_test %s", argv[1]);
}
