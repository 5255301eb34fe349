/*
 * replay.c: the four replay passes of one cell (see replay.h). The ops name
 * blocks by trace id; each pass keeps a pointer per id in an mmap'd table.
 */
#include "replay.h"

#include "fbmem.h"
#include "interval.h"
#include "latency.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define TIMELINE_POINTS 400

void fb_replay_defaults(fb_replay_opts *o) {
    memset(o, 0, sizeof *o);
    o->min_time = 0.2;
    o->max_time = 5.0;
    o->min_reps = 3;
    o->max_reps = 5000;
}

static void fail(fb_row *row, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(fb_row *row, const char *status, const char *fmt, ...) {
    snprintf(row->status, sizeof row->status, "%s", status);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->detail, sizeof row->detail, fmt, ap);
    va_end(ap);
}

static const char *op_text(const trace_op *op, char *buf, size_t len) {
    if (op->kind == TRACE_FREE)
        snprintf(buf, len, "f %" PRIu32, op->id);
    else
        snprintf(buf, len, "%c %" PRIu32 " %" PRIu64, op->kind, op->id, op->size);
    return buf;
}

/* Per-id tables of one pass. */
typedef struct {
    void **ptr;       /* what the allocator returned */
    uint64_t *size;   /* live payload size */
    uint64_t *seed;   /* payload pattern seed (correctness pass) */
    size_t n;
} id_tables;

static int tables_open(id_tables *tb, size_t n, int with_seed) {
    memset(tb, 0, sizeof *tb);
    tb->n = n ? n : 1;
    tb->ptr = fb_map(tb->n * sizeof(void *));
    tb->size = fb_map(tb->n * sizeof(uint64_t));
    tb->seed = with_seed ? fb_map(tb->n * sizeof(uint64_t)) : NULL;
    return tb->ptr && tb->size && (!with_seed || tb->seed) ? 0 : -1;
}

static void tables_close(id_tables *tb) {
    fb_unmap(tb->ptr, tb->n * sizeof(void *));
    fb_unmap(tb->size, tb->n * sizeof(uint64_t));
    fb_unmap(tb->seed, tb->n * sizeof(uint64_t));
}

static void *real_addr(const fb_allocator *a, void *heap, void *p) {
    return a->payload && p ? a->payload(heap, p) : p;
}

/* Frees what is still live (unbalanced traces, or a pass cut short), so
 * that allocators without their own reset start the next pass empty. */
static void free_ptrs(const fb_allocator *a, void *heap, void **ptrs, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (ptrs[i]) {
            a->free(heap, ptrs[i]);
            ptrs[i] = NULL;
        }
}

static void free_live(const fb_allocator *a, void *heap, id_tables *tb) {
    free_ptrs(a, heap, tb->ptr, tb->n);
}

fb_alloc_hint fb_replay_hint(const trace *t, int for_check) {
    return (fb_alloc_hint){.peak_payload = t->peak_payload, .max_request = t->max_request,
                           .num_ids = t->num_ids, .for_check = for_check};
}

void *fb_heap_renew(const fb_allocator *a, void *heap, void **ptrs, size_t n,
                    const fb_alloc_hint *hint) {
    free_ptrs(a, heap, ptrs, n);
    if (a->reset) {
        a->reset(heap);
        return heap;
    }
    a->destroy(heap);
    return a->create(hint);
}

/* ------------------------------------------------ payload byte pattern */

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline unsigned char pattern_byte(uint64_t seed, uint64_t i) {
    return (unsigned char)(mix64(seed + (i >> 3)) >> ((i & 7) * 8));
}

/* Writes the pattern into bytes [from, to) of payload p. */
static void pattern_fill(unsigned char *p, uint64_t from, uint64_t to, uint64_t seed) {
    uint64_t i = from;
    for (; i < to && (i & 7); i++)
        p[i] = pattern_byte(seed, i);
    for (; i + 8 <= to; i += 8) {
        uint64_t w = mix64(seed + (i >> 3));
        memcpy(p + i, &w, 8);
    }
    for (; i < to; i++)
        p[i] = pattern_byte(seed, i);
}

/* Offset of the first byte in [0, n) that lost its pattern, or n. */
static uint64_t pattern_check(const unsigned char *p, uint64_t n, uint64_t seed) {
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = mix64(seed + (i >> 3)), got;
        memcpy(&got, p + i, 8);
        if (got != w)
            break;
    }
    for (; i < n; i++)
        if (p[i] != pattern_byte(seed, i))
            return i;
    return n;
}

