/*
 * tk.h: the checks every test kit user shares (tests/kit, used by the
 * model test and by the mems and pagefamily API tests): non-stopping
 * checks that count failures, and capturing what a print function writes
 * to stdout so that a test can assert on it.
 */
#ifndef TK_H
#define TK_H

#include <stddef.h>
#include <stdio.h>

extern long tk_failures;

/* Counts and reports a failed condition, then goes on. */
#define TK_CHECK(cond)                                                             \
    do {                                                                           \
        if (!(cond)) {                                                             \
            tk_failures++;                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                          \
    } while (0)

/* Same, with the two size_t values compared shown. */
#define TK_CHECK_EQ(a, b)                                                          \
    do {                                                                           \
        size_t tk_a_ = (size_t)(a), tk_b_ = (size_t)(b);                           \
        if (tk_a_ != tk_b_) {                                                      \
            tk_failures++;                                                         \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%zu != %zu)\n", __FILE__, \
                    __LINE__, #a, #b, tk_a_, tk_b_);                               \
        }                                                                          \
    } while (0)

/* Same, with a printf-style message saying what went wrong. */
#define TK_CHECKF(cond, ...)                                                       \
    do {                                                                           \
        if (!(cond))                                                               \
            tk_fail(__FILE__, __LINE__, __VA_ARGS__);                              \
    } while (0)

/* Counts a failure and prints "file:line: message". */
void tk_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs fn(arg) with stdout sent to a temporary file; returns what it
 * printed (NUL-terminated, the caller frees it) or NULL on failure. */
char *tk_capture(void (*fn)(void *), void *arg);

/* Exit status for a test main: 0 if nothing failed, 1 otherwise (with a
 * summary line on stderr). */
int tk_finish(const char *name);

#endif
