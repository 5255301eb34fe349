/*
 * fit_segstore.c: simple segregated storage, the design of slab and
 * size-class allocators (the front ends of tcmalloc, jemalloc, mimalloc):
 * the speed end of the core's trade-off.
 *
 * Requests up to SS_MAX bytes are rounded up to one of SS_NCLASS size
 * classes: multiples of 16 up to 128, then 8 classes per power of two, so
 * that no block is more than 12.5% larger than its request beyond the
 * 16-byte alignment. Each class takes its blocks from runs: a run is a
 * stretch of whole pages (FA_PTAB_BYTES each) carved for one class, a
 * 64-byte header (ss_run) and then slots of the class's size with no
 * header at all. A run keeps its free slots on a LIFO list threaded
 * through them, and hands out its never-used slots with a bump pointer, so
 * a new run touches no page before it is used. Small blocks are never
 * split or merged.
 *
 * malloc: the class from the size (a shift, or a count of leading zeros),
 * then a pop from the class's current run. free: the engine's page table
 * (h->ptab, one entry per page, giving the distance back to the run's first
 * page) finds the run from the pointer alone, a multiply finds the slot,
 * and a push puts it back: neither reads anything next to the block. When
 * the current run is used up, a partly free run of the class (its partial
 * list) or a new run becomes current. A run that becomes wholly free is
 * given back at once, as pages, to the large allocator (which may lower the
 * break), except the class's current run; that one goes back too once the
 * heap holds no live block. So each class keeps at most one empty run.
 *
 * Runs and requests above SS_MAX come from the core's coalescing
 * allocator: tlsf's lists (fit_tlsf.c, its state at the start of this
 * policy's) and the engine's boundary tags. A run is one used block marked
 * FA_B_SUB whose payload starts on a page boundary; the checker and the
 * walk hand its inside to ss_check_sub and ss_walk_sub (at the end).
 */
#include "heap_impl.h"

/* Largest small request, and the number of classes up to it. */
#define SS_MAX ((size_t)32 << 10)
#define SS_NCLASS 72
/* Bytes of a run before its first slot: the run header. */
#define SS_HDR 64
/* (off * magic_div) >> SS_DIV_SHIFT == off / size, exactly, for every
 * offset inside a run: off * size stays below 2^SS_DIV_SHIFT. */
#define SS_DIV_SHIFT 40
#define SS_MAGIC 0x53454753u

/* A run's state: current run of its class, on its class's partial list
 * (some slot free, some used), or on no list (every slot used). */
enum { SS_FULL = 0, SS_CUR = 1, SS_PARTIAL = 2 };

/* A run's header, at the start of its first page (the run block's
 * payload). The slots follow at SS_HDR; the last ends at `limit`. */
typedef struct ss_run {
    void *free;                 /* LIFO list of free slots, linked through
                                   each slot's first word */
    char *bump;                 /* first never-used slot */
    char *limit;                /* end of the last whole slot */
    struct ss_run *next, *prev; /* the class's partial list */
    uint64_t magic_div;         /* the class's, for the slot of a pointer */
    uint32_t size;              /* slot bytes */
    uint32_t used;              /* live slots */
    uint16_t cls;
    uint8_t state;
    uint8_t pad_;
    uint32_t magic;             /* SS_MAGIC while the run lives */
} ss_run;

typedef struct {
    ss_run *cur;     /* where malloc takes slots; NULL before the first */
    ss_run *partial; /* runs with free slots that are not current */
    uint32_t size, run_bytes;
    uint64_t magic_div;
    size_t runs;     /* live runs of the class, current and full included */
} ss_class;

/* After tlsf's state (FA_TLSF_STATE_BYTES at the start of pstate). */
typedef struct {
    ss_class cls[SS_NCLASS];
} ss_state;

_Static_assert(sizeof(ss_run) <= SS_HDR && SS_HDR % FA_ALIGN == 0, "the run header fits");
_Static_assert(FA_PTAB_BYTES % FA_ALIGN == 0, "run pages keep payload alignment");