/* ---------------------------------------------------- correctness pass */

typedef struct {
    const trace *t;
    const fb_allocator *a;
    void *heap;
    id_tables tb;
    iv_set *iv;
    fb_row *row;
    uint64_t gen;
    const void *lo, *hi;
} check_ctx;

static size_t required_align(const fb_allocator *a, uint64_t size) {
    if (strcmp(a->group, "system") != 0 || size >= a->align)
        return a->align;
    /* C rule: suitably aligned for any object that fits in the size. */
    size_t al = 1;
    while (al * 2 <= size)
        al *= 2;
    return al;
}

/* Checks a fresh result p (for id, size) and records it. 0 or -1 (row set). */
static int accept_block(check_ctx *c, size_t i, const trace_op *op, void *p, uint64_t keep) {
    char buf[96];
    if (!p) {
        if (op->size == 0)
            return 0; /* malloc(0) may return NULL */
        fail(c->row, "oom", "op %zu (%s): allocator returned NULL", i, op_text(op, buf, sizeof buf));
        return -1;
    }
    unsigned char *q = real_addr(c->a, c->heap, p);
    size_t al = required_align(c->a, op->size);
    if ((uintptr_t)q % al) {
        fail(c->row, "invalid", "op %zu (%s): payload %p not %zu-byte aligned", i,
             op_text(op, buf, sizeof buf), (void *)q, al);
        return -1;
    }
    if (c->a->range) {
        c->a->range(c->heap, &c->lo, &c->hi);
        if ((const char *)q < (const char *)c->lo || (const char *)q + op->size > (const char *)c->hi) {
            fail(c->row, "invalid", "op %zu (%s): payload [%p, +%" PRIu64 ") outside the heap [%p, %p)",
                 i, op_text(op, buf, sizeof buf), (void *)q, op->size, c->lo, c->hi);
            return -1;
        }
    }
    uintptr_t s = (uintptr_t)q, e = s + (op->size ? op->size : 1);
    uint32_t other = iv_overlap(c->iv, s, e);
    if (other != UINT32_MAX) {
        fail(c->row, "invalid", "op %zu (%s): payload %p overlaps live block id %" PRIu32, i,
             op_text(op, buf, sizeof buf), (void *)q, other);
        return -1;
    }
    iv_insert(c->iv, op->id, s, e);
    c->tb.ptr[op->id] = p;
    c->tb.size[op->id] = op->size;
    if (keep < op->size)
        pattern_fill(q, keep, op->size, c->tb.seed[op->id]);
    return 0;
}

static int verify_block(check_ctx *c, size_t i, const trace_op *op, uint64_t n, const char *when) {
    char buf[96];
    uint32_t id = op->id;
    unsigned char *q = real_addr(c->a, c->heap, c->tb.ptr[id]);
    uint64_t bad = pattern_check(q, n, c->tb.seed[id]);
    if (bad < n) {
        fail(c->row, "invalid", "op %zu (%s): payload byte %" PRIu64 " of id %" PRIu32 " corrupted %s",
             i, op_text(op, buf, sizeof buf), bad, id, when);
        return -1;
    }
    return 0;
}

static int run_heap_check(check_ctx *c, size_t i) {
    if (!c->a->check)
        return 0;
    long v = c->a->check(c->heap, NULL);
    if (v) {
        fail(c->row, "invalid", "after op %zu: the allocator's heap check found %ld violation(s)", i, v);
        return -1;
    }
    return 0;
}

