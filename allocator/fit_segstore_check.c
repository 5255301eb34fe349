/*
 * fit_segstore_check.c: segstore's heap checker (the policy's check,
 * check_sub and walk_sub; the contract is in heap_impl.h). What it
 * verifies, beyond the engine's walk of the boundary-tag blocks:
 *  - each run: its block's payload on a page boundary, its header (at its
 *    colour's line: magic, class, slot size, limit, bump pointer, state),
 *    its block's size, every one of its pages mapped to it (with its
 *    class) in the page table;
 *  - its free list: links only to carved slots of its own, without a live
 *    payload, no cycle; one live payload at most in each slot and none in
 *    the header or past the carved slots; slots handed out = live slots +
 *    its slots in the class cache, and not 0 (a wholly free run goes back);
 *  - each class: its table entry, its run count against the runs in the
 *    heap, its current run, its partial list (doubly linked, of its class,
 *    runs with free slots and live ones), its cache (free slots of the
 *    class, fewer than its bound);
 *  - across classes: slots handed out = live small payloads + cached slots,
 *    and the listed free blocks (tlsf's, run lists, run tails, caches) are
 *    as many as the free blocks the walk finds.
 * The heap's statistics count slots as blocks (a run's uncarved tail as one
 * free block) and a run's header and slack as overhead.
 */
#include "fit_segstore.h"

int fa_bit_is_set(const fa_heap *h, const void *payload);
size_t fa_requested(const fa_heap *h, const void *payload);

/* What is wrong with the header of run r, or NULL; nothing else of the run
 * is read before this says it can be trusted. */
static const char *ss_header_bad(const fa_heap *h, const ss_run *r) {
    if (r->magic != SS_MAGIC)
        return "no run header (magic)";
    if (r->cls >= SS_NCLASS)
        return "class out of range";
    const ss_class *k = &ss_st(h)->cls[r->cls];
    const char *base = (const char *)r + SS_HDR;
    if (r->size != k->size || r->magic_div != k->magic_div)
        return "slot size is not its class's";
    if (r->limit != ss_limit(r, k->run_bytes, k->size, ss_color(ss_first_pg(h, r))))
        return "slot limit is not its class's";
    if (r->bump < base || r->bump > r->limit || (size_t)(r->bump - base) % r->size)
        return "bump pointer is not at a slot boundary inside the run";
    if (r->state > SS_PARTIAL)
        return "state out of range";
    return NULL;
}

/* A run pointer from the class lists that can be read: inside the heap, at
 * the first page of a run in the page table. */
static int ss_run_plausible(const fa_heap *h, const ss_run *r) {
    const char *c = (const char *)r;
    if (c < h->region + FA_PAD + FA_WORD || c >= h->brk || r != ss_run_at(h, ss_first_pg(h, r)))
        return 0;
    return (h->ptab[(size_t)(c - h->region) >> FA_PTAB_SHIFT] & SS_DIST_MASK) == 1 &&
           !ss_header_bad(h, r);
}

/* The links on r's free list, stopping (and setting *broken) at one that is
 * not the start of a carved slot without a live payload, or past as many
 * links as r has slots (a cycle). */
static size_t ss_list_walk(const fa_heap *h, const ss_run *r, int *broken) {
    const char *base = (const char *)r + SS_HDR;
    size_t cap = (size_t)(r->limit - base) / r->size, n = 0;
    *broken = 0;
    for (const char *b = r->free; b; b = *(char *const *)b, n++)
        if (n == cap || b < base || b >= r->bump || (size_t)(b - base) % r->size ||
            fa_bit_is_set(h, b)) {
            *broken = 1;
            break;
        }
    return n;
}

/* Free slots and the uncarved tail of r: what the class lists hold. */
static size_t ss_listed(const fa_heap *h, const ss_run *r) {
    int broken;
    return ss_list_walk(h, r, &broken) + (r->bump < r->limit);
}

/* Live bits in [s, s + n) (both 16-aligned); *at is the last one. Reads
 * the engine's bitmap (one bit per granule, heap.c) a word at a time: a
 * run's uncarved tail can be long. */
