/*
 * mems_inspect.c: MeMS seen from outside: the checker that tests every
 * invariant written in mems_impl.h, the segment walk, statistics and the
 * mapped range. Read-only; used by the harness adapter and the tests.
 */
#include "mems_impl.h"
#include "mems_inspect.h"

#include <inttypes.h>
#include <stdarg.h>

int mems_is_initialized(void) { return mems_g.ready; }

size_t mems_footprint(void) {
    return (mems_g.data_pages + mems_g.meta_page_count) * (size_t)PAGE_SIZE;
}

int mems_get_stats(mems_stats *st) {
    if (!mems_g.ready)
        return -1;
    *st = (mems_stats){
        .data_pages = mems_g.data_pages,
        .meta_pages = mems_g.meta_page_count,
        .mapped_bytes = mems_footprint(),
        .main_len = mems_g.main_len,
        .process_bytes = mems_g.process_bytes,
        .hole_bytes = mems_g.hole_bytes,
    };
    for (const mems_main *m = mems_g.main_head; m; m = m->next)
        for (const mems_seg *s = m->sub_head; s; s = s->next) {
            if (s->type == MEMS_PROCESS) {
                st->process_segments++;
                continue;
            }
            st->holes++;
            if (s->size > st->largest_hole)
                st->largest_hole = s->size;
        }
    return 0;
}

size_t mems_segment_size(const void *v) {
    if (!mems_g.ready)
        return 0;
    mems_main *m = mems_find_main((uintptr_t)v);
    if (!m)
        return 0;
    mems_seg *s = mems_find_seg(m, (uintptr_t)v);
    return (s->type == MEMS_PROCESS && s->vaddr == (uintptr_t)v) ? s->size : 0;
}

int mems_walk(mems_seg_fn fn, void *ctx) {
    if (!mems_g.ready)
        return 0;
    for (const mems_main *m = mems_g.main_head; m; m = m->next)
        for (const mems_seg *s = m->sub_head; s; s = s->next) {
            int rc = fn(ctx, s->vaddr - MEMS_VIRTUAL_BASE, s->size, s->type == MEMS_PROCESS);
            if (rc)
                return rc;
        }
    return 0;
}

/* The seed's way: every mapping compared. */
static void walk_range(const void **lo, const void **hi) {
    const unsigned char *l = NULL, *h = NULL;
    if (mems_g.ready)
        for (const mems_main *m = mems_g.main_head; m; m = m->next) {
            const unsigned char *end = m->phys + m->pages * (size_t)PAGE_SIZE;
            if (!l || m->phys < l)
                l = m->phys;
            if (!h || end > h)
                h = end;
        }
    *lo = l;
    *hi = h;
}

void mems_range(const void **lo, const void **hi) {
    *lo = mems_g.ready ? mems_g.phys_lo : NULL;
    *hi = mems_g.ready ? mems_g.phys_hi : NULL;
    if (mems_g.search_check) {
        const void *l, *h;
        walk_range(&l, &h);
        if (l != *lo || h != *hi)
            mems_g.search_mismatches++;
    }
}

/* --- the checker -------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void report(FILE *log, long *count, const char *fmt, ...) {
    ++*count;
    if (!log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(log, "mems_check: ");
    vfprintf(log, fmt, ap);
    fputc('\n', log);
    va_end(ap);
}

typedef struct check_sums {
    size_t pages, holes_b, process_b, segs, mains;
} check_sums;

/* One sub-chain: tiling, links, sizes, the merge invariant. limit bounds
 * the walk so that a cycle cannot hang the checker. */
static void check_sub(const mems_main *m, size_t mi, size_t limit, check_sums *sum,
                      FILE *log, long *bad) {
    uintptr_t at = m->vaddr;
    const mems_seg *prev = NULL;
    size_t n = 0;
    for (const mems_seg *s = m->sub_head; s; prev = s, s = s->next) {
        if (++n > limit) {
            report(log, bad, "main node %zu: sub-chain longer than the pool (cycle?)", mi);
            return;
        }
        if (s->prev != prev)
            report(log, bad, "main node %zu, segment %zu: prev link is wrong", mi, n - 1);
        if (s->type != MEMS_HOLE && s->type != MEMS_PROCESS)
            report(log, bad, "main node %zu, segment %zu: type %d is neither PROCESS nor HOLE",
                   mi, n - 1, s->type);
        if (s->size == 0)
            report(log, bad, "main node %zu, segment %zu: size 0", mi, n - 1);
        if (s->vaddr != at)
            report(log, bad, "main node %zu, segment %zu: starts at %" PRIuPTR
                   ", expected %" PRIuPTR " (gap or overlap)", mi, n - 1, s->vaddr, at);
        if (prev && prev->type == MEMS_HOLE && s->type == MEMS_HOLE)
            report(log, bad, "main node %zu, segments %zu and %zu: neighbouring HOLEs not merged",
                   mi, n - 2, n - 1);
        if (s->main != m || !s->ix || s->ix->item != s || s->ix->key != s->vaddr ||
            s->ix->val != (s->type == MEMS_HOLE ? s->size : 0) ||
            ot_floor(mems_g.ix_root, s->vaddr) != s->ix)
            report(log, bad, "main node %zu, segment %zu: its search index entry is wrong",
                   mi, n - 1);
        if (s->type == MEMS_HOLE)
            sum->holes_b += s->size;
        else
            sum->process_b += s->size;
        at = s->vaddr + s->size;
    }
    if (m->sub_tail != prev)
        report(log, bad, "main node %zu: sub_tail is not the last segment", mi);
    if (at != mems_main_end(m))
        report(log, bad, "main node %zu: segments end at %" PRIuPTR ", the mapping at %" PRIuPTR,
               mi, at, mems_main_end(m));
    if (n != m->nsegs)
        report(log, bad, "main node %zu: %zu segments, nsegs says %zu", mi, n, m->nsegs);
    sum->segs += n;
}

