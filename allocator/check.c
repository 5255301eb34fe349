/*
 * check.c: the heap checker. One walk over every block and every free
 * structure; returns the number of violations and names each one, so tests
 * can assert zero and a debug run can call it after every operation.
 *
 * What it checks, each line of heap_impl.h's layout comment in turn:
 *  - the region: break and committed pages in order, the footprint equal
 *    to the bytes below the break, the peak not below it, the trim
 *    period's top inside the committed pages;
 *  - blocks tile [first block, epilogue) exactly, each size a multiple of
 *    16 and at least FA_MIN_BLOCK, each payload 16-aligned;
 *  - every free block's footer equals its header;
 *  - every PREV_ALLOC bit tells the truth about the block before;
 *  - the epilogue is a used header of size 0;
 *  - the pointer bitmap has a bit at exactly the used blocks' payloads;
 *  - no two adjacent free blocks where the policy coalesces, and no free
 *    block at the top of the heap (the break would have come down) unless
 *    the policy holds one back there (FA_POL_HOLDS_TOP; its check says
 *    which);
 *  - the policy's lists hold exactly the free blocks (its check counts the
 *    listed blocks; each listed block is checked to be free and in the
 *    heap by fl_check), plus the policy's own invariants.
 *
 * It also names a pointer fa_free or fa_realloc found dead
 * (fa_classify_dead, validate.h), on the error path only.
 */
#include "freelist.h"
#include "validate.h"

int fa_bit_is_set(const fa_heap *h, const void *payload);
size_t fa_requested(const fa_heap *h, const void *payload);

int fl_addr_ordered(const fa_heap *h, const fa_block *b, void *ctx) {
    (void)h;
    (void)ctx;
    return !b->next || b->next > b;
}

/* A block pointer that can be dereferenced as a header: inside the heap's
 * blocks and placed where block starts can be. */
static int plausible_block(const fa_heap *h, const fa_block *b) {
    return fa_in_heap(h, b) && ((uintptr_t)b % FA_ALIGN) == FA_PAD;
}

long fl_check(const fa_heap *h, fa_block *head, const char *what, FILE *log, size_t *listed,
              int (*fits)(const fa_heap *h, const fa_block *b, void *ctx), void *ctx) {
    long bad = 0;
    size_t limit = fa_heap_footprint(h) / FA_MIN_BLOCK + 1, n = 0;
    fa_block *prev = NULL;
    for (fa_block *b = head; b; prev = b, b = b->next) {
        if (++n > limit) {
            fa_report(log, &bad, "%s: longer than the heap can hold (a cycle?)", what);
            break;
        }
        if (!plausible_block(h, b)) {
            fa_report(log, &bad, "%s: link %p points outside the heap's blocks", what, (void *)b);
            break;
        }
        if (fa_blk_used(b))
            fa_report(log, &bad, "%s: block at offset %zu is listed but allocated", what,
                      (size_t)((char *)b - h->region));
        if (b->prev != prev)
            fa_report(log, &bad, "%s: block at offset %zu has a wrong back link", what,
                      (size_t)((char *)b - h->region));
        if (fits && !fits(h, b, ctx))
            fa_report(log, &bad, "%s: block at offset %zu (size %zu) breaks the list's rule",
                      what, (size_t)((char *)b - h->region), fa_blk_size(b));
        ++*listed;
    }
    return bad;
}

/* A used block whose payload start has no live bit must hold an aligned
 * payload (fa_memalign): exactly one live bit inside the block, after a
 * stub word that points back to the block's payload. Returns that payload,
 * or NULL after reporting what is wrong. */
static void *aligned_payload(const fa_heap *h, fa_block *b, FILE *log, long *bad) {
    size_t off = (size_t)((char *)b - h->region);
    char *pay = fa_blk_payload(b), *end = (char *)b + fa_blk_size(b), *found = NULL;
    int n = 0;
    for (char *q = pay + FA_ALIGN; q < end; q += FA_ALIGN)
        if (fa_bit_is_set(h, q)) {
            found = q;
            n++;
        }
    if (n != 1) {
        fa_report(log, bad, "used block at offset %zu has %d live payloads in the pointer bitmap",
                  off, n);
        return NULL;
    }
    fa_block *stub = fa_blk_of(found);
    if (!fa_blk_is_stub(stub) || found - fa_blk_size(stub) != pay) {
        fa_report(log, bad, "used block at offset %zu: aligned payload without a valid stub", off);
        return NULL;
    }
    return found;
}