static inline ss_state *ss_st(const fa_heap *h) {
    return (ss_state *)((char *)h->pstate + FA_TLSF_STATE_BYTES);
}

/* The class of a request of n <= SS_MAX bytes. */
static inline unsigned ss_class_of(size_t n) {
    if (n <= 128)
        return n ? (unsigned)((n + 15) >> 4) - 1 : 0;
    unsigned lg = 63u - (unsigned)__builtin_clzll(n - 1);
    return 8 + (lg - 7) * 8 + (unsigned)(((n - 1) >> (lg - 3)) & 7);
}

/* The run holding p (inside the heap), or NULL when p's page is in none. */
static inline ss_run *ss_run_of(const fa_heap *h, const void *p) {
    size_t pg = (size_t)((const char *)p - h->region) >> FA_PTAB_SHIFT;
    uint32_t e = h->ptab[pg];
    return e ? (ss_run *)(h->region + ((pg + 1 - e) << FA_PTAB_SHIFT)) : NULL;
}

/* The start of the slot of run r holding p (p at or past the first slot). */
static inline char *ss_slot_of(const ss_run *r, const void *p) {
    char *base = (char *)r + SS_HDR;
    size_t off = (size_t)((const char *)p - base);
    return base + ((off * r->magic_div) >> SS_DIV_SHIFT) * r->size;
}

static long ss_check(fa_heap *h, FILE *log, size_t *listed);
static long ss_check_sub(fa_heap *h, fa_block *b, FILE *log, fa_stats *st, size_t *live);
static int ss_walk_sub(fa_heap *h, fa_block *b, fa_block_fn fn, void *ctx);

/* The smallest run: refills are rare enough, and a small heap stays small. */
#define SS_RUN_MIN ((size_t)8 << 10)
/* Slots per run at least, so that a run's header and tail stay a small part
 * of it even for the largest class. */
#define SS_MIN_SLOTS 8

static size_t ss_class_size(unsigned c) {
    if (c < 8)
        return (size_t)(c + 1) * 16;
    unsigned lg = 7 + (c - 8) / 8, k = (c - 8) % 8;
    return ((size_t)1 << lg) + (size_t)(k + 1) * ((size_t)1 << (lg - 3));
}

_Static_assert(SS_MAX == ((size_t)1 << 15) && SS_NCLASS == 8 + 8 * 8,
               "the classes end at SS_MAX: 8 of 16 bytes, then 8 per power of two from 128");

/* Run bytes for a class: at least SS_MIN_SLOTS slots and SS_RUN_MIN, in
 * whole pages; of the next four page counts, the one wasting the smallest
 * fraction at its end. */
static size_t ss_run_bytes(size_t size) {
    size_t need = SS_HDR + FA_WORD + SS_MIN_SLOTS * size;
    if (need < SS_RUN_MIN)
        need = SS_RUN_MIN;
    size_t pages = (need + FA_PTAB_BYTES - 1) / FA_PTAB_BYTES, best = pages;
    double best_waste = 1.0;
    for (size_t p = pages; p < pages + 4; p++) {
        size_t bytes = p * FA_PTAB_BYTES, room = bytes - FA_WORD - SS_HDR;
        double waste = (double)(room % size) / (double)bytes;
        if (waste < best_waste - 1e-9) {
            best_waste = waste;
            best = p;
        }
    }
    return best * FA_PTAB_BYTES;
}

static void ss_init(fa_heap *h) {
    fa_policy_tlsf.init(h);
    ss_state *s = ss_st(h);
    for (unsigned c = 0; c < SS_NCLASS; c++) {
        ss_class *k = &s->cls[c];
        k->size = (uint32_t)ss_class_size(c);
        k->run_bytes = (uint32_t)ss_run_bytes(k->size);
        k->magic_div = ((uint64_t)1 << SS_DIV_SHIFT) / k->size + 1;
    }
}

/* The boundary-tag side is tlsf's, unchanged. */
static fa_block *ss_find(fa_heap *h, size_t asize) { return fa_policy_tlsf.find(h, asize); }
static void ss_insert(fa_heap *h, fa_block *b) { fa_policy_tlsf.insert(h, b); }
static void ss_remove(fa_heap *h, fa_block *b) { fa_policy_tlsf.remove(h, b); }

