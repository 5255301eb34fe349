/*
 * dmm_inspect.c: read-only views of the dmm heap (walk, check, figures,
 * usable size, bounds), declared in dmm_inspect.h, for tests and the
 * harness adapter. Kernel-clean like dmm.c: only dmm_shim.h facilities.
 */
#include "dmm_impl.h"
#include "dmm_inspect.h"

/* A heap of `bytes` holds at most this many headers: bounds every loop
 * over the list even if a link was overwritten into a cycle. */
static size_t dmm_max_blocks(void) {
    return dmm_heap_bytes() / DMM_HEADER;
}

int dmm_walk(dmm_walk_fn fn, void *ctx) {
    if (!dmm_g.lo)
        return -1;
    size_t bytes = dmm_heap_bytes();
    uintptr_t cur = 0;
    const struct dmm_block *b = dmm_g.head;
    while (cur < bytes) {
        if (bytes - cur < DMM_HEADER || dmm_off(b) != cur ||
            b->size > bytes - cur - DMM_HEADER)
            return -1;
        int rc = fn(ctx, cur, DMM_HEADER + b->size, !b->is_free);
        if (rc)
            return rc;
        cur += DMM_HEADER + b->size;
        if (cur < bytes && !b->next)
            return -1;
        b = b->next;
    }
    return 0;
}

static long dmm_violation(dmm_report_fn report, void *ctx, const char *what,
                          uintptr_t off) {
    if (report) {
        char msg[160];
        snprintf(msg, sizeof msg, "dmm check: %s (offset %zu)", what,
                 (size_t)off);
        report(ctx, msg);
    }
    return 1;
}

long dmm_check(dmm_report_fn report, void *ctx) {
    if (!dmm_g.lo)
        return 0;
    long bad = 0;
    size_t bytes = dmm_heap_bytes();
    size_t n = 0;
    const struct dmm_block *prev = NULL;
    const struct dmm_block *b = dmm_g.head;
    if ((char *)b != dmm_g.lo)
        return dmm_violation(report, ctx, "first block not at the heap "
                                          "start", dmm_off(b));
    uintptr_t cur = 0;
    while (b) {
        if (++n > dmm_max_blocks())
            return bad + dmm_violation(report, ctx, "block list does not "
                                                    "end", cur);
        if (dmm_off(b) != cur)
            return bad + dmm_violation(report, ctx, "block not where the "
                                                    "previous one ends", cur);
        if (bytes - cur < DMM_HEADER || b->size > bytes - cur - DMM_HEADER)
            return bad + dmm_violation(report, ctx, "block runs past the "
                                                    "heap end", cur);
        if (b->prev != prev)
            bad += dmm_violation(report, ctx, "prev link does not point "
                                              "at the block below", cur);
        if (b->size % DMM_ALIGN != 0)
            bad += dmm_violation(report, ctx, "size not a multiple of 8",
                                 cur);
        if (b->is_free != 0 && b->is_free != 1)
            bad += dmm_violation(report, ctx, "free flag neither 0 nor 1",
                                 cur);
        if (prev && prev->is_free && b->is_free)
            bad += dmm_violation(report, ctx, "neighbouring free blocks not "
                                              "coalesced", cur);
        if (dmm_g.ix_on) {
            const ot_node *x = ot_floor(dmm_g.ix_root, (uintptr_t)b);
            int listed = x && x->key == (uintptr_t)b;
            if (listed != (b->is_free == 1) || (listed && x->val != b->size))
                bad += dmm_violation(report, ctx, "search index entry wrong",
                                     cur);
        }
        cur += DMM_HEADER + b->size;
        prev = b;
        b = b->next;
    }
    if (cur != bytes)
        bad += dmm_violation(report, ctx, "blocks do not reach the heap end",
                             cur);
    if (dmm_g.search_mismatches)
        bad += dmm_violation(report, ctx, "the search index and the seed's "
                                          "walk picked different blocks", 0);
    return bad;
}

static int dmm_stats_cb(void *ctx, size_t offset, size_t size, int used) {
    struct dmm_stats *st = ctx;
    (void)offset;
    if (used) {
        st->used_blocks++;
        st->used_bytes += size;
    } else {
        st->free_blocks++;
        st->free_bytes += size;
        if (size > st->largest_free)
            st->largest_free = size;
    }
    return 0;
}

int dmm_stats(struct dmm_stats *st) {
    memset(st, 0, sizeof *st);
    return dmm_walk(dmm_stats_cb, st) == 0 ? 0 : -1;
}

size_t dmm_usable_size(const void *ptr) {
    if (!ptr)
        return 0;
    const struct dmm_block *b = dmm_find_live(ptr);
    return b ? b->size : 0;
}

void dmm_heap_range(const void **lo, const void **hi) {
    *lo = dmm_g.lo;
    *hi = dmm_g.hi;
}
