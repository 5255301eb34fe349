/*
 * trim_sweep.c: `trim_sweep [-p POLICY] TRACE|DIR ...`, the measurement
 * behind the core's default trim hysteresis (FA_DEFAULT_TRIM and
 * FA_DEFAULT_TRIM_DECAY in allocator/fitalloc.h). Not a test.
 *
 * Each trace is replayed twice on a fresh heap of the policy (default
 * tlsf) for every setting of the sweep. The first replay is a program's
 * start: every page fault counts, the first touches included. The second,
 * on the same heap emptied by fa_heap_reset (which keeps what is
 * committed), is a long-running program's steady state: its faults are
 * what the setting itself costs, pages given back and taken again. For
 * each setting it prints, over all traces, the minor page faults per 1000
 * ops of each (op-weighted), and what the pages kept above the break cost
 * in the steady state: the committed bytes over the footprint (bytes below
 * the break), summed along the replay (sampled every 64 ops) over all
 * traces, so that a trace weighs by its ops and its bytes, and the same
 * for the peaks. The footprint itself does not depend on the setting; only
 * the cost in resident memory and in faults does.
 */
#include "diag.h"
#include "allocators.h"
#include "clock.h"
#include "fitalloc.h"
#include "replay.h"
#include "trace.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SAMPLE_OPS 64

typedef struct setting {
    const char *label;
    size_t threshold, decay;
} setting;

static const setting settings[] = {
    {"at once, no cushion (0 / 0)", 0, 0},
    {"at once, 128 KiB kept (glibc-like)", (size_t)128 << 10, 0},
    {"decay 4K ops, 128 KiB", (size_t)128 << 10, 4 << 10},
    {"decay 16K ops, 128 KiB", (size_t)128 << 10, 16 << 10},
    {"decay 64K ops, 128 KiB", (size_t)128 << 10, 64 << 10},
    {"decay 256K ops, 128 KiB", (size_t)128 << 10, 256 << 10},
    {"decay 1M ops, 128 KiB", (size_t)128 << 10, 1 << 20},
    {"decay 4M ops, 128 KiB", (size_t)128 << 10, 4 << 20},
    {"decay 64K ops, no cushion", 0, 64 << 10},
    {"decay 64K ops, 1 MiB", (size_t)1 << 20, 64 << 10},
    {"never", 0, SIZE_MAX},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

static fa_config sweep_cfg;
static const char *sweep_policy = "tlsf";

static void *sweep_create(const fb_alloc_hint *hint) {
    (void)hint;
    return fa_heap_create(sweep_policy, &sweep_cfg);
}

typedef struct totals {
    double ops, cold_faults, warm_faults, committed, footprint, peak_committed, peak_footprint;
} totals;

/* Replays t on heap, sampling the committed bytes against the footprint
 * (warm: added to tot). The page faults it took, or -1. */
static long replay_sampled(const trace *t, const fb_allocator *a, void *heap, void **ptrs,
                           totals *tot, int warm) {
    double sum_committed = 0, sum_fp = 0;
    size_t peak_committed = 0, peak_fp = 0;
    uint64_t f0 = fb_minor_faults();
    for (size_t i = 0; i < t->num_ops; i += SAMPLE_OPS) {
        size_t upto = i + SAMPLE_OPS < t->num_ops ? i + SAMPLE_OPS : t->num_ops;
        if (fb_replay_range(t, i, upto, a, heap, ptrs))
            return -1;
        size_t c = fa_heap_committed(heap), fp = fa_heap_footprint(heap);
        sum_committed += (double)c;
        sum_fp += (double)fp;
        if (c > peak_committed)
            peak_committed = c;
        if (fp > peak_fp)
            peak_fp = fp;
    }
    long faults = (long)(fb_minor_faults() - f0);
    if (warm) {
        tot->committed += sum_committed;
        tot->footprint += sum_fp;
        tot->peak_committed += (double)peak_committed;
        tot->peak_footprint += (double)peak_fp;
    }
    return faults;
}

/* The two replays of t under the current setting, added to tot. */
static int sweep_one(const trace *t, const fb_allocator *a, totals *tot) {
    void **ptrs = calloc(t->num_ids ? t->num_ids : 1, sizeof *ptrs);
    fb_alloc_hint hint = fb_replay_hint(t, 0);
    void *heap = ptrs ? a->create(&hint) : NULL;
    if (!heap) {
        free(ptrs);
        return -1;
    }
    long cold = replay_sampled(t, a, heap, ptrs, tot, 0), warm = -1;
    if (cold >= 0) {
        heap = fb_heap_renew(a, heap, ptrs, t->num_ids, &hint);
        warm = replay_sampled(t, a, heap, ptrs, tot, 1);
    }
    a->destroy(heap);
    free(ptrs);
    if (cold < 0 || warm < 0)
        return -1;
    tot->ops += (double)t->num_ops;
    tot->cold_faults += (double)cold;
    tot->warm_faults += (double)warm;
    return 0;
}

static int is_trace_name(const char *n) {
    size_t len = strlen(n);
    return (len > 4 && !strcmp(n + len - 4, ".rep")) || (len > 7 && !strcmp(n + len - 7, ".rep.gz"));
}

/* Loads every trace named by the arguments (files, or folders of them). */
static size_t load_all(int argc, char **argv, trace *ts, size_t cap) {
    size_t n = 0;
    for (int i = 0; i < argc; i++) {
        struct stat st;
        char path[4096];
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            struct dirent **names;
            int k = scandir(argv[i], &names, NULL, alphasort);
            for (int j = 0; j < k; j++) {
                if (is_trace_name(names[j]->d_name) && n < cap) {
                    snprintf(path, sizeof path, "%s/%s", argv[i], names[j]->d_name);
                    trace_error err;
                    if (trace_load(path, &ts[n], &err, NULL) == 0)
                        n++;
                    else
                        fb_error_text(err.msg);
                }
                free(names[j]);
            }
            free(k >= 0 ? names : NULL);
        } else if (n < cap) {
            trace_error err;
            if (trace_load(argv[i], &ts[n], &err, NULL) == 0)
                n++;
            else
                fb_error_text(err.msg);
        }
    }
    return n;
}

