/*
 * replay.c: one cell's passes in their order (see replay.h), the plain
 * replay that the passes and the benchmarks share, and the helpers every
 * pass uses (passes.h). The passes themselves are pass_space.c,
 * pass_check.c and pass_time.c.
 */
#include "passes.h"
#include "replay_loop.h"

#include "fbmem.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

void fb_replay_defaults(fb_replay_opts *o) {
    memset(o, 0, sizeof *o);
    o->min_time = 0.2;
    o->max_time = 5.0;
    o->min_reps = 3;
    o->max_reps = 5000;
}

fb_alloc_hint fb_replay_hint(const trace *t, int for_check) {
    return (fb_alloc_hint){.peak_payload = t->peak_payload, .max_request = t->max_request,
                           .num_ids = t->num_ids, .for_check = for_check};
}

/* ------------------------------------------------------ shared helpers */

void fb_fail(fb_row *row, const char *status, const char *fmt, ...) {
    snprintf(row->status, sizeof row->status, "%s", status);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->detail, sizeof row->detail, fmt, ap);
    va_end(ap);
}

const char *fb_op_text(const trace_op *op, char *buf, size_t len) {
    if (op->kind == TRACE_FREE)
        snprintf(buf, len, "f %" PRIu32, (uint32_t)op->id);
    else
        snprintf(buf, len, "%c %" PRIu32 " %" PRIu64, trace_kind_letter(op->kind), (uint32_t)op->id,
                 op->size);
    return buf;
}

int fb_tables_open(id_tables *tb, const trace *t, int with_size, int with_seed, fb_row *row,
                   const char *pass) {
    memset(tb, 0, sizeof *tb);
    tb->n = t->num_ids ? t->num_ids : 1;
    tb->ptr = fb_map(tb->n * sizeof(void *));
    tb->size = with_size ? fb_map(tb->n * sizeof(uint64_t)) : NULL;
    tb->seed = with_seed ? fb_map(tb->n * sizeof(uint64_t)) : NULL;
    if (tb->ptr && (!with_size || tb->size) && (!with_seed || tb->seed))
        return 0;
    fb_tables_close(tb);
    fb_fail(row, "error", "out of memory for the %s pass's tables", pass);
    return -1;
}

void fb_tables_close(id_tables *tb) {
    fb_unmap(tb->ptr, tb->n * sizeof(void *));
    fb_unmap(tb->size, tb->n * sizeof(uint64_t));
    fb_unmap(tb->seed, tb->n * sizeof(uint64_t));
    memset(tb, 0, sizeof *tb);
}

void *fb_pass_heap(const fb_allocator *a, const fb_alloc_hint *hint, fb_row *row, const char *pass) {
    errno = 0;
    void *heap = a->create(hint);
    if (!heap)
        fb_fail(row, "error", "cannot create a heap for the %s pass: %s", pass,
                errno ? strerror(errno) : "the allocator gave no reason");
    return heap;
}

static void cell_path(char *path, size_t len, const fb_replay_opts *o, const char *sub,
                      const trace *t, const fb_allocator *a) {
    snprintf(path, len, "%s/%s/%s__%s.csv", o->outdir, sub, t->name, a->name);
}

FILE *fb_cell_file(const fb_replay_opts *o, const char *sub, const trace *t, const fb_allocator *a) {
    if (!o->outdir)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", o->outdir, sub);
    mkdir(path, 0777);
    cell_path(path, sizeof path, o, sub, t, a);
    return fopen(path, "w");
}

void fb_cell_file_remove(const fb_replay_opts *o, const char *sub, const trace *t,
                         const fb_allocator *a) {
    char path[4096];
    if (o->outdir) {
        cell_path(path, sizeof path, o, sub, t, a);
        unlink(path);
    }
}

/* ------------------------------------------------- the plain replay */

static const fb_replay_hooks no_hooks;

size_t fb_replay_range(const trace *t, size_t from, size_t upto, const fb_allocator *a, void *heap,
                       void **ptrs) {
    return fb_replay_loop(t, from, upto, a, heap, ptrs, &no_hooks, NULL);
}

int fb_replay_once(const trace *t, const fb_allocator *a, void *heap, void **ptrs) {
    return fb_replay_range(t, 0, t->num_ops, a, heap, ptrs) ? -1 : 0;
}

void fb_free_live(const fb_allocator *a, void *heap, void **ptrs, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (ptrs[i]) {
            a->free(heap, ptrs[i]);
            ptrs[i] = NULL;
        }
}

