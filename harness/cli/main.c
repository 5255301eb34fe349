/*
 * main.c: the `fitbench` command. It dispatches to the subcommands; `run`,
 * `list`, `check` and `stats` live here, the trace tools (record, gen,
 * convert) in cmd_*.c, the charts and the report in plots/.
 *
 * Exit status everywhere: 0 all went well (every cell ok), 1 some cell or
 * program failed, 2 usage or input error, 130 interrupted.
 */
#include "allocators.h"
#include "cell.h"
#include "cmds_programs.h"
#include "cmds_trace.h"
#include "fitalloc.h"
#include "output.h"
#include "plots.h"
#include "replay.h"
#include "trace.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <gnu/libc-version.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef FB_TRACES_DIR
#define FB_TRACES_DIR "traces"
#endif
#define FB_VERSION "0.1"

static void usage_main(FILE *out) {
    fprintf(out,
            "usage: fitbench COMMAND [ARGS]\n"
            "\n"
            "Replays malloc-lab allocation traces against many allocators, checks them\n"
            "and measures throughput, utilization, fragmentation and latency.\n"
            "\n"
            "commands:\n"
            "  run      replay traces against allocators, write CSV and JSON\n"
            "  list     the allocators, their groups and whether they are installed\n"
            "  check    validate trace files\n"
            "  stats    describe trace files (ops, peak payload, sizes, lifetimes)\n"
            "  record   record a program's allocations as a trace\n"
            "  gen      generate a synthetic trace\n"
            "  convert  convert a glibc mtrace log into a trace\n"
            "  plot     draw the charts of a results folder\n"
            "  report   draw the charts and write report.html for a results folder\n"
            "  programs time real programs under each policy and system allocator\n"
            "\n"
            "`fitbench COMMAND --help` describes each.\n");
}

/* ---------------------------------------------------- trace arguments */

typedef struct {
    char **paths;
    size_t n, cap;
} path_list;

static int path_add(path_list *l, const char *p) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        char **np = realloc(l->paths, cap * sizeof *np);
        if (!np)
            return -1;
        l->paths = np;
        l->cap = cap;
    }
    if (!(l->paths[l->n] = strdup(p)))
        return -1;
    l->n++;
    return 0;
}

static void path_free(path_list *l) {
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
}

