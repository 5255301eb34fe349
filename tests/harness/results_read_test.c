/*
 * results_read_test.c: results.csv written by the writers (output.c) and
 * read back (results_read.c), as --resume and merge do: every column
 * survives, quoted text included; a torn last line is dropped and said; a
 * file with columns in another order, one column fewer or one unknown
 * still reads, an empty figure as undefined; a damaged file is an error naming its line.
 */
#include "check.h"
#include "figure.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/results_read.XXXXXX";

static const char *write_file(const char *name, const char *text) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK_STOP(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    return path;
}

int main(void) {
    CHECK_STOP(mkdtemp(dir) != NULL);
    char err[512];
    /* Round trip through the writer, a detail with a comma and quotes. */
    fb_row a = {0}, b = {0};
    snprintf(a.trace, sizeof a.trace, "t1");
    snprintf(a.allocator, sizeof a.allocator, "first");
    snprintf(a.status, sizeof a.status, "crash");
    snprintf(a.detail, sizeof a.detail, "killed, \"badly\", at op 3");
    a.ops = 12345;
    a.util = 0.5;
    a.kops = 1234.5;
    a.replay_s = 0.000123456789;
    b = a;
    snprintf(b.status, sizeof b.status, "ok");
    b.detail[0] = 0;
    fb_results *r = fb_results_open_with(dir, &a, NULL, 1, err, sizeof err);
    CHECK_STOP(r != NULL, "%s", err);
    CHECK_EQ(fb_results_add(r, &b), 0);
    fb_results_close(r);
    char path[256];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    fb_row *rows;
    size_t n;
    int torn;
    CHECK(fb_results_read(path, &rows, &n, &torn, err, sizeof err) == 0, "%s", err);
    CHECK_EQ(n, 2);
    CHECK_EQ(torn, 0);
    if (n == 2) {
        CHECK_STR_EQ(rows[0].detail, a.detail);
        CHECK_STR_EQ(rows[0].status, "crash");
        CHECK_EQ(rows[0].ops, 12345);
        CHECK(rows[0].replay_s > 0.00012345678 && rows[0].replay_s < 0.0001234568,
              "replay_s %.12g", rows[0].replay_s);
        CHECK_STR_EQ(rows[1].status, "ok");
        CHECK(rows[1].kops == 1234.5, "kops %g", rows[1].kops);
    }
    free(rows);
    /* A torn last line. */
    FILE *f = fopen(path, "a");
    CHECK_STOP(f != NULL);
    fputs("t2,first,ok,,6,5", f);
    fclose(f);
    CHECK(fb_results_read(path, &rows, &n, &torn, err, sizeof err) == 0, "%s", err);
    CHECK_EQ(n, 2);
    CHECK_EQ(torn, 1);
    free(rows);
    /* Another order, a column fewer, one unknown. */
    const char *p = write_file("other.csv", "allocator,extra,status,trace,ops,util\n"
                                            "tlsf,x,ok,t3,77,\n");
    CHECK(fb_results_read(p, &rows, &n, &torn, err, sizeof err) == 0, "%s", err);
    CHECK_EQ(n, 1);
    if (n == 1) {
        CHECK_STR_EQ(rows[0].trace, "t3");
        CHECK_STR_EQ(rows[0].allocator, "tlsf");
        CHECK_EQ(rows[0].ops, 77);
        CHECK_EQ(rows[0].heap_peak, 0);
        CHECK(!fb_defined(rows[0].util), "an empty util read as %g", rows[0].util);
    }
    free(rows);
    /* Damaged: a row with a field too many, a quote never closed, a
     * number that is not one, no status column; and no file at all. */
    static const char *const broken[] = {
        "trace,allocator,status\nt,a,ok\nt,a,ok,x\n", "trace,allocator,status\nt,\"a,ok\n",
        "trace,allocator,status,ops\nt,a,ok,12x\n", "trace,allocator\nt,a\n"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        p = write_file("broken.csv", broken[i]);
        err[0] = 0;
        CHECK(fb_results_read(p, &rows, &n, &torn, err, sizeof err) == -1, "case %zu", i);
        CHECK(strstr(err, "broken.csv:") != NULL, "case %zu: message '%s'", i, err);
        CHECK_EQ(n, 0);
    }
    snprintf(path, sizeof path, "%s/none.csv", dir);
    CHECK_EQ(fb_results_read(path, &rows, &n, &torn, err, sizeof err), 1);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_EQ(system(cmd), 0);
    return check_finish("results_read");
}
