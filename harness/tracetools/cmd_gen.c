/*
 * cmd_gen.c: `fitbench gen KIND [--seed N] [--ops N] [...] -o FILE`
 *
 * Where it sits: parses the options, lets tracegen.c build the ops of one
 * pattern and repwrite.c write them (.rep, or .rep.gz by name).
 */
#include "cmds_trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracegen.h"

#define GEN_NAME "fitbench gen"

static void gen_usage(FILE *out)
{
    fprintf(out,
            "usage: fitbench gen KIND [options] -o FILE\n"
            "       fitbench gen --list\n"
            "Writes a synthetic trace of one allocation pattern. The same\n"
            "options give the same bytes.\n"
            "  --seed N     random seed (default 0)\n"
            "  --ops N      at most N ops, and close to it (default 100000)\n"
            "  --min N      smallest request size\n"
            "  --max N      largest request size\n"
            "  --dist D     size distribution: uniform, exp, power\n"
            "  --mean X     exp: mean size\n"
            "  --alpha X    power: tail exponent (Pareto; default 1.2)\n"
            "  --live N     kind-specific count (see --list)\n"
            "  --frac X     kind-specific fraction (see --list)\n"
            "  -o FILE      output (.rep, or .rep.gz)\n");
}

static void gen_list(void)
{
    size_t n;
    const tg_kind *k = tg_kinds(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-9s %s\n          options: %s\n", k[i].name, k[i].summary,
               k[i].options);
}

static int gen_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        goto bad;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        goto bad;
    *out = v;
    return 0;
bad:
    fprintf(stderr, GEN_NAME ": %s wants a non-negative integer, not '%s'\n",
            opt, s);
    return -1;
}

static int gen_double(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || end == s || !(v >= 0)) {
        fprintf(stderr, GEN_NAME ": %s wants a non-negative number, not"
                        " '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_gen(int argc, char **argv)
{
    tg_opts o;
    memset(&o, 0, sizeof o);
    const char *kind_name = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            gen_usage(stdout);
            return 0;
        }
        if (strcmp(a, "--list") == 0) {
            gen_list();
            return 0;
        }
        if (a[0] != '-') {
            if (kind_name) {
                fprintf(stderr, GEN_NAME ": one kind only ('%s', '%s')\n",
                        kind_name, a);
                return 2;
            }
            kind_name = a;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, GEN_NAME ": %s needs a value\n", a);
            return 2;
        }
        const char *v = argv[++i];
        uint64_t u;
        int rc = 0;
        if (strcmp(a, "-o") == 0) {
            out = v;
        } else if (strcmp(a, "--seed") == 0) {
            rc = gen_u64(a, v, &o.seed);
        } else if (strcmp(a, "--ops") == 0) {
            rc = gen_u64(a, v, &u);
            o.ops = (size_t)u;
            if (rc == 0 && u == 0) {
                fprintf(stderr, GEN_NAME ": --ops must be at least 1\n");
                rc = -1;
            }
        } else if (strcmp(a, "--min") == 0) {
            rc = gen_u64(a, v, &o.min);
            if (rc == 0 && o.min == 0) {
                fprintf(stderr, GEN_NAME ": --min must be at least 1\n");
                rc = -1;
            }
        } else if (strcmp(a, "--max") == 0) {
            rc = gen_u64(a, v, &o.max);
            if (rc == 0 && o.max == 0) {
                fprintf(stderr, GEN_NAME ": --max must be at least 1\n");
                rc = -1;
            }
        } else if (strcmp(a, "--live") == 0) {
            rc = gen_u64(a, v, &u);
            o.live = (size_t)u;
            if (rc == 0 && u == 0) {
                fprintf(stderr, GEN_NAME ": --live must be at least 1\n");
                rc = -1;
            }
        } else if (strcmp(a, "--mean") == 0 || strcmp(a, "--alpha") == 0) {
            double *dst = a[2] == 'm' ? &o.mean : &o.alpha;
            rc = gen_double(a, v, dst);
            if (rc == 0 && *dst == 0) {
                fprintf(stderr, GEN_NAME ": %s must be above 0\n", a);
                rc = -1;
            }
        } else if (strcmp(a, "--frac") == 0) {
            rc = gen_double(a, v, &o.frac);
        } else if (strcmp(a, "--dist") == 0) {
            o.dist_set = 1;
            if (strcmp(v, "uniform") == 0)
                o.dist = TG_UNIFORM;
            else if (strcmp(v, "exp") == 0)
                o.dist = TG_EXP;
            else if (strcmp(v, "power") == 0)
                o.dist = TG_POWER;
            else {
                fprintf(stderr, GEN_NAME ": --dist is uniform, exp or power,"
                                " not '%s'\n", v);
                rc = -1;
            }
        } else {
            fprintf(stderr, GEN_NAME ": unknown option %s (see --help)\n", a);
            return 2;
        }
        if (rc != 0)
            return 2;
    }
    if (!kind_name) {
        fprintf(stderr, GEN_NAME ": no kind given (see --list)\n");
        return 2;
    }
    const tg_kind *kind = tg_find(kind_name);
    if (!kind) {
        fprintf(stderr, GEN_NAME ": unknown kind '%s' (see --list)\n",
                kind_name);
        return 2;
    }
    if (!out) {
        fprintf(stderr, GEN_NAME ": no output given (-o FILE)\n");
        return 2;
    }
    rw_op *ops = NULL;
    size_t n = 0;
    rw_error err;
    if (tg_generate(kind, &o, &ops, &n, &err) != 0) {
        fprintf(stderr, GEN_NAME ": %s\n", err.msg);
        return strstr(err.msg, "out of memory") ? 1 : 2;
    }
    int rc = rw_write_ops(out, ops, n, &err);
    free(ops);
    if (rc != 0) {
        fprintf(stderr, GEN_NAME ": %s\n", err.msg);
        return 1;
    }
    return 0;
}
