/*
 * bench_replay.c: the replay benchmarks of fitbench-bench,
 * BM_replay/<trace>/<allocator>: one full replay of a suite trace per
 * iteration, ops as items (items_per_second = ops per second) and the
 * utilization as the counter `util`.
 *
 * Traces load lazily in the benchmark function, so a --benchmark_filter
 * run pays only for the traces it replays. The utilization comes from one
 * untimed replay before the timed ones (the footprint after every op);
 * between timed replays the heap is reset (or recreated) with the timer
 * paused. System allocators need a process of their own with the library
 * preloaded, which `fitbench run` gives them; they are not offered here.
 */
#include "diag.h"
#include "bench_replay.h"

#include "allocators.h"
#include "fbmem.h"
#include "gbench.h"
#include "replay.h"
#include "trace.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef FB_TRACES_DIR
#define FB_TRACES_DIR "traces"
#endif

typedef struct {
    char path[1024];
    char name[256];
    const fb_allocator *a;
} replay_case;

static replay_case *cases;
static size_t ncases;
/* Seconds the first, untimed replay of a case may take before the case is
 * skipped: the slowest designs on million-op traces take minutes per
 * replay, which `fitbench run` (with its cell time limit) measures better
 * than a benchmark that must repeat it. */
static double replay_budget = 10.0;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Replays once, untimed, tracking the footprint. Returns the utilization,
 * or -1 when the replay ran past the budget (it stops there). */
static double measure_util(const trace *t, const fb_allocator *a, void *heap, void **ptrs) {
    uint64_t live = 0, peak = 0, fp_peak = 0;
    double deadline = now_s() + replay_budget;
    uint64_t *sizes = fb_map(t->num_ids * sizeof(uint64_t) + 8);
    if (!sizes)
        return 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const trace_op *op = &t->ops[i];
        if (op->kind == TRACE_ALLOC) {
            if (!(ptrs[op->id] = a->malloc(heap, op->size)) && op->size)
                break;
            live += sizes[op->id] = op->size;
        } else if (op->kind == TRACE_REALLOC) {
            void *np = a->realloc(heap, ptrs[op->id], op->size);
            if (!np && op->size)
                break;
            live = live - (ptrs[op->id] ? sizes[op->id] : 0) + op->size;
            ptrs[op->id] = np;
            sizes[op->id] = op->size;
        } else if (op->id != TRACE_NO_ID && ptrs[op->id]) {
            live -= sizes[op->id];
            a->free(heap, ptrs[op->id]);
            ptrs[op->id] = NULL;
        }
        uint64_t fp = a->footprint(heap);
        if (live > peak)
            peak = live;
        if (fp > fp_peak)
            fp_peak = fp;
        if ((i & 1023) == 0 && now_s() > deadline) {
            fb_unmap(sizes, t->num_ids * sizeof(uint64_t) + 8);
            return -1;
        }
    }
    fb_unmap(sizes, t->num_ids * sizeof(uint64_t) + 8);
    return fp_peak ? (double)peak / (double)fp_peak : 0;
}

static void bm_replay(gb_state *st, void *ctx) {
    const replay_case *c = ctx;
    const fb_allocator *a = c->a;
    trace t;
    trace_error err;
    if (trace_load(c->path, &t, &err, NULL) != 0) {
        gb_skip_with_error(st, err.msg);
        return;
    }
    fb_alloc_hint hint = fb_replay_hint(&t, 0);
    size_t tb = (t.num_ids ? t.num_ids : 1) * sizeof(void *);
    void **ptrs = fb_map(tb);
    void *heap = ptrs ? a->create(&hint) : NULL;
    if (!heap) {
        gb_skip_with_error(st, "cannot create a heap");
        fb_unmap(ptrs, tb);
        trace_free(&t);
        return;
    }
    double util = measure_util(&t, a, heap, ptrs);
    heap = fb_heap_renew(a, heap, ptrs, t.num_ids, &hint);
    if (util < 0) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "one replay takes longer than the %.3g s budget (--replay-budget); "
                 "fitbench run measures this cell", replay_budget);
        gb_skip_with_error(st, msg);
        if (heap)
            a->destroy(heap);
        fb_unmap(ptrs, tb);
        trace_free(&t);
        return;
    }
    int failed = 0;
    while (heap && gb_keep_running(st)) {
        if (fb_replay_once(&t, a, heap, ptrs) != 0)
            failed = 1;
        gb_pause_timing(st);
        heap = fb_heap_renew(a, heap, ptrs, t.num_ids, &hint);
        gb_resume_timing(st);
        if (failed)
            break;
    }
    if (failed || !heap) {
        gb_skip_with_error(st, failed ? "an allocation failed (out of memory)" : "cannot recreate the heap");
    } else {
        gb_set_items_processed(st, (int64_t)t.num_ops * gb_iterations(st));
        gb_counter(st, "util", util, GB_COUNTER_PLAIN);
    }
    if (heap)
        a->destroy(heap);
    fb_unmap(ptrs, tb);
    trace_free(&t);
}

