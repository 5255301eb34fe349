/*
 * check.c: the counters, failure messages, summary and stdout capture of
 * check.h, the checks every C test links (fbcheck; pl_stress compiles this
 * file itself, as it is built without sanitizers).
 */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long check_total;
static atomic_long check_failed;
static check_scope_fn *check_scope_cb;
static const void *check_scope_arg;

int check_tally(int ok) {
    atomic_fetch_add_explicit(&check_total, 1, memory_order_relaxed);
    if (!ok)
        atomic_fetch_add_explicit(&check_failed, 1, memory_order_relaxed);
    return ok;
}

long check_failures(void) { return atomic_load(&check_failed); }

void check_scope(check_scope_fn *fn, const void *arg) {
    check_scope_cb = fn;
    check_scope_arg = arg;
}

/* ------------------------------------------------------- one message */

/* A message being composed: what did not fit is still counted in len,
 * so a second pass knows the size to allocate. */
typedef struct check_out {
    char *buf;
    size_t cap, len;
} check_out;

static void out_vadd(check_out *o, const char *fmt, va_list ap) {
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    if (n > 0)
        o->len += (size_t)n;
}

static void out_add(check_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_add(check_out *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    out_vadd(o, fmt, ap);
    va_end(ap);
}

/* "file:line: [scope: ]MACRO(ARGS) failed[: message]\n"; returns the
 * length the whole line needs. */
static size_t compose(char *buf, size_t cap, const char *file, int line, const char *macro,
                      const char *args, const char *fmt, va_list ap) {
    check_out o = {buf, cap, 0};
    out_add(&o, "%s:%d: ", file, line);
    if (check_scope_cb) {
        char scope[256] = "";
        check_scope_cb(scope, sizeof scope, check_scope_arg);
        if (scope[0])
            out_add(&o, "%s: ", scope);
    }
    out_add(&o, "%s(%s) failed", macro, args);
    if (fmt[0]) {
        out_add(&o, fmt[0] == '\n' ? ":" : ": "); /* a message of its own lines */
        out_vadd(&o, fmt, ap);
    }
    out_add(&o, "\n");
    return o.len;
}

static void write_all(const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* One write per failure, from a stack buffer when the line fits in it. */
static void report(int stop, const char *file, int line, const char *macro, const char *args,
                   const char *fmt, va_list ap) {
    char stack[4096];
    va_list again;
    va_copy(again, ap);
    size_t n = compose(stack, sizeof stack, file, line, macro, args, fmt, ap);
    char *line_text = stack, *big = NULL;
    if (n >= sizeof stack) {
        big = malloc(n + 1);
        if (big) {
            n = compose(big, n + 1, file, line, macro, args, fmt, again);
            line_text = big;
        } else {
            n = sizeof stack - 1;
            stack[n - 1] = '\n';
        }
    }
    va_end(again);
    write_all(line_text, n);
    free(big);
    if (stop) {
        int k = snprintf(stack, sizeof stack, "stopping: %ld of %ld checks failed so far\n",
                         check_failures(), atomic_load(&check_total));
        write_all(stack, (size_t)k);
        fflush(stdout);
        exit(1);
    }
}

static void report_f(const char *file, int line, const char *macro, const char *args,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void report_f(const char *file, int line, const char *macro, const char *args,
                     const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(0, file, line, macro, args, fmt, ap);
    va_end(ap);
}

void check_fail(int stop, const char *file, int line, const char *cond, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* fmt is the macro's " " marker and then the caller's format. */
    report(stop, file, line, stop ? "CHECK_STOP" : "CHECK", cond, fmt + 1, ap);
    va_end(ap);
}

/* ------------------------------------------------------- equalities */

/* "GOT, WANT", the arguments as written, for the message. */
static void both_texts(char *buf, size_t cap, const char *got_text, const char *want_text) {
    snprintf(buf, cap, "%s, %s", got_text, want_text);
}

static void number_text(char *buf, size_t cap, uintmax_t v, int is_signed) {
    if (is_signed)
        snprintf(buf, cap, "%jd", (intmax_t)v);
    else
        snprintf(buf, cap, "%ju", v);
}

int check_eq(const char *file, int line, const char *got_text, const char *want_text,
             uintmax_t got, int got_signed, uintmax_t want, int want_signed) {
    int got_neg = got_signed && (intmax_t)got < 0;
    int want_neg = want_signed && (intmax_t)want < 0;
    int ok = got == want && got_neg == want_neg;
    if (!check_tally(ok)) {
        char args[512], g[32], w[32];
        both_texts(args, sizeof args, got_text, want_text);
        number_text(g, sizeof g, got, got_signed);
        number_text(w, sizeof w, want, want_signed);
        report_f(file, line, "CHECK_EQ", args, "got %s, want %s", g, w);
    }
    return ok;
}

int check_str_eq(const char *file, int line, const char *got_text, const char *want_text,
                 const char *got, const char *want) {
    int ok = got && want ? strcmp(got, want) == 0 : got == want;
    if (!check_tally(ok)) {
        char args[512];
        both_texts(args, sizeof args, got_text, want_text);
        report_f(file, line, "CHECK_STR_EQ", args, "\n  got:  %s%s%s\n  want: %s%s%s",
                 got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
                 want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
    }
    return ok;
}

/* ------------------------------------------------------- the end */

void check_skip(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("SKIP: ", stdout);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    exit(77);
}

int check_finish(const char *fmt, ...) {
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    long total = atomic_load(&check_total), failed = check_failures();
    if (failed)
        printf("%s: %ld of %ld checks failed\n", name, failed, total);
    else if (total == 0)
        printf("%s: no check ran, so nothing was tested\n", name);
    else
        printf("%s: all %ld checks passed\n", name, total);
    fflush(stdout);
    return failed || total == 0;
}

/* ------------------------------------------------------- capture */

char *check_capture(void (*fn)(void *), void *arg) {
    fflush(stdout);
    FILE *tmp = tmpfile();
    if (!tmp)
        return NULL;
    int saved = dup(STDOUT_FILENO);
    if (saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
        if (saved >= 0)
            close(saved);
        fclose(tmp);
        return NULL;
    }
    fn(arg);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    /* Written through the descriptor, so ask it, not the FILE, how much. */
    off_t len = lseek(fileno(tmp), 0, SEEK_END);
    if (len < 0) {
        fclose(tmp);
        return NULL;
    }
    char *buf = malloc((size_t)len + 1);
    rewind(tmp);
    if (!buf || fread(buf, 1, (size_t)len, tmp) != (size_t)len) {
        free(buf);
        fclose(tmp);
        return NULL;
    }
    buf[len] = '\0';
    fclose(tmp);
    return buf;
}
