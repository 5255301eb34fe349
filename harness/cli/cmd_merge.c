/*
 * cmd_merge.c: `fitbench merge OUT DIR...`: results folders made apart
 * (the folders of a `fitbench run --plan`, run by GNU parallel or a Slurm
 * array, or runs on other machines) combined into one, from which `fitbench
 * report` works as from any run: results.csv and .json, summary.csv,
 * timeline/, heapmap/ and latency/, and a meta.json that names each part's
 * machine under "parts" (and every distinct host and cpu, joined with
 * "; ", under "host" and "cpu").
 *
 * A DIR is a results folder (it holds results.csv) or a folder of them
 * (the plan's -o). Parts that cannot be compared are refused with an error
 * naming the part: another fitbench version, a trace of the same name
 * with other contents (meta.json's hashes), or a cell that two parts both
 * hold. summary.csv's machines column says how many machines an
 * allocator's throughput figures come from.
 */
#include "args.h"
#include "cli.h"
#include "diag.h"
#include "jread.h"
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *dir;
    json_object *meta;
    unsigned machine;
    size_t cells;
} part;

typedef struct {
    part *p;
    size_t n, cap;
} parts;

static void usage_merge(FILE *out) {
    fprintf(out, "usage: fitbench merge [--force] OUT DIR...\n"
                 "\n"
                 "Combines results folders into OUT: results.csv and .json, summary.csv, the\n"
                 "timeline/, heapmap/ and latency/ files, and meta.json naming each part's\n"
                 "machine. A DIR is a results folder or a folder of them (the -o of\n"
                 "`fitbench run --plan`). Parts of another fitbench version, with a trace of\n"
                 "the same name but other contents, or holding a cell another part holds\n"
                 "are refused. summary.csv's machines column counts the machines behind\n"
                 "each allocator's throughput.\n"
                 "\n"
                 "  --force   OUT holds results already: replace them\n"
                 "\n"
                 "Exit status: 0 merged, 2 usage error or parts that cannot be merged.\n");
}

static int is_results_dir(const char *dir) {
    char path[PATH_MAX + 600];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    return access(path, F_OK) == 0;
}

static int add_part(parts *ps, const char *dir) {
    if (ps->n == ps->cap) {
        part *p = realloc(ps->p, (ps->cap = ps->cap * 2 + 16) * sizeof *p);
        if (!p)
            return -1;
        ps->p = p;
    }
    ps->p[ps->n] = (part){strdup(dir), NULL, 0, 0};
    return ps->p[ps->n++].dir ? 0 : -1;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR's parts: itself, or its sub-folders that are results folders (not
 * itself when it is OUT, which is about to be written). */
static int find_parts(parts *ps, const char *dir, const char *out_real) {
    char real[PATH_MAX];
    int is_out = realpath(dir, real) && out_real[0] && strcmp(real, out_real) == 0;
    if (!is_out && is_results_dir(dir))
        return add_part(ps, dir);
    DIR *d = opendir(dir);
    if (!d) {
        fb_error("%s: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[PATH_MAX + 300];
        if (strlen(dir) + strlen(e->d_name) + 2 > PATH_MAX)
            continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (!is_results_dir(sub))
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap * 2 + 16) * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(sub);
    }
    closedir(d);
    if (!n) {
        fb_error("%s: no results.csv in it or in its sub-folders", dir);
        free(names);
        return -1;
    }
    qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc && (!names[i] || add_part(ps, names[i])))
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

static int copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int bad = !in || !out;
    while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0)
        bad = fwrite(buf, 1, n, out) != n;
    bad |= in && ferror(in);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        bad = 1;
    return bad ? -1 : 0;
}

/* The part's timeline/, heapmap/ and latency/ files into OUT. */
static int copy_cell_files(const char *dir, const char *out) {
    static const char *const subs[] = {"timeline", "heapmap", "latency"};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        char from[PATH_MAX + 32], to[PATH_MAX + 32];
        snprintf(from, sizeof from, "%s/%s", dir, subs[i]);
        snprintf(to, sizeof to, "%s/%s", out, subs[i]);
        DIR *d = opendir(from);
        if (!d)
            continue;
        if (mkdir(to, 0777) != 0 && errno != EEXIST) {
            fb_error("%s: cannot create folder: %s", to, strerror(errno));
            closedir(d);
            return -1;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0)
                continue;
            char a[PATH_MAX + 400], b[PATH_MAX + 400];
            snprintf(a, sizeof a, "%s/%s", from, e->d_name);
            snprintf(b, sizeof b, "%s/%s", to, e->d_name);
            if (copy_file(a, b) != 0) {
                fb_error("cannot copy %s to %s: %s", a, b, strerror(errno));
                closedir(d);
                return -1;
            }
        }
        closedir(d);
    }
    return 0;
}

/* The text of KEY, or "unknown". */
static const char *meta_str(json_object *meta, const char *key) {
    const char *s = fb_jread_str(meta, key);
    return s ? s : "unknown";
}

