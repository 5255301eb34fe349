/*
 * pass_space.c: the space pass. Live payload and footprint after every op
 * (sampled at every new payload peak and every ops/1000 ops for
 * allocators whose footprint statistic is costly), the peaks and the op
 * where the footprint peaked, a timeline; then a second replay up to that
 * op for the free-block statistics and the heap map at the peak.
 *
 * The formulas of the space figures live here and nowhere else:
 *   util  = peak_payload / heap_peak              (the classic definition)
 *   frag4 = heap_peak / peak_payload - 1          (Johnstone & Wilson 4)
 *   frag3 = heap_peak / live payload then - 1     (Johnstone & Wilson 3)
 *   ext_frag = 1 - largest free block / total free, at the footprint peak
 *   int_frag = bytes in used blocks - live payload, at the footprint peak
 * util, frag4 and frag3 are undefined (FB_UNDEF) when the peak payload is
 * 0; ext_frag when the allocator cannot count its free blocks.
 *
 * Under a budget the first replay may take FB_SPACE_SHARE of the pass's
 * time; when it cannot finish, every figure is the prefix's: the peaks
 * over the ops it replayed, and util = peak payload of the prefix / peak
 * footprint of the prefix, with space_ops saying how many ops. The replay
 * to the peak gets the rest (a prefix that ends at its footprint peak
 * needs none); when even that does not fit, ext_frag, int_frag and the
 * heap map are left out (the row's detail says so).
 */
#include "passes.h"
#include "replay_loop.h"

#include <inttypes.h>
#include <string.h>

#define TIMELINE_POINTS 400
#define FB_SPACE_SHARE 0.85 /* of the pass's time for the first replay */

typedef struct space_ctx {
    const fb_allocator *a;
    void *heap;
    id_tables tb;
    fb_row *row;
    FILE *timeline;
    size_t stride, sample, last, peak_op;
    uint64_t live, peak_payload, heap_peak, live_at_peak;
} space_ctx;

static int space_after(void *ctx, size_t i, const trace_op *op, void *old, void *res, int frc) {
    (void)frc;
    space_ctx *c = ctx;
    char buf[96];
    if (op->kind != TRACE_FREE && !res && op->size) {
        fb_fail(c->row, "oom", "op %zu (%s): %s returned NULL", i, fb_op_text(op, buf, sizeof buf),
                op->kind == TRACE_ALLOC ? "allocator" : "realloc");
        return -1;
    }
    if (op->kind == TRACE_ALLOC) {
        c->live += op->size;
        c->tb.size[op->id] = op->size;
    } else if (op->kind == TRACE_REALLOC) {
        c->live = c->live - (old ? c->tb.size[op->id] : 0) + op->size;
        c->tb.size[op->id] = op->size;
    } else if (old) {
        c->live -= c->tb.size[op->id];
    }
    int new_payload_peak = c->live > c->peak_payload;
    if (new_payload_peak)
        c->peak_payload = c->live;
    int at_stride = i % c->stride == 0 || i == c->last;
    if (new_payload_peak || at_stride || i % c->sample == 0) {
        uint64_t fp = c->a->footprint(c->heap);
        if (fp > c->heap_peak) {
            c->heap_peak = fp;
            c->peak_op = i;
            c->live_at_peak = c->live;
        }
        if (c->timeline && at_stride)
            fprintf(c->timeline, "%zu,%" PRIu64 ",%" PRIu64 "\n", i + 1, c->live, fp);
    }
    return 0;
}

static const fb_replay_hooks space_hooks = {.after = space_after};

typedef struct span_writer {
    FILE *out;
    size_t start, size;
    int used, open;
    double end; /* the budget's end (0: none); past it the walk stops */
    int cut;
} span_writer;

/* The heap map merges neighbouring blocks in the same state into one span:
 * the picture is of used and free stretches, and the file stays small. A
 * walk that runs past the budget stops (a heap walk is not a replay: an
 * allocator may walk slowly). */
static int span_block(void *ctx, size_t off, size_t size, int used) {
    span_writer *w = ctx;
    if (w->end && fb_now() > w->end) {
        w->cut = 1;
        return 1;
    }
    if (w->open && w->used == used && w->start + w->size == off) {
        w->size += size;
        return 0;
    }
    if (w->open)
        fprintf(w->out, "%zu,%zu,%d\n", w->start, w->size, w->used);
    w->start = off;
    w->size = size;
    w->used = used;
    w->open = 1;
    return 0;
}

static const fb_replay_hooks no_hooks;

/* ext_frag, int_frag and the heap map of heap, which stands where the
 * footprint peaked. 0, or -2 when the walk for the heap map did not fit
 * budget b (no heap map then). */