static int pass_check(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row) {
    check_ctx c = {.t = t, .a = a, .row = row};
    fb_alloc_hint hint = fb_replay_hint(t, 1);
    if (tables_open(&c.tb, t->num_ids, 1) || !(c.iv = iv_create(t->num_ids))) {
        fail(row, "error", "out of memory for the correctness pass's tables");
        tables_close(&c.tb);
        return -1;
    }
    c.heap = a->create(&hint);
    if (!c.heap) {
        fail(row, "error", "cannot create a heap: %s", strerror(errno));
        iv_destroy(c.iv);
        tables_close(&c.tb);
        return -1;
    }
    size_t every = o->check_every ? o->check_every : (t->num_ops / 64 + 1);
    int rc = 0;
    char buf[96];
    for (size_t i = 0; i < t->num_ops && rc == 0; i++) {
        const trace_op *op = &t->ops[i];
        uint32_t id = op->id;
        if (op->kind == TRACE_ALLOC) {
            c.tb.seed[id] = mix64(++c.gen ^ 0x5bd1e995u);
            rc = accept_block(&c, i, op, a->malloc(c.heap, op->size), 0);
        } else if (op->kind == TRACE_REALLOC) {
            void *old = c.tb.ptr[id];
            uint64_t oldn = old ? c.tb.size[id] : 0;
            if (old) {
                if ((rc = verify_block(&c, i, op, oldn, "before realloc")) != 0)
                    break;
                iv_remove(c.iv, id);
            } else {
                c.tb.seed[id] = mix64(++c.gen ^ 0x5bd1e995u);
            }
            void *np = a->realloc(c.heap, old, op->size);
            if (!np && op->size == 0) {
                c.tb.ptr[id] = NULL; /* realloc(p, 0) freed p */
                continue;
            }
            if (!np) {
                if (old)
                    iv_insert(c.iv, id, (uintptr_t)real_addr(a, c.heap, old),
                              (uintptr_t)real_addr(a, c.heap, old) + (oldn ? oldn : 1));
                fail(row, "oom", "op %zu (%s): realloc returned NULL", i, op_text(op, buf, sizeof buf));
                rc = -1;
                break;
            }
            c.tb.ptr[id] = np;
            uint64_t keep = oldn < op->size ? oldn : op->size;
            if ((rc = verify_block(&c, i, op, keep, "by realloc")) != 0)
                break;
            c.tb.ptr[id] = NULL;
            rc = accept_block(&c, i, op, np, keep);
        } else if (id != TRACE_NO_ID && c.tb.ptr[id]) {
            if ((rc = verify_block(&c, i, op, c.tb.size[id], "before free")) != 0)
                break;
            iv_remove(c.iv, id);
            if (a->free(c.heap, c.tb.ptr[id]) != 0) {
                fail(row, "invalid", "op %zu (%s): allocator rejected a pointer it handed out", i,
                     op_text(op, buf, sizeof buf));
                c.tb.ptr[id] = NULL;
                rc = -1;
                break;
            }
            c.tb.ptr[id] = NULL;
        } else {
            a->free(c.heap, NULL);
        }
        if (rc == 0 && (i + 1) % every == 0)
            rc = run_heap_check(&c, i);
    }
    if (rc == 0)
        rc = run_heap_check(&c, t->num_ops);
    /* Blocks still live at the end (unbalanced traces) must be intact. */
    for (size_t id = 0; rc == 0 && id < c.tb.n; id++)
        if (c.tb.ptr[id]) {
            trace_op fake = {.size = c.tb.size[id], .id = (uint32_t)id, .kind = TRACE_FREE};
            rc = verify_block(&c, t->num_ops, &fake, c.tb.size[id], "at the end of the trace");
        }
    free_live(a, c.heap, &c.tb);
    a->destroy(c.heap);
    iv_destroy(c.iv);
    tables_close(&c.tb);
    return rc;
}

/* ------------------------------------------------------- one fast replay */

/* Replays ops [from, upto) with no checks. 0, or the op index + 1 of a
 * NULL. */
size_t fb_replay_range(const trace *t, size_t from, size_t upto, const fb_allocator *a, void *heap,
                       void **ptr) {
    const trace_op *ops = t->ops;
    for (size_t i = from; i < upto; i++) {
        const trace_op *op = &ops[i];
        switch (op->kind) {
        case TRACE_ALLOC:
            if (!(ptr[op->id] = a->malloc(heap, op->size)) && op->size)
                return i + 1;
            break;
        case TRACE_REALLOC: {
            void *np = a->realloc(heap, ptr[op->id], op->size);
            if (!np && op->size)
                return i + 1;
            ptr[op->id] = np;
            break;
        }
        default:
            if (op->id != TRACE_NO_ID) {
                a->free(heap, ptr[op->id]);
                ptr[op->id] = NULL;
            } else {
                a->free(heap, NULL);
            }
        }
    }
    return 0;
}

int fb_replay_once(const trace *t, const fb_allocator *a, void *heap, void **ptrs) {
    return fb_replay_range(t, 0, t->num_ops, a, heap, ptrs) ? -1 : 0;
}

/* ----------------------------------------------------------- space pass */

