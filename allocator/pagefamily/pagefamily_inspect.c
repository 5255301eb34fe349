/*
 * pagefamily_inspect.c: the page-family manager seen from outside: the
 * checker that tests every invariant written in pagefamily_impl.h, usage
 * figures, the per-page block walk and the address range. Read-only; used
 * by the harness adapter and the tests.
 */
#include "pagefamily_impl.h"
#include "pagefamily_inspect.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

int mm_is_initialized(void) { return mm_g.ready; }

size_t mm_page_size(void) { return mm_g.ready ? mm_g.page_size : 0; }

size_t mm_bytes_mapped(void) {
    return mm_g.ready ? (mm_g.data_pages + mm_g.family_pages) * mm_g.page_size : 0;
}

int mm_get_usage(mm_usage *u) {
    if (!mm_g.ready)
        return -1;
    memset(u, 0, sizeof *u);
    u->data_pages = mm_g.data_pages;
    u->family_pages = mm_g.family_pages;
    u->mapped_bytes = mm_bytes_mapped();
    MM_FOR_EACH_FAMILY(fam) {
        u->families++;
        for (const vm_page_t *pg = fam->first_page; pg; pg = pg->next)
            for (const block_meta_data_t *b = &pg->block_meta_data; b; b = b->next_block) {
                size_t whole = MM_META + b->block_size;
                if (!b->is_free) {
                    u->used_blocks++;
                    u->used_bytes += whole;
                    u->app_bytes += b->block_size;
                    continue;
                }
                u->free_blocks++;
                u->free_bytes += whole;
                if (whole > u->largest_free)
                    u->largest_free = whole;
            }
    }
    return 0;
}

const void *mm_next_page_after(const void *after) {
    const vm_page_t *best = NULL;
    if (!mm_g.ready)
        return NULL;
    MM_FOR_EACH_FAMILY(fam) {
        for (const vm_page_t *pg = fam->first_page; pg; pg = pg->next)
            if ((!after || (uintptr_t)pg > (uintptr_t)after) &&
                (!best || (uintptr_t)pg < (uintptr_t)best))
                best = pg;
    }
    return best;
}

size_t mm_list_pages(const void **pages, size_t cap) {
    size_t n = 0;
    if (mm_g.ready)
        MM_FOR_EACH_FAMILY(fam) {
            for (const vm_page_t *pg = fam->first_page; pg; pg = pg->next, n++)
                if (n < cap)
                    pages[n] = pg;
        }
    return n;
}

int mm_walk_page(const void *page, mm_block_fn fn, void *ctx) {
    if (!mm_g.ready || !page || mm_find_page(page) != page)
        return -1;
    const vm_page_t *pg = page;
    for (const block_meta_data_t *b = &pg->block_meta_data; b; b = b->next_block) {
        int rc = fn(ctx, b->offset, MM_META + b->block_size, !b->is_free);
        if (rc)
            return rc;
    }
    return 0;
}

/* The seed's way: every page compared. */
static void walk_data_range(const void **lo, const void **hi) {
    const char *l = NULL, *h = NULL;
    if (mm_g.ready)
        MM_FOR_EACH_FAMILY(fam) {
            for (const vm_page_t *pg = fam->first_page; pg; pg = pg->next) {
                const char *start = (const char *)pg, *end = start + mm_g.page_size;
                if (!l || start < l)
                    l = start;
                if (!h || end > h)
                    h = end;
            }
        }
    *lo = l;
    *hi = h;
}

