/*
 * plots_test.c: tests of the plots module (plots/): `fitbench plot` and
 * `fitbench report` through cmd_plot/cmd_report, on copies of the results
 * fixture in tests/plots/fixture/, plus the CSV reader (the JSON reader,
 * harness/json/jread.h, has its tests in tests/json/).
 *
 * Usage: plots_test CASE FIXTURE_DIR [JSON_FIXTURES_DIR]. Each case copies the fixture into a
 * fresh temporary folder (the fixture itself is never written), may spoil
 * one file of the copy, runs a command, and checks the files it wrote and
 * what it said on stderr. Exit 0 pass, 1 fail, 77 skip (no gnuplot).
 *
 * The fixture: traces binary-bal and realloc-bal x allocators first, tlsf,
 * libc; realloc-bal/tlsf crashed (its per-cell files exist and its row has
 * numbers, none of which may be drawn); heap maps for first and tlsf only;
 * a small bench.json.
 */
#include "check.h"
#include "jread.h"
#include "metrics.h"
#include "plots.h"
#include "plots_csv.h"
#include "plots_load.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *fixture;
/* tests/json/fixtures: files Google Benchmark really wrote (the bench cases). */
static const char *json_fixtures;
static char workdir[512];

static const char *const traces[] = {"binary-bal", "realloc-bal"};
static const char *const allocs[] = {"first", "tlsf", "libc"};
/* Charts drawn from the full fixture; the first six also as PNG. */
static const char *const overview[] = {"util",         "kops",         "tradeoff",
                                       "heapmap",      "bench_pair",   "bench_random",
                                       "bench_replay"};
#define NOVERVIEW (sizeof overview / sizeof overview[0])

/* --- files ----------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap + 1);
    size_t got;
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(b, cap * 2 + 1);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (b)
        b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

/* A formatted path in one of 8 rotating buffers: valid until 8 more
 * calls, so keep a copy of one that must live longer. */
static char *pathf(const char *fmt, ...)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p, sizeof buf[0], fmt, ap);
    va_end(ap);
    return p;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int copy_file(const char *from, const char *to)
{
    size_t n;
    char *b = slurp(from, &n);
    if (!b)
        return -1;
    FILE *f = fopen(to, "wb");
    int rc = f && fwrite(b, 1, n, f) == n ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(b);
    return rc;
}

static int copy_tree(const char *from, const char *to)
{
    static const char *const subs[] = {"", "/timeline", "/heapmap", "/latency"};
    static const char *const files[] = {"results.csv", "summary.csv", "meta.json",
                                        "results.json", "bench.json"};
    for (size_t i = 1; i < 4; i++)
        if (mkdir(pathf("%s%s", to, subs[i]), 0755) != 0)
            return -1;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (copy_file(pathf("%s/%s", from, files[i]), pathf("%s/%s", to, files[i])) != 0)
            return -1;
    for (size_t s = 1; s < 4; s++)
        for (size_t t = 0; t < 2; t++)
            for (size_t a = 0; a < 3; a++) {
                const char *src = pathf("%s%s/%s__%s.csv", from, subs[s], traces[t], allocs[a]);
                if (access(src, F_OK) == 0 &&
                    copy_file(src, pathf("%s%s/%s__%s.csv", to, subs[s], traces[t], allocs[a])))
                    return -1;
            }
    return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* A fresh copy of the fixture in a temporary folder: workdir. */
static int fresh_copy(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/plots_test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir) || copy_tree(fixture, workdir) != 0) {
        fprintf(stderr, "cannot copy the fixture %s to %s: %s\n", fixture, workdir,
                strerror(errno));
        return -1;
    }
    return 0;
}

