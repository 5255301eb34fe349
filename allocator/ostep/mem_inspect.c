/*
 * mem_inspect.c: read-only views of the Mem_* region (chunk walk, heap
 * check, free-space figures, usable size, bounds), declared in
 * mem_inspect.h. Tests and the harness adapter use them to verify a
 * replay; the seed's API does not need them.
 */
#include "mem_impl.h"
#include "mem_inspect.h"

/* Chunk headers in a region of `bytes` can number at most this many, which
 * bounds every loop over the free list even if the list has a cycle. */
static size_t mem_max_chunks(void) {
    return mem_g.bytes / MEM_HDR;
}

int Mem_Walk(mem_walk_fn fn, void *ctx) {
    if (!mem_g.base)
        return -1;
    const mem_header *nextfree = mem_g.head;
    uintptr_t cur = 0;
    while (cur < mem_g.bytes) {
        if (mem_g.bytes - cur < MEM_HDR)
            return -1;
        const mem_header *c = (const mem_header *)(mem_g.base + cur);
        int used = c != nextfree;
        if (used && c->u.magic != MEM_MAGIC)
            return -1;
        if (c->size > mem_g.bytes - cur - MEM_HDR)
            return -1;
        if (!used)
            nextfree = c->u.next;
        int rc = fn(ctx, cur, MEM_HDR + c->size, used);
        if (rc)
            return rc;
        cur += MEM_HDR + c->size;
    }
    return 0;
}

/* Counts a violation and logs it. */
static long mem_violation(FILE *log, const char *what, uintptr_t off) {
    if (log)
        fprintf(log, "ostep check: %s (offset %zu)\n", what, (size_t)off);
    return 1;
}

/* The free list on its own: inside the region, aligned, sorted, apart. */
static long mem_check_list(FILE *log, size_t *nfree) {
    long bad = 0;
    size_t n = 0;
    const mem_header *prev = NULL;
    for (const mem_header *f = mem_g.head; f; prev = f, f = f->u.next) {
        uintptr_t off = mem_off(f);
        if (++n > mem_max_chunks())
            return bad + mem_violation(log, "free list does not end", off);
        if (off > mem_g.bytes - MEM_HDR || off % MEM_ALIGN != 0)
            return bad + mem_violation(log, "free chunk outside the region "
                                            "or misaligned", off);
        if (f->size > mem_g.bytes - off - MEM_HDR)
            return bad + mem_violation(log, "free chunk runs past the "
                                            "region end", off);
        if (f->size % MEM_ALIGN != 0)
            bad += mem_violation(log, "free chunk size not a multiple of 8",
                                 off);
        if (prev) {
            uintptr_t prev_end = mem_off(mem_chunk_end(prev));
            if (off <= mem_off(prev))
                return bad + mem_violation(log, "free list not in address "
                                                "order", off);
            if (prev_end > off)
                bad += mem_violation(log, "free chunks overlap", off);
            else if (prev_end == off)
                bad += mem_violation(log, "neighbouring free chunks not "
                                          "coalesced", off);
        }
    }
    *nfree = n;
    return bad;
}

long Mem_Check(FILE *log) {
    if (!mem_g.base)
        return 0;
    size_t nfree = 0;
    long bad = mem_check_list(log, &nfree);
    if (bad)
        return bad; /* the chunk walk below relies on a sane list */

    /* Every chunk in address order: the free ones are exactly the list's
     * members, met in list order; every other one carries the magic. */
    const mem_header *nextfree = mem_g.head;
    size_t met = 0;
    uintptr_t cur = 0;
    while (cur < mem_g.bytes) {
        if (mem_g.bytes - cur < MEM_HDR)
            return bad + mem_violation(log, "chunks do not tile the "
                                            "region", cur);
        const mem_header *c = (const mem_header *)(mem_g.base + cur);
        if (c == nextfree) {
            nextfree = c->u.next;
            met++;
        } else if (c->u.magic != MEM_MAGIC) {
            return bad + mem_violation(log, "chunk neither free nor "
                                            "carrying the magic", cur);
        }
        if (c->size > mem_g.bytes - cur - MEM_HDR)
            return bad + mem_violation(log, "chunk runs past the region "
                                            "end", cur);
        if (c->size % MEM_ALIGN != 0)
            bad += mem_violation(log, "chunk size not a multiple of 8", cur);
        cur += MEM_HDR + c->size;
    }
    if (met != nfree)
        bad += mem_violation(log, "free list member not at a chunk "
                                  "boundary", nextfree ? mem_off(nextfree)
                                                       : mem_g.bytes);
    return bad;
}

static int mem_stats_cb(void *ctx, size_t offset, size_t size, int used) {
    mem_stats *st = ctx;
    (void)offset;
    if (used) {
        st->used_chunks++;
        st->used_bytes += size;
    } else {
        st->free_chunks++;
        st->free_bytes += size;
        if (size > st->largest_free)
            st->largest_free = size;
    }
    return 0;
}

int Mem_Stats(mem_stats *st) {
    *st = (mem_stats){0};
    return Mem_Walk(mem_stats_cb, st) == 0 ? 0 : -1;
}

size_t Mem_UsableSize(const void *ptr) {
    if (!mem_g.base || !ptr)
        return 0;
    mem_header *prev;
    const mem_header *h = mem_locate(ptr, &prev);
    return h ? h->size : 0;
}

void Mem_Region(const void **lo, const void **hi) {
    *lo = mem_g.base;
    *hi = mem_g.base ? mem_g.base + mem_g.bytes : NULL;
}

size_t Mem_RegionBytes(void) {
    return mem_g.bytes;
}
