/*
 * validate.h: the header checks the heap engine (heap.c) makes on the way
 * in to fa_free and fa_realloc, after the pointer bitmap has said the
 * pointer is a live payload and before anything read from a header is
 * followed. Nothing outside allocator/ includes it.
 *
 * Why: the bitmap proves the pointer, not the headers around it. A program
 * that writes past its block overwrites the next block's header (and
 * perhaps that block's free-list links); a free that trusted the header
 * would follow a garbage size or link and die of SIGSEGV inside the core.
 * These checks read only words the free is about to read anyway (the
 * block's header, the next block's header, the word before the block) plus
 * a free neighbour's footer, and compare them with what the layout of
 * heap_impl.h promises:
 *  - the block: ALLOC set, not a stub, a size that is a multiple of 16, at
 *    least FA_MIN_BLOCK and ends at or before the epilogue;
 *  - an aligned payload's stub: a distance back that is a multiple of 16
 *    and stays inside the heap;
 *  - the next block: its PREV_ALLOC bit set (this block is used), and
 *    either the epilogue exactly or a block of possible size; when it is
 *    free, its footer equals its header;
 *  - when PREV_ALLOC is clear, the footer before the block gives a
 *    possible size and the block it leads to is free and of that size.
 * Every policy keeps these conventions (heap_impl.h), buddy included, so
 * the checks hold for all of them. They cannot see an overwrite that
 * leaves every one of these words as it was; the heap checker
 * (fa_heap_check) sees more, at the cost of a whole walk.
 */
#ifndef FA_VALIDATE_H
#define FA_VALIDATE_H

#include "heap_impl.h"

/* A block of sz bytes can start at b: size and end inside the heap. */
static inline int fa_size_fits(const fa_heap *h, const void *b, size_t sz) {
    return sz >= FA_MIN_BLOCK && sz % FA_ALIGN == 0 &&
           sz <= (size_t)((const char *)fa_epilogue(h) - (const char *)b);
}

/* The block holding live payload p (its bitmap bit is set), or NULL when
 * its headers are not what a live block's must be. */
static inline __attribute__((always_inline)) fa_block *fa_validate_live(const fa_heap *h,
                                                                      const void *p) {
    fa_block *b = fa_blk_of(p);
    size_t head = b->head;
    if (head & FA_B_STUB) {
        size_t d = head & ~FA_B_FLAGS;
        if (d == 0 || d % FA_ALIGN || d > (size_t)((const char *)p - (h->region + FA_PAD)))
            return NULL;
        b = fa_blk_of((const char *)p - d);
        head = b->head;
    }
    size_t sz = head & ~FA_B_FLAGS;
    if ((head & (FA_B_ALLOC | FA_B_STUB)) != FA_B_ALLOC || !fa_size_fits(h, b, sz))
        return NULL;
    const fa_block *next = (const fa_block *)((const char *)b + sz);
    size_t nh = next->head, nsz = nh & ~FA_B_FLAGS;
    if (!(nh & FA_B_PREV_ALLOC))
        return NULL;
    if (next == fa_epilogue(h)) {
        if ((nh & ~FA_B_PREV_ALLOC) != FA_B_ALLOC)
            return NULL;
    } else if ((nh & FA_B_STUB) || !fa_size_fits(h, next, nsz) ||
               (!(nh & FA_B_ALLOC) && *(const size_t *)((const char *)next + nsz - FA_WORD) != nsz)) {
        return NULL;
    }
    if (!(head & FA_B_PREV_ALLOC)) {
        size_t f = ((const size_t *)b)[-1];
        if (f < FA_MIN_BLOCK || f % FA_ALIGN || f > (size_t)((char *)b - (char *)fa_first_block(h)))
            return NULL;
        size_t ph = ((const fa_block *)((const char *)b - f))->head;
        if ((ph & (FA_B_ALLOC | FA_B_STUB)) || (ph & ~FA_B_FLAGS) != f)
            return NULL;
    }
    return b;
}

/* The kind of a pointer that is not a live payload of h (its bit is clear
 * or it is outside the heap); check.c, read on the error path only, so it
 * may walk the heap. */
enum fa_error fa_classify_dead(const fa_heap *h, const void *p);

#endif
