/*
 * cmd_gen.c: `fitbench gen KIND [--seed N] [--ops N] [...] -o FILE`
 *
 * Where it sits: parses the options, lets tracegen.c build the ops of one
 * pattern and repwrite.c write them (.rep, or .rep.gz by name).
 */
#include "cmds_trace.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "diag.h"
#include "tracegen.h"

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

/* The long options; each short code is the value getopt_long returns. */
enum { GEN_SEED = 256, GEN_OPS, GEN_MIN, GEN_MAX, GEN_DIST, GEN_MEAN, GEN_ALPHA, GEN_LIVE,
       GEN_FRAC, GEN_LIST };

static const struct option gen_options[] = {
    {"help", no_argument, NULL, 'h'},        {"list", no_argument, NULL, GEN_LIST},
    {"seed", required_argument, NULL, GEN_SEED}, {"ops", required_argument, NULL, GEN_OPS},
    {"min", required_argument, NULL, GEN_MIN},   {"max", required_argument, NULL, GEN_MAX},
    {"dist", required_argument, NULL, GEN_DIST}, {"mean", required_argument, NULL, GEN_MEAN},
    {"alpha", required_argument, NULL, GEN_ALPHA}, {"live", required_argument, NULL, GEN_LIVE},
    {"frac", required_argument, NULL, GEN_FRAC}, {NULL, 0, NULL, 0},
};

/* One option's value into o; -1 after a message. */
static int gen_option(int c, const char *v, tg_opts *o)
{
    uint64_t u = 0;
    int rc = 0;
    switch (c) {
    case GEN_SEED:
        return fb_arg_count("--seed", v, "an integer", 0, UINT64_MAX, &o->seed);
    case GEN_OPS:
        rc = fb_arg_count("--ops", v, "a count", 1, SIZE_MAX, &u);
        o->ops = (size_t)u;
        return rc;
    case GEN_MIN:
        return fb_arg_count("--min", v, "a size in bytes", 1, UINT64_MAX, &o->min);
    case GEN_MAX:
        return fb_arg_count("--max", v, "a size in bytes", 1, UINT64_MAX, &o->max);
    case GEN_LIVE:
        rc = fb_arg_count("--live", v, "a count", 1, SIZE_MAX, &u);
        o->live = (size_t)u;
        return rc;
    case GEN_MEAN:
        return fb_arg_double("--mean", v, "a size above 0", 1e-300, 1e300, &o->mean);
    case GEN_ALPHA:
        return fb_arg_double("--alpha", v, "an exponent above 0", 1e-300, 1e300, &o->alpha);
    case GEN_FRAC:
        return fb_arg_double("--frac", v, "a fraction", 0, 1e300, &o->frac);
    case GEN_DIST:
        o->dist_set = 1;
        if (strcmp(v, "uniform") == 0)
            o->dist = TG_UNIFORM;
        else if (strcmp(v, "exp") == 0)
            o->dist = TG_EXP;
        else if (strcmp(v, "power") == 0)
            o->dist = TG_POWER;
        else {
            fb_error("--dist is uniform, exp or power, not '%s'", v);
            return -1;
        }
        return 0;
    }
    return -1;
}

int cmd_gen(int argc, char **argv)
{
    tg_opts o;
    memset(&o, 0, sizeof o);
    const char *out = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", gen_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            gen_usage(stdout);
            return 0;
        case GEN_LIST:
            gen_list();
            return 0;
        case 'o':
            out = optarg;
            break;
        case '?':
        case ':':
            fb_arg_bad(c, argv);
            return 2;
        default:
            if (gen_option(c, optarg, &o) != 0)
                return 2;
        }
    }
    if (optind >= argc) {
        fb_error("no kind given (see --list)");
        return 2;
    }
    if (optind + 1 < argc) {
        fb_error("one kind only ('%s', '%s')", argv[optind], argv[optind + 1]);
        return 2;
    }
    const char *kind_name = argv[optind];
    const tg_kind *kind = tg_find(kind_name);
    if (!kind) {
        fb_error("unknown kind '%s' (see --list)", kind_name);
        return 2;
    }
    if (!out) {
        fb_error("no output given (-o FILE)");
        return 2;
    }
    rw_op *ops = NULL;
    size_t n = 0;
    rw_error err;
    if (tg_generate(kind, &o, &ops, &n, &err) != 0) {
        fb_error("%s", err.msg);
        return strstr(err.msg, "out of memory") ? 1 : 2;
    }
    int rc = rw_write_ops(out, ops, n, &err);
    free(ops);
    if (rc != 0) {
        fb_error("%s", err.msg);
        return 1;
    }
    return 0;
}
