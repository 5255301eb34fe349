/*
 * fit_tlsf.c: two-level segregated fit (Masmano et al., 2004): O(1) malloc
 * and free.
 *
 * Free blocks sit on segregated lists indexed by two levels: the first
 * level is the power of two of the size, the second splits that range into
 * TL_SL equal parts (below TL_SMALL the ranges are 16 bytes wide). Two
 * bitmaps say which lists are non-empty: one bit per first level, and per
 * first level one bit per second level.
 *
 * A search rounds the request up to the next list boundary first, so that
 * any block on the list found is large enough: the head is taken, no list
 * is ever walked, and the whole search is two find-first-set operations.
 * The price is a little internal waste (a block up to one second-level
 * step larger than best fit would pick is used); coalescing on free keeps
 * fragmentation close to best fit on real workloads.
 */
#include "freelist.h"

#define TL_SL_LOG 4
#define TL_SL (1u << TL_SL_LOG)
#define TL_FL_SHIFT (TL_SL_LOG + 4) /* sizes below 256 live in first level 0 */
#define TL_SMALL ((size_t)1 << TL_FL_SHIFT)
#define TL_FL (64 - TL_FL_SHIFT + 1)

_Static_assert(TL_FL <= 64, "first-level bitmap is one 64-bit word");
_Static_assert(TL_SL <= 32, "second-level bitmaps are 32-bit words");
_Static_assert(TL_SMALL / TL_SL == FA_ALIGN, "small lists are one granule wide");

typedef struct {
    uint64_t fl_map;
    uint32_t sl_map[TL_FL];
    fa_block *head[TL_FL][TL_SL];
} tlsf_state;
_Static_assert(sizeof(tlsf_state) <= FA_TLSF_STATE_BYTES, "segstore keeps tlsf's state in this room");

/* The list a block of this size belongs on. */
static void tl_mapping(size_t size, unsigned *fl, unsigned *sl) {
    if (size < TL_SMALL) {
        *fl = 0;
        *sl = (unsigned)(size / FA_ALIGN);
    } else {
        unsigned lg = 63u - (unsigned)__builtin_clzll(size);
        *sl = (unsigned)(size >> (lg - TL_SL_LOG)) ^ TL_SL;
        *fl = lg - TL_FL_SHIFT + 1;
    }
}

static void tl_init(fa_heap *h) { memset(h->pstate, 0, sizeof(tlsf_state)); }

static fa_block *tl_find(fa_heap *h, size_t asize) {
    tlsf_state *s = h->pstate;
    if (asize >= TL_SMALL) {
        /* Round up to the next list boundary: every block there fits. */
        unsigned lg = 63u - (unsigned)__builtin_clzll(asize);
        asize += ((size_t)1 << (lg - TL_SL_LOG)) - 1;
    }
    unsigned fl, sl;
    tl_mapping(asize, &fl, &sl);
    uint32_t sl_bits = s->sl_map[fl] & (~(uint32_t)0 << sl);
    if (!sl_bits) {
        uint64_t fl_bits = fl + 1 < 64 ? s->fl_map & (~(uint64_t)0 << (fl + 1)) : 0;
        if (!fl_bits)
            return NULL;
        fl = (unsigned)__builtin_ctzll(fl_bits);
        sl_bits = s->sl_map[fl];
    }
    sl = (unsigned)__builtin_ctz(sl_bits);
    return s->head[fl][sl];
}

static void tl_insert(fa_heap *h, fa_block *b) {
    tlsf_state *s = h->pstate;
    unsigned fl, sl;
    tl_mapping(fa_blk_size(b), &fl, &sl);
    fl_push(&s->head[fl][sl], b);
    s->fl_map |= (uint64_t)1 << fl;
    s->sl_map[fl] |= (uint32_t)1 << sl;
}

static void tl_remove(fa_heap *h, fa_block *b) {
    tlsf_state *s = h->pstate;
    unsigned fl, sl;
    tl_mapping(fa_blk_size(b), &fl, &sl);
    fl_unlink(&s->head[fl][sl], b);
    if (!s->head[fl][sl]) {
        s->sl_map[fl] &= ~((uint32_t)1 << sl);
        if (!s->sl_map[fl])
            s->fl_map &= ~((uint64_t)1 << fl);
    }
}

static int tl_on_its_list(const fa_heap *h, const fa_block *b, void *ctx) {
    (void)h;
    unsigned fl, sl, want = *(unsigned *)ctx;
    tl_mapping(fa_blk_size(b), &fl, &sl);
    return fl * TL_SL + sl == want;
}

static long tl_check(fa_heap *h, FILE *log, size_t *listed) {
    tlsf_state *s = h->pstate;
    long bad = 0;
    for (unsigned fl = 0; fl < TL_FL; fl++) {
        int fl_bit = (int)((s->fl_map >> fl) & 1);
        if (fl_bit != (s->sl_map[fl] != 0))
            fa_report(log, &bad, "tlsf: first-level bit %u is %d but its second-level map is %#x",
                      fl, fl_bit, s->sl_map[fl]);
        for (unsigned sl = 0; sl < TL_SL; sl++) {
            int bit = (int)((s->sl_map[fl] >> sl) & 1);
            if (bit != (s->head[fl][sl] != NULL))
                fa_report(log, &bad, "tlsf: list [%u][%u] bitmap bit %d but list is %s", fl, sl,
                          bit, s->head[fl][sl] ? "non-empty" : "empty");
            unsigned idx = fl * TL_SL + sl;
            if (s->head[fl][sl])
                bad += fl_check(h, s->head[fl][sl], "tlsf list", log, listed, tl_on_its_list, &idx);
        }
    }
    if (s->fl_map >> TL_FL)
        fa_report(log, &bad, "tlsf: first-level bits set beyond level %u", TL_FL - 1);
    return bad;
}

const fa_policy fa_policy_tlsf = {
    .name = "tlsf",
    .summary = "two-level segregated fit: O(1) malloc and free with bitmaps",
    .flags = FA_POL_COALESCE,
    .state_size = sizeof(tlsf_state),
    .init = tl_init,
    .find = tl_find,
    .insert = tl_insert,
    .remove = tl_remove,
    .check = tl_check,
};