static int ss_bits(const fa_heap *h, const char *s, size_t n, const char **at) {
    size_t g = (size_t)(s - h->region) / FA_ALIGN, e = g + n / FA_ALIGN;
    int bits = 0;
    while (g < e) {
        size_t word = g / 64, lo = g % 64, hi = e - word * 64 < 64 ? e - word * 64 : 64;
        uint64_t w;
        memcpy(&w, h->bitmap + word * 8, sizeof w);
        w &= (hi == 64 ? ~(uint64_t)0 : ((uint64_t)1 << hi) - 1) & ~(((uint64_t)1 << lo) - 1);
        if (w) {
            bits += __builtin_popcountll(w);
            *at = h->region + (word * 64 + 63 - (size_t)__builtin_clzll(w)) * FA_ALIGN;
        }
        g = word * 64 + hi;
    }
    return bits;
}
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ss_bits reads the bitmap's bytes as words");

static int ss_bit(const fa_heap *h, const char *p) {
    size_t g = (size_t)(p - h->region) / FA_ALIGN;
    return (h->bitmap[g / 8] >> (g % 8)) & 1;
}

static void ss_note_free(fa_stats *st, size_t n) {
    st->free_blocks++;
    st->free_bytes += n;
    if (n > st->largest_free)
        st->largest_free = n;
}

/* One run: its header, its pages in the page table, its free list within
 * its carved slots, one live payload in each used slot and none elsewhere,
 * its live count and its state. */
long fa_ss_check_sub(fa_heap *h, fa_block *rb, FILE *log, fa_stats *st, size_t *live) {
    long bad = 0;
    char *pay = fa_blk_payload(rb);
    ss_run *r = ss_run_at(h, ss_first_pg(h, pay));
    size_t off = (size_t)((char *)rb - h->region), bsz = fa_blk_size(rb);
    const char *why = (size_t)(pay - h->region) % FA_PTAB_BYTES ? "not on a page boundary"
                                                               : ss_header_bad(h, r);
    if (why) {
        fa_report(log, &bad, "segstore: run block at offset %zu: %s", off, why);
        return bad;
    }
    ss_class *k = &ss_st(h)->cls[r->cls];
    if (bsz < k->run_bytes || bsz - k->run_bytes >= FA_MIN_BLOCK)
        fa_report(log, &bad, "segstore: run block at offset %zu has %zu bytes for a run of %u", off,
                  bsz, k->run_bytes);
    size_t first = (size_t)((char *)r - h->region) >> FA_PTAB_SHIFT, pages = k->run_bytes / FA_PTAB_BYTES;
    for (size_t i = 0; i < pages; i++)
        if (h->ptab[first + i] != ((uint32_t)r->cls << SS_CLS_SHIFT | (uint32_t)(i + 1))) {
            fa_report(log, &bad, "segstore: page %zu of the run at offset %zu is not mapped to it", i,
                      off);
            break;
        }
    int broken;
    size_t nfree = ss_list_walk(h, r, &broken), used = 0, empty = 0;
    if (broken)
        fa_report(log, &bad, "segstore: run at offset %zu: a free-list link is not a free slot of it",
                  off);
    const char *base = (char *)r + SS_HDR, *at = NULL;
    /* When every live payload of the run is at a slot start (no aligned
     * one inside a slot), one bit per slot tells its state. */
    size_t starts = 0;
    for (const char *s = base; s < r->bump; s += r->size)
        starts += ss_bit(h, s);
    int exact = (size_t)ss_bits(h, base, (size_t)(r->bump - base), &at) == starts;
    for (const char *s = base; s < r->bump; s += r->size) {
        int bits = exact ? ss_bit(h, s) : ss_bits(h, s, r->size, &at);
        if (exact)
            at = s;
        if (bits > 1)
            fa_report(log, &bad, "segstore: slot at offset %zu holds %d live payloads",
                      (size_t)(s - h->region), bits);
        *live += (size_t)bits;
        if (!bits) {
            empty++;
            ss_note_free(st, r->size);
            continue;
        }
        used++;
        st->used_blocks++;
        st->used_bytes += r->size;
        if (h->reqs) {
            size_t req = fa_requested(h, at);
            if (req > (size_t)(s + r->size - at))
                fa_report(log, &bad, "segstore: slot at offset %zu: request %zu exceeds it",
                          (size_t)(s - h->region), req);
            st->payload_bytes += req;
        }
    }
    if (ss_bits(h, pay, (size_t)(base - pay), &at) ||
        ss_bits(h, r->bump, (size_t)((char *)rb + bsz - r->bump), &at))
        fa_report(log, &bad, "segstore: run at offset %zu: a live payload outside its carved slots",
                  off);
    if (r->bump < r->limit)
        ss_note_free(st, (size_t)(r->limit - r->bump));
    /* Every carved slot is on the run's list or handed out; a handed-out
     * slot without a live payload is in the class cache (fa_ss_check counts
     * those). */
    if (!broken && (used + empty != nfree + r->used || used > r->used))
        fa_report(log, &bad, "segstore: run at offset %zu: %u slots handed out, %zu free on its "
                  "list, but %zu live and %zu free slots", off, r->used, nfree, used, empty);
    int has_free = nfree || r->bump < r->limit;
    if ((r->state == SS_CUR) != (k->cur == r) || (r->state == SS_FULL && has_free) ||
        (r->state == SS_PARTIAL && !has_free) || r->used == 0)
        fa_report(log, &bad, "segstore: run at offset %zu: state %u (%s current) with %u used, %s free",
                  off, r->state, k->cur == r ? "is" : "not", r->used, has_free ? "some" : "none");
    return bad;
}

