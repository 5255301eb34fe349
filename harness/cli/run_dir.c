/*
 * run_dir.c: the results folder of `fitbench run`, before any cell runs
 * (contract in run.h).
 *
 * A folder that holds rows of an earlier run is never mixed with this one
 * by accident nor silently emptied: without --resume or --force the run
 * stops (exit 2) and says both. --force replaces what is there. --resume
 * keeps every row with a final status (not `interrupted`) whose trace has
 * the same contents now (meta.json's hash) and was written by this
 * fitbench version, and runs the selected cells it lacks; rows of other
 * traces or allocators stay as they are. results.csv is replaced whole and
 * at once (fb_results_open_with), so a kill during the start leaves the
 * old file.
 */
#include "cli.h"
#include "diag.h"
#include "jread.h"
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fb_trace_hash(const trace *t, char hex[17]) {
    uint64_t h = 1469598103934665603ull;
    const unsigned char *p = (const unsigned char *)t->ops;
    size_t n = t->num_ops * sizeof(trace_op);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    h ^= t->num_ids;
    h *= 1099511628211ull;
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}

/* Removes the per-cell files of an earlier run (--force). */
static void clear_cell_files(const char *dir) {
    static const char *const subs[] = {"timeline", "heapmap", "latency"};
    char path[4400];
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0) {
                char f[4700];
                snprintf(f, sizeof f, "%s/%s", path, e->d_name);
                unlink(f);
            }
        }
        if (d)
            closedir(d);
    }
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    unlink(path);
}

/* The traces and hashes meta.json names: this run's, then those of the
 * kept rows' other traces. */
typedef struct {
    const char **names, **hashes;
    size_t n;
} trace_ids;

static int ids_has(const trace_ids *ids, const char *name) {
    for (size_t i = 0; i < ids->n; i++)
        if (strcmp(ids->names[i], name) == 0)
            return 1;
    return 0;
}

/* Which old rows --resume keeps (keep[i] set); -1 (a message) when the
 * folder cannot be resumed. The machine of kept rows measured elsewhere
 * is 1 (summary.csv's machines column then says 2). */
static int resume_filter(const run_opts *o, const run_trace *t, size_t nt, fb_row *old,
                         size_t nold, char *keep, unsigned *machine, json_object **meta_out) {
    char path[4200], err[4400];
    snprintf(path, sizeof path, "%s/meta.json", o->outdir);
    json_object *meta = fb_jread_file(path, err, sizeof err);
    *meta_out = meta;
    const char *ver = meta ? fb_jread_str(meta, "fitbench") : NULL;
    if (meta && ver && strcmp(ver, FB_VERSION) != 0) {
        fb_error("%s holds results of fitbench %s, this is %s: they do not compare; --force "
                 "replaces them",
                 o->outdir, ver, FB_VERSION);
        return -1;
    }
    json_object *hashes = meta ? fb_jread_get(meta, "traces") : NULL;
    char host[256], cpu[256];
    fb_meta_machine(host, sizeof host, cpu, sizeof cpu);
    const char *oh = meta ? fb_jread_str(meta, "host") : NULL;
    const char *oc = meta ? fb_jread_str(meta, "cpu") : NULL;
    unsigned m = oh && oc && (strcmp(oh, host) || strcmp(oc, cpu)) ? 1 : 0;
    size_t unknown = 0, elsewhere = 0;
    for (size_t i = 0; i < nold; i++) {
        fb_row *r = &old[i];
        keep[i] = 0;
        machine[i] = m;
        if (!strcmp(r->status, "interrupted") || !strcmp(r->status, "running"))
            continue;
        const char *h = fb_jread_str(hashes, r->trace);
        if (!h) {
            unknown++;
            continue;
        }
        for (size_t k = 0; k < nt; k++)
            if (strcmp(t[k].name, r->trace) == 0 && strcmp(t[k].hash, h) != 0) {
                fb_error("%s: trace '%s' (%s) is not the one whose cells %s holds: --force "
                         "replaces them, or use another -o",
                         t[k].path, r->trace, t[k].hash, o->outdir);
                return -1;
            }
        /* A cell written twice (a folder of an older fitbench) counts once. */
        for (size_t k = 0; k < i; k++)
            if (keep[k] && !strcmp(old[k].trace, r->trace) &&
                !strcmp(old[k].allocator, r->allocator))
                keep[k] = 0;
        keep[i] = 1;
        elsewhere += m;
    }
    if (unknown)
        fb_warn("%s: %zu rows of traces its meta.json does not identify: those cells run again",
                o->outdir, unknown);
    if (elsewhere)
        fb_warn("%s: %zu kept rows were measured on %s (%s), not here: summary.csv's machines "
                "column flags their throughput",
                o->outdir, elsewhere, oh, oc);
    return 0;
}

