/*
 * tracegen.h: deterministic generators of synthetic traces, one function
 * per allocation pattern that separates fit policies.
 *
 * Where it sits: `fitbench gen` (cmd_gen.c) picks a kind and options,
 * tg_generate builds the ops in memory, repwrite.c writes them. The
 * bundled suite (traces/make-suite.sh) uses them beside the recorded
 * traces.
 *
 * Determinism: the only randomness is our own xoshiro256** seeded from
 * --seed through splitmix64, and the size distributions use only IEEE
 * + - * / and exact scaling (no libm), so the same options give the same
 * ops, hence the same bytes, on any machine.
 *
 * Every trace generated is valid and balanced: ids are reused only after
 * their block is freed, nothing is freed twice, and every block is freed
 * by the end. It has at most opts->ops ops, and close to it once the
 * budget holds a few rounds of the pattern (the pattern runs while the
 * budget still has room to free what is live).
 */
#ifndef FB_TRACEGEN_H
#define FB_TRACEGEN_H

#include <stddef.h>
#include <stdint.h>

#include "repwrite.h"

enum tg_dist { TG_UNIFORM, TG_EXP, TG_POWER };

/* Zero (or TG_UNIFORM for dist) means "the kind's default". */
typedef struct tg_opts {
    uint64_t seed;
    size_t ops;        /* budget (default 100000) */
    uint64_t min, max; /* request sizes */
    enum tg_dist dist;
    int dist_set;      /* dist given by the user */
    double mean;       /* exp: mean size */
    double alpha;      /* power: tail exponent (> 0) */
    size_t live;       /* kind-specific: target live blocks, group size */
    double frac;       /* kind-specific fraction (lifetime: long-lived) */
} tg_opts;

typedef struct tg_kind {
    const char *name;
    const char *summary; /* one line for --list */
    const char *options; /* what --live/--frac/--min/--max mean here */
} tg_kind;

/* The kinds, in a fixed order. */
const tg_kind *tg_kinds(size_t *count);
const tg_kind *tg_find(const char *name);

/* Generates; *ops is malloc'd (free it). 0 ok, -1 with err (bad options
 * or out of memory). */
int tg_generate(const tg_kind *kind, const tg_opts *opts, rw_op **ops,
                size_t *n, rw_error *err);

/* Exposed for tests: the natural log and exp the distributions use. */
double tg_ln(double x);
double tg_exp(double x);

#endif