static int peak_figures(space_ctx *c, void *heap, const trace *t, const fb_allocator *a,
                        const fb_replay_opts *o, const fb_budget *b) {
    fb_row *row = c->row;
    fb_free_stats fs;
    if (a->free_stats && a->free_stats(heap, &fs) == 0) {
        row->ext_frag = fs.free_bytes ? 1.0 - (double)fs.largest_free / (double)fs.free_bytes : 0;
        row->int_frag = fs.used_bytes > c->live_at_peak ? fs.used_bytes - c->live_at_peak : 0;
    }
    FILE *hm = a->walk ? fb_cell_file(o, "heapmap", t, a) : NULL;
    int rc = 0;
    if (hm) {
        span_writer w = {.out = hm, .end = b->end};
        fprintf(hm, "offset,size,used\n");
        a->walk(heap, span_block, &w);
        if (w.open && !w.cut)
            fprintf(hm, "%zu,%zu,%d\n", w.start, w.size, w.used);
        fclose(hm);
        if (w.cut) {
            fb_cell_file_remove(o, "heapmap", t, a);
            rc = -2;
        }
    }
    return rc;
}

/* The same at the footprint peak of a replay that went past it: replay
 * again up to that op, which is cheaper than walking the heap at every
 * new peak. 0, -1 when budget b ran out before the peak (nothing
 * measured then), or -2 as peak_figures. */
static int at_peak(space_ctx *c, const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                   const fb_alloc_hint *hint, const fb_budget *b) {
    void *heap = a->create(hint);
    size_t reached = 0;
    fb_budget to_peak = {.end = b->end}; /* the op cap is already in peak_op */
    int rc = 0;
    if (heap && fb_replay_budgeted(t, 0, c->peak_op + 1, a, heap, c->tb.ptr, &no_hooks, NULL,
                                   &to_peak, &reached) == 0) {
        rc = reached == c->peak_op + 1 ? peak_figures(c, heap, t, a, o, b) : -1;
    }
    if (heap) {
        fb_heap_discard(a, heap, c->tb.ptr, c->tb.n);
    }
    return rc;
}

int fb_pass_space(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                  const fb_budget *b, fb_row *row) {
    space_ctx c = {.a = a, .row = row};
    fb_alloc_hint hint = fb_replay_hint(t, 0);
    if (fb_tables_open(&c.tb, t, 1, 0, row, "space"))
        return -1;
    c.heap = fb_pass_heap(a, &hint, row, "space");
    if (!c.heap) {
        fb_tables_close(&c.tb);
        return -1;
    }
    snprintf(row->footprint_method, sizeof row->footprint_method, "%s",
             a->footprint_method ? a->footprint_method(c.heap) : "exact");
    c.timeline = fb_cell_file(o, "timeline", t, a);
    if (c.timeline)
        fprintf(c.timeline, "op,live_payload,footprint\n");
    c.stride = t->num_ops / TIMELINE_POINTS + 1;
    c.sample = a->footprint_sampled ? t->num_ops / 1000 + 1 : 1;
    c.last = t->num_ops ? t->num_ops - 1 : 0;
    fb_budget first = fb_budget_part(b, FB_SPACE_SHARE);
    size_t done = 0;
    int rc = fb_replay_budgeted(t, 0, t->num_ops, a, c.heap, c.tb.ptr, &space_hooks, &c, &first,
                                &done) ? -1 : 0;
    if (rc == 0 && done < t->num_ops && done && c.timeline && done - 1 != c.last &&
        (done - 1) % c.stride != 0)
        fprintf(c.timeline, "%zu,%" PRIu64 ",%" PRIu64 "\n", done, c.live, a->footprint(c.heap));
    if (c.timeline)
        fclose(c.timeline);
    row->space_ops = done;
    /* A prefix whose footprint peaked at its last op (a heap still
     * growing) is at its peak now: no second replay needed. */
    int at_end = rc == 0 && done && done < t->num_ops && c.peak_op + 1 == done &&
                 !a->footprint_sampled && (a->free_stats || a->walk);
    int no_map = at_end ? peak_figures(&c, c.heap, t, a, o, b) : 0;
    fb_heap_discard(a, c.heap, c.tb.ptr, c.tb.n);

    row->peak_payload = c.peak_payload;
    row->heap_peak = c.heap_peak;
    /* With no payload (no ops, or only size-0 allocations) the ratios say
     * nothing about the allocator: they stay undefined (figure.h). */
    if (rc == 0 && c.heap_peak && c.peak_payload) {
        row->util = (double)c.peak_payload / (double)c.heap_peak;
        row->frag4 = (double)c.heap_peak / (double)c.peak_payload - 1;
        row->frag3 = c.live_at_peak ? (double)c.heap_peak / (double)c.live_at_peak - 1 : FB_UNDEF;
    }
    if (rc == 0 && (a->free_stats || a->walk) && done && !at_end)
        no_map = at_peak(&c, t, a, o, &hint, b);
    /* A figure missing while the pass passed: the detail says which, and
     * the cell is partial (replay.c). */
    if (rc == 0 && no_map == -1)
        row->ext_frag = FB_UNDEF;
    if (rc == 0 && no_map == -1)
        fb_fail(row, "ok", "no ext_frag, int_frag or heap map: the replay to the peak did not "
                           "fit the budget");
    else if (rc == 0 && no_map == -2)
        fb_fail(row, "ok", "no heap map: the walk of the heap did not fit the budget");
    fb_tables_close(&c.tb);
    return rc;
}
