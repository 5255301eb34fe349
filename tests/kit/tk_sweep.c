/*
 * tk_sweep.c: the model test's look at the whole heap (tk_model.h): every
 * live block's bytes, the footprint, free_stats() against itself, walk()
 * against the model (one used block per live payload, each payload inside
 * its block) and against free_stats(), and the allocator's own check().
 */
#include "tk_model_impl.h"

#include <stdlib.h>

void tk_check_clean(tk_run *r, const char *when) {
    if (!r->a->check)
        return;
    long bad = r->a->check(r->heap, stderr);
    CHECK(bad == 0, "%s: check() found %ld violation(s)", when, bad);
}

/* ---- walk() collected into an array ---- */

typedef struct wblock {
    size_t off, size;
    int used, hits;
} wblock;

typedef struct wlist {
    wblock *b;
    size_t n, cap;
    int oom;
} wlist;

static int collect(void *ctx, size_t offset, size_t size, int used) {
    wlist *w = ctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 256;
        wblock *nb = realloc(w->b, cap * sizeof *nb);
        if (!nb) {
            w->oom = 1;
            return 1;
        }
        w->b = nb;
        w->cap = cap;
    }
    w->b[w->n++] = (wblock){offset, size, used != 0, 0};
    return 0;
}

/* Walks the heap; 0 and an empty list without walk(). */
static int walk_heap(tk_run *r, wlist *w) {
    *w = (wlist){0};
    if (!r->a->walk)
        return 0;
    int rc = r->a->walk(r->heap, collect, w);
    if (w->oom) {
        fprintf(stderr, "tk_sweep: out of memory\n");
        exit(2);
    }
    CHECK(rc == 0, "walk() returned %d", rc);
    return rc == 0;
}

size_t tk_used_blocks(tk_run *r) {
    wlist w;
    if (!walk_heap(r, &w)) {
        free(w.b);
        return (size_t)-1;
    }
    size_t used = 0;
    for (size_t i = 0; i < w.n; i++)
        used += (size_t)w.b[i].used;
    free(w.b);
    return used;
}

/* Where a live block's payload sits in walk() offsets; 0 when the profile
 * cannot say (see tk_profile.handle_origin). */
static int walk_key(tk_run *r, const tk_block *b, uintptr_t lo, size_t *key) {
    uintptr_t origin = r->a->payload ? r->prof->handle_origin : lo;
    uintptr_t at = (uintptr_t)(r->a->payload ? b->h : tk_real(r, b->h));
    if (!origin || at < origin)
        return 0;
    *key = (size_t)(at - origin);
    return 1;
}

/* The last block at or before offset key, or NULL. */
static wblock *block_at(wlist *w, size_t key) {
    if (!w->n || w->b[0].off > key)
        return NULL;
    size_t a = 0, b = w->n;
    while (b - a > 1) {
        size_t m = a + (b - a) / 2;
        if (w->b[m].off <= key)
            a = m;
        else
            b = m;
    }
    return &w->b[a];
}

/* Blocks in address order and not overlapping; gapless unless the
 * profile says otherwise; a fixed region tiled from 0 to its end. */
static void check_geometry(tk_run *r, const wlist *w, size_t span) {
    int gaps = (r->prof->flags & TK_WALK_GAPS) != 0;
    size_t end = 0;
    for (size_t i = 0; i < w->n; i++) {
        const wblock *b = &w->b[i];
        CHECK(b->size > 0, "walk: a block of size 0 at offset %zu", b->off);
        if (i > 0) {
            CHECK(b->off >= end, "walk: block at %zu overlaps the one ending at %zu",
                  b->off, end);
            CHECK(gaps || b->off == end, "walk: gap from %zu to %zu", end, b->off);
        }
        end = b->off + b->size;
    }
    if (tk_is_fixed(r)) {
        CHECK(w->n > 0 && w->b[0].off == 0, "walk: the region does not start with a block");
        CHECK(end == span, "walk covers %zu of the region's %zu bytes", end, span);
    } else if (!r->a->payload && span) {
        CHECK(end <= span, "walk: blocks up to %zu in a range of %zu bytes", end, span);
    }
}

/* Each live payload inside a used block of its own, and no used block
 * without a live payload. */
static void check_placement(tk_run *r, wlist *w, uintptr_t lo) {
    size_t nused = 0, placed = 0;
    for (size_t i = 0; i < w->n; i++)
        nused += (size_t)w->b[i].used;
    CHECK(nused == r->live, "walk: %zu used blocks for %zu live payloads", nused,
          r->live);
    for (size_t i = 0; i < r->cfg->slots; i++) {
        const tk_block *s = &r->blk[i];
        size_t key;
        if (!s->h || !walk_key(r, s, lo, &key))
            continue;
        wblock *b = block_at(w, key);
        size_t n = s->n ? s->n : 1;
        CHECK(b && b->used && key + n <= b->off + b->size,
              "walk: the %zu-byte payload at offset %zu is not inside a used block", s->n,
              key);
        if (b) {
            b->hits++;
            placed++;
        }
    }
    if (placed == r->live)
        for (size_t i = 0; i < w->n; i++)
            CHECK(!w->b[i].used || w->b[i].hits == 1,
                  "walk: the used block at %zu holds %d live payloads", w->b[i].off,
                  w->b[i].hits);
}

