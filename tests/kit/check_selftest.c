/*
 * check_selftest.c: the checks of check.h held to what they promise, since
 * every C test's verdict rests on them (ctest kit.check). Each scenario
 * runs in a child with its stdout and stderr in files; the parent judges
 * the exit status and the text with plain comparisons, not with the checks
 * under test: a CHECK that never failed would otherwise pass its own test.
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------- the scenarios */

static int go_on(void) {
    CHECK(1 + 1 == 2);
    CHECK(0, "x is %d", 5);
    CHECK(1 % 2 == 0);
    CHECK_EQ(-1, (size_t)-1);
    CHECK_EQ(3u, 3);
    CHECK_EQ((size_t)7, 8);
    CHECK_STR_EQ("ab", "ac");
    CHECK_STR_EQ((const char *)NULL, (const char *)NULL);
    return check_finish("go_on");
}

static int stop(void) {
    CHECK(1);
    CHECK_STOP(0, "no %s", "heap");
    CHECK(0, "after the stop");
    return check_finish("stop");
}

static int skip(void) { check_skip("no %s here", "gnuplot"); }

static int none(void) { return check_finish("none"); }

static int pass(void) {
    CHECK(1, "never printed");
    CHECK_EQ(-2, -2);
    return check_finish("pass");
}

static void scope_text(char *buf, size_t cap, const void *arg) {
    snprintf(buf, cap, "op %d", *(const int *)arg);
}

static int scope(void) {
    int op = 41;
    check_scope(scope_text, &op);
    op++;
    CHECK(0, "in scope");
    check_scope(NULL, NULL);
    CHECK(0, "out of scope");
    return check_finish("scope");
}

static int long_message(void) {
    static char text[10001];
    memset(text, 'y', sizeof text - 1);
    CHECK(0, "%s|end", text);
    return check_finish("long");
}

/* Four threads, ten failures each, among many checks that pass. */
static void *fail_ten(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++)
        CHECK(i % 100 != 0, "thread failure %d", i);
    return NULL;
}

static int threads(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, fail_ten, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return check_finish("threads");
}

/* ------------------------------------------------------ the judge */

static char out[65536], err[65536];

static void slurp(FILE *f, char *buf, size_t cap) {
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Runs fn in a child; returns its exit status, its output in out/err. */
static int run(int (*fn)(void)) {
    FILE *o = tmpfile(), *e = tmpfile();
    if (!o || !e) {
        perror("check_selftest: tmpfile");
        exit(2);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fileno(o), STDOUT_FILENO);
        dup2(fileno(e), STDERR_FILENO);
        exit(fn());
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        perror("check_selftest: fork");
        exit(2);
    }
    slurp(o, out, sizeof out);
    slurp(e, err, sizeof err);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int wrong;

static void expect(int ok, const char *scenario, const char *what) {
    if (!ok) {
        wrong++;
        printf("check_selftest %s: %s\n--- stdout:\n%s--- stderr:\n%s---\n", scenario, what, out,
               err);
    }
}

static int count(const char *s, const char *needle) {
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

int main(void) {
    int rc = run(go_on);
    expect(rc == 1, "go_on", "exit status is not 1");
    expect(strstr(out, "go_on: 5 of 8 checks failed\n") != NULL, "go_on", "summary");
    expect(strstr(err, "check_selftest.c:") && strstr(err, ": CHECK(0) failed: x is 5\n"),
           "go_on", "file:line, condition and message");
    expect(strstr(err, ": CHECK(1 % 2 == 0) failed\n") != NULL, "go_on",
           "a check without a message (and a % in its condition)");
    expect(strstr(err, "CHECK_EQ(-1, (size_t)-1) failed: got -1, want 18446744073709551615\n") !=
               NULL, "go_on", "a negative number equal to no unsigned one");
    expect(strstr(err, "CHECK_EQ((size_t)7, 8) failed: got 7, want 8\n") != NULL, "go_on",
           "both values of CHECK_EQ");
    expect(strstr(err, "CHECK_STR_EQ(\"ab\", \"ac\") failed:\n  got:  \"ab\"\n  want: \"ac\"\n") !=
               NULL, "go_on", "both strings of CHECK_STR_EQ");
    expect(count(err, " failed") == 5, "go_on", "not one line per failure");

    rc = run(stop);
    expect(rc == 1, "stop", "exit status is not 1");
    expect(strstr(err, ": CHECK_STOP(0) failed: no heap\nstopping: 1 of 2 checks failed so far\n") !=
               NULL, "stop", "the stop and its count");
    expect(!strstr(err, "after the stop") && !strstr(out, "stop:"), "stop", "went on");

    rc = run(skip);
    expect(rc == 77 && strcmp(out, "SKIP: no gnuplot here\n") == 0, "skip", "exit 77 and reason");

    rc = run(none);
    expect(rc == 1 && strstr(out, "none: no check ran") != NULL, "none", "nothing checked passed");

    rc = run(pass);
    expect(rc == 0 && strcmp(out, "pass: all 2 checks passed\n") == 0 && err[0] == '\0', "pass",
           "a clean pass");

    rc = run(scope);
    expect(rc == 1 && strstr(err, ": op 42: CHECK(0) failed: in scope\n") != NULL, "scope",
           "the scope read when the check fails");
    expect(strstr(err, ": CHECK(0) failed: out of scope\n") &&
               !strstr(err, "op 42: CHECK(0) failed: out"), "scope", "the scope ended");

    rc = run(long_message);
    expect(rc == 1 && strstr(err, "yyyy|end\n") && strlen(err) > 10000, "long",
           "a message over the stack buffer cut short");

    rc = run(threads);
    expect(rc == 1 && strstr(out, "threads: 40 of 4000 checks failed\n") != NULL, "threads",
           "counts from four threads");
    expect(count(err, ": CHECK(i % 100 != 0) failed: thread failure ") == 40 &&
               count(err, "\n") == 40, "threads", "lines of two threads mixed");

    if (wrong) {
        printf("check_selftest: %d expectation(s) not met\n", wrong);
        return 1;
    }
    printf("check_selftest: every scenario behaved\n");
    return 0;
}