static FILE *open_out(const fb_replay_opts *o, const char *sub, const trace *t, const fb_allocator *a) {
    if (!o->outdir)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", o->outdir, sub);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s__%s.csv", o->outdir, sub, t->name, a->name);
    return fopen(path, "w");
}

typedef struct {
    FILE *out;
    size_t start, size;
    int used, open;
} span_writer;

/* The heap map merges neighbouring blocks in the same state into one span:
 * the picture is of used and free stretches, and the file stays small. */
static int span_block(void *ctx, size_t off, size_t size, int used) {
    span_writer *w = ctx;
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

static int pass_space(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row) {
    fb_alloc_hint hint = fb_replay_hint(t, 0);
    id_tables tb;
    if (tables_open(&tb, t->num_ids, 0)) {
        fail(row, "error", "out of memory for the space pass's tables");
        tables_close(&tb);
        return -1;
    }
    void *heap = a->create(&hint);
    if (!heap) {
        fail(row, "error", "cannot create a heap: %s", strerror(errno));
        tables_close(&tb);
        return -1;
    }
    FILE *tl = open_out(o, "timeline", t, a);
    if (tl)
        fprintf(tl, "op,live_payload,footprint\n");
    size_t stride = t->num_ops / TIMELINE_POINTS + 1;
    size_t sample = a->footprint_sampled ? t->num_ops / 1000 + 1 : 1;
    uint64_t live = 0, peak_payload = 0, heap_peak = 0, live_at_peak = 0;
    size_t peak_op = 0;
    int rc = 0;
    char buf[96];
    for (size_t i = 0; i < t->num_ops; i++) {
        const trace_op *op = &t->ops[i];
        int new_payload_peak = 0;
        if (op->kind == TRACE_ALLOC) {
            tb.ptr[op->id] = a->malloc(heap, op->size);
            if (!tb.ptr[op->id] && op->size) {
                fail(row, "oom", "op %zu (%s): allocator returned NULL", i, op_text(op, buf, sizeof buf));
                rc = -1;
                break;
            }
            tb.size[op->id] = op->size;
            live += op->size;
        } else if (op->kind == TRACE_REALLOC) {
            void *np = a->realloc(heap, tb.ptr[op->id], op->size);
            if (!np && op->size) {
                fail(row, "oom", "op %zu (%s): realloc returned NULL", i, op_text(op, buf, sizeof buf));
                rc = -1;
                break;
            }
            live = live - (tb.ptr[op->id] ? tb.size[op->id] : 0) + op->size;
            tb.ptr[op->id] = np;
            tb.size[op->id] = op->size;
        } else if (op->id != TRACE_NO_ID) {
            if (tb.ptr[op->id]) {
                live -= tb.size[op->id];
                a->free(heap, tb.ptr[op->id]);
                tb.ptr[op->id] = NULL;
            }
        } else {
            a->free(heap, NULL);
        }
        if (live > peak_payload) {
            peak_payload = live;
            new_payload_peak = 1;
        }
        int at_stride = i % stride == 0 || i + 1 == t->num_ops;
        if (new_payload_peak || at_stride || i % sample == 0) {
            uint64_t fp = a->footprint(heap);
            if (fp > heap_peak) {
                heap_peak = fp;
                peak_op = i;
                live_at_peak = live;
            }
            if (tl && at_stride)
                fprintf(tl, "%zu,%" PRIu64 ",%" PRIu64 "\n", i + 1, live, fp);
        }
    }
    if (tl)
        fclose(tl);
    free_live(a, heap, &tb);
    a->destroy(heap);

    row->peak_payload = peak_payload;
    row->heap_peak = heap_peak;
    if (rc == 0 && heap_peak) {
        row->util = (double)peak_payload / (double)heap_peak;
        row->frag4 = peak_payload ? (double)heap_peak / (double)peak_payload - 1 : 0;
        row->frag3 = live_at_peak ? (double)heap_peak / (double)live_at_peak - 1 : 0;
    }
    /* Free-block statistics and the heap map at the footprint peak: replay
     * again up to that op, which is cheaper than walking the heap at every
     * new peak. */
    if (rc == 0 && (a->free_stats || a->walk)) {
        memset(tb.ptr, 0, tb.n * sizeof(void *));
        heap = a->create(&hint);
        if (heap && fb_replay_range(t, 0, peak_op + 1, a, heap, tb.ptr) == 0) {
            fb_free_stats fs;
            if (a->free_stats && a->free_stats(heap, &fs) == 0) {
                row->ext_frag = fs.free_bytes ? 1.0 - (double)fs.largest_free / (double)fs.free_bytes : 0;
                row->int_frag = fs.used_bytes > live_at_peak ? fs.used_bytes - live_at_peak : 0;
            }
            FILE *hm = a->walk ? open_out(o, "heapmap", t, a) : NULL;
            if (hm) {
                span_writer w = {.out = hm};
                fprintf(hm, "offset,size,used\n");
                a->walk(heap, span_block, &w);
                if (w.open)
                    fprintf(hm, "%zu,%zu,%d\n", w.start, w.size, w.used);
                fclose(hm);
            }
        }
        if (heap) {
            free_live(a, heap, &tb);
            a->destroy(heap);
        }
    }
    tables_close(&tb);
    return rc;
}

/* ------------------------------------------------------ throughput pass */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Minor page faults of this process so far. */
static uint64_t minor_faults(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_minflt : 0;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static int pass_time(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row) {
    fb_alloc_hint hint = fb_replay_hint(t, 0);
    id_tables tb;
    unsigned cap = o->fixed_reps ? o->fixed_reps : o->max_reps;
    double *times = fb_map(cap * sizeof(double));
    if (!times || tables_open(&tb, t->num_ids, 0)) {
        fail(row, "error", "out of memory for the throughput pass");
        fb_unmap(times, cap * sizeof(double));
        return -1;
    }
    void *heap = a->create(&hint);
    unsigned reps = 0;
    double total = 0;
    uint64_t faults = 0;
    int rc = 0;
    /* One untimed replay first, so that every timed one starts as the
     * classic driver's repetitions do, on a heap whose memory is mapped
     * and resident: first touches are the OS's cost of a new heap, not the
     * allocator's per op. What the allocator gives back and takes again
     * during a replay stays in the figure. */
    if (heap) {
        fb_replay_range(t, 0, t->num_ops, a, heap, tb.ptr);
        heap = fb_heap_renew(a, heap, tb.ptr, tb.n, &hint);
    }
    while (heap && reps < cap) {
        /* Page faults count inside the timed replays only: what the heap's
         * reset does between them is not the allocator's figure. */
        uint64_t f0 = minor_faults();
        double t0 = now_s();
        size_t bad = fb_replay_range(t, 0, t->num_ops, a, heap, tb.ptr);
        double dt = now_s() - t0;
        faults += minor_faults() - f0;
        if (bad) {
            fail(row, "oom", "op %zu: allocation failed in a timed replay", bad - 1);
            rc = -1;
            break;
        }
        times[reps++] = dt;
        total += dt;
        heap = fb_heap_renew(a, heap, tb.ptr, tb.n, &hint);
        if (o->fixed_reps)
            continue;
        if (reps >= o->min_reps && (total >= o->min_time || total >= o->max_time))
            break;
        if (total >= o->max_time)
            break;
    }
    if (!heap && rc == 0) {
        fail(row, "error", "cannot create a heap: %s", strerror(errno));
        rc = -1;
    }
    if (heap)
        a->destroy(heap);
    if (rc == 0 && reps) {
        qsort(times, reps, sizeof(double), cmp_double);
        double med = reps % 2 ? times[reps / 2] : (times[reps / 2 - 1] + times[reps / 2]) / 2;
        double ops = (double)t->num_ops;
        row->reps = reps;
        row->replay_s = med;
        row->kops = med > 0 ? ops / med / 1000 : 0;
        row->kops_min = times[reps - 1] > 0 ? ops / times[reps - 1] / 1000 : 0;
        row->kops_max = times[0] > 0 ? ops / times[0] / 1000 : 0;
        row->faults = ops > 0 ? (double)faults * 1000.0 / (ops * reps) : 0;
    }
    fb_unmap(times, cap * sizeof(double));
    tables_close(&tb);
    return rc;
}

/* --------------------------------------------------------- latency pass */

static int pass_latency(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row) {
    fb_alloc_hint hint = fb_replay_hint(t, 0);
    id_tables tb;
    lat_histo *h = fb_map(4 * sizeof(lat_histo)); /* a, r, f, all */
    if (!h || tables_open(&tb, t->num_ids, 0)) {
        fail(row, "error", "out of memory for the latency pass");
        fb_unmap(h, 4 * sizeof(lat_histo));
        return -1;
    }
    double tpn = lat_calibrate();
    uint64_t cost = lat_overhead();
    void *heap = a->create(&hint);
    int rc = 0;
    /* One untimed replay first, so the timed one meets warm pages, as the
     * throughput pass's median does: first-touch page faults are the OS's
     * cost, not the allocator's. */
    if (heap) {
        fb_replay_range(t, 0, t->num_ops, a, heap, tb.ptr);
        heap = fb_heap_renew(a, heap, tb.ptr, tb.n, &hint);
    }
    for (size_t i = 0; heap && i < t->num_ops; i++) {
        const trace_op *op = &t->ops[i];
        uint64_t t0, t1;
        int k;
        if (op->kind == TRACE_ALLOC) {
            t0 = lat_ticks();
            void *p = a->malloc(heap, op->size);
            t1 = lat_ticks();
            tb.ptr[op->id] = p;
            k = 0;
            if (!p && op->size) {
                rc = -1;
                break;
            }
        } else if (op->kind == TRACE_REALLOC) {
            t0 = lat_ticks();
            void *p = a->realloc(heap, tb.ptr[op->id], op->size);
            t1 = lat_ticks();
            if (!p && op->size) {
                rc = -1;
                break;
            }
            tb.ptr[op->id] = p;
            k = 1;
        } else {
            void *p = op->id != TRACE_NO_ID ? tb.ptr[op->id] : NULL;
            t0 = lat_ticks();
            a->free(heap, p);
            t1 = lat_ticks();
            if (op->id != TRACE_NO_ID)
                tb.ptr[op->id] = NULL;
            k = 2;
        }
        uint64_t d = t1 - t0;
        uint64_t ns = lat_to_ns(d > cost ? d - cost : 0, tpn);
        lat_add(&h[k], ns);
        lat_add(&h[3], ns);
    }
    if (rc)
        fail(row, "oom", "an allocation failed in the latency pass");
    if (heap) {
        free_live(a, heap, &tb);
        a->destroy(heap);
    }
    uint64_t *dst[3][4] = {
        {&row->lat_a_p50, &row->lat_a_p99, &row->lat_a_p999, &row->lat_a_max},
        {&row->lat_r_p50, &row->lat_r_p99, &row->lat_r_p999, &row->lat_r_max},
        {&row->lat_f_p50, &row->lat_f_p99, &row->lat_f_p999, &row->lat_f_max},
    };
    for (int k = 0; k < 3 && rc == 0; k++) {
        *dst[k][0] = lat_quantile(&h[k], 0.50);
        *dst[k][1] = lat_quantile(&h[k], 0.99);
        *dst[k][2] = lat_quantile(&h[k], 0.999);
        *dst[k][3] = h[k].max_ns;
    }
    FILE *out = rc == 0 ? open_out(o, "latency", t, a) : NULL;
    if (out) {
        lat_write_cdf(&h[3], out);
        fclose(out);
    }
    fb_unmap(h, 4 * sizeof(lat_histo));
    tables_close(&tb);
    return rc;
}

/* ------------------------------------------------------------- the cell */

int fb_replay_cell(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row) {
    snprintf(row->trace, sizeof row->trace, "%s", t->name);
    snprintf(row->allocator, sizeof row->allocator, "%s", a->name);
    snprintf(row->status, sizeof row->status, "ok");
    row->ops = t->num_ops;
    unsigned passes = o->passes ? o->passes : ~0u;
    /* Space first: a system allocator keeps what earlier passes freed, and
     * its process-wide footprint must see this trace from a clean start. */
    static const struct {
        unsigned bit;
        const char *name;
        int (*run)(const trace *, const fb_allocator *, const fb_replay_opts *, fb_row *);
    } order[] = {{FB_PASS_SPACE, "space", pass_space},
                 {FB_PASS_CHECK, "correctness", pass_check},
                 {FB_PASS_TIME, "throughput", pass_time},
                 {FB_PASS_LATENCY, "latency", pass_latency}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(passes & order[i].bit))
            continue;
        if (order[i].run(t, a, o, row))
            return 1;
        if (o->progress) {
            fb_row so_far = *row;
            snprintf(so_far.status, sizeof so_far.status, "running");
            snprintf(so_far.detail, sizeof so_far.detail, "%s", order[i].name);
            o->progress(&so_far, o->progress_ctx);
        }
    }
    return 0;
}