void fb_heap_discard(const fb_allocator *a, void *heap, void **ptrs, size_t n) {
    if (a->preload)
        fb_free_live(a, heap, ptrs, n);
    else
        memset(ptrs, 0, n * sizeof *ptrs);
    a->destroy(heap);
}

void *fb_heap_renew(const fb_allocator *a, void *heap, void **ptrs, size_t n,
                    const fb_alloc_hint *hint) {
    if (!a->reset) {
        fb_heap_discard(a, heap, ptrs, n);
        return a->create(hint);
    }
    fb_free_live(a, heap, ptrs, n);
    a->reset(heap);
    return heap;
}

/* ------------------------------------------------------------- the cell */

/* The rest of the time limit is for starting the cell, sending its row,
 * and a pass that overruns its budget a little. */
const double fb_budget_cell_share = 0.85;

/* Each pass's share of the time left in the cell's budget when it starts;
 * what a pass leaves unused goes to the ones after it. The space pass
 * comes first and takes the most, since a prefix's utilization says less
 * of the whole trace than a prefix's throughput does. */
const double fb_budget_shares[4] = {0.8, 0.35, 0.75, 1.0};

/* Adds "NAME N/M ops" to the partial message when the pass covered a
 * prefix only. */
static void note_prefix(char *buf, size_t len, const char *name, uint64_t done, uint64_t ops) {
    size_t n = strlen(buf);
    if (done < ops && n < len)
        snprintf(buf + n, len - n, "%s%s %" PRIu64 "/%" PRIu64 " ops", n ? ", " : "", name, done,
                 ops);
}

/* Opens and flocks PATH, waiting for whoever holds it; the descriptor, or
 * -1 when the file cannot be opened (the cell then runs unlocked). */
static int timing_lock_take(const char *path) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    return fd;
}

int fb_replay_cell(const trace *t, const fb_allocator *a, const fb_replay_opts *o, fb_row *row) {
    fb_row_clear(row);
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
        int (*run)(const trace *, const fb_allocator *, const fb_replay_opts *, const fb_budget *,
                   fb_row *);
    } order[] = {{FB_PASS_SPACE, "space", fb_pass_space},
                 {FB_PASS_CHECK, "correctness", fb_pass_check},
                 {FB_PASS_TIME, "throughput", fb_pass_time},
                 {FB_PASS_LATENCY, "latency", fb_pass_latency}};
    _Static_assert(sizeof fb_budget_shares / sizeof fb_budget_shares[0] ==
                       sizeof order / sizeof order[0],
                   "one budget share per pass");
    fb_budget cell = {.end = o->budget_end, .ops = o->budget_ops};
    int lock = -1;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(passes & order[i].bit))
            continue;
        /* Waiting for the lock spends the cell's time: a pass's budget is
         * its share of what is left once it may start. */
        if (lock < 0 && o->timing_lock && (order[i].bit & (FB_PASS_TIME | FB_PASS_LATENCY)))
            lock = timing_lock_take(o->timing_lock);
        fb_budget b = fb_budget_part(&cell, fb_budget_shares[i]);
        if (order[i].run(t, a, o, &b, row)) {
            if (lock >= 0)
                close(lock);
            return 1;
        }
        if (o->progress) {
            fb_row so_far = *row;
            snprintf(so_far.status, sizeof so_far.status, "running");
            snprintf(so_far.detail, sizeof so_far.detail, "%s", order[i].name);
            o->progress(&so_far, o->progress_ctx);
        }
    }
    /* A pass that passed leaves the detail empty unless a figure of its
     * own is missing (the space pass's heap map); either makes the cell
     * partial. */
    char cut[160] = "";
    if (passes & FB_PASS_SPACE)
        note_prefix(cut, sizeof cut, "space", row->space_ops, t->num_ops);
    if (passes & FB_PASS_CHECK)
        note_prefix(cut, sizeof cut, "correctness", row->check_ops, t->num_ops);
    if (passes & FB_PASS_TIME)
        note_prefix(cut, sizeof cut, "throughput", row->timed_ops, t->num_ops);
    if (passes & FB_PASS_LATENCY)
        note_prefix(cut, sizeof cut, "latency", row->lat_ops, t->num_ops);
    if (cut[0] || row->detail[0]) {
        char missing[sizeof row->detail];
        snprintf(missing, sizeof missing, "%s", row->detail);
        snprintf(row->status, sizeof row->status, "partial");
        snprintf(row->detail, sizeof row->detail, "%s%s%s%.90s", cut[0] ? "budget reached: " : "", cut,
                 cut[0] && missing[0] ? "; " : "", missing);
    }
    if (lock >= 0)
        close(lock);
    return 0;
}
