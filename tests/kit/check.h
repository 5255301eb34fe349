/*
 * check.h: the checks every C test uses, and how a test ends. A test calls
 * the checks below as it goes and returns check_finish(...) from main;
 * ctest reads the exit status: 0 passed, 1 failed, 77 skipped (tests are
 * added with fb_add_test, tests/CMakeLists.txt, which sets
 * SKIP_RETURN_CODE 77). Linked as fbcheck.
 *
 *   CHECK(cond)                counts the check; on failure prints
 *   CHECK(cond, fmt, ...)      "file:line: CHECK(cond) failed: message" and
 *                              goes on, so one run shows every failure
 *   CHECK_STOP(cond[, fmt, ...])  the same, then ends the test (exit 1):
 *                              for when going on would crash or mean nothing
 *   CHECK_EQ(got, want)        integers (or pointers), each evaluated once;
 *                              a failure shows both values
 *   CHECK_STR_EQ(got, want)    strings (NULL allowed); shows both
 *   check_skip(fmt, ...)       says why and exits 77
 *   check_finish(fmt, ...)     the summary line on stdout, "NAME: all N
 *                              checks passed" or "NAME: F of N checks
 *                              failed"; returns main's exit status (1 also
 *                              when no check ran: a test asserts something)
 *
 * The message arguments are evaluated only when the check fails, and the
 * message must be a string literal (it is pasted after a marker). CHECK
 * with no message leaves the macro's "..." empty: valid C23, and accepted
 * by gcc and clang in C17 unless -pedantic.
 *
 * Safe where pl_stress calls it (threads, a forked child, a program whose
 * malloc is the library under test): the counters are atomic, and a
 * failure is formatted on the stack and written with one write(2), so no
 * stdio lock, no malloc for a message under 4 KiB, and the lines of two
 * threads never mix. check_scope and check_capture are for one thread.
 */
#ifndef CHECK_H
#define CHECK_H

#include <limits.h>
#include <stdint.h>
#include <stddef.h>

#define CHECK(cond, ...)                                                               \
    do {                                                                               \
        if (!check_tally(!!(cond)))                                                    \
            check_fail(0, __FILE__, __LINE__, #cond, " " __VA_ARGS__);                 \
    } while (0)

#define CHECK_STOP(cond, ...)                                                          \
    do {                                                                               \
        if (!check_tally(!!(cond)))                                                    \
            check_fail(1, __FILE__, __LINE__, #cond, " " __VA_ARGS__);                 \
    } while (0)

/* Whether an integer expression's type is signed, so that CHECK_EQ prints
 * -1 as -1; the expression is not evaluated. */
#define CHECK_SIGNED(x)                                                                \
    _Generic((x), char: CHAR_MIN < 0, signed char: 1, short: 1, int: 1, long: 1,      \
             long long: 1, default: 0)

#define CHECK_EQ(got, want)                                                            \
    check_eq(__FILE__, __LINE__, #got, #want, (uintmax_t)(got), CHECK_SIGNED(got),     \
             (uintmax_t)(want), CHECK_SIGNED(want))

#define CHECK_STR_EQ(got, want)                                                        \
    check_str_eq(__FILE__, __LINE__, #got, #want, (got), (want))

/* Counts one check; returns ok. */
int check_tally(int ok);

/* The failure message of CHECK (stop 0) and CHECK_STOP (stop 1, which
 * exits). fmt is " " followed by the caller's format, if any. */
void check_fail(int stop, const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* CHECK_EQ: equal as numbers (a negative value equals no unsigned one);
 * returns nonzero when equal. */
int check_eq(const char *file, int line, const char *got_text, const char *want_text,
             uintmax_t got, int got_signed, uintmax_t want, int want_signed);

/* CHECK_STR_EQ: both NULL, or the same text; returns nonzero when equal. */
int check_str_eq(const char *file, int line, const char *got_text, const char *want_text,
                 const char *got, const char *want);

/* Failures so far (a random run stops when too many pile up). */
long check_failures(void);

/* Prints "SKIP: reason" on stdout and exits 77. */
_Noreturn void check_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The summary line; 0 when every check passed and at least one ran, else 1. */
int check_finish(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Context for the failures that follow, printed after "file:line: ": fn
 * writes it into buf (at most cap bytes, NUL-terminated) from arg, when a
 * check fails. A model run names the allocator and the op this way, which
 * change too often to be formatted ahead. check_scope(NULL, NULL) ends it. */
typedef void check_scope_fn(char *buf, size_t cap, const void *arg);
void check_scope(check_scope_fn *fn, const void *arg);

/* Runs fn(arg) with stdout sent to a temporary file; returns what it
 * printed (NUL-terminated, the caller frees it) or NULL on failure. */
char *check_capture(void (*fn)(void *), void *arg);

#endif
