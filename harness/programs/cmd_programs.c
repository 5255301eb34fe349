/*
 * cmd_programs.c: `fitbench programs`: how real programs fare under each
 * allocator. Every program runs under glibc (the baseline), under each
 * policy of the core (LD_PRELOAD=libfitmalloc.so FITBENCH_POLICY=x) and
 * under each installed system allocator (LD_PRELOAD of the Debian
 * library); see cmds_programs.h for what it writes.
 *
 * Where it sits: beside `fitbench run`, which replays traces; this one
 * runs the programs themselves. This file reads the options, prepares the
 * inputs and runs every cell (program x allocator) through programs_run.c
 * (a first run of our own for the peak RSS and the output check, then
 * hyperfine). Workloads come from harness/programs/workloads.c; the CSV,
 * the chart (plots/programs.gp) and the summary table are written by
 * harness/programs/programs_out.c. Rows are written as each cell ends, so
 * an interrupted run keeps them.
 */
#include "allocators.h"
#include "cmds_programs.h"
#include "fitalloc.h"
#include "programs.h"
#include "workloads.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FB_FITMALLOC_LIB
#define FB_FITMALLOC_LIB ""
#endif

static void pr_usage(FILE *out) {
    fprintf(out, "usage: fitbench programs [-o DIR] [-a LIST] [-p LIST] [--cmd NAME=COMMAND]...\n"
                 "                         [--runs N] [--warmup N] [--timeout S] [--budget S]\n"
                 "                         [--lib PATH] [--no-plot]\n"
                 "\n"
                 "Times real programs with hyperfine under glibc, under every policy of the\n"
                 "core (LD_PRELOAD=libfitmalloc.so FITBENCH_POLICY=...) and under each\n"
                 "installed system allocator, measures each one's peak RSS in a run of its\n"
                 "own, and checks that every run prints what the glibc run printed.\n"
                 "\n"
                 "  -o DIR         results folder (default results): programs.csv,\n"
                 "                 programs.dat, programs.svg, and programs/ (hyperfine's\n"
                 "                 JSON, each run's output, the generated inputs)\n"
                 "  -a LIST        allocators, comma-separated: libc, a policy (first,\n"
                 "                 first-ao, next, best, worst, segfit, tlsf, buddy),\n"
                 "                 jemalloc, tcmalloc, mimalloc, or a group: fit, system,\n"
                 "                 all (default all); libc always runs, as the baseline\n"
                 "  -p LIST        built-in programs (default all), or none:\n");
    for (size_t i = 0; i < fbw_nworkloads; i++)
        fprintf(out, "                   %-7s %s\n", fbw_workloads[i].name, fbw_workloads[i].what);
    fprintf(out, "  --cmd NAME=COMMAND  one more program: COMMAND runs with /bin/sh -c\n"
                 "                 (repeatable)\n"
                 "  --runs N       hyperfine runs per cell (default 5)\n"
                 "  --warmup N     hyperfine warmup runs per cell (default 1)\n"
                 "  --timeout S    a first run longer than S seconds is status timeout\n"
                 "                 and is not timed further (default 120)\n"
                 "  --budget S     fewer runs when one run times (warmup + runs) would pass\n"
                 "                 S seconds (default 90; at least 2 runs)\n"
                 "  --lib PATH     libfitmalloc.so (default $FITBENCH_PRELOAD, else the\n"
                 "                 one this build made)\n"
                 "  --no-plot      do not draw programs.svg\n"
                 "\n"
                 "Exit status: 0 every cell ok, 1 some cell not ok or a tool missing,\n"
                 "2 usage error.\n");
}

/* ------------------------------------------------------------- helpers */

static int pr_mkdirs(const char *path) {
    char buf[PR_PATH];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = c;
            if (!c)
                return 0;
        }
    }
}

/* ------------------------------------------------------------ options */

static int pr_add_alloc(pr_run *r, const char *name) {
    for (size_t i = 0; i < r->nallocs; i++)
        if (!strcmp(r->allocs[i].name, name))
            return 0;
    if (r->nallocs == PR_MAX_ALLOCS)
        return -1;
    pr_alloc *a = &r->allocs[r->nallocs++];
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    for (size_t i = 0; i < fa_policy_count(); i++)
        if (!strcmp(fa_policy_name(i), name))
            a->policy = fa_policy_name(i);
    return 0;
}

static int pr_is_system(const char *name) {
    return !strcmp(name, "jemalloc") || !strcmp(name, "tcmalloc") || !strcmp(name, "mimalloc");
}

static int pr_parse_allocs(pr_run *r, const char *list) {
    pr_add_alloc(r, "libc");
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf) {
        pr_err("-a: list too long");
        return -1;
    }
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        int fit = !strcmp(tok, "fit") || !strcmp(tok, "all");
        int sys = !strcmp(tok, "system") || !strcmp(tok, "all");
        if (fit)
            for (size_t i = 0; i < fa_policy_count(); i++)
                pr_add_alloc(r, fa_policy_name(i));
        if (sys) {
            pr_add_alloc(r, "jemalloc");
            pr_add_alloc(r, "tcmalloc");
            pr_add_alloc(r, "mimalloc");
        }
        if (fit || sys || !strcmp(tok, "libc"))
            continue;
        if (!fa_policy_summary(tok) && !pr_is_system(tok)) {
            pr_err("-a: unknown allocator '%s' (libc, a policy, jemalloc, tcmalloc, "
                   "mimalloc, fit, system, all)",
                   tok);
            return -1;
        }
        pr_add_alloc(r, tok);
    }
    return 0;
}