int run_dir_open(const run_opts *o, const run_trace *t, size_t nt, const fb_allocator *const *sel,
                 size_t nsel, int argc, char **argv, fb_results **res, run_cell **todo,
                 size_t *ntodo) {
    char path[4200], err[4400];
    snprintf(path, sizeof path, "%s/results.csv", o->outdir);
    fb_row *old = NULL;
    size_t nold = 0;
    int torn = 0;
    int rc = fb_results_read(path, &old, &nold, &torn, err, sizeof err);
    if (rc < 0 && !o->force) {
        fb_error("%s; --force replaces it", err);
        return -1;
    }
    if (rc < 0)
        nold = 0;
    if (nold && !o->resume && !o->force) {
        fb_error("%s already holds %zu cells of another run: --resume runs only the cells it "
                 "lacks, --force replaces them (or use another -o)",
                 o->outdir, nold);
        free(old);
        return -1;
    }
    if (o->force)
        clear_cell_files(o->outdir);
    char *keep = calloc(nold + 1, 1);
    unsigned *machine = calloc(nold + 1, sizeof *machine);
    json_object *meta = NULL;
    trace_ids ids = {calloc(nt + nold + 1, sizeof(char *)), calloc(nt + nold + 1, sizeof(char *)),
                     0};
    *todo = calloc(nt * nsel + 1, sizeof **todo);
    *ntodo = 0;
    int bad = !keep || !machine || !ids.names || !ids.hashes || !*todo;
    if (!bad && o->resume && nold)
        bad = resume_filter(o, t, nt, old, nold, keep, machine, &meta);
    /* The kept rows first, in their order; then the cells to run. */
    size_t nkeep = 0;
    for (size_t i = 0; !bad && i < nold; i++)
        if (keep[i]) {
            machine[nkeep] = machine[i];
            old[nkeep++] = old[i];
        }
    for (size_t i = 0; !bad && i < nt; i++)
        for (size_t k = 0; k < nsel; k++) {
            size_t j = 0;
            while (j < nkeep && (strcmp(old[j].trace, t[i].name) ||
                                 strcmp(old[j].allocator, sel[k]->name)))
                j++;
            if (j == nkeep)
                (*todo)[(*ntodo)++] = (run_cell){i, sel[k]};
        }
    if (torn && !bad)
        fb_warn("%s: its last row was cut short; that cell runs again", path);
    *res = bad ? NULL : fb_results_open_with(o->outdir, old, machine, nkeep, err, sizeof err);
    if (!bad && !*res) {
        fb_error("%s", err);
        bad = 1;
    }
    if (!bad) {
        for (size_t i = 0; i < nt; i++) {
            ids.names[ids.n] = t[i].name;
            ids.hashes[ids.n++] = t[i].hash;
        }
        json_object *old_hashes = meta ? fb_jread_get(meta, "traces") : NULL;
        for (size_t i = 0; i < nkeep; i++) {
            const char *h = fb_jread_str(old_hashes, old[i].trace);
            if (h && !ids_has(&ids, old[i].trace)) {
                ids.names[ids.n] = old[i].trace;
                ids.hashes[ids.n++] = h;
            }
        }
        fb_meta_write(o->outdir, argc, argv, ids.names, ids.hashes, ids.n);
    }
    if (meta)
        json_object_put(meta);
    free(ids.names);
    free(ids.hashes);
    free(keep);
    free(machine);
    free(old);
    if (bad) {
        free(*todo);
        *todo = NULL;
    }
    return bad ? -1 : 0;
}
