/*
 * tcheck.h: the core tests' assertions. A failed CHECK prints where and
 * why and counts; the test goes on (so one run shows every failure) and
 * exits non-zero at the end through TCHECK_EXIT.
 */
#ifndef TCHECK_H
#define TCHECK_H
#include <stdio.h>

static int tcheck_failures;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            tcheck_failures++;                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

#define TCHECK_EXIT(name)                                                  \
    do {                                                                   \
        if (tcheck_failures) {                                             \
            fprintf(stderr, "%s: %d check(s) failed\n", name, tcheck_failures); \
            return 1;                                                      \
        }                                                                  \
        printf("%s: all checks passed\n", name);                           \
        return 0;                                                          \
    } while (0)
#endif