/* Reads each part's meta.json and rows, checking they compare; the rows
 * (and their machines) into *rows. 0 or -1 (a message naming the part). */
static int read_parts(parts *ps, fb_row **rows, unsigned **machine, size_t *n,
                      json_object *traces, size_t *nmachines) {
    size_t cap = 0;
    *rows = NULL;
    *machine = NULL;
    *n = 0;
    *nmachines = 0;
    char err[PATH_MAX + 512];
    for (size_t i = 0; i < ps->n; i++) {
        part *p = &ps->p[i];
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/meta.json", p->dir);
        p->meta = fb_jread_file(path, err, sizeof err);
        if (!p->meta) {
            fb_error("%s: a part must say what made it: %s", p->dir, err);
            return -1;
        }
        const char *ver = fb_jread_str(p->meta, "fitbench");
        const char *ver0 = fb_jread_str(ps->p[0].meta, "fitbench");
        if (!ver || !ver0 || strcmp(ver, ver0) != 0) {
            fb_error("%s: written by fitbench %s, but %s by %s: their results do not compare",
                     p->dir, ver ? ver : "(unknown)", ps->p[0].dir, ver0 ? ver0 : "(unknown)");
            return -1;
        }
        /* Its machine: the first part with the same host and cpu. */
        p->machine = (unsigned)*nmachines;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(meta_str(p->meta, "host"), meta_str(ps->p[k].meta, "host")) &&
                !strcmp(meta_str(p->meta, "cpu"), meta_str(ps->p[k].meta, "cpu"))) {
                p->machine = ps->p[k].machine;
                break;
            }
        if (p->machine == *nmachines)
            (*nmachines)++;
        json_object *hashes = fb_jread_get(p->meta, "traces");
        fb_row *got;
        size_t ng;
        int torn;
        snprintf(path, sizeof path, "%s/results.csv", p->dir);
        if (fb_results_read(path, &got, &ng, &torn, err, sizeof err) != 0) {
            fb_error("%s", err);
            return -1;
        }
        if (torn)
            fb_warn("%s: its last row was cut short and is left out", path);
        for (size_t r = 0; r < ng; r++) {
            const char *h = fb_jread_str(hashes, got[r].trace);
            if (!h) {
                fb_error("%s: its meta.json does not say which trace '%s' is", p->dir,
                         got[r].trace);
                free(got);
                return -1;
            }
            json_object *seen = fb_jread_get(traces, got[r].trace);
            const char *h0 = fb_jread_text(seen ? json_object_array_get_idx(seen, 0) : NULL);
            if (h0 && strcmp(h0, h) != 0) {
                fb_error("%s: trace '%s' has other contents than in %s (%s, not %s): their "
                         "cells do not compare",
                         p->dir, got[r].trace,
                         fb_jread_text(json_object_array_get_idx(seen, 1)), h, h0);
                free(got);
                return -1;
            }
            if (!h0) {
                json_object *pair = json_object_new_array();
                json_object_array_add(pair, json_object_new_string(h));
                json_object_array_add(pair, json_object_new_string(p->dir));
                json_object_object_add(traces, got[r].trace, pair);
            }
            for (size_t k = 0; k < *n; k++)
                if (!strcmp((*rows)[k].trace, got[r].trace) &&
                    !strcmp((*rows)[k].allocator, got[r].allocator)) {
                    fb_error("%s: cell %s x %s is in another part too (%s): merge one of them",
                             p->dir, got[r].trace, got[r].allocator,
                             ps->p[(*machine)[k] >> 16].dir);
                    free(got);
                    return -1;
                }
            if (*n == cap) {
                cap = cap * 2 + 64;
                fb_row *nr = realloc(*rows, cap * sizeof *nr);
                unsigned *nm = nr ? realloc(*machine, cap * sizeof *nm) : NULL;
                if (nr)
                    *rows = nr;
                if (!nm) {
                    fb_error("out of memory");
                    free(got);
                    return -1;
                }
                *machine = nm;
            }
            (*rows)[*n] = got[r];
            /* The part's index above, its machine below, until written. */
            (*machine)[(*n)++] = (unsigned)i << 16 | p->machine;
            p->cells++;
        }
        free(got);
    }
    for (size_t k = 0; k < *n; k++)
        (*machine)[k] &= 0xffff;
    return 0;
}

/* OUT/meta.json: the first part's, with this command, every part's
 * machine and every trace's hash. */