/* ------------------------------------------------------------- runs */

/* Bytes from p up to the next page boundary (0 when on one), raised by a
 * page when the gap could not stand as a free block. */
static size_t ss_gap(const fa_heap *h, const char *p) {
    size_t off = (size_t)(p - h->region) % FA_PTAB_BYTES;
    size_t gap = off ? FA_PTAB_BYTES - off : 0;
    return gap && gap < FA_MIN_BLOCK ? gap + FA_PTAB_BYTES : gap;
}

/* Used block b of S bytes becomes a run of class c: the run's block starts
 * where its payload falls on a page boundary; what lies before and after
 * goes back to the large allocator when it can stand as a block. */
static ss_run *ss_carve(fa_heap *h, fa_block *b, size_t S, unsigned c) {
    ss_class *k = &ss_st(h)->cls[c];
    size_t front = ss_gap(h, (char *)fa_blk_payload(b)), rsize = k->run_bytes;
    size_t tail = S - front - rsize;
    if (tail < FA_MIN_BLOCK) {
        rsize += tail;
        tail = 0;
    }
    size_t pa = b->head & FA_B_PREV_ALLOC;
    fa_block *rb = (fa_block *)((char *)b + front);
    rb->head = rsize | FA_B_ALLOC | FA_B_SUB | (front ? FA_B_PREV_ALLOC : pa);
    if (tail) {
        fa_block *tb = fa_blk_next(rb);
        tb->head = tail | FA_B_ALLOC | FA_B_PREV_ALLOC;
        fa_bt_release(h, tb);
    }
    if (front) {
        b->head = front | FA_B_ALLOC | pa;
        fa_bt_release(h, b);
    }
    ss_run *r = fa_blk_payload(rb);
    char *base = (char *)r + SS_HDR;
    size_t slots = (k->run_bytes - FA_WORD - SS_HDR) / k->size;
    *r = (ss_run){.bump = base, .limit = base + slots * k->size, .magic_div = k->magic_div,
                  .size = k->size, .cls = (uint16_t)c, .state = SS_CUR, .magic = SS_MAGIC};
    size_t first = (size_t)((char *)r - h->region) >> FA_PTAB_SHIFT;
    for (size_t i = 0; i < k->run_bytes / FA_PTAB_BYTES; i++)
        h->ptab[first + i] = (uint32_t)(i + 1);
    k->runs++;
    return r;
}

/* A new run of class c: from a free block of the large allocator with room
 * for the run at a page boundary, else at the break, where the gap before
 * the page boundary is all it costs (a run ends where the next run's block
 * would start). */
static ss_run *ss_run_new(fa_heap *h, unsigned c) {
    size_t rbytes = ss_st(h)->cls[c].run_bytes;
    fa_block *b = fa_policy_tlsf.find(h, rbytes + FA_PTAB_BYTES + FA_MIN_BLOCK);
    size_t S;
    if (b) {
        fa_policy_tlsf.remove(h, b);
        S = fa_blk_size(b);
    } else {
        S = ss_gap(h, h->brk) + rbytes;
        b = fa_brk_grow(h, S);
        if (!b)
            return NULL;
    }
    b->head = S | FA_B_ALLOC | (b->head & FA_B_PREV_ALLOC);
    fa_blk_set_prev_used(fa_blk_next(b), 1);
    return ss_carve(h, b, S, c);
}

/* Gives a wholly free run back to the large allocator. */
static void ss_run_free(fa_heap *h, ss_run *r) {
    ss_class *k = &ss_st(h)->cls[r->cls];
    size_t first = (size_t)((char *)r - h->region) >> FA_PTAB_SHIFT;
    memset(&h->ptab[first], 0, k->run_bytes / FA_PTAB_BYTES * sizeof(uint32_t));
    r->magic = 0;
    k->runs--;
    fa_bt_release(h, fa_blk_of(r));
}

