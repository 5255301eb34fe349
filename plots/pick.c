/*
 * pick.c: which allocators the per-trace charts draw (plots_set.h), the one
 * place where that choice is made.
 *
 * Where it sits: under the charts and the page. plots_load (load.c) runs
 * it once the summary is known; charts_overview.c and charts_trace.c draw
 * only the picked allocators, and report.c says who was left out and puts
 * every allocator's figures one click away. With PLOTS_PICK_MAX or fewer
 * allocators nothing is left out. Beyond that, twenty bars to a trace or
 * twenty lines to a timeline cannot be read, so the charts show the
 * allocators a reader compares against: their own, glibc's, and the best
 * of each group.
 */
#include "plots_set.h"

#include <string.h>

const char plots_pick_rule[] =
    "your own allocators (group <code>" PLOTS_PICK_USER "</code>), glibc's <code>"
    FB_SUMMARY_REFERENCE "</code>, and the best of each group by perf index (by mean "
    "utilization where there is none)";

/* A ranks above B within a group: the higher perf index, then (for those
 * with none) the higher mean utilization; undefined figures rank last. */
static int pick_better(const plots_alloc *a, const plots_alloc *b)
{
    int pa = fb_defined(a->perf_index), pb = fb_defined(b->perf_index);
    if (pa != pb)
        return pa;
    if (pa)
        return a->perf_index > b->perf_index;
    int ua = fb_defined(a->mean_util), ub = fb_defined(b->mean_util);
    if (ua != ub)
        return ua;
    return ua && a->mean_util > b->mean_util;
}

static void pick_one(plots_set *s, size_t ai, const char *why)
{
    if (s->allocs[ai].picked || s->npicked >= PLOTS_PICK_MAX)
        return;
    s->allocs[ai].picked = 1;
    s->allocs[ai].why = why;
    s->npicked++;
}

void plots_pick(plots_set *s)
{
    s->npicked = 0;
    for (size_t ai = 0; ai < s->nallocs; ai++) {
        s->allocs[ai].picked = 0;
        s->allocs[ai].why = NULL;
    }
    if (s->nallocs <= PLOTS_PICK_MAX) {
        for (size_t ai = 0; ai < s->nallocs; ai++)
            pick_one(s, ai, NULL);
        return;
    }
    /* The user's own first, leaving room for glibc. */
    for (size_t ai = 0; ai < s->nallocs && s->npicked + 1 < PLOTS_PICK_MAX; ai++)
        if (strcmp(s->allocs[ai].group, PLOTS_PICK_USER) == 0)
            pick_one(s, ai, "yours");
    long libc = plots_alloc_find(s, FB_SUMMARY_REFERENCE);
    if (libc >= 0)
        pick_one(s, (size_t)libc, "glibc");
    /* The best of each group, groups in the order their first allocator
     * appears; an allocator with no ok trace is nobody's best. */
    for (size_t first = 0; first < s->nallocs; first++) {
        const char *g = s->allocs[first].group;
        size_t k = 0;
        while (k < first && strcmp(s->allocs[k].group, g) != 0)
            k++;
        if (k < first || strcmp(g, PLOTS_PICK_USER) == 0)
            continue; /* a group seen already, or the user's, picked above */
        long best = -1;
        for (size_t ai = first; ai < s->nallocs; ai++) {
            const plots_alloc *a = &s->allocs[ai];
            if (strcmp(a->group, g) != 0 || !a->ok)
                continue;
            if (best < 0 || pick_better(a, &s->allocs[best]))
                best = (long)ai;
        }
        if (best >= 0)
            pick_one(s, (size_t)best, "best of its group");
    }
}
