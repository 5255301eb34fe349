/*
 * pass_check.c: the correctness pass. Every result is checked: non-NULL
 * for a non-zero size (a NULL is `oom`), alignment, inside the heap where
 * the allocator can say, no overlap with a live payload (a treap of live
 * ranges, interval.c); random payload bytes are written into every block
 * and verified before realloc, after it (what it kept) and before free;
 * the allocator's own heap check runs every check_every ops and at the
 * end. The first failure stops the pass with its op number in the row.
 * Under a budget the pass checks the prefix that fits (check_ops), then
 * runs the heap check and verifies the blocks live at that point.
 */
#include "passes.h"
#include "replay_loop.h"

#include "interval.h"

#include <inttypes.h>
#include <string.h>

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

/* ------------------------------------------------------------ checks */

typedef struct check_ctx {
    const fb_allocator *a;
    void *heap;
    id_tables tb;
    iv_set *iv;
    fb_row *row;
    uint64_t gen;
    size_t every;
} check_ctx;

static void *real_addr(const check_ctx *c, void *p) {
    return c->a->payload && p ? c->a->payload(c->heap, p) : p;
}

static size_t required_align(const fb_allocator *a, uint64_t size) {
    /* Preloaded libraries (system, and the user's so:) follow the C rule. */
    int c_rule = !strcmp(a->group, "system") || (a->preload && !strcmp(a->group, "user"));
    if (!c_rule || size >= a->align)
        return a->align;
    /* C rule: suitably aligned for any object that fits in the size. */
    size_t al = 1;
    while (al * 2 <= size)
        al *= 2;
    return al;
}

static uint64_t new_seed(check_ctx *c) { return mix64(++c->gen ^ 0x5bd1e995u); }

/* Checks a fresh result p for op and records it, its first `keep` bytes
 * already holding their pattern. 0 or -1 (row set). */
static int accept_block(check_ctx *c, size_t i, const trace_op *op, void *p, uint64_t keep) {
    char buf[96];
    if (!p) {
        if (op->size == 0)
            return 0; /* malloc(0) may return NULL */
        fb_fail(c->row, "oom", "op %zu (%s): allocator returned NULL", i, fb_op_text(op, buf, sizeof buf));
        return -1;
    }
    unsigned char *q = real_addr(c, p);
    size_t al = required_align(c->a, op->size);
    if ((uintptr_t)q % al) {
        fb_fail(c->row, "invalid", "op %zu (%s): payload %p not %zu-byte aligned", i,
                fb_op_text(op, buf, sizeof buf), (void *)q, al);
        return -1;
    }
    if (c->a->range) {
        const void *lo, *hi;
        c->a->range(c->heap, &lo, &hi);
        if ((const char *)q < (const char *)lo || (const char *)q + op->size > (const char *)hi) {
            fb_fail(c->row, "invalid",
                    "op %zu (%s): payload [%p, +%" PRIu64 ") outside the heap [%p, %p)", i,
                    fb_op_text(op, buf, sizeof buf), (void *)q, op->size, lo, hi);
            return -1;
        }
    }
    uintptr_t s = (uintptr_t)q, e = s + (op->size ? op->size : 1);
    uint32_t other = iv_overlap(c->iv, s, e);
    if (other != UINT32_MAX) {
        fb_fail(c->row, "invalid", "op %zu (%s): payload %p overlaps live block id %" PRIu32, i,
                fb_op_text(op, buf, sizeof buf), (void *)q, other);
        return -1;
    }
    iv_insert(c->iv, op->id, s, e);
    c->tb.ptr[op->id] = p;
    c->tb.size[op->id] = op->size;
    if (keep < op->size)
        pattern_fill(q, keep, op->size, c->tb.seed[op->id]);
    return 0;
}

/* The first n bytes of id's block still hold their pattern: 0, else -1. */
static int verify_block(check_ctx *c, size_t i, const trace_op *op, uint32_t id, uint64_t n,
                        const char *when) {
    char buf[96];
    unsigned char *q = real_addr(c, c->tb.ptr[id]);
    uint64_t bad = pattern_check(q, n, c->tb.seed[id]);
    if (bad < n) {
        fb_fail(c->row, "invalid", "op %zu (%s): payload byte %" PRIu64 " of id %" PRIu32 " corrupted %s",
                i, fb_op_text(op, buf, sizeof buf), bad, id, when);
        return -1;
    }
    return 0;
}