void mm_data_range(const void **lo, const void **hi) {
    mm_index *ix = &mm_g.ix;
    if (!mm_g.ready || !mm_g.data_pages) {
        *lo = *hi = NULL;
        return;
    }
    if (ix->range_stale) {
        walk_data_range(lo, hi);
        ix->lo = (uintptr_t)*lo;
        ix->hi = (uintptr_t)*hi;
        ix->range_stale = 0;
        return;
    }
    *lo = (const void *)ix->lo;
    *hi = (const void *)ix->hi;
    if (ix->check) {
        const void *l, *h;
        walk_data_range(&l, &h);
        if (l != *lo || h != *hi)
            ix->mismatches++;
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
    fprintf(log, "mm_check: ");
    vfprintf(log, fmt, ap);
    fputc('\n', log);
    va_end(ap);
}

/* The blocks of one page; returns how many are free. */
static size_t check_page(const vm_page_family_t *fam, const vm_page_t *pg, size_t pi,
                         FILE *log, long *bad) {
    const char *name = fam->struct_name;
    size_t expect = MM_FIRST_OFFSET, nblocks = 0, nfree = 0;
    size_t limit = mm_g.page_size / MM_META + 1;
    const block_meta_data_t *prev = NULL;
    for (const block_meta_data_t *b = &pg->block_meta_data; b; prev = b, b = b->next_block) {
        if (++nblocks > limit) {
            report(log, bad, "%s page %zu: more blocks than fit a page (cycle?)", name, pi);
            return nfree;
        }
        size_t bi = nblocks - 1;
        if ((const char *)b != (const char *)pg + expect) {
            report(log, bad, "%s page %zu block %zu: at offset %td, expected %zu (gap or "
                   "overlap)", name, pi, bi, (const char *)b - (const char *)pg, expect);
            return nfree; /* the rest of the chain cannot be trusted */
        }
        if (b->offset != expect)
            report(log, bad, "%s page %zu block %zu: says offset %" PRIu32 ", is at %zu", name,
                   pi, bi, b->offset, expect);
        if (b->prev_block != prev)
            report(log, bad, "%s page %zu block %zu: prev_block link is wrong", name, pi, bi);
        if (b->is_free != MM_TRUE && b->is_free != MM_FALSE)
            report(log, bad, "%s page %zu block %zu: is_free is %d", name, pi, bi,
                   (int)b->is_free);
        if (b->block_size < MM_ALIGN || b->block_size % MM_ALIGN != 0)
            report(log, bad, "%s page %zu block %zu: size %" PRIu32 " is not a positive "
                   "multiple of %d", name, pi, bi, b->block_size, MM_ALIGN);
        if (prev && prev->is_free && b->is_free)
            report(log, bad, "%s page %zu blocks %zu and %zu: neighbouring free blocks not "
                   "merged", name, pi, bi - 1, bi);
        nfree += b->is_free == MM_TRUE;
        expect += MM_META + b->block_size;
        if (expect > mm_g.page_size) {
            report(log, bad, "%s page %zu block %zu: runs past the page end", name, pi, bi);
            return nfree;
        }
    }
    if (expect != mm_g.page_size)
        report(log, bad, "%s page %zu: blocks end at %zu, the page at %zu", name, pi, expect,
               mm_g.page_size);
    if (nblocks == 1 && pg->block_meta_data.is_free)
        report(log, bad, "%s page %zu: an empty page was not given back", name, pi);
    return nfree;
}

static void check_priority_list(const vm_page_family_t *fam, size_t nfree, FILE *log,
                                long *bad) {
    const char *name = fam->struct_name;
    size_t n = 0;
    const block_meta_data_t *prev = NULL;
    for (const block_meta_data_t *b = fam->prio_head; b; prev = b, b = b->prio_next) {
        if (++n > nfree) {
            report(log, bad, "%s: priority list longer than the %zu free blocks", name, nfree);
            return;
        }
        if (b->prio_prev != prev)
            report(log, bad, "%s: priority list entry %zu: prio_prev link is wrong", name,
                   n - 1);
        if (b->is_free != MM_TRUE)
            report(log, bad, "%s: priority list entry %zu is not free", name, n - 1);
        else if (mm_find_page(b) != mm_block_page((block_meta_data_t *)b) ||
                 mm_block_page((block_meta_data_t *)b)->pg_family != fam)
            report(log, bad, "%s: priority list entry %zu lies in no page of the family",
                   name, n - 1);
        if (prev && prev->block_size < b->block_size)
            report(log, bad, "%s: priority list entry %zu (%" PRIu32 ") larger than the one "
                   "before it (%" PRIu32 ")", name, n - 1, b->block_size, prev->block_size);
        if ((!b->prio_next || b->prio_next->block_size != b->block_size) &&
            !mm_ix_tail_is(fam, b))
            report(log, bad, "%s: priority list entry %zu: the search index does not know it "
                   "as the last of its size", name, n - 1);
    }
    if (n != nfree)
        report(log, bad, "%s: priority list holds %zu blocks, the pages %zu free ones", name,
               n, nfree);
}

static void check_family(const vm_page_family_t *fam, size_t *pages_total, FILE *log,
                         long *bad) {
    const char *name = fam->struct_name;
    if (!memchr(name, 0, MM_MAX_STRUCT_NAME) || !name[0]) {
        report(log, bad, "a family name is empty or not terminated");
        name = "(bad name)";
    }
    if (fam->struct_size == 0 || fam->struct_size > mm_max_request())
        report(log, bad, "%s: struct size %" PRIu32 " out of range", name, fam->struct_size);
    size_t npages = 0, nfree = 0;
    const vm_page_t *prev = NULL;
    for (const vm_page_t *pg = fam->first_page; pg; prev = pg, pg = pg->next) {
        if (++npages > mm_g.data_pages) {
            report(log, bad, "%s: more pages than the manager holds (cycle?)", name);
            return;
        }
        if ((uintptr_t)pg % mm_g.page_size != 0) {
            report(log, bad, "%s page %zu: not page-aligned", name, npages - 1);
            return;
        }
        if (pg->prev != prev)
            report(log, bad, "%s page %zu: prev link is wrong", name, npages - 1);
        if (pg->pg_family != fam)
            report(log, bad, "%s page %zu: pg_family points elsewhere", name, npages - 1);
        nfree += check_page(fam, pg, npages - 1, log, bad);
    }
    if (npages != fam->page_count)
        report(log, bad, "%s: %zu pages listed, page_count says %" PRIu32, name, npages,
               fam->page_count);
    *pages_total += npages;
    check_priority_list(fam, nfree, log, bad);
}

/* Reported once, at the first family that carries the name. */
static void check_unique(const vm_page_family_t *fam, FILE *log, long *bad) {
    const vm_page_family_t *first = NULL;
    size_t times = 0;
    MM_FOR_EACH_FAMILY(other) {
        if (strncmp(fam->struct_name, other->struct_name, MM_MAX_STRUCT_NAME) != 0)
            continue;
        if (!first)
            first = other;
        times++;
    }
    if (times > 1 && first == fam)
        report(log, bad, "struct name %.*s registered %zu times", MM_MAX_STRUCT_NAME,
               fam->struct_name, times);
}

long mm_check(FILE *log) {
    long bad = 0;
    if (!mm_g.ready)
        return 0;
    size_t record_pages = 0, pages_total = 0;
    for (const vm_page_for_families_t *fp = mm_g.families; fp; fp = fp->next) {
        if (++record_pages > mm_g.family_pages) {
            report(log, &bad, "more family-record pages than family_pages says (cycle?)");
            return bad;
        }
        if (fp->count > mm_families_per_page()) {
            report(log, &bad, "a family-record page says it holds %" PRIu64 " records",
                   fp->count);
            return bad;
        }
    }
    if (record_pages != mm_g.family_pages)
        report(log, &bad, "%zu family-record pages listed, family_pages says %zu",
               record_pages, mm_g.family_pages);
    MM_FOR_EACH_FAMILY(fam) {
        check_family(fam, &pages_total, log, &bad);
        check_unique(fam, log, &bad);
    }
    if (pages_total != mm_g.data_pages)
        report(log, &bad, "families hold %zu pages, data_pages says %zu", pages_total,
               mm_g.data_pages);
    if (!mm_g.ix.off && mm_g.ix.pages.n != mm_g.data_pages)
        report(log, &bad, "the page index holds %zu pages, data_pages says %zu",
               mm_g.ix.pages.n, mm_g.data_pages);
    if (mm_g.ix.mismatches)
        report(log, &bad, "the search index and the seed's walks disagreed %ld times",
               mm_g.ix.mismatches);
    return bad;
}