long mems_check(FILE *log) {
    long bad = 0;
    if (!mems_g.ready)
        return 0;
    size_t pool_slots = mems_g.meta_page_count * MEMS_SLOTS_PER_PAGE;
    check_sums sum = {0};
    uintptr_t at = MEMS_VIRTUAL_BASE;
    const mems_main *prev = NULL;
    for (const mems_main *m = mems_g.main_head; m; prev = m, m = m->next) {
        if (++sum.mains > pool_slots) {
            report(log, &bad, "main chain longer than the pool (cycle?)");
            break;
        }
        size_t mi = sum.mains - 1;
        if (m->prev != prev)
            report(log, &bad, "main node %zu: prev link is wrong", mi);
        if (m->pages == 0)
            report(log, &bad, "main node %zu: a mapping of 0 pages", mi);
        if (!m->phys || (uintptr_t)m->phys % 16 != 0)
            report(log, &bad, "main node %zu: mapping address %p is not a mapping", mi,
                   (void *)m->phys);
        if (m->vaddr != at)
            report(log, &bad, "main node %zu: virtual start %" PRIuPTR ", expected %" PRIuPTR,
                   mi, m->vaddr, at);
        at = mems_main_end(m);
        sum.pages += m->pages;
        check_sub(m, mi, pool_slots, &sum, log, &bad);
    }
    if (mems_g.main_tail != prev)
        report(log, &bad, "main_tail is not the last main node");
    if (mems_g.next_vaddr != at)
        report(log, &bad, "next virtual address %" PRIuPTR ", the chain ends at %" PRIuPTR,
               mems_g.next_vaddr, at);
    if (sum.mains != mems_g.main_len)
        report(log, &bad, "main chain has %zu nodes, main_len says %zu", sum.mains, mems_g.main_len);
    if (sum.pages != mems_g.data_pages)
        report(log, &bad, "mappings hold %zu pages, data_pages says %zu", sum.pages,
               mems_g.data_pages);
    if (sum.holes_b != mems_g.hole_bytes)
        report(log, &bad, "HOLEs hold %zu bytes, hole_bytes says %zu", sum.holes_b,
               mems_g.hole_bytes);
    if (sum.process_b != mems_g.process_bytes)
        report(log, &bad, "PROCESS segments hold %zu bytes, process_bytes says %zu",
               sum.process_b, mems_g.process_bytes);
    if (sum.segs != mems_g.seg_count)
        report(log, &bad, "sub-chains hold %zu segments, seg_count says %zu", sum.segs,
               mems_g.seg_count);

    if (mems_g.search_mismatches)
        report(log, &bad, "the search index and the seed's walk disagreed %ld times",
               mems_g.search_mismatches);

    size_t nfree = 0;
    for (const mems_slot *s = mems_g.free_slots; s; s = s->next_free)
        if (++nfree > pool_slots) {
            report(log, &bad, "free slot list longer than the pool (cycle?)");
            break;
        }
    if (nfree != mems_g.free_count)
        report(log, &bad, "%zu free slots listed, free_count says %zu", nfree, mems_g.free_count);
    if (sum.mains + sum.segs + nfree != pool_slots)
        report(log, &bad, "pool: %zu nodes + %zu free slots != %zu slots", sum.mains + sum.segs,
               nfree, pool_slots);
    size_t npages = 0;
    for (const mems_meta_page *pg = mems_g.meta_pages; pg; pg = pg->next)
        if (++npages > mems_g.meta_page_count)
            break;
    if (npages != mems_g.meta_page_count)
        report(log, &bad, "pool page list has %s%zu pages, meta_page_count says %zu",
               npages > mems_g.meta_page_count ? "more than " : "", npages,
               mems_g.meta_page_count);
    return bad;
}