static void ss_partial_push(ss_class *k, ss_run *r) {
    r->state = SS_PARTIAL;
    r->prev = NULL;
    r->next = k->partial;
    if (k->partial)
        k->partial->prev = r;
    k->partial = r;
}

static void ss_partial_unlink(ss_class *k, ss_run *r) {
    if (r->prev)
        r->prev->next = r->next;
    else
        k->partial = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->next = r->prev = NULL;
}

/* ----------------------------------------------------------- malloc */

static inline void *ss_take(ss_run *r) {
    void **b = r->free;
    if (b) {
        r->free = *b;
        r->used++;
        return b;
    }
    if (r->bump < r->limit) {
        b = (void **)r->bump;
        r->bump += r->size;
        r->used++;
        return b;
    }
    return NULL;
}

/* The current run of class c is used up (or there is none): a partial run
 * or a new one takes its place. */
static __attribute__((noinline)) void *ss_refill(fa_heap *h, unsigned c) {
    ss_class *k = &ss_st(h)->cls[c];
    if (k->cur)
        k->cur->state = SS_FULL;
    ss_run *r = k->partial;
    if (r)
        ss_partial_unlink(k, r);
    else
        r = ss_run_new(h, c);
    k->cur = r;
    if (!r)
        return NULL;
    r->state = SS_CUR;
    return ss_take(r);
}

static __attribute__((noinline)) void *ss_large(fa_heap *h, size_t n) {
    return fa_bt_alloc(h, fa_adjust(n));
}

static void *ss_malloc(fa_heap *h, size_t n) {
    if (__builtin_expect(n > SS_MAX, 0))
        return ss_large(h, n);
    unsigned c = ss_class_of(n);
    ss_run *r = ss_st(h)->cls[c].cur;
    void *b = r ? ss_take(r) : NULL;
    return __builtin_expect(b != NULL, 1) ? b : ss_refill(h, c);
}

/* ------------------------------------------------------------- free */

/* The block holding large live payload p (p's own, or the one an aligned
 * payload's stub points back to). */
static fa_block *ss_large_block(const void *p) {
    fa_block *b = fa_blk_of(p);
    return fa_blk_is_stub(b) ? fa_blk_of((const char *)p - fa_blk_size(b)) : b;
}

/* Every empty current run goes back: the heap holds no live block. */
static void ss_drop_empty(fa_heap *h) {
    ss_state *s = ss_st(h);
    for (unsigned c = 0; c < SS_NCLASS; c++) {
        ss_run *r = s->cls[c].cur;
        if (r && r->used == 0) {
            s->cls[c].cur = NULL;
            ss_run_free(h, r);
        }
    }
}

/* A free that made run r partial, or empty. */
static __attribute__((noinline)) void ss_free_slow(fa_heap *h, ss_run *r) {
    ss_class *k = &ss_st(h)->cls[r->cls];
    if (r->state == SS_FULL)
        ss_partial_push(k, r);
    if (r->used == 0) {
        if (r->state == SS_PARTIAL) {
            ss_partial_unlink(k, r);
            ss_run_free(h, r);
        }
        if (h->live == 0)
            ss_drop_empty(h);
    }
}

static void ss_free(fa_heap *h, void *p) {
    ss_run *r = ss_run_of(h, p);
    if (__builtin_expect(r == NULL, 0)) {
        fa_bt_release(h, ss_large_block(p));
        if (h->live == 0)
            ss_drop_empty(h);
        return;
    }
    void **b = (void **)ss_slot_of(r, p);
    *b = r->free;
    r->free = b;
    if (--r->used == 0 || r->state == SS_FULL)
        ss_free_slow(h, r);
}

/* ------------------------------------------------- realloc and sizes */

static size_t ss_usable(fa_heap *h, const void *p) {
    ss_run *r = ss_run_of(h, p);
    if (r)
        return (size_t)(ss_slot_of(r, p) + r->size - (const char *)p);
    fa_block *b = ss_large_block(p);
    return (size_t)((char *)b + fa_blk_size(b) - (const char *)p);
}