static int pr_add_prog(pr_run *r, const char *name, const char *command, const fbw_workload *w) {
    if (r->nprogs == PR_MAX_PROGS) {
        pr_err("at most %d programs", PR_MAX_PROGS);
        return -1;
    }
    for (size_t i = 0; i < r->nprogs; i++)
        if (!strcmp(r->progs[i].name, name)) {
            pr_err("program '%s' given twice", name);
            return -1;
        }
    pr_prog *p = &r->progs[r->nprogs++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->command = command ? strdup(command) : NULL;
    p->w = w;
    return command && !p->command ? -1 : 0;
}

static int pr_parse_progs(pr_run *r, const char *list) {
    if (!strcmp(list, "none"))
        return 0;
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf) {
        pr_err("-p: list too long");
        return -1;
    }
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < fbw_nworkloads && strcmp(fbw_workloads[i].name, tok) != 0)
            i++;
        if (i == fbw_nworkloads) {
            pr_err("-p: unknown program '%s' (see --help)", tok);
            return -1;
        }
        if (pr_add_prog(r, tok, NULL, &fbw_workloads[i]) != 0)
            return -1;
    }
    return 0;
}

static int pr_parse_cmd(pr_run *r, const char *arg) {
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || n == 0 || n >= sizeof r->progs[0].name || !eq[1]) {
        pr_err("--cmd '%s': expected NAME=COMMAND", arg);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (!(arg[i] == '-' || arg[i] == '_' || (arg[i] >= '0' && arg[i] <= '9') ||
              (arg[i] >= 'a' && arg[i] <= 'z') || (arg[i] >= 'A' && arg[i] <= 'Z'))) {
            pr_err("--cmd '%s': NAME may hold letters, digits, '-' and '_' only", arg);
            return -1;
        }
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)n, arg);
    return pr_add_prog(r, name, eq + 1, NULL);
}

