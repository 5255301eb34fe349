/*
 * pass_time.c: the timed passes. Both start with one untimed replay, so
 * that what they time meets memory that is mapped and resident, as the
 * classic driver's repetitions do (first touches are the OS's cost of a new
 * heap, not the allocator's per op); what the allocator gives back and
 * takes again during a replay stays in its figures.
 *
 *   throughput: repeated replays of the whole trace, nothing timed but the
 *     calls; the heap reset between them keeps its memory (alloc/). At
 *     least min_reps and min_time, none added past max_time; the median,
 *     min and max, and the minor page faults per 1000 ops of the timed
 *     replays (getrusage), so that a fault storm shows beside its figure.
 *   latency: every op timed alone with the cycle counter (latency.c,
 *     calibrated, its own cost subtracted) into histograms per op kind.
 *
 * Under a budget the untimed replay may take a share of the pass's time
 * (FB_WARM_SHARE_*); the prefix it reached is what the timed replays
 * replay (timed_ops, lat_ops), so a throughput cut short is the ops it
 * completed over their time, never a guess for the rest. Repetitions stop
 * once the next would end past the budget, after at least one.
 */
#include "passes.h"
#include "replay_loop.h"

#include "clock.h"
#include "fbmem.h"
#include "latency.h"

#include <stdlib.h>

/* The untimed replay's share of the pass's time: room for three timed
 * repetitions of the same prefix after it; the latency pass times one. */
#define FB_WARM_SHARE_TIME 0.25
#define FB_WARM_SHARE_LATENCY 0.5

static const fb_replay_hooks no_hooks;

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* A fresh heap that has replayed the trace once (or the prefix budget b
 * allowed), untimed, and been reset; NULL with the row failed. *prefix:
 * the ops the timed replays will replay (up to and including an op whose
 * allocation failed, so that they meet the failure and report it). */
static void *warm_heap(const trace *t, const fb_allocator *a, const fb_alloc_hint *hint,
                       id_tables *tb, fb_row *row, const char *pass, const fb_budget *b,
                       size_t *prefix) {
    void *heap = fb_pass_heap(a, hint, row, pass);
    if (!heap)
        return NULL;
    size_t reached = 0;
    size_t bad = fb_replay_budgeted(t, 0, t->num_ops, a, heap, tb->ptr, &no_hooks, NULL, b, &reached);
    *prefix = bad ? bad : reached;
    heap = fb_heap_renew(a, heap, tb->ptr, tb->n, hint);
    if (!heap)
        fb_fail(row, "error", "cannot create a heap again for the %s pass", pass);
    return heap;
}

int fb_pass_time(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                 const fb_budget *b, fb_row *row) {
    fb_alloc_hint hint = fb_replay_hint(t, 0);
    id_tables tb;
    unsigned cap = o->fixed_reps ? o->fixed_reps : o->max_reps;
    double *times = fb_map(cap * sizeof(double));
    if (!times) {
        fb_fail(row, "error", "out of memory for the throughput pass");
        return -1;
    }
    if (fb_tables_open(&tb, t, 0, 0, row, "throughput")) {
        fb_unmap(times, cap * sizeof(double));
        return -1;
    }
    fb_budget warm = fb_budget_part(b, FB_WARM_SHARE_TIME);
    size_t k = 0;
    void *heap = warm_heap(t, a, &hint, &tb, row, "throughput", &warm, &k);
    unsigned reps = 0;
    double total = 0;
    uint64_t faults = 0;
    int rc = heap ? 0 : -1;
    while (heap && reps < cap) {
        /* Faults count inside the timed replays only: what the heap's reset
         * does between them is not the allocator's figure. */
        uint64_t f0 = fb_minor_faults();
        double t0 = fb_now();
        size_t bad = fb_replay_range(t, 0, k, a, heap, tb.ptr);
        double dt = fb_now() - t0;
        faults += fb_minor_faults() - f0;
        if (bad) {
            fb_fail(row, "oom", "op %zu: allocation failed in a timed replay", bad - 1);
            rc = -1;
            break;
        }
        times[reps++] = dt;
        total += dt;
        heap = fb_heap_renew(a, heap, tb.ptr, tb.n, &hint);
        if (!heap) {
            fb_fail(row, "error", "cannot create a heap again for the throughput pass");
            rc = -1;
        }
        /* The next repetition, and the renewal after it, must fit. */
        double now = fb_now();
        if (b->end && now + (now - t0) > b->end)
            break;
        if (o->fixed_reps)
            continue;
        if (total >= o->max_time || (reps >= o->min_reps && total >= o->min_time))
            break;
    }
    if (heap) {
        fb_heap_discard(a, heap, tb.ptr, tb.n);
    }
    if (rc == 0 && reps) {
        qsort(times, reps, sizeof(double), cmp_double);
        double med = reps % 2 ? times[reps / 2] : (times[reps / 2 - 1] + times[reps / 2]) / 2;
        double ops = (double)k;
        row->timed_ops = k;
        row->reps = reps;
        row->replay_s = med;
        /* No op timed, or too fast for the clock: no throughput (figure.h). */
        row->kops = ops > 0 && med > 0 ? ops / med / 1000 : FB_UNDEF;
        row->kops_min = ops > 0 && times[reps - 1] > 0 ? ops / times[reps - 1] / 1000 : FB_UNDEF;
        row->kops_max = ops > 0 && times[0] > 0 ? ops / times[0] / 1000 : FB_UNDEF;
        row->faults = ops > 0 ? (double)faults * 1000.0 / (ops * reps) : FB_UNDEF;
    }
    fb_unmap(times, cap * sizeof(double));
    fb_tables_close(&tb);
    return rc;
}

