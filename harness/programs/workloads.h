/*
 * workloads.h: the real-program workloads that run under every allocator:
 * the preload tests (tests/preload/) check that each prints the same bytes
 * under every policy as under glibc, and `fitbench programs`
 * (cmd_programs.c) times them.
 *
 * Where it sits: before both. fbw_prepare writes, into one folder, a shell
 * script per workload (run-NAME.sh, self-contained: absolute paths, its
 * own PATH of Debian's programs, its own temporary folders) and the inputs
 * the scripts read, all generated from fixed seeds, so the same size gives
 * the same files on every machine. A script's stdout is its result; the
 * same script must print the same bytes under any correct allocator.
 */
#ifndef FBW_WORKLOADS_H
#define FBW_WORKLOADS_H

#include <stddef.h>

typedef struct fbw_workload {
    const char *name;    /* run-NAME.sh */
    const char *program; /* the Debian program it needs, under /usr/bin */
    const char *what;    /* one line for --help and the report */
} fbw_workload;

extern const fbw_workload fbw_workloads[];
extern const size_t fbw_nworkloads;

typedef enum fbw_size {
    FBW_TEST, /* a fraction of a second each: the tests */
    FBW_BENCH /* 0.2 to 2 s each under glibc: the timings */
} fbw_size;

/* Writes every script and input into dir (which must exist). 0, or -1
 * with a message in err. */
int fbw_prepare(const char *dir, fbw_size size, char *err, size_t errlen);

/* The path of a workload's script in dir, into buf; NULL if too long. */
const char *fbw_script(const char *dir, const fbw_workload *w, char *buf, size_t len);

#endif