static int run_heap_check(check_ctx *c, size_t i) {
    if (!c->a->check)
        return 0;
    long v = c->a->check(c->heap, NULL);
    if (v) {
        fb_fail(c->row, "invalid", "after op %zu: the allocator's heap check found %ld violation(s)",
                i, v);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------- the hooks */

static int check_before(void *ctx, size_t i, const trace_op *op, void *old) {
    check_ctx *c = ctx;
    if (op->kind == TRACE_ALLOC) {
        c->tb.seed[op->id] = new_seed(c);
    } else if (!old) {
        if (op->kind == TRACE_REALLOC)
            c->tb.seed[op->id] = new_seed(c); /* realloc(NULL, n) is a malloc */
    } else {
        const char *when = op->kind == TRACE_REALLOC ? "before realloc" : "before free";
        if (verify_block(c, i, op, op->id, c->tb.size[op->id], when))
            return -1;
        iv_remove(c->iv, op->id);
    }
    return 0;
}

static int check_after(void *ctx, size_t i, const trace_op *op, void *old, void *res, int frc) {
    check_ctx *c = ctx;
    char buf[96];
    int rc = 0;
    if (op->kind == TRACE_ALLOC) {
        rc = accept_block(c, i, op, res, 0);
    } else if (op->kind == TRACE_REALLOC) {
        uint64_t oldn = old ? c->tb.size[op->id] : 0;
        if (!res && op->size == 0) {
            /* realloc(p, 0) freed p. */
        } else if (!res) {
            if (old) {
                uintptr_t s = (uintptr_t)real_addr(c, old);
                iv_insert(c->iv, op->id, s, s + (oldn ? oldn : 1));
            }
            fb_fail(c->row, "oom", "op %zu (%s): realloc returned NULL", i,
                    fb_op_text(op, buf, sizeof buf));
            return -1;
        } else {
            uint64_t keep = oldn < op->size ? oldn : op->size;
            if (verify_block(c, i, op, op->id, keep, "by realloc"))
                return -1;
            rc = accept_block(c, i, op, res, keep);
        }
    } else if (old && frc != 0) {
        fb_fail(c->row, "invalid", "op %zu (%s): allocator rejected a pointer it handed out", i,
                fb_op_text(op, buf, sizeof buf));
        return -1;
    }
    if (rc == 0 && (i + 1) % c->every == 0)
        rc = run_heap_check(c, i);
    return rc;
}

static const fb_replay_hooks check_hooks = {.before = check_before, .after = check_after};

/* --------------------------------------------------------- the pass */

int fb_pass_check(const trace *t, const fb_allocator *a, const fb_replay_opts *o,
                  const fb_budget *b, fb_row *row) {
    check_ctx c = {.a = a, .row = row};
    fb_alloc_hint hint = fb_replay_hint(t, 1);
    if (fb_tables_open(&c.tb, t, 1, 1, row, "correctness"))
        return -1;
    if (!(c.iv = iv_create(t->num_ids))) {
        fb_fail(row, "error", "out of memory for the correctness pass's tables");
        fb_tables_close(&c.tb);
        return -1;
    }
    c.heap = fb_pass_heap(a, &hint, row, "correctness");
    if (!c.heap) {
        iv_destroy(c.iv);
        fb_tables_close(&c.tb);
        return -1;
    }
    c.every = o->check_every ? o->check_every : (t->num_ops / 64 + 1);
    size_t done = 0;
    int rc = fb_replay_budgeted(t, 0, t->num_ops, a, c.heap, c.tb.ptr, &check_hooks, &c, b, &done)
                 ? -1
                 : 0;
    row->check_ops = done;
    if (rc == 0)
        rc = run_heap_check(&c, done);
    /* Blocks still live at the end (unbalanced traces, a prefix) must be
     * intact. */
    for (size_t id = 0; rc == 0 && id < c.tb.n; id++)
        if (c.tb.ptr[id]) {
            trace_op end = {.size = c.tb.size[id], .id = (uint32_t)id, .kind = TRACE_FREE};
            rc = verify_block(&c, done, &end, (uint32_t)id, c.tb.size[id],
                              done < t->num_ops ? "at the end of the checked prefix"
                                                : "at the end of the trace");
        }
    fb_heap_discard(a, c.heap, c.tb.ptr, c.tb.n);
    iv_destroy(c.iv);
    fb_tables_close(&c.tb);
    return rc;
}