/* In place while the request keeps its class (small) or stays large and
 * unaligned (the boundary tags grow or shrink it); else moved. */
static void *ss_realloc(fa_heap *h, void *p, size_t n) {
    ss_run *r = ss_run_of(h, p);
    if (r && n <= SS_MAX && ss_class_of(n) == r->cls && n <= ss_usable(h, p))
        return p;
    if (!r && n > SS_MAX && !fa_blk_is_stub(fa_blk_of(p)))
        return fa_bt_realloc(h, fa_blk_of(p), n);
    size_t have = ss_usable(h, p);
    void *np = ss_malloc(h, n);
    if (!np)
        return NULL;
    memcpy(np, p, have < n ? have : n);
    ss_free(h, p);
    return np;
}

/* A pointer that is not live: in a run, a slot's start was freed (or never
 * handed out) and anything else is inside one; elsewhere, the engine
 * decides by the boundary tags. */
static enum fa_error ss_classify(const fa_heap *h, const void *p) {
    ss_run *r = ss_run_of(h, p);
    if (!r)
        return FA_OK;
    const char *c = p;
    if (c < (char *)r + SS_HDR || c >= r->limit)
        return FA_EINTERIOR;
    return ss_slot_of(r, p) == c ? FA_EDOUBLE : FA_EINTERIOR;
}

/* ----------------------------------------------------------- checks */

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
    if (r->limit != base + (k->run_bytes - FA_WORD - SS_HDR) / k->size * k->size)
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
    if (c < h->region + FA_PAD + FA_WORD || c >= h->brk || (size_t)(c - h->region) % FA_PTAB_BYTES)
        return 0;
    return h->ptab[(size_t)(c - h->region) >> FA_PTAB_SHIFT] == 1 && !ss_header_bad(h, r);
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
 * the engine's bitmap (one bit per granule, heap.c) a word at a time where
 * it can: a run's uncarved tail can be long. */
static int ss_bits(const fa_heap *h, const char *s, size_t n, const char **at) {
    size_t g = (size_t)(s - h->region) / FA_ALIGN, e = g + n / FA_ALIGN;
    int bits = 0;
    while (g < e) {
        if (g % 64 == 0 && e - g >= 64) {
            uint64_t w;
            memcpy(&w, h->bitmap + g / 8, sizeof w);
            if (w) {
                bits += __builtin_popcountll(w);
                *at = h->region + (g + 63 - (size_t)__builtin_clzll(w)) * FA_ALIGN;
            }
            g += 64;
            continue;
        }
        if ((h->bitmap[g / 8] >> (g % 8)) & 1) {
            bits++;
            *at = h->region + g * FA_ALIGN;
        }
        g++;
    }
    return bits;
}
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ss_bits reads the bitmap's bytes as words");

static void ss_note_free(fa_stats *st, size_t n) {
    st->free_blocks++;
    st->free_bytes += n;
    if (n > st->largest_free)
        st->largest_free = n;
}

/* One run: its header, its pages in the page table, its free list within
 * its carved slots, one live payload in each used slot and none elsewhere,
 * its live count and its state. */
