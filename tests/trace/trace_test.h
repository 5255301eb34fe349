/*
 * trace_test.h: what the trace loader's test cases share: the checks
 * (tests/kit/check.h), text helpers and the list of cases. One program,
 * trace_test, runs one case per ctest entry:
 * `trace_test CASE [SHARED_TRACES_DIR]`.
 */
#ifndef FB_TRACE_TEST_H
#define FB_TRACE_TEST_H

#include "check.h"
#include "trace.h"

#include <stdint.h>
#include <stdio.h>

/* Parses TEXT as a file named NAME; the warnings printed go to WARN
 * (WCAP bytes, always NUL-terminated). Returns what trace_parse did. */
int tt_parse(const char *name, const char *text, size_t len, trace *t,
             trace_error *err, char *warn, size_t wcap);

/* Number of lines in S (count of '\n'). */
int tt_count_lines(const char *s);

/* Nonzero when MSG begins with "NAME:" then a line number and ": ". */
int tt_has_line(const char *msg, const char *name);

/* A fresh directory under $TMPDIR (or /tmp) for files a case writes, and
 * its removal with what is in it. */
const char *tt_tmpdir(void);
void tt_tmpdir_remove(void);

/* Writes LEN bytes to PATH; 0 on success. */
int tt_write_file(const char *path, const void *buf, size_t len);

/* Reads a whole file into a new NUL-terminated buffer, or NULL. */
char *tt_read_file(const char *path, size_t *len);

/* Where the shared reference traces are, or NULL when absent. */
const char *tt_shared_dir(void);

/* xorshift64: the cases' random numbers, reproducible from a seed. */
typedef struct tt_rng {
    uint64_t s;
} tt_rng;

static inline uint64_t tt_next(tt_rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

/* A number in [0, N), 0 when N is 0. */
static inline size_t tt_below(tt_rng *r, size_t n)
{
    return n ? (size_t)(tt_next(r) % n) : 0;
}

/* The cases: each checks with check.h (and may skip with check_skip). */
void tt_case_errors(void);
void tt_case_order(void);
void tt_case_quirks(void);
void tt_case_headers(void);
void tt_case_whitespace(void);
void tt_case_files(void);
void tt_case_gzip(void);
void tt_case_stats(void);
void tt_case_classic(void);
void tt_case_samples(void);
void tt_case_mutate(void);
void tt_case_split(void);
void tt_case_split_errors(void);
void tt_case_split_boundaries(void);

#endif /* FB_TRACE_TEST_H */