static int write_meta(const char *out, parts *ps, json_object *traces, int argc, char **argv) {
    json_object *m = json_object_new_object(), *list = json_object_new_array();
    json_object_object_foreach(ps->p[0].meta, key, val) {
        json_object_object_add(m, key, json_object_get(val));
    }
    char cmd[4096] = "fitbench", date[64];
    for (int i = 0; i < argc; i++) {
        strncat(cmd, " ", sizeof cmd - strlen(cmd) - 1);
        strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 1);
    }
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    json_object_object_add(m, "command", json_object_new_string(cmd));
    /* host and cpu: every distinct one of the parts, in their order. */
    static const char *const machine_keys[] = {"host", "cpu"};
    for (size_t k = 0; k < 2; k++) {
        char list[4096] = "";
        for (size_t i = 0; i < ps->n; i++) {
            const char *v = meta_str(ps->p[i].meta, machine_keys[k]);
            size_t j = 0;
            while (j < i && strcmp(v, meta_str(ps->p[j].meta, machine_keys[k])) != 0)
                j++;
            if (j < i)
                continue;
            if (list[0])
                strncat(list, "; ", sizeof list - strlen(list) - 1);
            strncat(list, v, sizeof list - strlen(list) - 1);
        }
        json_object_object_add(m, machine_keys[k], json_object_new_string(list));
    }
    json_object_object_add(m, "date", json_object_new_string(date));
    json_object *hashes = json_object_new_object();
    json_object_object_foreach(traces, name, pair) {
        json_object_object_add(hashes, name, json_object_get(json_object_array_get_idx(pair, 0)));
    }
    json_object_object_add(m, "traces", hashes);
    for (size_t i = 0; i < ps->n; i++) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "folder", json_object_new_string(ps->p[i].dir));
        static const char *const keys[] = {"host", "cpu", "kernel", "date", "command"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            json_object_object_add(p, keys[k], json_object_new_string(meta_str(ps->p[i].meta, keys[k])));
        json_object_object_add(p, "machine", json_object_new_int((int)ps->p[i].machine));
        json_object_object_add(p, "cells", json_object_new_int64((int64_t)ps->p[i].cells));
        json_object_array_add(list, p);
    }
    json_object_object_add(m, "parts", list);
    char path[PATH_MAX + 32], tmp[PATH_MAX + 40];
    snprintf(path, sizeof path, "%s/meta.json", out);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int bad = !f;
    if (f) {
        fputs(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), f);
        fputc('\n', f);
        bad = ferror(f) | (fclose(f) != 0) || rename(tmp, path) != 0;
    }
    json_object_put(m);
    if (bad)
        fb_error("%s: cannot write: %s", path, strerror(errno));
    return bad ? -1 : 0;
}

int cmd_merge(int argc, char **argv) {
    static const struct option longs[] = {{"help", no_argument, NULL, 'h'},
                                          {"force", no_argument, NULL, 'F'},
                                          {NULL, 0, NULL, 0}};
    int force = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", longs, NULL)) != -1) {
        switch (c) {
        case 'F': force = 1; break;
        case 'h': usage_merge(stdout); return 0;
        default:
            fb_arg_bad(c, argv);
            usage_merge(stderr);
            return 2;
        }
    }
    if (argc - optind < 2) {
        fb_error("merge wants OUT and at least one DIR");
        usage_merge(stderr);
        return 2;
    }
    const char *out = argv[optind];
    char out_real[PATH_MAX] = "";
    if (!realpath(out, out_real))
        out_real[0] = '\0';
    parts ps = {0};
    int rc = 0;
    for (int i = optind + 1; i < argc && !rc; i++)
        rc = find_parts(&ps, argv[i], out_real);
    fb_row *rows = NULL;
    unsigned *machine = NULL;
    size_t n = 0, nmachines = 0;
    json_object *traces = json_object_new_object();
    if (!rc)
        rc = read_parts(&ps, &rows, &machine, &n, traces, &nmachines);
    if (!rc && !force && is_results_dir(out)) {
        fb_row *old;
        size_t nold;
        int torn;
        char err[PATH_MAX + 256], path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/results.csv", out);
        if (fb_results_read(path, &old, &nold, &torn, err, sizeof err) != 0 || nold) {
            fb_error("%s holds results already: --force replaces them (or merge into another "
                     "folder)",
                     out);
            rc = -1;
        }
        free(old);
    }
    char err[PATH_MAX + 256];
    fb_results *res = NULL;
    if (!rc && !(res = fb_results_open_with(out, rows, machine, n, err, sizeof err))) {
        fb_error("%s", err);
        rc = -1;
    }
    if (!rc && fb_results_finish(res, NULL) != 0) {
        fb_error("cannot write %s/summary.csv", out);
        rc = -1;
    }
    fb_results_close(res);
    for (size_t i = 0; !rc && i < ps.n; i++)
        rc = copy_cell_files(ps.p[i].dir, out);
    if (!rc)
        rc = write_meta(out, &ps, traces, argc, argv);
    if (!rc)
        printf("%zu cells from %zu parts (%zu machine%s) merged into %s/\n", n, ps.n, nmachines,
               nmachines == 1 ? "" : "s", out);
    json_object_put(traces);
    for (size_t i = 0; i < ps.n; i++) {
        free(ps.p[i].dir);
        if (ps.p[i].meta)
            json_object_put(ps.p[i].meta);
    }
    free(ps.p);
    free(rows);
    free(machine);
    return rc ? 2 : 0;
}