static int is_trace_name(const char *n) {
    size_t len = strlen(n);
    return (len > 4 && strcmp(n + len - 4, ".rep") == 0) ||
           (len > 7 && strcmp(n + len - 7, ".rep.gz") == 0);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a file, or every trace in a folder (sorted). -1 with a message. */
static int add_trace_arg(path_list *l, const char *arg) {
    struct stat st;
    if (stat(arg, &st) != 0) {
        fprintf(stderr, "fitbench: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return path_add(l, arg);
    DIR *d = opendir(arg);
    if (!d) {
        fprintf(stderr, "fitbench: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    size_t first = l->n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_trace_name(e->d_name))
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", arg, e->d_name);
        if (path_add(l, p)) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    if (l->n == first) {
        fprintf(stderr, "fitbench: %s: no .rep or .rep.gz files in this folder\n", arg);
        return -1;
    }
    qsort(l->paths + first, l->n - first, sizeof(char *), cmp_str);
    return 0;
}

static const char *default_traces(void) {
    const char *env = getenv("FITBENCH_TRACES");
    return env && *env ? env : FB_TRACES_DIR;
}

/* ---------------------------------------------------- allocator lists */

static int group_match(const char *word, const fb_allocator *a) {
    if (!strcmp(word, "all"))
        return 1;
    return !strcmp(word, a->group) || !strcmp(word, a->name);
}

/* Parses "first,best,system": names and groups (fit, seed, system,
 * baseline, all). Fills sel[] with each allocator once, in table order. */
static int parse_allocs(const char *list, const fb_allocator **sel, size_t *nsel) {
    char *dup = strdup(list), *save = NULL;
    int used[64] = {0};
    if (!dup)
        return -1;
    for (char *w = strtok_r(dup, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int any = 0;
        for (size_t i = 0; i < fb_allocator_count(); i++)
            if (group_match(w, fb_allocator_at(i)))
                used[i] = any = 1;
        if (!any) {
            fprintf(stderr,
                    "fitbench: unknown allocator or group '%s' (see `fitbench list`; groups: "
                    "fit, seed, system, baseline, all)\n",
                    w);
            free(dup);
            return -1;
        }
    }
    free(dup);
    *nsel = 0;
    for (size_t i = 0; i < fb_allocator_count(); i++)
        if (used[i])
            sel[(*nsel)++] = fb_allocator_at(i);
    return 0;
}

/* ------------------------------------------------------------- meta */

static void json_kv(FILE *f, const char *k, const char *v, int last) {
    fprintf(f, "  \"%s\": \"", k);
    for (const char *s = v; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
    fprintf(f, "\"%s\n", last ? "" : ",");
}

static void package_version(const char *pkg, char *buf, size_t len) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "dpkg-query -W -f='${Version}' %s 2>/dev/null", pkg);
    buf[0] = 0;
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    if (!fgets(buf, (int)len, p))
        buf[0] = 0;
    pclose(p);
}

static void write_meta(const char *dir, int argc, char **argv) {
    char path[4200];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    struct utsname u;
    uname(&u);
    char date[64], cpu[256] = "unknown", line[512];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    FILE *ci = fopen("/proc/cpuinfo", "r");
    while (ci && fgets(line, sizeof line, ci))
        if (!strncmp(line, "model name", 10)) {
            char *c = strchr(line, ':');
            if (c) {
                snprintf(cpu, sizeof cpu, "%s", c + 2);
                cpu[strcspn(cpu, "\n")] = 0;
            }
            break;
        }
    if (ci)
        fclose(ci);
    char cmd[1024] = "";
    for (int i = 0; i < argc; i++) {
        strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 2);
        strncat(cmd, " ", sizeof cmd - strlen(cmd) - 1);
    }
    char kernel[300];
    snprintf(kernel, sizeof kernel, "%s %s", u.sysname, u.release);
    fprintf(f, "{\n");
    json_kv(f, "date", date, 0);
    json_kv(f, "host", u.nodename, 0);
    json_kv(f, "cpu", cpu, 0);
    json_kv(f, "kernel", kernel, 0);
    json_kv(f, "compiler", "gcc " __VERSION__, 0);
    json_kv(f, "glibc", gnu_get_libc_version(), 0);
    json_kv(f, "fitbench", FB_VERSION, 0);
    json_kv(f, "command", cmd, 0);
    /* How the core's heaps give memory back, when the environment changed it. */
    const char *trim = getenv("FITBENCH_TRIM"), *decay = getenv("FITBENCH_TRIM_DECAY");
    char dflt[32];
    snprintf(dflt, sizeof dflt, "%zu", (size_t)FA_DEFAULT_TRIM);
    json_kv(f, "core_trim_threshold", trim && *trim ? trim : dflt, 0);
    snprintf(dflt, sizeof dflt, "%zu", (size_t)FA_DEFAULT_TRIM_DECAY);
    json_kv(f, "core_trim_decay_ops", decay && *decay ? decay : dflt, 0);
    fprintf(f, "  \"libraries\": {\n");
    const char *pk[][2] = {{"jemalloc", "libjemalloc2"},
                           {"tcmalloc", "libgoogle-perftools4"},
                           {"mimalloc", "libmimalloc2.0"}};
    for (int i = 0; i < 3; i++) {
        char v[128];
        package_version(pk[i][1], v, sizeof v);
        fprintf(f, "    \"%s\": \"%s\"%s\n", pk[i][0], v[0] ? v : "not installed", i < 2 ? "," : "");
    }
    fprintf(f, "  }\n}\n");
    fclose(f);
}

/* -------------------------------------------------------------- run */

static void usage_run(FILE *out) {
    fprintf(out,
            "usage: fitbench run [-a LIST] [-o DIR] [-r N] [--timeout S] [--max-rss MIB]\n"
            "                    [--min-time S] [--check-every N] [-q] [TRACE|DIR ...]\n"
            "\n"
            "Replays each trace against each allocator, every cell in a process of its own,\n"
            "and writes DIR/results.csv, results.json, summary.csv, meta.json, and\n"
            "timeline/, heapmap/, latency/ CSV files. With no TRACE, the bundled suite\n"
            "(%s).\n"
            "\n"
            "  -a LIST          allocators and groups, comma-separated (default: all);\n"
            "                   groups: fit, seed, system, baseline, all\n"
            "  -o DIR           results folder (default: results)\n"
            "  -r N             exactly N timed repetitions (default: adaptive, >= 3 and\n"
            "                   >= --min-time seconds)\n"
            "  --min-time S     timed replay seconds per cell, at least (default 0.2)\n"
            "  --timeout S      seconds a cell may take before it is killed (default 120);\n"
            "                   a cell cut short keeps the figures of its finished passes\n"
            "  --max-rss MIB    resident memory a cell may reach before it is killed as\n"
            "                   `oom` (default: half the machine's memory, at most 4096)\n"
            "  --check-every N  run the allocator's heap check every N ops (default: 64\n"
            "                   times per trace)\n"
            "  -q               no progress line, no tables\n"
            "\n"
            "Exit status: 0 every cell ok, 1 some cell not ok, 2 usage or input error.\n",
            default_traces());
}

static void on_signal(int sig) {
    (void)sig;
    fb_interrupted = 1;
}

static int parse_double(const char *s, double *v) {
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return errno || end == s || *end || !(*v >= 0) ? -1 : 0;
}

static int parse_size(const char *s, size_t *v) {
    char *end;
    errno = 0;
    if (*s == '-')
        return -1;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *v = (size_t)x;
    return 0;
}

/* --max-rss's default: half the machine's memory, at most 4 GiB (no
 * trace of the suite needs a tenth of that; an allocator that runs away
 * must not take the machine with it). */
static size_t default_max_rss_mib(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t half = pages > 0 && page > 0 ? (size_t)pages / 2 * (size_t)page >> 20 : 4096;
    return half < 4096 ? half : 4096;
}

static int cmd_run(int argc, char **argv) {
    static const struct option longs[] = {
        {"help", no_argument, NULL, 'h'},        {"timeout", required_argument, NULL, 'T'},
        {"min-time", required_argument, NULL, 'm'}, {"check-every", required_argument, NULL, 'c'},
        {"max-rss", required_argument, NULL, 'M'},  {NULL, 0, NULL, 0}};
    const char *alist = "all", *outdir = "results";
    fb_replay_opts o;
    fb_replay_defaults(&o);
    double timeout = 120;
    size_t max_rss_mib = default_max_rss_mib();
    int quiet = 0, c;
    size_t v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:o:r:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'a': alist = optarg; break;
        case 'o': outdir = optarg; break;
        case 'q': quiet = 1; break;
        case 'r':
            if (parse_size(optarg, &v) || v == 0 || v > 1000000) {
                fprintf(stderr, "fitbench run: -r wants a count from 1 to 1000000, not '%s'\n", optarg);
                return 2;
            }
            o.fixed_reps = (unsigned)v;
            break;
        case 'T':
            if (parse_double(optarg, &timeout) || timeout <= 0) {
                fprintf(stderr, "fitbench run: --timeout wants seconds > 0, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'm':
            if (parse_double(optarg, &o.min_time) || o.min_time > 3600) {
                fprintf(stderr, "fitbench run: --min-time wants seconds (0..3600), not '%s'\n", optarg);
                return 2;
            }
            if (o.max_time < o.min_time)
                o.max_time = o.min_time;
            break;
        case 'M':
            if (parse_size(optarg, &max_rss_mib) || max_rss_mib == 0 || max_rss_mib > ((size_t)1 << 30)) {
                fprintf(stderr, "fitbench run: --max-rss wants MiB (1..2^30), not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'c':
            if (parse_size(optarg, &o.check_every) || o.check_every == 0) {
                fprintf(stderr, "fitbench run: --check-every wants a count > 0, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': usage_run(stdout); return 0;
        default: usage_run(stderr); return 2;
        }
    }
    const fb_allocator *sel[64];
    size_t nsel = 0;
    if (parse_allocs(alist, sel, &nsel))
        return 2;
    for (size_t i = 0; i < nsel; i++) {
        const char *why = sel[i]->config_error ? sel[i]->config_error() : NULL;
        if (why) {
            fprintf(stderr, "fitbench run: %s: %s\n", sel[i]->name, why);
            return 2;
        }
    }
    path_list traces = {0};
    int rc = 0;
    if (optind == argc)
        rc = add_trace_arg(&traces, default_traces());
    for (int i = optind; i < argc && rc == 0; i++)
        rc = add_trace_arg(&traces, argv[i]);
    if (rc) {
        path_free(&traces);
        return 2;
    }
    /* Validate every trace before running anything: a bad file is reported
     * whole, never half-run. */
    char **names = calloc(traces.n, sizeof *names);
    for (size_t i = 0; i < traces.n && names; i++) {
        trace t;
        trace_error err;
        if (trace_load(traces.paths[i], &t, &err, quiet ? NULL : stderr) != 0) {
            fprintf(stderr, "%s\n", err.msg);
            rc = 2;
        } else {
            names[i] = strdup(t.name);
            trace_free(&t);
        }
    }
    if (!names || rc) {
        for (size_t i = 0; names && i < traces.n; i++)
            free(names[i]);
        free(names);
        path_free(&traces);
        return 2;
    }
    char err[512];
    fb_results *res = fb_results_open(outdir, err, sizeof err);
    if (!res) {
        fprintf(stderr, "fitbench run: %s\n", err);
        path_free(&traces);
        return 2;
    }
    write_meta(outdir, argc, argv);
    o.outdir = outdir;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int progress = !quiet && isatty(2);
    size_t total = traces.n * nsel, done = 0, bad = 0;
    int interrupted = 0;
    for (size_t i = 0; i < traces.n && !interrupted; i++) {
        trace t;
        trace_error terr;
        int fd = -1;
        if (trace_load(traces.paths[i], &t, &terr, NULL) != 0 || (fd = fb_trace_share(&t)) < 0) {
            fprintf(stderr, "\nfitbench run: %s: cannot hand the trace to its cells: %s\n",
                    traces.paths[i], strerror(errno));
            trace_free(&t);
            bad += nsel;
            done += nsel;
            continue;
        }
        trace_free(&t);
        for (size_t k = 0; k < nsel && !interrupted; k++) {
            if (progress)
                fprintf(stderr, "\r\033[K[%zu/%zu] %s x %s", done + 1, total, names[i], sel[k]->name);
            fb_cell_spec spec = {fd, names[i], sel[k], &o, timeout, (uint64_t)max_rss_mib * 1024};
            fb_row row;
            int r = fb_cell_run(&spec, &row);
            if (r < 0)
                interrupted = 1;
            if (r != 0)
                bad++;
            if (fb_results_add(res, &row) != 0) {
                fprintf(stderr, "\nfitbench run: cannot write results in %s: %s\n", outdir,
                        strerror(errno));
                interrupted = 1;
            }
            done++;
        }
        close(fd);
    }
    if (progress)
        fprintf(stderr, "\r\033[K");
    if (fb_results_finish(res, quiet ? NULL : stdout) != 0)
        fprintf(stderr, "fitbench run: cannot write %s/summary.csv\n", outdir);
    if (!quiet)
        printf("\n%zu cells, %zu not ok; results in %s/\n", done, bad, outdir);
    fb_results_close(res);
    for (size_t i = 0; i < traces.n; i++)
        free(names[i]);
    free(names);
    path_free(&traces);
    if (interrupted) {
        fprintf(stderr, "fitbench run: interrupted; %zu cells written\n", done);
        return 130;
    }
    return bad ? 1 : 0;
}

/* ------------------------------------------------- list, check, stats */

static int cmd_list(int argc, char **argv) {
    (void)argv;
    if (argc > 1) {
        printf("usage: fitbench list\n\nThe allocators `fitbench run -a` accepts, their group and "
               "whether they can run here.\n");
        return strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    printf("%-12s %-9s %-12s %s\n", "name", "group", "status", "what");
    for (size_t i = 0; i < fb_allocator_count(); i++) {
        const fb_allocator *a = fb_allocator_at(i);
        const char *sum = a->summary ? a->summary : fa_policy_summary(a->name);
        printf("%-12s %-9s %-12s %s\n", a->name, a->group,
               a->available() ? "available" : "unavailable", sum ? sum : "");
    }
    return 0;
}

static int load_each(int argc, char **argv, const char *cmd, int stats) {
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "usage: fitbench %s TRACE|DIR ...\n\n%s\n", cmd,
                stats ? "Ops by kind, peak live payload, request sizes and block lifetimes."
                      : "Validates trace files: FILE:LINE: message and exit 2 on the first error "
                        "in each.");
        return argc < 2 ? 2 : 0;
    }
    path_list l = {0};
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (add_trace_arg(&l, argv[i]))
            rc = 2;
    for (size_t i = 0; i < l.n; i++) {
        trace t;
        trace_error err;
        if (trace_load(l.paths[i], &t, &err, stderr) != 0) {
            fprintf(stderr, "%s\n", err.msg);
            rc = 2;
            continue;
        }
        if (stats) {
            printf("%s\n", l.paths[i]);
            if (trace_stats_print(&t, stdout) != 0)
                rc = rc ? rc : 1;
        } else {
            printf("%s: ok (%s header, %zu ids, %zu ops, peak payload %llu bytes)\n", l.paths[i],
                   trace_format_name(t.format), t.num_ids, t.num_ops,
                   (unsigned long long)t.peak_payload);
        }
        trace_free(&t);
    }
    path_free(&l);
    return rc;
}

static int cmd_check(int argc, char **argv) { return load_each(argc, argv, "check", 0); }
static int cmd_stats(int argc, char **argv) { return load_each(argc, argv, "stats", 1); }

/* ------------------------------------------------------------ main */

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"run", cmd_run},         {"list", cmd_list},       {"check", cmd_check},
        {"stats", cmd_stats},     {"record", cmd_record},   {"gen", cmd_gen},
        {"convert", cmd_convert}, {"plot", cmd_plot},       {"report", cmd_report},
        {"programs", cmd_programs},
        {"__cell", fb_cell_main},
    };
    if (argc < 2) {
        usage_main(stderr);
        return 2;
    }
    fb_cell_set_argv0(argv[0]);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("fitbench %s\n", FB_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "fitbench: unknown command '%s'\n\n", argv[1]);
    usage_main(stderr);
    return 2;
}