static long ss_check_sub(fa_heap *h, fa_block *rb, FILE *log, fa_stats *st, size_t *live) {
    long bad = 0;
    ss_run *r = fa_blk_payload(rb);
    size_t off = (size_t)((char *)rb - h->region), bsz = fa_blk_size(rb);
    const char *why = (size_t)((char *)r - h->region) % FA_PTAB_BYTES ? "not on a page boundary"
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
        if (h->ptab[first + i] != i + 1) {
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
    for (const char *s = base; s < r->bump; s += r->size) {
        int bits = ss_bits(h, s, r->size, &at);
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
    if (ss_bits(h, (char *)r, SS_HDR, &at) || ss_bits(h, r->bump, (size_t)((char *)rb + bsz - r->bump), &at))
        fa_report(log, &bad, "segstore: run at offset %zu: a live payload outside its carved slots",
                  off);
    if (r->bump < r->limit)
        ss_note_free(st, (size_t)(r->limit - r->bump));
    if (used != r->used)
        fa_report(log, &bad, "segstore: run at offset %zu counts %u live slots, %zu found", off,
                  r->used, used);
    if (!broken && empty != nfree)
        fa_report(log, &bad, "segstore: run at offset %zu has %zu free slots, %zu on its list", off,
                  empty, nfree);
    int has_free = nfree || r->bump < r->limit;
    if ((r->state == SS_CUR) != (k->cur == r) || (r->state == SS_FULL && has_free) ||
        (r->state == SS_PARTIAL && (!has_free || r->used == 0)))
        fa_report(log, &bad, "segstore: run at offset %zu: state %u (%s current) with %u used, %s free",
                  off, r->state, k->cur == r ? "is" : "not", r->used, has_free ? "some" : "none");
    return bad;
}

/* The class lists: each class's table entry, its run count against the
 * runs in the heap, its current run, its partial list (doubly linked,
 * runs of the class with free slots and live ones). Adds the free slots
 * and tails they hold to *listed. */
static long ss_check(fa_heap *h, FILE *log, size_t *listed) {
    long bad = fa_policy_tlsf.check(h, log, listed);
    ss_state *s = ss_st(h);
    size_t runs[SS_NCLASS] = {0}, steps = 0, limit = fa_heap_footprint(h) / FA_MIN_BLOCK + 1;
    fa_block *end = fa_epilogue(h);
    for (fa_block *b = fa_first_block(h); b < end && steps++ < limit; b = fa_blk_next(b)) {
        if (fa_blk_size(b) < FA_MIN_BLOCK)
            break; /* the engine's walk reports it */
        ss_run *r = fa_blk_payload(b);
        if (fa_blk_used(b) && fa_blk_is_sub(b) && ss_run_plausible(h, r))
            runs[r->cls]++;
    }
    for (unsigned c = 0; c < SS_NCLASS; c++) {
        ss_class *k = &s->cls[c];
        size_t size = ss_class_size(c);
        if (k->size != size || k->run_bytes != ss_run_bytes(size) ||
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
    return bad;
}

/* The stretches of one run for fa_heap_walk: its header (used), each
 * carved slot, the uncarved tail (free), the bytes after the last slot. */
static int ss_walk_sub(fa_heap *h, fa_block *rb, fa_block_fn fn, void *ctx) {
    ss_run *r = fa_blk_payload(rb);
    char *end = (char *)rb + fa_blk_size(rb);
    if (ss_header_bad(h, r))
        return fn(ctx, (size_t)((char *)rb - h->region), fa_blk_size(rb), 1);
    char *base = (char *)r + SS_HDR;
    const char *at;
    int rc = fn(ctx, (size_t)((char *)rb - h->region), (size_t)(base - (char *)rb), 1);
    for (char *s = base; !rc && s < r->bump; s += r->size)
        rc = fn(ctx, (size_t)(s - h->region), r->size, ss_bits(h, s, r->size, &at) != 0);
    if (!rc && r->bump < r->limit)
        rc = fn(ctx, (size_t)(r->bump - h->region), (size_t)(r->limit - r->bump), 0);
    if (!rc && r->limit < end)
        rc = fn(ctx, (size_t)(r->limit - h->region), (size_t)(end - r->limit), 1);
    return rc;
}

const fa_policy fa_policy_segstore = {
    .name = "segstore",
    .summary = "simple segregated storage: size classes in page runs, LIFO, no split or merge; "
               "large blocks by tlsf",
    .flags = FA_POL_COALESCE | FA_POL_PAGETAB,
    .state_size = FA_TLSF_STATE_BYTES + sizeof(ss_state),
    .init = ss_init,
    .find = ss_find,
    .insert = ss_insert,
    .remove = ss_remove,
    .check = ss_check,
    .p_malloc = ss_malloc,
    .p_free = ss_free,
    .p_realloc = ss_realloc,
    .p_usable = ss_usable,
    .p_classify = ss_classify,
    .check_sub = ss_check_sub,
    .walk_sub = ss_walk_sub,
};