int main(int argc, char **argv) {
    fb_diag_program("trim_sweep");
    int first = 1;
    if (argc > 2 && !strcmp(argv[1], "-p")) {
        sweep_policy = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: trim_sweep [-p POLICY] TRACE|DIR ...\n");
        return 2;
    }
    const fb_allocator *base = fb_allocator_find(sweep_policy);
    if (!base || strcmp(base->group, "fit") != 0) {
        fb_error("%s is not a fit policy of the core", sweep_policy);
        return 2;
    }
    fb_allocator a = *base;
    a.create = sweep_create;
    static trace ts[256];
    size_t n = load_all(argc - first, argv + first, ts, 256);
    if (n == 0) {
        fb_error("no trace loaded");
        return 2;
    }
    printf("policy %s, %zu traces, each replayed on a fresh heap, then again on it reset\n\n",
           sweep_policy, n);
    printf("| setting | faults / 1000 ops, first replay | steady state | committed / footprint "
           "along the replay | at the peak |\n");
    printf("|---|---:|---:|---:|---:|\n");
    for (size_t s = 0; s < NSETTINGS; s++) {
        sweep_cfg = (fa_config){.trim_threshold = settings[s].threshold,
                                .trim_decay_ops = settings[s].decay};
        totals tot = {0};
        for (size_t i = 0; i < n; i++)
            if (sweep_one(&ts[i], &a, &tot) != 0)
                fb_error("%s failed under %s", ts[i].name, settings[s].label);
        printf("| %s | %.2f | %.2f | %.3f | %.3f |\n", settings[s].label,
               tot.ops > 0 ? tot.cold_faults * 1000 / tot.ops : 0,
               tot.ops > 0 ? tot.warm_faults * 1000 / tot.ops : 0,
               tot.footprint > 0 ? tot.committed / tot.footprint : 0,
               tot.peak_footprint > 0 ? tot.peak_committed / tot.peak_footprint : 0);
    }
    for (size_t i = 0; i < n; i++)
        trace_free(&ts[i]);
    return 0;
}