static void check_stats_match_walk(tk_run *r, const wlist *w) {
    fb_free_stats st;
    if (!r->a->free_stats || !r->a->walk)
        return;
    CHECK(r->a->free_stats(r->heap, &st) == 0, "free_stats failed");
    size_t used_bytes = 0, free_bytes = 0, largest = 0, nfree = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->b[i].used) {
            used_bytes += w->b[i].size;
        } else {
            free_bytes += w->b[i].size;
            nfree++;
            if (w->b[i].size > largest)
                largest = w->b[i].size;
        }
    }
    CHECK(st.used_bytes == used_bytes && st.free_bytes == free_bytes &&
                 st.largest_free == largest && st.free_blocks == nfree,
          "free_stats (used %zu, free %zu, largest %zu, %zu free blocks) disagree with "
          "walk (%zu, %zu, %zu, %zu)",
          st.used_bytes, st.free_bytes, st.largest_free, st.free_blocks, used_bytes,
          free_bytes, largest, nfree);
}

static void check_footprint(tk_run *r, uintptr_t lo, uintptr_t hi) {
    size_t fp = r->a->footprint(r->heap);
    if (fp > r->res.peak_footprint)
        r->res.peak_footprint = fp;
    CHECK(fp >= r->live_bytes, "footprint %zu below the live payload %zu", fp,
          r->live_bytes);
    if (tk_is_fixed(r))
        CHECK(fp == r->fp0, "a fixed region's footprint moved from %zu to %zu", r->fp0,
              fp);
    if (r->prof->flags & TK_FOOTPRINT_PAGES)
        CHECK(fp % r->page == 0, "footprint %zu is not whole pages", fp);
    if ((r->prof->flags & TK_RANGE_IS_FOOTPRINT) && r->a->range)
        CHECK(hi - lo == fp, "range spans %zu bytes, footprint says %zu",
              (size_t)(hi - lo), fp);
    fb_free_stats st;
    if (r->a->free_stats && r->a->free_stats(r->heap, &st) == 0) {
        CHECK(st.used_bytes >= r->live_bytes,
              "free_stats: %zu used bytes hold %zu live payload bytes", st.used_bytes,
              r->live_bytes);
        CHECK(st.used_bytes + st.free_bytes <= fp,
              "free_stats: %zu used + %zu free bytes in a footprint of %zu", st.used_bytes,
              st.free_bytes, fp);
        CHECK(st.largest_free <= st.free_bytes,
              "free_stats: largest free block %zu of %zu free bytes", st.largest_free,
              st.free_bytes);
        CHECK((st.free_blocks == 0) == (st.free_bytes == 0),
              "free_stats: %zu free blocks of %zu bytes", st.free_blocks, st.free_bytes);
    }
}

void tk_sweep(tk_run *r) {
    for (size_t i = 0; i < r->cfg->slots; i++)
        if (r->blk[i].h)
            tk_intact(r, &r->blk[i], r->blk[i].n, "sweep");
    const void *lo = NULL, *hi = NULL;
    if (r->a->range)
        r->a->range(r->heap, &lo, &hi);
    check_footprint(r, (uintptr_t)lo, (uintptr_t)hi);
    wlist w;
    if (walk_heap(r, &w) && r->a->walk) {
        check_geometry(r, &w, lo ? (size_t)((const char *)hi - (const char *)lo) : 0);
        check_placement(r, &w, (uintptr_t)lo);
        check_stats_match_walk(r, &w);
    }
    free(w.b);
    tk_check_clean(r, "sweep");
}

void tk_check_empty(tk_run *r, const char *when) {
    tk_check_clean(r, when);
    size_t used = tk_used_blocks(r);
    CHECK(used == 0 || used == (size_t)-1, "%s: walk shows %zu used blocks", when,
          used);
    size_t fp = r->a->footprint(r->heap);
    if (r->prof->flags & TK_FOOTPRINT_PAGES)
        CHECK(fp % r->page == 0, "%s: footprint %zu is not whole pages", when, fp);
    fb_free_stats st;
    if (!r->a->free_stats)
        return;
    CHECK(r->a->free_stats(r->heap, &st) == 0, "%s: free_stats failed", when);
    CHECK(st.used_bytes == 0, "%s: %zu bytes still in use", when, st.used_bytes);
    if (tk_is_fixed(r)) {
        /* Coalescing leaves one free block, the whole region. */
        CHECK(fp == r->fp0, "%s: footprint %zu, was %zu", when, fp, r->fp0);
        CHECK(st.free_blocks == 1 && st.largest_free == fp,
              "%s: %zu free blocks, the largest %zu, in a %zu-byte region", when,
              st.free_blocks, st.largest_free, fp);
        if (r->a->range) {
            const void *lo, *hi;
            r->a->range(r->heap, &lo, &hi);
            CHECK((size_t)((const char *)hi - (const char *)lo) == fp,
                  "%s: range and footprint disagree", when);
        }
    }
}
