/*
 * heap.c: the heap engine of the allocator core.
 *
 * It owns the region (reservation, break, committed pages), the pointer
 * bitmap that validates every pointer handed back to it, and the
 * boundary-tag operations shared by the free-list policies: place (split),
 * coalesce, extend at the break, trim at the break, realloc in place.
 * Where a block goes is the policy's business (fit_*.c, through the
 * fa_policy table); how blocks are laid out is this file's (heap_impl.h).
 *
 * Out-of-band validation: a bit per 16-byte granule of the region is set
 * exactly when a live payload starts there. fa_free and fa_realloc look the
 * bit up before they read any header, so a foreign, interior or already
 * freed pointer is rejected without touching the heap (a header next to a
 * bad pointer could hold anything: user bytes, another block's data). For a
 * live bit, the headers the call is about to follow are checked first
 * (validate.h), so an overflow into them is refused, not followed; what a
 * bad pointer is (double free, interior...) check.c works out.
 */
#include "heap_impl.h"
#include "validate.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>

#define FA_POLICY_REF(id, name) &fa_policy_##id,
static const fa_policy *const fa_policies[] = {FA_POLICIES(FA_POLICY_REF)};
#undef FA_POLICY_REF
#define FA_NPOLICIES (sizeof fa_policies / sizeof fa_policies[0])

/* How far the committed pages run ahead of the break when it grows, so
 * that a replay growing by a few bytes at a time does not pay a system call
 * per page. */
#define FA_COMMIT_CHUNK ((size_t)256 << 10)

size_t fa_policy_count(void) { return FA_NPOLICIES; }

const char *fa_policy_name(size_t i) {
    return i < FA_NPOLICIES ? fa_policies[i]->name : NULL;
}

static const fa_policy *policy_lookup(const char *name) {
    if (!name)
        return NULL;
    for (size_t i = 0; i < FA_NPOLICIES; i++)
        if (strcmp(fa_policies[i]->name, name) == 0)
            return fa_policies[i];
    return NULL;
}

const char *fa_policy_summary(const char *name) {
    const fa_policy *p = policy_lookup(name);
    return p ? p->summary : NULL;
}

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