static int pr_number(const char *opt, const char *s, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < lo || v > hi) {
        pr_err("%s '%s': expected a number from %g to %g", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* Resolves each allocator's library; those that cannot run say why. */
static void pr_resolve(pr_run *r) {
    const char *lib = r->o.lib ? r->o.lib : getenv("FITBENCH_PRELOAD");
    if (!lib || !*lib)
        lib = FB_FITMALLOC_LIB;
    int lib_ok = *lib && access(lib, R_OK) == 0;
    for (size_t i = 0; i < r->nallocs; i++) {
        pr_alloc *a = &r->allocs[i];
        if (a->policy) {
            if (lib_ok)
                snprintf(a->lib, sizeof a->lib, "%s", lib);
            else
                a->missing = "libfitmalloc.so not found (--lib or $FITBENCH_PRELOAD)";
        } else if (pr_is_system(a->name)) {
            const fb_allocator *fa = fb_allocator_find(a->name);
            if (!fa || !fa->preload || !fb_system_library_path(fa->preload, a->lib, sizeof a->lib))
                a->missing = "its Debian library is not installed";
        }
    }
}

/* ---------------------------------------------------------------- main */

int cmd_programs(int argc, char **argv) {
    pr_run *r = calloc(1, sizeof *r);
    if (!r) {
        pr_err("out of memory");
        return 1;
    }
    r->o = (pr_opts){
        .outdir = "results", .runs = 5, .warmup = 1, .plot = 1, .timeout = 120, .budget = 90};
    const char *alloc_list = "all", *prog_list = NULL;
    const char *cmds[PR_MAX_PROGS];
    size_t ncmd = 0;
    int rc = 2;
    enum { O_CMD = 256, O_RUNS, O_WARMUP, O_TIMEOUT, O_BUDGET, O_LIB, O_NOPLOT, O_HELP };
    static const struct option longopts[] = {{"cmd", required_argument, NULL, O_CMD},
                                             {"runs", required_argument, NULL, O_RUNS},
                                             {"warmup", required_argument, NULL, O_WARMUP},
                                             {"timeout", required_argument, NULL, O_TIMEOUT},
                                             {"budget", required_argument, NULL, O_BUDGET},
                                             {"lib", required_argument, NULL, O_LIB},
                                             {"no-plot", no_argument, NULL, O_NOPLOT},
                                             {"help", no_argument, NULL, O_HELP},
                                             {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int ch;
    double v;
    while ((ch = getopt_long(argc, argv, ":o:a:p:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            r->o.outdir = optarg;
            break;
        case 'a':
            alloc_list = optarg;
            break;
        case 'p':
            prog_list = optarg;
            break;
        case O_CMD:
            if (ncmd == PR_MAX_PROGS) {
                pr_err("at most %d programs", PR_MAX_PROGS);
                goto out;
            }
            cmds[ncmd++] = optarg;
            break;
        case O_RUNS:
            if (pr_number("--runs", optarg, 1, 1000, &v) != 0)
                goto out;
            r->o.runs = (int)v;
            break;
        case O_WARMUP:
            if (pr_number("--warmup", optarg, 0, 100, &v) != 0)
                goto out;
            r->o.warmup = (int)v;
            break;
        case O_TIMEOUT:
            if (pr_number("--timeout", optarg, 0.1, 86400, &r->o.timeout) != 0)
                goto out;
            break;
        case O_BUDGET:
            if (pr_number("--budget", optarg, 0.1, 86400, &r->o.budget) != 0)
                goto out;
            break;
        case O_LIB:
            r->o.lib = optarg;
            break;
        case O_NOPLOT:
            r->o.plot = 0;
            break;
        case O_HELP:
            pr_usage(stdout);
            rc = 0;
            goto out;
        case ':':
            pr_err("option %s needs a value (see --help)", argv[optind - 1]);
            goto out;
        default:
            pr_err("unknown option %s (see --help)", argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        pr_err("unexpected argument '%s' (see --help)", argv[optind]);
        goto out;
    }
    if (pr_parse_allocs(r, alloc_list) != 0)
        goto out;
    /* Built-ins first (all of them unless -p, or --cmd alone, says
     * otherwise), then the --cmd programs in order. */
    if (prog_list && pr_parse_progs(r, prog_list) != 0)
        goto out;
    for (size_t i = 0; !prog_list && ncmd == 0 && i < fbw_nworkloads; i++)
        if (pr_add_prog(r, fbw_workloads[i].name, NULL, &fbw_workloads[i]) != 0)
            goto out;
    for (size_t i = 0; i < ncmd; i++)
        if (pr_parse_cmd(r, cmds[i]) != 0)
            goto out;
    if (r->nprogs == 0) {
        pr_err("no programs to run (-p none and no --cmd)");
        goto out;
    }
    rc = 1;
    if (!pr_which("hyperfine", r->hyperfine, sizeof r->hyperfine)) {
        pr_err("hyperfine not found on PATH (Debian package hyperfine)");
        goto out;
    }
    if (strlen(r->o.outdir) > PR_PATH / 2) {
        pr_err("-o: path too long");
        rc = 2;
        goto out;
    }
    snprintf(r->dir, sizeof r->dir, "%s/programs", r->o.outdir);
    snprintf(r->work, sizeof r->work, "%s/programs/work", r->o.outdir);
    if (pr_mkdirs(r->work) != 0) {
        pr_err("%s: %s", r->work, strerror(errno));
        goto out;
    }
    char err[512];
    int builtins = 0;
    for (size_t i = 0; i < r->nprogs; i++)
        builtins |= r->progs[i].w != NULL;
    if (builtins && fbw_prepare(r->work, FBW_BENCH, err, sizeof err) != 0) {
        pr_err("%s", err);
        goto out;
    }
    for (size_t i = 0; i < r->nprogs; i++)
        if (r->progs[i].w && !fbw_script(r->work, r->progs[i].w, r->progs[i].script, PR_PATH)) {
            pr_err("%s: path too long", r->work);
            goto out;
        }
    pr_resolve(r);

    char csvpath[PR_PATH], dat[PR_PATH], svg[PR_PATH];
    snprintf(csvpath, sizeof csvpath, "%s/programs.csv", r->o.outdir);
    snprintf(dat, sizeof dat, "%s/programs.dat", r->o.outdir);
    snprintf(svg, sizeof svg, "%s/programs.svg", r->o.outdir);
    FILE *csv = fopen(csvpath, "w");
    if (!csv) {
        pr_err("%s: %s", csvpath, strerror(errno));
        goto out;
    }
    fputs("program,allocator,mean_s,stddev_s,median_s,rss_kb,time_rel_libc,rss_rel_libc,status\n",
          csv);
    int bad = 0;
    for (size_t p = 0; p < r->nprogs; p++) {
        const fbw_workload *w = r->progs[p].w;
        char need[PR_PATH];
        if (w && snprintf(need, sizeof need, "/usr/bin/%s", w->program) > 0 &&
            access(need, X_OK) != 0)
            pr_err("%s: %s is not installed (Debian package for %s)", r->progs[p].name, need,
                   w->program);
        for (size_t a = 0; a < r->nallocs; a++)
            bad |= pr_cell_run(r, csv, p, a);
    }
    if (fclose(csv) != 0) {
        pr_err("%s: %s", csvpath, strerror(errno));
        bad = 1;
    }
    if (pr_write_dat(r, dat) != 0) {
        pr_err("%s: cannot write", dat);
        bad = 1;
    } else if (r->o.plot && pr_plot(r, dat, svg) != 0) {
        bad = 1;
    }
    pr_print_table(r);
    rc = bad ? 1 : 0;
out:
    for (size_t i = 0; i < r->nprogs; i++)
        free(r->progs[i].command);
    free(r);
    return rc;
}