/* --------------------------------------------------------- latency */

typedef struct lat_ctx {
    lat_histo *h; /* a, r, f, all */
    double ticks_per_ns;
    uint64_t cost;
} lat_ctx;

static uint64_t lat_start(void *ctx) {
    (void)ctx;
    return lat_ticks();
}

static void lat_stop(void *ctx, const trace_op *op, uint64_t started) {
    uint64_t d = lat_ticks() - started;
    lat_ctx *c = ctx;
    uint64_t ns = lat_to_ns(d > c->cost ? d - c->cost : 0, c->ticks_per_ns);
    int k = op->kind == TRACE_ALLOC ? 0 : op->kind == TRACE_REALLOC ? 1 : 2;
    lat_add(&c->h[k], ns);
    lat_add(&c->h[3], ns);
}

static const fb_replay_hooks latency_hooks = {.start = lat_start, .stop = lat_stop};

int fb_pass_latency(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                    const fb_budget *b, fb_row *row) {
    fb_alloc_hint hint = fb_replay_hint(t, 0);
    id_tables tb;
    lat_ctx c = {.h = fb_map(4 * sizeof(lat_histo))};
    if (!c.h) {
        fb_fail(row, "error", "out of memory for the latency pass");
        return -1;
    }
    if (fb_tables_open(&tb, t, 0, 0, row, "latency")) {
        fb_unmap(c.h, 4 * sizeof(lat_histo));
        return -1;
    }
    c.ticks_per_ns = lat_calibrate();
    c.cost = lat_overhead();
    fb_budget warm = fb_budget_part(b, FB_WARM_SHARE_LATENCY);
    size_t k = 0, done = 0;
    void *heap = warm_heap(t, a, &hint, &tb, row, "latency", &warm, &k);
    int rc = heap ? 0 : -1;
    if (heap) {
        size_t bad = fb_replay_budgeted(t, 0, k, a, heap, tb.ptr, &latency_hooks, &c, b, &done);
        row->lat_ops = done;
        if (bad) {
            fb_fail(row, "oom", "op %zu: allocation failed in the latency pass", bad - 1);
            rc = -1;
        }
        fb_heap_discard(a, heap, tb.ptr, tb.n);
    }
    if (rc == 0) {
        uint64_t *dst[3][4] = {
            {&row->lat_a_p50, &row->lat_a_p99, &row->lat_a_p999, &row->lat_a_max},
            {&row->lat_r_p50, &row->lat_r_p99, &row->lat_r_p999, &row->lat_r_max},
            {&row->lat_f_p50, &row->lat_f_p99, &row->lat_f_p999, &row->lat_f_max},
        };
        for (int k = 0; k < 3; k++) {
            *dst[k][0] = lat_quantile(&c.h[k], 0.50);
            *dst[k][1] = lat_quantile(&c.h[k], 0.99);
            *dst[k][2] = lat_quantile(&c.h[k], 0.999);
            *dst[k][3] = c.h[k].max_ns;
        }
        FILE *out = fb_cell_file(o, "latency", t, a);
        if (out) {
            lat_write_cdf(&c.h[3], out);
            fclose(out);
        }
    }
    fb_unmap(c.h, 4 * sizeof(lat_histo));
    fb_tables_close(&tb);
    return rc;
}