/* Inserts p into an open-addressing set of 2 * SS_CACHE_MAX slots; 0 when
 * it was there already. */
static int ss_set_add(const void **set, const void *p) {
    size_t i = (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull >> 56);
    for (; set[i % (2 * SS_CACHE_MAX)]; i++)
        if (set[i % (2 * SS_CACHE_MAX)] == p)
            return 0;
    set[i % (2 * SS_CACHE_MAX)] = p;
    return 1;
}

/* Class k's cache (class c): every entry a carved slot of a run of class c
 * without a live payload, none twice, and fewer than its bound (a free that reaches
 * the bound flushes half).
 * Returns the links walked. */
static size_t ss_check_cache(const fa_heap *h, const ss_class *k, unsigned c, FILE *log,
                             long *bad) {
    size_t n = 0;
    if (k->count >= k->max)
        fa_report(log, bad, "segstore: class %u's cache holds %u slots, at or above its bound %u", c,
                  k->count, k->max);
    const void *set[2 * SS_CACHE_MAX] = {0};
    const ss_run *trusted = NULL; /* the last run whose header was checked */
    for (; n < k->count && n < SS_CACHE_MAX; n++) {
        const char *b = k->cache[n];
        ss_class *kb;
        ss_run *r;
        char *slot;
        if (b < h->region + FA_PAD + FA_WORD || b >= h->brk ||
            (uintptr_t)b % FA_ALIGN || !ss_locate(h, b, &kb, &r, &slot) || kb != k ||
            (r != trusted && !ss_run_plausible(h, r)) || slot != b ||
            b < (char *)r + SS_HDR || b >= r->bump || fa_bit_is_set(h, b)) {
            fa_report(log, bad, "segstore: class %u's cache: entry %zu is not a free slot of the "
                      "class", c, n);
            return n;
        }
        trusted = r;
        if (!ss_set_add(set, b)) {
            fa_report(log, bad, "segstore: class %u's cache holds a slot twice", c);
            return n;
        }
    }
    return n;
}

/* The class lists: each class's table entry, its run count against the
 * runs in the heap, its current run, its partial list (doubly linked,
 * runs of the class with free slots and live ones). Adds the free slots
 * and tails they hold to *listed. */