static void cleanup(void)
{
    if (workdir[0] && !getenv("PLOTS_TEST_KEEP"))
        nftw(workdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- running a command with its stderr captured --------------------------- */

static char *captured; /* what the last run printed on stderr */

static int run(int (*cmd)(int, char **), const char *a0, ...)
{
    char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    argv[argc++] = (char *)a0;
    const char *a;
    while (argc < 15 && (a = va_arg(ap, const char *)) != NULL)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;

    char log[600];
    snprintf(log, sizeof log, "%s.stderr", workdir[0] ? workdir : "/tmp/plots_test");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
    }
    int rc = cmd(argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    free(captured);
    captured = slurp(log, NULL);
    unlink(log);
    if (!captured)
        captured = strdup("");
    return rc;
}

/* --- what a good output looks like ---------------------------------------- */

static int is_svg(const char *path)
{
    size_t n;
    char *b = slurp(path, &n);
    if (!b)
        return 0;
    const char *h = b + strspn(b, " \t\r\n");
    while (n && strchr(" \t\r\n", b[n - 1]))
        n--;
    int ok = (strncmp(h, "<?xml", 5) == 0 || strncmp(h, "<svg", 4) == 0) && n >= 6 &&
             memcmp(b + n - 6, "</svg>", 6) == 0 && strstr(b, "<svg");
    free(b);
    return ok;
}

static int is_png(const char *path)
{
    size_t n;
    char *b = slurp(path, &n);
    int ok = b && n > 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0;
    free(b);
    return ok;
}

static int contains(const char *path, const char *needle)
{
    char *b = slurp(path, NULL);
    int ok = b && strstr(b, needle);
    free(b);
    return ok;
}

/* Every chart of the full fixture exists, is valid, and is on the page. */
static void check_charts(int with_page)
{
    char html[600];
    snprintf(html, sizeof html, "%s/report.html", workdir);
    for (size_t i = 0; i < NOVERVIEW; i++) {
        const char *svg = pathf("%s/plots/%s.svg", workdir, overview[i]);
        const char *png = pathf("%s/plots/%s.png", workdir, overview[i]);
        CHECK(is_svg(svg), "%s is not a complete SVG", svg);
        CHECK(is_png(png), "%s is not a PNG", png);
        if (with_page)
            CHECK(contains(html, pathf("<img src=\"plots/%s.svg\"", overview[i])),
                  "report.html has no <img> for %s", overview[i]);
    }
    for (size_t t = 0; t < 2; t++) {
        static const char *const kinds[] = {"timeline", "latency"};
        for (size_t k = 0; k < 2; k++) {
            const char *stem = pathf("%s_%s", kinds[k], traces[t]);
            CHECK(is_svg(pathf("%s/plots/%s.svg", workdir, stem)), "%s.svg missing or bad",
                  stem);
            if (with_page)
                CHECK(contains(html, pathf("<img src=\"plots/%s.svg\"", stem)),
                      "report.html has no <img> for %s", stem);
        }
    }
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char *copy = path ? strdup(path) : NULL;
    int found = 0;
    for (char *dir = copy ? strtok(copy, ":") : NULL; dir && !found; dir = strtok(NULL, ":"))
        found = access(pathf("%s/gnuplot", dir), X_OK) == 0;
    free(copy);
    return found;
}

/* --- the cases ------------------------------------------------------------- */

static void case_report(void)
{
    int rc = run(cmd_report, "report", "--heapmap", "", workdir, NULL);
    CHECK(rc == 2, "an empty --heapmap must be a usage error, got %d", rc);
    rc = run(cmd_report, "report", workdir, NULL);
    CHECK(rc == 0, "report on the fixture returned %d; stderr:\n%s", rc, captured);
    check_charts(1);
    const char *html = pathf("%s/report.html", workdir);
    char *page = slurp(html, NULL);
    CHECK(page != NULL, "no report.html");
    if (!page)
        return;
    CHECK(strncmp(page, "<!DOCTYPE html>", 15) == 0 && strstr(page, "</html>"),
          "report.html is not a whole HTML document");
    /* The summary table: one row per allocator, with the figures of
     * summary.csv. */
    char *sumrow = strstr(page, "id=\"summary\"");
    char *sumend = sumrow ? strstr(sumrow, "</table>") : NULL;
    CHECK(sumrow && sumend, "no summary table");
    if (sumrow && sumend) {
        *sumend = '\0';
        for (size_t a = 0; a < 3; a++)
            CHECK(strstr(sumrow, pathf("></span>%s</td>", allocs[a])),
                  "summary table lacks %s", allocs[a]);
        CHECK(strstr(sumrow, "<strong>90.2</strong>"), "tlsf's perf index (90.2 in "
              "summary.csv) is not shown as the best");
        CHECK(strstr(sumrow, "1 / 2"), "tlsf ran 1 of 2 traces ok; not in the table");
        *sumend = '<';
    }
    for (size_t t = 0; t < 2; t++) {
        CHECK(strstr(page, pathf("<h3 id=\"trace-%s\">%s</h3>", traces[t], traces[t])),
              "no section for trace %s", traces[t]);
    }
    /* The failed cell shows its status and its detail, escaped. */
    CHECK(strstr(page, "<td class=\"bad\">crash <span class=\"detail\">signal 11 (SIGSEGV) at "
                       "op 1234 &lt;r 7 640&gt;, &quot;after&quot; &amp; more</span>"),
          "the crashed cell's status and escaped detail are not on the page");
    CHECK(!strstr(page, "<r 7 640>"), "unescaped text from results.csv on the page");
    /* The crashed row carries numbers (peak payload 2000000, util 0.9512)
     * that must not leak into the trace's figures. */
    CHECK(strstr(page, "14401 ops, peak live payload 1.0&nbsp;MiB."),
          "realloc-bal's peak payload is not that of its ok rows (1049104 bytes)");
    static const char *const meta[] = {"2024-05-17 09:30:00 UTC", "fixture-host",
                                       "Fixture CPU @ 3.00GHz", "Linux 6.1.0-fixture",
                                       "gcc 12.2.0", "2.36", "fitbench run -o fixture",
                                       "jemalloc: 5.3.0-1", "mimalloc: 2.0.9-2"};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
        CHECK(strstr(page, pathf("%s</td>", meta[i])) || strstr(page, pathf("%s<br>", meta[i])),
              "meta value \"%s\" not on the page", meta[i]);
    static const char *const links[] = {"results.csv", "summary.csv", "results.json",
                                        "bench.json"};
    for (size_t i = 0; i < 4; i++)
        CHECK(strstr(page, pathf("<a href=\"%s\">", links[i])), "no link to %s", links[i]);
    /* Default heap map: the ok cell with a heap map file and the most
     * external fragmentation at its peak, binary-bal / tlsf (0.48; every
     * other cell has 0.312). */
    CHECK(strstr(page, "alt=\"Heap at its footprint peak: binary-bal / tlsf\""),
          "the default heap map is not binary-bal / tlsf");
    CHECK(contains(pathf("%s/plots/heapmap.svg", workdir), "binary-bal / tlsf"),
          "heapmap.svg is not titled binary-bal / tlsf");
    /* Three allocators: all drawn, no note about a choice. */
    CHECK(!strstr(page, "Drawn: "), "a choice of allocators noted with only three");
    CHECK(!strstr(page, "id=\"warnings\""), "warnings on a clean fixture");
    free(page);

    /* The crashed cell is never drawn: a status mark in the bars, no line. */
    char *dat = slurp(pathf("%s/plots/data/util.dat", workdir), NULL);
    char *mark = dat ? strstr(dat, "\"crash\"") : NULL;
    while (mark && mark > dat && mark[-1] != '\n')
        mark--;
    CHECK(mark && strncmp(strchr(mark, ' '), " ? ", 3) == 0,
          "util.dat has no undrawn bar (y '?') marked crash");
    CHECK(dat && !strstr(dat, "95.12"), "the crashed cell's util is in util.dat");
    free(dat);
    const char *tl_ok = pathf("%s/plots/timeline_binary-bal.svg", workdir);
    const char *tl_crash = pathf("%s/plots/timeline_realloc-bal.svg", workdir);
    CHECK(contains(tl_ok, ">tlsf</text>"), "tlsf missing from the binary-bal timeline");
    CHECK(!contains(tl_crash, ">tlsf</text>"), "the crashed tlsf cell is drawn in the "
          "realloc-bal timeline");
    CHECK(!contains(pathf("%s/plots/latency_realloc-bal.svg", workdir), ">tlsf</text>"),
          "the crashed tlsf cell is drawn in the realloc-bal latency CDF");
    CHECK(contains(tl_crash, ">first</text>") && contains(tl_crash, ">libc</text>"),
          "the ok cells of realloc-bal are missing from its timeline");
}

static void case_plot(void)
{
    int rc = run(cmd_plot, "plot", "--no-png", workdir, NULL);
    CHECK(rc == 0, "plot returned %d; stderr:\n%s", rc, captured);
    CHECK(access(pathf("%s/report.html", workdir), F_OK) != 0, "plot wrote a report.html");
    CHECK(is_svg(pathf("%s/plots/util.svg", workdir)), "plot drew no util.svg");
    CHECK(access(pathf("%s/plots/util.png", workdir), F_OK) != 0, "--no-png drew a PNG");
    rc = run(cmd_plot, "plot", workdir, NULL);
    CHECK(rc == 0, "plot returned %d", rc);
    check_charts(0);
    CHECK(contains(pathf("%s/plots/data/util.dat", workdir), "\"binary-bal\""),
          "util.dat does not name the traces");
}

static void case_heapmap_option(void)
{
    int rc = run(cmd_report, "report", "--heapmap", "realloc-bal/first", workdir, NULL);
    CHECK(rc == 0, "--heapmap realloc-bal/first returned %d:\n%s", rc, captured);
    CHECK(contains(pathf("%s/plots/heapmap.svg", workdir), "realloc-bal / first"),
          "heapmap.svg is not the requested cell");
    CHECK(contains(pathf("%s/report.html", workdir), "realloc-bal / first"),
          "the page does not name the requested heap map cell");
    rc = run(cmd_report, "report", "--heapmap=nosuch/first", workdir, NULL);
    CHECK(rc == 2 && strstr(captured, "no trace named \"nosuch\""),
          "unknown trace: rc %d, stderr: %s", rc, captured);
    rc = run(cmd_report, "report", "--heapmap", "realloc-bal/libc", workdir, NULL);
    CHECK(rc == 2 && strstr(captured, "heapmap/realloc-bal__libc.csv"),
          "cell without a heap map file: rc %d, stderr: %s", rc, captured);
    rc = run(cmd_report, "report", "--heapmap", "first", workdir, NULL);
    CHECK(rc == 2 && strstr(captured, "TRACE/ALLOCATOR"), "no slash: rc %d, stderr: %s", rc,
          captured);
}

static void case_no_bench(void)
{
    /* Drawn once with bench.json, then without: the old charts must go. */
    int rc = run(cmd_plot, "plot", workdir, NULL);
    CHECK(rc == 0 && is_svg(pathf("%s/plots/bench_pair.svg", workdir)),
          "no bench chart with bench.json: %d", rc);
    unlink(pathf("%s/bench.json", workdir));
    rc = run(cmd_report, "report", workdir, NULL);
    CHECK(rc == 0, "report without bench.json returned %d:\n%s", rc, captured);
    const char *html = pathf("%s/report.html", workdir);
    CHECK(contains(html, "No <code>bench.json</code> in this folder"),
          "the page does not say that bench.json is absent");
    CHECK(!contains(html, "plots/bench_pair.svg"), "the page shows a bench chart");
    CHECK(access(pathf("%s/plots/bench_pair.svg", workdir), F_OK) != 0 &&
              access(pathf("%s/plots/bench_pair.png", workdir), F_OK) != 0,
          "a bench chart is left without bench.json");
    CHECK(is_svg(pathf("%s/plots/util.svg", workdir)), "other charts not drawn");
}

static void case_no_summary(void)
{
    /* The figures computed from results.csv must be those the run wrote in
     * summary.csv (mean util, Kops/s): read them before removing it. */
    char *sum = slurp(pathf("%s/summary.csv", workdir), NULL);
    CHECK(sum != NULL, "fixture has no summary.csv");
    unlink(pathf("%s/summary.csv", workdir));
    int rc = run(cmd_report, "report", workdir, NULL);
    CHECK(rc == 0, "report without summary.csv returned %d:\n%s", rc, captured);
    CHECK(strstr(captured, "summary.csv: absent"), "no warning about summary.csv: %s",
          captured);
    char *page = slurp(pathf("%s/report.html", workdir), NULL);
    CHECK(page && strstr(page, "summary.csv was absent"), "page does not say so");
    char *save = NULL;
    int lines = 0;
    for (char *line = sum ? strtok_r(sum, "\n", &save) : NULL; line && page;
         line = strtok_r(NULL, "\n", &save)) {
        char name[64], group[64];
        unsigned traces_n, ok;
        double util, kops, gmean, perf;
        if (sscanf(line, "%63[^,],%63[^,],%u,%u,%lf,%lf,%lf,%lf", name, group, &traces_n, &ok,
                   &util, &kops, &gmean, &perf) != 8)
            continue;
        lines++;
        const char *u = pathf("%.1f%%", 100 * util);
        const char *k = pathf(">%.0f<", kops);
        const char *g = pathf(">%.0f<", gmean);
        char *row = strstr(page, pathf("></span>%s</td>", name));
        char *end = row ? strstr(row, "</tr>") : NULL;
        CHECK(row && end, "no summary row for %s", name);
        if (row && end) {
            *end = '\0';
            CHECK(strstr(row, u) && strstr(row, k) && strstr(row, g), "%s: computed "
                  "summary differs from summary.csv (want %s, %s and %s): %s", name, u, k, g,
                  row);
            *end = '<';
        }
    }
    CHECK(lines == 3, "read %d summary lines", lines);
    free(sum);
    free(page);
}

/* One row of results.csv for TRACE x ALLOC, status ok: OPS in ops, every
 * F64 figure FIG (empty: undefined) but replay_s, which is REPLAY. */
static const char *ok_row(const char *trace, const char *alloc, const char *ops,
                          const char *fig, const char *replay)
{
    static char row[2048];
    size_t n = 0;
#define ROW_STR(name) !strcmp(#name, "trace") ? trace : !strcmp(#name, "allocator") ? alloc \
                      : !strcmp(#name, "status") ? "ok" : ""
#define ROW_COL_STR(name) ROW_STR(name)
#define ROW_COL_TXT(name) ""
#define ROW_COL_U64(name) !strcmp(#name, "ops") ? ops : "100"
#define ROW_COL_F64(name) !strcmp(#name, "replay_s") ? replay : fig
#define ROW_COL(name, type, fmt, unit, desc) \
    n += (size_t)snprintf(row + n, sizeof row - n, "%s%s", n ? "," : "", ROW_COL_##type(name));
    FB_METRICS(ROW_COL)
#undef ROW_COL
    snprintf(row + n, sizeof row - n, "\n");
    return row;
}

/* A trace with no ops beside the fixture's two (issue 19): its util and
 * throughput are undefined, shown as "-", never drawn, and left out of
 * every mean, so each allocator's summary is the fixture's own. */
static void case_undefined(void)
{
    char *good = slurp(pathf("%s/results.csv", workdir), NULL);
    char *sum = slurp(pathf("%s/summary.csv", workdir), NULL);
    CHECK(good && sum, "fixture lacks results.csv or summary.csv");
    if (!good || !sum)
        return;
    size_t len = strlen(good) + 3 * 2048 + 1;
    char *bad = malloc(len);
    snprintf(bad, len, "%s", good);
    for (size_t a = 0; a < 3; a++)
        strcat(bad, ok_row("no-ops", allocs[a], "0", "", "0.000001"));
    write_file(pathf("%s/results.csv", workdir), bad);
    unlink(pathf("%s/summary.csv", workdir));

    plots_set set;
    int rc = plots_load(&set, workdir, "plots_test");
    CHECK(rc == 0, "loading empty figures returned %d", rc);
    for (size_t a = 0; rc == 0 && a < 3; a++) {
        long ai = plots_alloc_find(&set, allocs[a]);
        long ti = plots_trace_find(&set, "no-ops");
        CHECK(ai >= 0 && ti >= 0, "no %s or no trace no-ops", allocs[a]);
        if (ai < 0 || ti < 0)
            continue;
        const plots_row *r = plots_cell(&set, (size_t)ti, (size_t)ai);
        CHECK(r && r->ok && !fb_defined(r->util) && !fb_defined(r->kops),
              "%s on no-ops: an empty util or kops is read as a number", allocs[a]);
        /* The same figures as summary.csv, written without the trace. */
        char *line = strstr(sum, pathf("\n%s,", allocs[a]));
        double util = -1, kops = -1, gmean = -1;
        CHECK(line && sscanf(strchr(line + 1, ',') + 1, "%*[^,],%*u,%*u,%lf,%lf,%lf", &util,
                             &kops, &gmean) == 3, "summary.csv has no line for %s", allocs[a]);
        const plots_alloc *al = &set.allocs[ai];
        CHECK(fabs(al->mean_util - util) < 1e-4 && fabs(al->kops - kops) < 0.1 &&
                  fabs(al->kops_gmean - gmean) < 0.1,
              "%s: the no-ops trace moved its summary: util %.4f kops %.1f gmean %.1f, want "
              "%.4f %.1f %.1f", allocs[a], al->mean_util, al->kops, al->kops_gmean, util,
              kops, gmean);
        CHECK(al->ok == (a == 1 ? 2u : 3u), "%s: %" PRIu64 " traces ok", allocs[a], al->ok);
    }
    plots_set_free(&set);

    if (have_gnuplot()) {
        rc = run(cmd_report, "report", workdir, NULL);
        CHECK(rc == 0, "report with undefined figures returned %d:\n%s", rc, captured);
        char *page = slurp(pathf("%s/report.html", workdir), NULL);
        char *sec = page ? strstr(page, "<h3 id=\"trace-no-ops\">") : NULL;
        char *end = sec ? strstr(sec, "</table>") : NULL;
        CHECK(sec && end, "no section for the no-ops trace");
        if (sec && end) {
            *end = '\0';
            CHECK(strstr(sec, "<td>ok</td><td class=\"n\">&ndash;</td>"),
                  "the undefined util is not shown as a dash: %s", sec);
            CHECK(!strstr(sec, "0.0%"), "an undefined util is shown as 0.0%%");
        }
        CHECK(contains(pathf("%s/plots/data/util.dat", workdir), "\"undefined\""),
              "util.dat does not mark the undefined bars");
        CHECK(contains(pathf("%s/report.html", workdir), "not drawn (the trace has no "
                                                          "operations)"),
              "the no-ops trace's timeline is not said to have nothing to draw");
        free(page);
    }
    free(bad);
    free(good);
    free(sum);
}

/* Writes a folder of one trace and the N allocators NAMES[i] of groups
 * GROUPS[i] with perf index PERF[i] (empty: undefined) and mean util
 * UTIL[i] in summary.csv. */
static void pick_folder(size_t n, const char *const *names, const char *const *groups,
                        const char *const *perf, const char *const *util)
{
    char *res = malloc(n * 2048 + 4096), *sum = malloc(n * 256 + 256);
    char *head = slurp(pathf("%s/results.csv", workdir), NULL);
    if (!res || !sum || !head) {
        CHECK(0, "out of memory");
        free(res), free(sum), free(head);
        return;
    }
    *strchr(head, '\n') = '\0';
    size_t rn = (size_t)sprintf(res, "%s\n", head), sn = 0;
    sn += (size_t)sprintf(sum, "allocator,group,traces,ok,mean_util,kops,kops_gmean,perf_index\n");
    for (size_t i = 0; i < n; i++) {
        rn += (size_t)sprintf(res + rn, "%s", ok_row("t1", names[i], "1000", util[i], "0.001"));
        sn += (size_t)sprintf(sum + sn, "%s,%s,1,1,%s,1000.0,1000.0,%s\n", names[i], groups[i],
                              util[i], perf[i]);
    }
    write_file(pathf("%s/results.csv", workdir), res);
    write_file(pathf("%s/summary.csv", workdir), sum);
    free(res), free(sum), free(head);
}

/* With more than PLOTS_PICK_MAX allocators the per-trace charts draw the
 * user's own, libc, and the best of each group (pick.c). */
static void case_pick(void)
{
    static const char *const names[] = {
        "mine", "first", "first-ao", "next", "best", "worst", "segfit", "tlsf", "buddy",
        "mems", "pagefamily", "ostep", "dmm", "libc", "jemalloc", "tcmalloc", "mimalloc",
        "bump", "mine2"};
    static const char *const groups[] = {
        "user", "fit", "fit", "fit", "fit", "fit", "fit", "fit", "fit", "seed", "seed",
        "seed", "seed", "system", "system", "system", "system", "baseline", "user"};
    /* best wins fit; pagefamily wins seed though ostep, without a perf
     * index, has the higher utilization; jemalloc wins system; bump, with
     * no perf index, is the best of its group alone. */
    static const char *const perf[] = {"10", "50", "55", "40", "70", "30", "60", "65", "45",
                                       "20", "35", "", "15", "60", "80", "75", "78", "", "5"};
    static const char *const util[] = {"0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5",
                                       "0.5", "0.5", "0.5", "0.5", "0.99", "0.5", "0.5",
                                       "0.5", "0.5", "0.5", "0.1", "0.5"};
    static const char *const want[] = {"mine", "mine2", "libc", "best", "pagefamily",
                                       "jemalloc", "bump"};
    size_t n = sizeof names / sizeof names[0], nw = sizeof want / sizeof want[0];
    pick_folder(n, names, groups, perf, util);
    plots_set set;
    int rc = plots_load(&set, workdir, "plots_test");
    CHECK(rc == 0 && set.nallocs == n, "loading %zu allocators: rc %d, %zu", n, rc,
          set.nallocs);
    if (rc == 0) {
        CHECK(set.npicked == nw, "%zu picked, want %zu", set.npicked, nw);
        for (size_t i = 0; i < n; i++) {
            int wanted = 0;
            for (size_t k = 0; k < nw; k++)
                wanted |= !strcmp(want[k], names[i]);
            long ai = plots_alloc_find(&set, names[i]);
            CHECK(ai >= 0 && set.allocs[ai].picked == wanted, "%s is %s", names[i],
                  wanted ? "not picked" : "picked");
        }
    }
    plots_set_free(&set);

    /* Nine of the user's own: seven of them and libc, no more. */
    const char *users[19];
    for (size_t i = 0; i < n; i++)
        users[i] = i < 9 ? "user" : groups[i];
    pick_folder(n, names, users, perf, util);
    rc = plots_load(&set, workdir, "plots_test");
    CHECK(rc == 0 && set.npicked == PLOTS_PICK_MAX, "nine users: rc %d, %zu picked", rc,
          set.npicked);
    if (rc == 0) {
        long libc = plots_alloc_find(&set, "libc"), last = plots_alloc_find(&set, "buddy");
        CHECK(libc >= 0 && set.allocs[libc].picked, "libc left out for the user's own");
        CHECK(last >= 0 && !set.allocs[last].picked, "more than %d drawn", PLOTS_PICK_MAX);
    }
    plots_set_free(&set);

    if (!have_gnuplot())
        return;
    pick_folder(n, names, groups, perf, util);
    rc = run(cmd_report, "report", workdir, NULL);
    CHECK(rc == 0, "report with %zu allocators returned %d:\n%s", n, rc, captured);
    char *page = slurp(pathf("%s/report.html", workdir), NULL);
    CHECK(page && strstr(page, pathf("Drawn: %zu of the %zu allocators", nw, n)),
          "the page does not say which allocators are drawn");
    CHECK(page && strstr(page, pathf("<details><summary>Utilization of all %zu", n)),
          "no folded table of every allocator's utilization");
    /* util.dat: a line per drawn bar and one for the trace's name. */
    char *dat = slurp(pathf("%s/plots/data/util.dat", workdir), NULL);
    size_t lines = 0;
    for (char *c = dat; c && *c; c++)
        lines += *c == '\n';
    CHECK(lines == 1 + nw + 1, "util.dat has %zu lines, want %zu", lines, 1 + nw + 1);
    free(dat);
    free(page);
}

/* The figures the page must show for benchmark NAME of FILE: its median
 * aggregate's real and CPU time in ns (the replay benchmarks write ms) and
 * its util counter, read from the file here, apart from the loader's
 * choice. 0, or -1 when absent. */
static int median_of(const char *file, const char *name, double *real, double *cpu,
                     double *util)
{
    char err[512];
    json_object *j = fb_jread_file(file, err, sizeof err);
    json_object *arr = fb_jread_get(j, "benchmarks");
    int rc = -1;
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        const char *run = fb_jread_str(e, "run_name"), *agg = fb_jread_str(e, "aggregate_name");
        if (run && agg && strcmp(run, name) == 0 && strcmp(agg, "median") == 0 &&
            fb_jread_num(e, "real_time", real) == 0 && fb_jread_num(e, "cpu_time", cpu) == 0) {
            if (fb_jread_num(e, "util", util) < 0)
                *util = -1;
            const char *unit = fb_jread_str(e, "time_unit");
            double ns = !unit || !strcmp(unit, "ns") ? 1
                        : !strcmp(unit, "us")            ? 1e3
                        : !strcmp(unit, "ms")            ? 1e6
                                                         : -1;
            *real *= ns;
            *cpu *= ns;
            rc = ns > 0 ? 0 : -1;
        }
    }
    json_object_put(j);
    return rc;
}

/* The page's row for benchmark NAME shows the median of FILE's repetitions. */
static void check_bench_row(const char *page, const char *file, const char *name)
{
    double real, cpu, util;
    CHECK(median_of(file, name, &real, &cpu, &util) == 0, "%s: no median of %s", file, name);
    const char *row = page ? strstr(page, pathf("<tr><td>%s</td>", name)) : NULL;
    CHECK(row != NULL, "no row for %s on the page", name);
    if (!row)
        return;
    const char *end = strstr(row, "</tr>");
    char *want = strdup(pathf("<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>", real, cpu));
    const char *at = want ? strstr(row, want) : NULL;
    CHECK(at && at < end, "%s: want the median %s in: %.300s", name, want ? want : "", row);
    if (util >= 0) {
        const char *u = pathf("%.1f%%", 100 * util);
        at = strstr(row, u);
        CHECK(at && at < end, "%s: want util %s in: %.300s", name, u, row);
    }
    free(want);
}

/* bench.json as fitbench-bench really writes it with repetitions: the page
 * shows the median aggregate of each benchmark, iterations folded in. */
static void case_bench_real(void)
{
    static const char *const files[] = {"gbench_pair_reps.json", "gbench_replay_reps.json"};
    static const char *const names[][2] = {{"BM_pair/first/16", "BM_pair/first/4096"},
                                           {"BM_replay/small/tlsf", "BM_replay/small/bump"}};
    for (size_t k = 0; k < 2; k++) {
        const char *src = strdup(pathf("%s/%s", json_fixtures, files[k]));
        CHECK(src && copy_file(src, pathf("%s/bench.json", workdir)) == 0, "copy %s", files[k]);
        int rc = run(cmd_report, "report", "--no-png", workdir, NULL);
        CHECK(rc == 0, "report with %s returned %d:\n%s", files[k], rc, captured);
        CHECK(!strstr(captured, "bench.json"), "a warning about %s: %s", files[k], captured);
        char *page = slurp(pathf("%s/report.html", workdir), NULL);
        for (size_t i = 0; i < 2; i++)
            check_bench_row(page, src, names[k][i]);
        /* One row per benchmark: aggregates are folded, not listed. */
        CHECK(page && !strstr(page, "_median</td>") && !strstr(page, "_mean</td>"),
              "aggregates listed as benchmarks");
        free(page);
        free((char *)src);
    }
}

/* NaN and Infinity, as Google Benchmark writes them, in bench.json: the
 * file is read, the entry without a finite time is left out with a
 * warning, and nothing non-finite reaches the page. */
static void case_bench_nonfinite(void)
{
    char *src = strdup(pathf("%s/gbench_pair_nonfinite.json", json_fixtures));
    CHECK(src && copy_file(src, pathf("%s/bench.json", workdir)) == 0, "copy");
    int rc = run(cmd_report, "report", "--no-png", workdir, NULL);
    CHECK(rc == 0, "report returned %d:\n%s", rc, captured);
    CHECK(strstr(captured, "1 benchmark entry without name or times, left out"),
          "no warning about the NaN entry: %s", captured);
    CHECK(!strstr(captured, "could not be read"), "bench.json refused: %s", captured);
    char *page = slurp(pathf("%s/report.html", workdir), NULL);
    check_bench_row(page, src, "BM_pair/first/16");
    CHECK(page && !strstr(page, ">nan") && !strstr(page, ">inf") && !strstr(page, ">-inf"),
          "a non-finite figure on the page");
    free(page);
    free(src);
}

static void case_missing(void)
{
    int rc = run(cmd_report, "report", "/nonexistent/fitbench-results", NULL);
    CHECK(rc == 2, "missing DIR returned %d", rc);
    CHECK(strstr(captured, "/nonexistent/fitbench-results") &&
              strstr(captured, "No such file or directory"),
          "missing DIR message: %s", captured);
    unlink(pathf("%s/results.csv", workdir));
    rc = run(cmd_plot, "plot", workdir, NULL);
    CHECK(rc == 2, "missing results.csv returned %d", rc);
    CHECK(strstr(captured, "results.csv: not found"), "missing results.csv message: %s",
          captured);
    CHECK(access(pathf("%s/plots", workdir), F_OK) != 0, "charts folder made anyway");
}

/* A results.csv spoiled in one way; the command must say where. */
static void bad_results(const char *what, const char *text, const char *want)
{
    write_file(pathf("%s/results.csv", workdir), text);
    int rc = run(cmd_report, "report", workdir, NULL);
    CHECK(rc == 2, "%s: returned %d, want 2", what, rc);
    CHECK(strstr(captured, want), "%s: message lacks \"%s\": %s", what, want, captured);
    CHECK(access(pathf("%s/report.html", workdir), F_OK) != 0, "%s: a page was written",
          what);
}

static void case_bad_results(void)
{
    char *good = slurp(pathf("%s/results.csv", workdir), NULL);
    if (!good) {
        CHECK(0, "no results.csv in the copy");
        return;
    }
    char *second = strchr(good, '\n') + 1;
    char *third = strchr(second, '\n') + 1;
    size_t head = (size_t)(second - good);
    char buf[8192];

    int ncols = 0;
#define COUNT_COLUMN(name, type, fmt, unit, desc) ncols++;
    FB_METRICS(COUNT_COLUMN)
#undef COUNT_COLUMN
    snprintf(buf, sizeof buf, "%s%s", good, "binary-bal,mems,ok,,12000\n");
    bad_results("short row", buf, pathf("results.csv:8: 5 fields, but the header has %d", ncols));

    /* util of an ok row that is not a number */
    snprintf(buf, sizeof buf, "%.*s%.*s", (int)head, good, (int)(third - second), second);
    char *util = strstr(buf + head, ",0.5928,");
    if (util)
        memcpy(util, ",0.5x28,", 8);
    bad_results("bad number", buf, "results.csv:2: column util: \"0.5x28\" is not a valid number");

    snprintf(buf, sizeof buf, "%s%s", good, "binary-bal,mems,crash,\"never closed,1\n");
    bad_results("open quote", buf, "results.csv:8: a quoted field opened here never closes");

    snprintf(buf, sizeof buf, "%s%s", good, "binary-bal,mems,crash,\"x\"y,1\n");
    bad_results("text after quote", buf, "results.csv:8: text after a closing quote");

    bad_results("no status column", "trace,allocator,util\nbinary-bal,first,0.5\n",
                "results.csv:1: the header lacks trace, allocator or status");
    bad_results("empty file", "", "results.csv: empty file");
    bad_results("header only", "trace,allocator,status\n", "no rows below the header");

    /* every field, the numbers of an ok row left empty */
    char empty[256] = "x,first,ok";
    for (int i = 3; i < ncols && i < 200; i++)
        strcat(empty, ",");
    snprintf(buf, sizeof buf, "%.*s%s\n", (int)head, good, empty);
    bad_results("ok row with empty numbers", buf, "results.csv:2: column ops: \"\" is not a");
    free(good);
}

static void case_bad_aux(void)
{
    write_file(pathf("%s/timeline/binary-bal__first.csv", workdir),
               "op,live_payload,footprint\n0,0,100\n10,abc,200\n");
    write_file(pathf("%s/latency/binary-bal__libc.csv", workdir), "ns,cdf\n10,0.5\n20,0.4\n");
    write_file(pathf("%s/heapmap/binary-bal__tlsf.csv", workdir),
               "offset,size,used\n0,64,1\n64,64,7\n");
    write_file(pathf("%s/meta.json", workdir), "{\"host\": \"x\",,}");
    write_file(pathf("%s/bench.json", workdir), "[[[[");
    int rc = run(cmd_report, "report", workdir, NULL);
    CHECK(rc == 0, "report with spoiled per-cell files returned %d:\n%s", rc, captured);
    CHECK(strstr(captured, "timeline/binary-bal__first.csv:3: column live_payload"),
          "no warning naming the bad timeline line: %s", captured);
    CHECK(strstr(captured, "latency/binary-bal__libc.csv: a fraction lower than"),
          "no warning about the falling CDF: %s", captured);
    CHECK(strstr(captured, "heapmap/binary-bal__tlsf.csv: a used flag"),
          "no warning about the heap map: %s", captured);
    CHECK(strstr(captured, "meta.json:1:14:"), "no position for the bad meta.json: %s",
          captured);
    const char *html = pathf("%s/report.html", workdir);
    CHECK(contains(html, "id=\"warnings\""), "the page lists no warnings");
    CHECK(contains(html, "No readable <code>meta.json</code>"), "page shows a bad meta.json");
    CHECK(contains(html, "<code>bench.json</code> could not be read"),
          "page does not say bench.json is unreadable");
    const char *tl = pathf("%s/plots/timeline_binary-bal.svg", workdir);
    CHECK(is_svg(tl) && !contains(tl, ">first</text>") && contains(tl, ">tlsf</text>"),
          "the bad timeline line is drawn, or the good ones are not");
    const char *lat = pathf("%s/plots/latency_binary-bal.svg", workdir);
    CHECK(is_svg(lat) && !contains(lat, ">libc</text>"), "the falling CDF is drawn");
    CHECK(contains(html, "its heap map file is malformed"),
          "the page does not say why the heap map is missing");
}

static void case_no_gnuplot(void)
{
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent-fitbench-path", 1);
    int rc = run(cmd_report, "report", workdir, NULL);
    if (old)
        setenv("PATH", old, 1);
    free(old);
    CHECK(rc == 1, "report without gnuplot returned %d", rc);
    CHECK(strstr(captured, "gnuplot not found") && strstr(captured, "gnuplot-nox"),
          "message: %s", captured);
    CHECK(contains(pathf("%s/report.html", workdir), "not drawn: gnuplot was not found"),
          "the page does not say why the charts are missing");

    setenv("FITBENCH_PLOTS_DIR", "/nonexistent-scripts", 1);
    rc = run(cmd_plot, "plot", workdir, NULL);
    unsetenv("FITBENCH_PLOTS_DIR");
    CHECK(rc == 1 && strstr(captured, "/nonexistent-scripts") &&
              strstr(captured, "FITBENCH_PLOTS_DIR"),
          "scripts folder missing: rc %d, %s", rc, captured);
}

static void case_usage(void)
{
    int rc = run(cmd_report, "report", NULL);
    CHECK(rc == 2 && strstr(captured, "which results folder"), "no DIR: %d %s", rc, captured);
    rc = run(cmd_plot, "plot", "--bogus", workdir, NULL);
    CHECK(rc == 2 && strstr(captured, "unknown option --bogus"), "bad option: %d %s", rc,
          captured);
    rc = run(cmd_plot, "plot", workdir, workdir, NULL);
    CHECK(rc == 2 && strstr(captured, "one results folder only"), "two dirs: %d %s", rc,
          captured);
    rc = run(cmd_plot, "plot", "-j", "0", workdir, NULL);
    CHECK(rc == 2, "-j 0 accepted: %d", rc);
    rc = run(cmd_plot, "plot", "--help", NULL);
    CHECK(rc == 0, "--help returned %d", rc);
    rc = run(cmd_plot, "plot", pathf("%s/results.csv", workdir), NULL);
    CHECK(rc == 2 && strstr(captured, "not a folder"), "a file as DIR: %d %s", rc, captured);
}

static void case_csv(void)
{
    static const char text[] = "\xEF\xBB\xBF"
                               "a,b,c\r\n"
                               "1,\"x, \"\"y\"\"\",\r\n"
                               "\n"
                               "\"multi\nline\",,\"\"\n"
                               "last,row,noeol";
    char err[256];
    plots_csv *c = plots_csv_from_mem("t.csv", text, sizeof text - 1, err, sizeof err);
    CHECK(c != NULL, "from_mem failed: %s", err);
    if (!c)
        return;
    static const char *const want[][3] = {
        {"a", "b", "c"}, {"1", "x, \"y\"", ""}, {"multi\nline", "", ""}, {"last", "row", "noeol"}};
    static const unsigned long lines[] = {1, 2, 4, 6};
    char **f;
    size_t nf;
    for (size_t r = 0; r < 4; r++) {
        int rc = plots_csv_next(c, &f, &nf, err, sizeof err);
        CHECK(rc == 1 && nf == 3, "record %zu: rc %d, %zu fields (%s)", r, rc, nf, err);
        if (rc != 1 || nf != 3)
            break;
        for (size_t k = 0; k < 3; k++)
            CHECK(strcmp(f[k], want[r][k]) == 0, "record %zu field %zu: \"%s\", want \"%s\"",
                  r, k, f[k], want[r][k]);
        CHECK(plots_csv_line(c) == lines[r], "record %zu on line %lu, want %lu", r,
              plots_csv_line(c), lines[r]);
    }
    CHECK(plots_csv_next(c, &f, &nf, err, sizeof err) == 0, "no end after the last record");
    plots_csv_close(c);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"a,b\n\"open,1\n", "t.csv:2: a quoted field opened here never closes"},
        {"a,b\n\"x\"y,1\n", "t.csv:2: text after a closing quote"},
        {"a,b\nx\"y,1\n", "t.csv:2: quote inside an unquoted field"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = plots_csv_from_mem("t.csv", bad[i].text, strlen(bad[i].text), err, sizeof err);
        int rc = c ? plots_csv_next(c, &f, &nf, err, sizeof err) : -2;
        if (rc == 1)
            rc = plots_csv_next(c, &f, &nf, err, sizeof err);
        CHECK(rc == -1 && strcmp(err, bad[i].msg) == 0, "bad %zu: rc %d, \"%s\"", i, rc,
              rc == -1 ? err : "");
        plots_csv_close(c);
    }
    c = plots_csv_from_mem("t.csv", "a\0b\n", 4, err, sizeof err);
    CHECK(c && plots_csv_next(c, &f, &nf, err, sizeof err) == -1 && strstr(err, "NUL"),
          "a NUL byte is not refused");
    plots_csv_close(c);

    uint64_t u;
    double d;
    CHECK(plots_parse_u64(" 42 ", &u) == 0 && u == 42, "u64 42");
    CHECK(plots_parse_u64("-1", &u) < 0, "u64 accepts -1");
    CHECK(plots_parse_u64("18446744073709551616", &u) < 0, "u64 accepts 2^64");
    CHECK(plots_parse_u64("12x", &u) < 0, "u64 accepts 12x");
    CHECK(plots_parse_f64("0.25", &d) == 0 && d == 0.25, "f64 0.25");
    CHECK(plots_parse_f64("nan", &d) < 0 && plots_parse_f64("inf", &d) < 0, "f64 non-finite");
    CHECK(plots_parse_f64("", &d) < 0 && plots_parse_f64("1e", &d) < 0, "f64 accepts junk");
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: plots_test CASE FIXTURE_DIR [JSON_FIXTURES_DIR]\n");
        return 2;
    }
    fixture = argv[2];
    json_fixtures = argc == 4 ? argv[3] : ".";
    static const struct {
        const char *name;
        void (*fn)(void);
        int needs_gnuplot;
    } cases[] = {
        {"report", case_report, 1},   {"plot", case_plot, 1},
        {"heapmap_option", case_heapmap_option, 1},
        {"no_bench", case_no_bench, 1}, {"no_summary", case_no_summary, 1},
        {"missing", case_missing, 0}, {"bad_results", case_bad_results, 0},
        {"bad_aux", case_bad_aux, 1}, {"no_gnuplot", case_no_gnuplot, 0},
        {"usage", case_usage, 0},     {"csv", case_csv, 0},
        {"bench_real", case_bench_real, 1}, {"bench_nonfinite", case_bench_nonfinite, 1},
        {"undefined", case_undefined, 0}, {"pick", case_pick, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(cases[i].name, argv[1]) != 0)
            continue;
        if (cases[i].needs_gnuplot && !have_gnuplot())
            check_skip("plots.%s: gnuplot is not installed (apt-get install gnuplot-nox)",
                       argv[1]);
        if (fresh_copy() != 0)
            return 1;
        cases[i].fn();
        cleanup();
        free(captured);
        return check_finish("plots.%s", argv[1]);
    }
    fprintf(stderr, "plots_test: unknown case %s\n", argv[1]);
    return 2;
}