static void *map_bytes(size_t n, int prot) {
    void *p = mmap(NULL, n, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* ---------------------------------------------------------------- bitmap */

static size_t granule(const fa_heap *h, const void *p) {
    return (size_t)((const char *)p - h->region) / FA_ALIGN;
}
static int bit_get(const fa_heap *h, size_t g) { return (h->bitmap[g >> 3] >> (g & 7)) & 1; }
static void bit_set(fa_heap *h, size_t g) { h->bitmap[g >> 3] |= (uint8_t)(1u << (g & 7)); }
static void bit_clear(fa_heap *h, size_t g) { h->bitmap[g >> 3] &= (uint8_t)~(1u << (g & 7)); }

static void note_live(fa_heap *h, void *p, size_t n) {
    size_t g = granule(h, p);
    bit_set(h, g);
    h->live++;
    if (h->reqs)
        h->reqs[g] = n;
}

/* The block of p when p is a live payload whose headers look right; else
 * NULL and *err says why. The bitmap is read first, the headers only for
 * a live bit; a dead pointer is named by check.c, off the fast path. */
static inline int live_bit(const fa_heap *h, const void *p) {
    const char *c = p;
    return c >= h->region + FA_PAD + FA_WORD && c < h->brk && (uintptr_t)c % FA_ALIGN == 0 &&
           bit_get(h, granule(h, p));
}

static fa_block *classify(const fa_heap *h, const void *p, enum fa_error *err) {
    if (live_bit(h, p)) {
        /* A policy whose small blocks have no header (p_free) is handed the
         * payload itself: the engine reads no word before it. */
        fa_block *b = h->pol->p_free ? fa_blk_of(p) : fa_validate_live(h, p);
        *err = b ? FA_OK : FA_ECORRUPT;
        return b;
    }
    const char *c = p;
    if (h->pol->p_classify && c >= h->region + FA_PAD + FA_WORD && c < h->brk &&
        (uintptr_t)c % FA_ALIGN == 0 && (*err = h->pol->p_classify(h, p)) != FA_OK)
        return NULL;
    *err = fa_classify_dead(h, p);
    return NULL;
}

const char *fa_strerror(enum fa_error e) {
    switch (e) {
    case FA_EFOREIGN: return "pointer was never handed out by this heap";
    case FA_EINTERIOR: return "pointer into the middle of a block";
    case FA_EDOUBLE: return "block is already free (double free)";
    case FA_EALIGN: return "pointer is not aligned like a payload";
    case FA_ECORRUPT: return "heap corruption: a block header at or next to it was overwritten";
    default: return "ok";
    }
}

static void raise_error(fa_heap *h, enum fa_error e, const void *p, const char *op) {
    if (h->cfg.on_error)
        h->cfg.on_error(h->cfg.error_ctx, e, p, op);
}

/* ------------------------------------------------------------ the break */

static void write_epilogue(fa_heap *h, int prev_used) {
    fa_block *e = fa_epilogue(h);
    e->head = FA_B_ALLOC | (prev_used ? FA_B_PREV_ALLOC : 0);
}

fa_block *fa_brk_grow(fa_heap *h, size_t incr) {
    if (incr > (size_t)(h->region_end - h->brk))
        return NULL;
    char *new_brk = h->brk + incr;
    if (new_brk > h->committed) {
        size_t want = round_up((size_t)(new_brk - h->committed), h->page);
        if (want < FA_COMMIT_CHUNK)
            want = FA_COMMIT_CHUNK;
        if (want > (size_t)(h->region_end - h->committed))
            want = (size_t)(h->region_end - h->committed);
        if (mprotect(h->committed, want, PROT_READ | PROT_WRITE) != 0)
            return NULL;
        h->committed += want;
    }
    fa_block *old = fa_epilogue(h);
    h->brk = new_brk;
    write_epilogue(h, 0);
    if (new_brk > h->period_top)
        h->period_top = new_brk;
    size_t fp = (size_t)(h->brk - h->region);
    if (fp > h->peak)
        h->peak = fp;
    return old;
}

/* Gives back the committed pages from the first page boundary at or past
 * keep_from (never below the break plus the threshold). */
static void decommit_from(fa_heap *h, const char *keep_from) {
    size_t floor_off = (size_t)(h->brk - h->region) + h->cfg.trim_threshold;
    size_t off = (size_t)(keep_from - h->region);
    char *from = h->region + round_up(off > floor_off ? off : floor_off, h->page);
    if (from >= h->committed)
        return;
    size_t n = (size_t)(h->committed - from);
    /* Both calls only fail on arguments computed from our own mapping; if
     * one did, keeping the pages is still correct. */
    if (madvise(from, n, MADV_DONTNEED) == 0 && mprotect(from, n, PROT_NONE) == 0)
        h->committed = from;
    if (h->period_top > h->committed)
        h->period_top = h->brk;
}

/* The end of a decay period: what lay above the period's highest break
 * all period long goes back; a new period starts at the current break. */
static void trim_period(fa_heap *h) {
    decommit_from(h, h->period_top);
    h->period_top = h->brk;
    h->trim_due = h->clock + h->cfg.trim_decay_ops;
}

/* Every call counts towards the decay period; one compare when nothing is
 * due. With no decay, the shrink itself gives pages back. */
static inline void tick(fa_heap *h) {
    if (++h->clock == h->trim_due)
        trim_period(h);
}

void fa_heap_trim(fa_heap *h) { decommit_from(h, h->brk); }

void fa_brk_shrink(fa_heap *h, char *new_end) {
    /* The new epilogue replaces the header of the block the caller gives
     * back, and inherits its knowledge of the block before it. */
    int prev_used = fa_blk_prev_used((fa_block *)(new_end - FA_WORD));
    h->brk = new_end;
    write_epilogue(h, prev_used);
    if (h->cfg.trim_decay_ops == 0)
        decommit_from(h, h->brk);
}

/* ------------------------------------------------------- create / reset */

static void heap_init_empty(fa_heap *h) {
    h->brk = h->region + FA_PAD + FA_WORD;
    write_epilogue(h, 1);
    h->peak = (size_t)(h->brk - h->region);
    h->live = 0;
    h->clock = 0;
    /* No decay: the due count is never reached (the shrink trims). */
    h->trim_due = h->cfg.trim_decay_ops ? h->cfg.trim_decay_ops : UINT64_MAX;
    h->period_top = h->brk;
    memset(h->pstate, 0, h->pol->state_size);
    h->pol->init(h);
}

static void unmap_region(fa_heap *h) {
    if (h->region)
        munmap(h->region, h->cfg.region_bytes);
    if (h->bitmap)
        munmap(h->bitmap, h->bitmap_bytes);
    if (h->reqs)
        munmap(h->reqs, h->reqs_bytes);
    if (h->ptab)
        munmap(h->ptab, h->ptab_bytes);
    h->region = NULL;
    h->bitmap = NULL;
    h->reqs = NULL;
    h->ptab = NULL;
}

/* The region and its side tables for `bytes` of heap; 0, or -1 with
 * nothing left mapped. */
static int map_region(fa_heap *h, size_t bytes, int track) {
    h->cfg.region_bytes = bytes;
    h->region = map_bytes(bytes, PROT_NONE);
    h->bitmap_bytes = bytes / FA_ALIGN / 8;
    h->bitmap = h->region ? map_bytes(h->bitmap_bytes, PROT_READ | PROT_WRITE) : NULL;
    if (track && h->bitmap) {
        h->reqs_bytes = bytes / FA_ALIGN * sizeof(size_t);
        h->reqs = map_bytes(h->reqs_bytes, PROT_READ | PROT_WRITE);
    }
    int ptab = (h->pol->flags & FA_POL_PAGETAB) != 0;
    if (ptab && h->bitmap) /* the policy's page table (heap_impl.h) */
        h->ptab = map_bytes(h->ptab_bytes = bytes / FA_PTAB_BYTES * 4, PROT_READ | PROT_WRITE);
    if (!h->region || !h->bitmap || (track && !h->reqs) || (ptab && !h->ptab) ||
        mprotect(h->region, h->page, PROT_READ | PROT_WRITE) != 0) {
        unmap_region(h);
        return -1;
    }
    return 0;
}

fa_config fa_config_default(void) {
    return (fa_config){.trim_threshold = FA_DEFAULT_TRIM, .trim_decay_ops = FA_DEFAULT_TRIM_DECAY};
}

int fa_parse_count(const char *s, size_t *out) {
    size_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(*p - '0');
    }
    if (p == s)
        return -1;
    unsigned shift = *p == 'K' ? 10 : *p == 'M' ? 20 : *p == 'G' ? 30 : 0;
    if (shift) {
        if (v > SIZE_MAX >> shift)
            return -1;
        v <<= shift;
        p++;
    }
    if (*p)
        return -1;
    *out = v;
    return 0;
}

fa_heap *fa_heap_create(const char *policy, const fa_config *cfg) {
    const fa_policy *pol = policy_lookup(policy);
    if (!pol) {
        errno = EINVAL;
        return NULL;
    }
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    fa_config c = cfg ? *cfg : fa_config_default();
    int flexible = c.region_bytes == 0;
    if (flexible)
        c.region_bytes = FA_DEFAULT_REGION;
    c.region_bytes = round_up(c.region_bytes, page);
    if (c.region_bytes < page || c.region_bytes > ((size_t)1 << 46)) {
        errno = EINVAL;
        return NULL;
    }

    size_t ctl = round_up(sizeof(fa_heap) + pol->state_size + 64, page);
    fa_heap *h = map_bytes(ctl, PROT_READ | PROT_WRITE);
    if (!h) {
        errno = ENOMEM;
        return NULL;
    }
    h->ctl_bytes = ctl;
    h->pol = pol;
    h->pstate = (char *)h + round_up(sizeof(fa_heap), 64);
    h->page = page;
    h->cfg = c;
    while (map_region(h, c.region_bytes, c.track_requests) != 0) {
        if (!flexible || c.region_bytes / 4 < FA_MIN_DEFAULT_REGION) {
            munmap(h, ctl);
            errno = ENOMEM;
            return NULL;
        }
        c.region_bytes /= 4;
    }
    h->cfg.region_bytes = c.region_bytes;
    h->region_end = h->region + c.region_bytes;
    h->committed = h->region + page;
    heap_init_empty(h);
    return h;
}

void fa_heap_destroy(fa_heap *h) {
    if (!h)
        return;
    unmap_region(h);
    munmap(h, h->ctl_bytes);
}

void fa_heap_reset(fa_heap *h) {
    /* Only the part of the side tables the heap ever reached can be dirty.
     * They are cleared by stores, never by giving their pages back: the
     * next repetition would fault them in again (a quarter of a timed
     * replay's time, once). */
    size_t g = (h->peak + FA_ALIGN - 1) / FA_ALIGN;
    memset(h->bitmap, 0, (g + 7) / 8);
    if (h->reqs)
        memset(h->reqs, 0, g * sizeof(size_t));
    if (h->ptab)
        memset(h->ptab, 0, (h->peak / FA_PTAB_BYTES + 1) * sizeof(uint32_t));
    heap_init_empty(h);
}

const char *fa_heap_policy(const fa_heap *h) { return h->pol->name; }
size_t fa_heap_footprint(const fa_heap *h) { return (size_t)(h->brk - h->region); }
size_t fa_heap_peak(const fa_heap *h) { return h->peak; }
size_t fa_heap_committed(const fa_heap *h) { return (size_t)(h->committed - h->region); }

size_t fa_heap_meta_bytes(const fa_heap *h) {
    size_t g = (fa_heap_footprint(h) + FA_ALIGN - 1) / FA_ALIGN;
    return (g + 7) / 8 + (h->reqs ? g * sizeof(size_t) : 0) +
           (h->ptab ? (fa_heap_footprint(h) / FA_PTAB_BYTES + 1) * sizeof(uint32_t) : 0);
}

void fa_heap_range(const fa_heap *h, const void **lo, const void **hi) {
    *lo = h->region;
    *hi = h->brk;
}

/* ------------------------------------------- boundary-tag operations */

/* Turns free block b (already off the lists) into a used block of asize,
 * splitting off the rest when it can stand as a block of its own. Every
 * write is a plain store: on a large heap the split point and the next
 * block are cold lines, and a read-modify-write there would wait for them.
 * The block after b already says its predecessor is free, which stays
 * true of the rest. */
static void place(fa_heap *h, fa_block *b, size_t asize) {
    size_t head = b->head, size = head & ~FA_B_FLAGS;
    if (size - asize >= FA_MIN_BLOCK) {
        b->head = asize | FA_B_ALLOC | (head & FA_B_PREV_ALLOC);
        fa_block *rest = (fa_block *)((char *)b + asize);
        rest->head = (size - asize) | FA_B_PREV_ALLOC;
        *fa_blk_footer(rest) = size - asize;
        h->pol->insert(h, rest);
    } else {
        fa_blk_mark_used(b, size);
    }
}

/* Block b has just stopped being used: its header gives its size and
 * PREV_ALLOC (ALLOC may still be set), nothing else is written yet.
 * Merges it with free neighbours, then writes the header and footer of the
 * result once and lists it or, when it reaches the epilogue, gives it back
 * by lowering the break. The next block's header is read once and written
 * once: on a large heap it is the second cold line of a free. */
static void release(fa_heap *h, fa_block *b) {
    size_t head = b->head, size = head & ~FA_B_FLAGS;
    fa_block *next = (fa_block *)((char *)b + size);
    size_t next_head = next->head;
    int merge_next = !(next_head & FA_B_ALLOC);
    if (merge_next) {
        h->pol->remove(h, next);
        size += next_head & ~FA_B_FLAGS;
    }
    if (!(head & FA_B_PREV_ALLOC)) {
        fa_block *prev = fa_blk_prev(b);
        h->pol->remove(h, prev);
        size += fa_blk_size(prev);
        b = prev;
        head = prev->head;
    }
    if ((char *)b + size == h->brk - FA_WORD) {
        fa_brk_shrink(h, (char *)b + FA_WORD);
        return;
    }
    b->head = size | (head & FA_B_PREV_ALLOC);
    *fa_blk_footer(b) = size;
    /* A merged next block's successor already knows its predecessor is
     * free. */
    if (!merge_next)
        next->head = next_head & ~FA_B_PREV_ALLOC;
    h->pol->insert(h, b);
}

/* A used block of asize at the break (the heap never ends in a free block,
 * so this grows by exactly asize). */
static fa_block *grow_block(fa_heap *h, size_t asize) {
    fa_block *b = fa_brk_grow(h, asize);
    if (!b)
        return NULL;
    b->head = asize | (b->head & FA_B_PREV_ALLOC);
    fa_blk_mark_used(b, asize);
    return b;
}

static void *bt_malloc(fa_heap *h, size_t asize) {
    fa_block *b = h->pol->find(h, asize);
    if (b) {
        h->pol->remove(h, b);
        place(h, b, asize);
        return fa_blk_payload(b);
    }
    b = grow_block(h, asize);
    return b ? fa_blk_payload(b) : NULL;
}

static void bt_free(fa_heap *h, fa_block *b) { release(h, b); }

/* Shrinks used block b to asize in place, freeing the tail when it can
 * stand as a block. */
static void shrink_in_place(fa_heap *h, fa_block *b, size_t asize) {
    size_t size = fa_blk_size(b);
    if (size - asize < FA_MIN_BLOCK)
        return;
    b->head = asize | FA_B_ALLOC | (b->head & FA_B_PREV_ALLOC);
    fa_block *rest = fa_blk_next(b);
    rest->head = (size - asize) | FA_B_PREV_ALLOC;
    release(h, rest);
}

static void *bt_realloc(fa_heap *h, fa_block *b, size_t n) {
    size_t asize = fa_adjust(n), size = fa_blk_size(b);
    if (asize <= size) {
        shrink_in_place(h, b, asize);
        return fa_blk_payload(b);
    }
    fa_block *next = fa_blk_next(b);
    if (next == fa_epilogue(h)) {
        /* Last block: grow at the break. */
        if (fa_brk_grow(h, asize - size)) {
            fa_blk_mark_used(b, asize);
            return fa_blk_payload(b);
        }
    } else if (!fa_blk_used(next) && size + fa_blk_size(next) >= asize) {
        h->pol->remove(h, next);
        size_t total = size + fa_blk_size(next);
        fa_blk_mark_used(b, total);
        shrink_in_place(h, b, asize);
        return fa_blk_payload(b);
    }
    void *np = bt_malloc(h, asize);
    if (!np)
        return NULL;
    memcpy(np, fa_blk_payload(b), size - FA_WORD);
    bt_free(h, b);
    return np;
}

void *fa_bt_alloc(fa_heap *h, size_t asize) { return bt_malloc(h, asize); } /* heap_impl.h */
void fa_bt_release(fa_heap *h, fa_block *b) { release(h, b); }
void *fa_bt_realloc(fa_heap *h, fa_block *b, size_t n) { return bt_realloc(h, b, n); }

/* ----------------------------------------------------- the public calls */

static inline void *pol_malloc(fa_heap *h, size_t n) {
    return h->pol->p_malloc ? h->pol->p_malloc(h, n)
           : h->pol->malloc ? h->pol->malloc(h, fa_adjust(n)) : bt_malloc(h, fa_adjust(n));
}

void *fa_malloc(fa_heap *h, size_t n) {
    tick(h);
    if (n > FA_MAX_REQUEST) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = pol_malloc(h, n);
    if (!p) {
        errno = ENOMEM;
        return NULL;
    }
    note_live(h, p, n);
    return p;
}

void *fa_calloc(fa_heap *h, size_t count, size_t size) {
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = fa_malloc(h, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *fa_memalign(fa_heap *h, size_t align, size_t n) {
    if (align == 0 || (align & (align - 1))) {
        errno = EINVAL;
        return NULL;
    }
    if (align <= FA_ALIGN)
        return fa_malloc(h, n);
    tick(h);
    if (n > FA_MAX_REQUEST || align > FA_MAX_REQUEST - n) {
        errno = ENOMEM;
        return NULL;
    }
    /* Room for the payload at any alignment the block may fall on: the
     * aligned start is at most align - 16 bytes into the payload. */
    char *p = pol_malloc(h, (n ? n : 1) + align - FA_ALIGN); /* a byte at least: past q */
    if (!p) {
        errno = ENOMEM;
        return NULL;
    }
    char *q = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
    if (q != p)
        fa_blk_of(q)->head = (size_t)(q - p) | FA_B_STUB | FA_B_ALLOC;
    note_live(h, q, n);
    return q;
}

/* realloc of an aligned payload: its data does not start at its block's
 * payload, so move it to a fresh block (which need only be 16-aligned). */
static void *realloc_aligned(fa_heap *h, void *p, size_t n) {
    size_t have = fa_usable_size(h, p);
    void *np = fa_malloc(h, n);
    if (!np)
        return NULL;
    memcpy(np, p, have < n ? have : n);
    fa_free(h, p);
    return np;
}

int fa_free(fa_heap *h, void *p) {
    if (!p)
        return 0;
    tick(h);
    enum fa_error e;
    fa_block *b = classify(h, p, &e);
    if (!b) {
        raise_error(h, e, p, "free");
        return -(int)e;
    }
    bit_clear(h, granule(h, p));
    h->live--;
    if (h->pol->p_free)
        h->pol->p_free(h, p);
    else if (h->pol->free)
        h->pol->free(h, b);
    else
        bt_free(h, b);
    return 0;
}

void *fa_realloc(fa_heap *h, void *p, size_t n) {
    if (!p)
        return fa_malloc(h, n);
    enum fa_error e;
    fa_block *b = classify(h, p, &e);
    if (!b) {
        raise_error(h, e, p, "realloc");
        errno = EINVAL;
        return NULL;
    }
    if (n == 0) {
        /* As glibc: realloc(p, 0) frees p and returns NULL. */
        fa_free(h, p);
        return NULL;
    }
    if (n > FA_MAX_REQUEST) {
        errno = ENOMEM;
        return NULL;
    }
    tick(h);
    if (!h->pol->p_realloc && fa_blk_is_stub(fa_blk_of(p))) /* p may have no header */
        return realloc_aligned(h, p, n);
    void *np = h->pol->p_realloc ? h->pol->p_realloc(h, p, n)
               : h->pol->realloc ? h->pol->realloc(h, b, n) : bt_realloc(h, b, n);
    if (!np) {
        errno = ENOMEM;
        return NULL;
    }
    if (np != p) {
        bit_clear(h, granule(h, p));
        h->live--;
        note_live(h, np, n);
    } else if (h->reqs) {
        h->reqs[granule(h, p)] = n;
    }
    return np;
}

size_t fa_usable_size(fa_heap *h, const void *p) {
    if (!p || !live_bit(h, p))
        return 0;
    if (h->pol->p_usable)
        return h->pol->p_usable(h, p);
    fa_block *b = fa_validate_live(h, p);
    return b ? (size_t)((char *)b + fa_blk_size(b) - (const char *)p) : 0;
}

int fa_owns(fa_heap *h, const void *p) { return p && live_bit(h, p); }

/* Shared by every check function: one line per violation. */
void fa_report(FILE *log, long *count, const char *fmt, ...) {
    ++*count;
    if (!log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("heap check: ", log);
    vfprintf(log, fmt, ap);
    fputc('\n', log);
    va_end(ap);
}

/* Internal access for the checker (check.c). */
int fa_bit_is_set(const fa_heap *h, const void *payload) {
    return bit_get(h, granule(h, payload));
}
size_t fa_requested(const fa_heap *h, const void *payload) {
    return h->reqs ? h->reqs[granule(h, payload)] : 0;
}

/* The boundary-tag operations, for a policy that drives its own malloc,
 * free or realloc around them (heap_impl.h). */
void fa_bt_place(fa_heap *h, fa_block *b, size_t asize) { place(h, b, asize); }