static int has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

static int cmp_case(const void *x, const void *y) {
    const replay_case *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->a->name, b->a->name);
}

/* Takes --traces=DIR and --allocators=LIST out of argv. */
static const char *take_opt(int *argc, char **argv, const char *key) {
    size_t k = strlen(key);
    for (int i = 1; i < *argc; i++)
        if (!strncmp(argv[i], key, k)) {
            const char *v = argv[i] + k;
            memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof *argv);
            --*argc;
            return v;
        }
    return NULL;
}

static int wanted(const fb_allocator *a, const char *list) {
    if (!strcmp(a->group, "system"))
        return 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
        if (!strcmp(w, "all") || !strcmp(w, a->name) || !strcmp(w, a->group))
            return 1;
    return 0;
}

int bench_register_replays(int *argc, char **argv) {
    const char *dir = take_opt(argc, argv, "--traces=");
    const char *list = take_opt(argc, argv, "--allocators=");
    const char *budget = take_opt(argc, argv, "--replay-budget=");
    if (budget) {
        char *end;
        replay_budget = strtod(budget, &end);
        if (end == budget || *end || !(replay_budget > 0)) {
            fb_error("--replay-budget wants seconds > 0, not '%s'", budget);
            return -1;
        }
    }
    if (!dir)
        dir = getenv("FITBENCH_TRACES") && *getenv("FITBENCH_TRACES") ? getenv("FITBENCH_TRACES")
                                                                       : FB_TRACES_DIR;
    if (!list)
        list = "fit,seed,baseline";
    DIR *d = opendir(dir);
    if (!d) {
        fb_error("%s: cannot open the trace folder", dir);
        return -1;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_suffix(e->d_name, ".rep") && !has_suffix(e->d_name, ".rep.gz"))
            continue;
        for (size_t i = 0; i < fb_allocator_count(); i++) {
            const fb_allocator *a = fb_allocator_at(i);
            if (!wanted(a, list))
                continue;
            if (ncases == cap) {
                cap = cap ? 2 * cap : 64;
                replay_case *nc = realloc(cases, cap * sizeof *nc);
                if (!nc) {
                    closedir(d);
                    return -1;
                }
                cases = nc;
            }
            replay_case *c = &cases[ncases++];
            snprintf(c->path, sizeof c->path, "%s/%s", dir, e->d_name);
            snprintf(c->name, sizeof c->name, "%.*s", (int)(strlen(e->d_name) -
                     (has_suffix(e->d_name, ".gz") ? 7 : 4)), e->d_name);
            c->a = a;
        }
    }
    closedir(d);
    qsort(cases, ncases, sizeof *cases, cmp_case);
    for (size_t i = 0; i < ncases; i++) {
        char name[512];
        snprintf(name, sizeof name, "BM_replay/%s/%s", cases[i].name, cases[i].a->name);
        gb_opts o = {0};
        o.unit = GB_MS;
        if (gb_register_opts(name, bm_replay, &cases[i], NULL, 0, &o) != 0)
            return -1;
    }
    return (int)ncases;
}

const char *bench_replay_usage(void) {
    return "  --traces=DIR          traces for BM_replay (default: the bundled suite)\n"
           "  --allocators=LIST     allocators and groups for BM_replay (default:\n"
           "                        fit,seed,baseline; system allocators need `fitbench run`)\n"
           "  --replay-budget=S     skip a BM_replay case whose first replay takes longer\n"
           "                        than S seconds (default 10)\n";
}