long fa_heap_check(fa_heap *h, FILE *log, fa_stats *st) {
    long bad = 0;
    fa_stats s = {0};
    size_t fp = fa_heap_footprint(h);
    s.footprint = fp;

    if (!(h->region < h->brk && h->brk <= h->committed && h->committed <= h->region_end))
        fa_report(log, &bad, "region: break %p or committed end %p out of order", (void *)h->brk,
                  (void *)h->committed);
    if ((size_t)(h->committed - h->region) % h->page)
        fa_report(log, &bad, "region: committed end is not on a page boundary");
    if (!(h->period_top >= h->region && h->period_top <= h->committed))
        fa_report(log, &bad, "region: trim period top %p outside the committed pages",
                  (void *)h->period_top);
    if ((uintptr_t)h->brk % FA_ALIGN)
        fa_report(log, &bad, "region: break %p is not 16-aligned", (void *)h->brk);
    if (h->peak < fp)
        fa_report(log, &bad, "footprint %zu above the recorded peak %zu", fp, h->peak);
    if (bad) {
        if (st)
            *st = s;
        return bad;
    }

    const int coalesces = (h->pol->flags & FA_POL_COALESCE) != 0;
    fa_block *end = fa_epilogue(h);
    int prev_used = 1, prev_free_seen = 0;
    size_t used_bits = 0;
    fa_block *b = fa_first_block(h);
    while (b < end) {
        size_t off = (size_t)((char *)b - h->region), sz = fa_blk_size(b);
        if (sz < FA_MIN_BLOCK || sz % FA_ALIGN || sz > (size_t)((char *)end - (char *)b)) {
            fa_report(log, &bad, "block at offset %zu: size %zu is impossible here", off, sz);
            break; /* the walk cannot go on */
        }
        if (fa_blk_prev_used(b) != prev_used)
            fa_report(log, &bad, "block at offset %zu: PREV_ALLOC bit says %d, previous block is %s",
                      off, fa_blk_prev_used(b), prev_used ? "used" : "free");
        if (fa_blk_is_sub(b) && fa_blk_used(b) && h->pol->check_sub) {
            /* The policy's own blocks inside: it checks and counts them. */
            bad += h->pol->check_sub(h, b, log, &s, &used_bits);
            prev_free_seen = 0;
            prev_used = 1;
            b = fa_blk_next(b);
            continue;
        }
        void *pay = fa_blk_payload(b);
        int used = fa_blk_used(b);
        if (used && !fa_bit_is_set(h, pay))
            pay = aligned_payload(h, b, log, &bad);
        else if (used != fa_bit_is_set(h, pay))
            fa_report(log, &bad, "free block at offset %zu has a live bit in the pointer bitmap", off);
        if (used) {
            s.used_blocks++;
            s.used_bytes += sz;
            used_bits++;
            if (h->reqs && pay) {
                size_t req = fa_requested(h, pay);
                if (req > (size_t)((char *)b + sz - (char *)pay))
                    fa_report(log, &bad, "block at offset %zu: request %zu exceeds its payload", off,
                              req);
                s.payload_bytes += req;
            }
        } else {
            s.free_blocks++;
            s.free_bytes += sz;
            if (sz > s.largest_free)
                s.largest_free = sz;
            if (*fa_blk_footer(b) != sz)
                fa_report(log, &bad, "free block at offset %zu: footer %zu, header %zu", off,
                          *fa_blk_footer(b), sz);
            if (coalesces && prev_free_seen)
                fa_report(log, &bad, "free block at offset %zu follows another free block", off);
        }
        prev_free_seen = !used;
        prev_used = used;
        b = fa_blk_next(b);
    }
    if (b == end) {
        if (end->head != (FA_B_ALLOC | (prev_used ? FA_B_PREV_ALLOC : 0)))
            fa_report(log, &bad, "epilogue header %#zx is wrong (last block %s)", end->head,
                      prev_used ? "used" : "free");
        if (coalesces && !prev_used && !(h->pol->flags & FA_POL_HOLDS_TOP))
            fa_report(log, &bad, "the heap ends in a free block; the break should have come down");
    } else if (b > end) {
        fa_report(log, &bad, "blocks run past the epilogue");
    }

    /* Bits are set only for live payloads and each was found at a used
     * block above, so equal counts mean no stray bit anywhere. */
    if (h->live != used_bits)
        fa_report(log, &bad, "pointer bitmap has %zu live payloads for %zu used blocks", h->live,
                  used_bits);

    size_t listed = 0;
    bad += h->pol->check(h, log, &listed);
    if (listed != s.free_blocks)
        fa_report(log, &bad, "%zu free blocks in the heap but %zu on the policy's lists",
                  s.free_blocks, listed);

    s.overhead_bytes = fp - s.used_bytes - s.free_bytes;
    if (h->reqs)
        s.internal_frag = s.used_bytes - s.payload_bytes;
    if (st)
        *st = s;
    return bad;
}

int fa_heap_walk(fa_heap *h, fa_block_fn fn, void *ctx) {
    fa_block *end = fa_epilogue(h);
    for (fa_block *b = fa_first_block(h); b < end; b = fa_blk_next(b)) {
        size_t sz = fa_blk_size(b);
        if (sz == 0)
            return -1; /* corrupt; fa_heap_check says more */
        int r = fa_blk_is_sub(b) && fa_blk_used(b) && h->pol->walk_sub
                    ? h->pol->walk_sub(h, b, fn, ctx)
                    : fn(ctx, (size_t)((char *)b - h->region), sz, fa_blk_used(b));
        if (r)
            return r;
    }
    return 0;
}

/* p is not a live payload. Outside what the heap ever held: foreign; in
 * space it held once and has given back (above the break, below the
 * peak): freed already; inside: the block that holds it says which, found
 * by a walk from the first block (the words just before p may be a
 * payload's bytes, so no guess from them), which stops at the first
 * impossible size. Error path only: O(blocks). */
enum fa_error fa_classify_dead(const fa_heap *h, const void *p) {
    const char *c = p;
    if (c < h->region + FA_PAD + FA_WORD || c >= h->region + h->peak)
        return FA_EFOREIGN;
    if ((uintptr_t)c % FA_ALIGN)
        return FA_EALIGN;
    if (c >= h->brk)
        return FA_EDOUBLE;
    const char *end = (const char *)fa_epilogue(h), *b = (const char *)fa_first_block(h);
    while (b < end) {
        size_t sz = fa_blk_size((const fa_block *)b);
        if (!fa_size_fits(h, b, sz))
            return FA_ECORRUPT;
        if (c < b + sz)
            return fa_blk_used((const fa_block *)b) ? FA_EINTERIOR : FA_EDOUBLE;
        b += sz;
    }
    return FA_ECORRUPT;
}