long fa_ss_check(fa_heap *h, FILE *log, size_t *listed) {
    long bad = fa_policy_tlsf.check(h, log, listed);
    ss_state *s = ss_st(h);
    size_t runs[SS_NCLASS] = {0}, steps = 0, limit = fa_heap_footprint(h) / FA_MIN_BLOCK + 1;
    size_t large = 0, handed = 0, cached = 0;
    fa_block *end = fa_epilogue(h);
    for (fa_block *b = fa_first_block(h); b < end && steps++ < limit; b = fa_blk_next(b)) {
        if (fa_blk_size(b) < FA_MIN_BLOCK)
            break; /* the engine's walk reports it */
        char *pay = fa_blk_payload(b);
        ss_run *r = ss_run_at(h, ss_first_pg(h, pay));
        if (fa_blk_used(b) && fa_blk_is_sub(b) && (size_t)(pay - h->region) % FA_PTAB_BYTES == 0 &&
            ss_run_plausible(h, r)) {
            runs[r->cls]++;
            handed += r->used;
        } else if (fa_blk_used(b)) {
            large++;
        }
    }
    for (unsigned c = 0; c < SS_NCLASS; c++) {
        ss_class *k = &s->cls[c];
        size_t size = ss_class_size(c);
        if (k->size != size || k->run_bytes != ss_run_bytes(size) || k->max != ss_cache_max(size) ||
            k->magic_div != ((uint64_t)1 << SS_DIV_SHIFT) / size + 1)
            fa_report(log, &bad, "segstore: class %u's table entry is wrong", c);
        if (k->runs != runs[c])
            fa_report(log, &bad, "segstore: class %u (%zu bytes) counts %zu runs, the heap holds %zu",
                      c, size, k->runs, runs[c]);
        if (k->cur) {
            if (!ss_run_plausible(h, k->cur) || k->cur->cls != c)
                fa_report(log, &bad, "segstore: class %u's current run is not a run of it", c);
            else
                *listed += ss_listed(h, k->cur);
        }
        cached += ss_check_cache(h, k, c, log, &bad);
        *listed += k->count;
        size_t n = 0;
        ss_run *prev = NULL;
        for (ss_run *r = k->partial; r; prev = r, r = r->next) {
            if (++n > runs[c] || !ss_run_plausible(h, r) || r->cls != c) {
                fa_report(log, &bad, "segstore: class %u's partial list holds something that is not "
                          "one of its runs (or loops)", c);
                break;
            }
            if (r->prev != prev || r == k->cur || r->state != SS_PARTIAL)
                fa_report(log, &bad, "segstore: class %u: partial run at offset %zu is mislinked", c,
                          (size_t)((char *)r - h->region));
            *listed += ss_listed(h, r);
        }
    }
    if (h->live < large || handed != h->live - large + cached)
        fa_report(log, &bad, "segstore: runs count %zu slots handed out, but %zu small payloads "
                  "are live and %zu slots cached", handed, h->live - large, cached);
    return bad;
}

/* The blocks of one run for fa_heap_walk: each carved slot, and the
 * uncarved tail as one free block (as the checker's statistics count
 * them). The run header and the bytes after the last slot are no block and
 * are left out, as the walk leaves out the heap's padding and epilogue. */
int fa_ss_walk_sub(fa_heap *h, fa_block *rb, fa_block_fn fn, void *ctx) {
    ss_run *r = ss_run_at(h, ss_first_pg(h, fa_blk_payload(rb)));
    if (ss_header_bad(h, r))
        return fn(ctx, (size_t)((char *)rb - h->region), fa_blk_size(rb), 1);
    const char *at;
    int rc = 0;
    for (char *s = (char *)r + SS_HDR; !rc && s < r->bump; s += r->size)
        rc = fn(ctx, (size_t)(s - h->region), r->size, ss_bits(h, s, r->size, &at) != 0);
    if (!rc && r->bump < r->limit)
        rc = fn(ctx, (size_t)(r->bump - h->region), (size_t)(r->limit - r->bump), 0);
    return rc;
}

