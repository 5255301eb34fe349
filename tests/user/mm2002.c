/*
 * mm2002.c: a test allocator for fitbench's mm: (tests/user/), in the
 * 2002 malloc-lab interface: int mm_init, mm_malloc, mm_free,
 * mm_realloc, a team_t team, mem_sbrk(int), no heap checker.
 *
 * The implicit free list of mm2016.c with 4-byte header and footer words
 * and 8-byte aligned payloads.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memlib.h"
#include "mm.h"

#define WSIZE 4
#define DSIZE 8
#define CHUNK 4096

static size_t pack(size_t size, int alloc) { return size | (size_t)alloc; }
static size_t get(const char *p) { return *(const unsigned int *)p; }
static void put(char *p, size_t v) { *(unsigned int *)p = (unsigned int)v; }
static size_t size_at(const char *p) { return get(p) & ~(size_t)0x7; }
static int alloc_at(const char *p) { return (int)(get(p) & 1); }
static char *hdr(char *bp) { return bp - WSIZE; }
static char *ftr(char *bp) { return bp + size_at(hdr(bp)) - DSIZE; }
static char *next_blk(char *bp) { return bp + size_at(bp - WSIZE); }
static char *prev_blk(char *bp) { return bp - size_at(bp - DSIZE); }

team_t team = {"fitbench", "Test Allocator", "fbtest", "", ""};

static char *heap_start; /* the prologue's payload */
static long handed_out; /* blocks handed out since mm_init */

static char *coalesce(char *bp) {
    int pa = alloc_at(ftr(prev_blk(bp))), na = alloc_at(hdr(next_blk(bp)));
    size_t size = size_at(hdr(bp));
    if (!pa && !na) {
        size += size_at(hdr(prev_blk(bp))) + size_at(hdr(next_blk(bp)));
        bp = prev_blk(bp);
    } else if (!pa) {
        size += size_at(hdr(prev_blk(bp)));
        bp = prev_blk(bp);
    } else if (!na) {
        size += size_at(hdr(next_blk(bp)));
    }
    put(hdr(bp), pack(size, 0));
    put(ftr(bp), pack(size, 0));
    return bp;
}

static char *extend(size_t bytes) {
    size_t size = (bytes + DSIZE - 1) / DSIZE * DSIZE;
    char *bp = mem_sbrk((int)size);
    if (bp == (void *)-1)
        return NULL;
    put(hdr(bp), pack(size, 0));
    put(ftr(bp), pack(size, 0));
    put(hdr(next_blk(bp)), pack(0, 1));
    return coalesce(bp);
}

int mm_init(void) {
    char *p = mem_sbrk(4 * WSIZE);
    if (p == (void *)-1)
        return -1;
    put(p, 0);
    put(p + WSIZE, pack(DSIZE, 1));
    put(p + 2 * WSIZE, pack(DSIZE, 1));
    put(p + 3 * WSIZE, pack(0, 1));
    heap_start = p + 2 * WSIZE;
    handed_out = 0;
    return 0;
}

static char *find_fit(size_t asize) {
    for (char *bp = heap_start; size_at(hdr(bp)) > 0; bp = next_blk(bp))
        if (!alloc_at(hdr(bp)) && size_at(hdr(bp)) >= asize)
            return bp;
    return NULL;
}

static void place(char *bp, size_t asize) {
    size_t csize = size_at(hdr(bp));
    if (csize - asize >= 2 * DSIZE) {
        put(hdr(bp), pack(asize, 1));
        put(ftr(bp), pack(asize, 1));
        bp = next_blk(bp);
        put(hdr(bp), pack(csize - asize, 0));
        put(ftr(bp), pack(csize - asize, 0));
    } else {
        put(hdr(bp), pack(csize, 1));
        put(ftr(bp), pack(csize, 1));
    }
}

void *mm_malloc(size_t size) {
    if (size == 0)
        return NULL;
    size_t asize = size <= DSIZE ? 2 * DSIZE : (size + WSIZE + WSIZE + DSIZE - 1) / DSIZE * DSIZE;
    char *bp = find_fit(asize);
    if (!bp) {
        size_t grow = asize > CHUNK ? asize : CHUNK;
        if (!(bp = extend(grow)))
            return NULL;
    }
    place(bp, asize);
    handed_out++;
    return bp;
}

void mm_free(void *ptr) {
    if (!ptr)
        return;
    char *bp = ptr;
    size_t size = size_at(hdr(bp));
    put(hdr(bp), pack(size, 0));
    put(ftr(bp), pack(size, 0));
    coalesce(bp);
}

void *mm_realloc(void *ptr, size_t size) {
    if (!ptr)
        return mm_malloc(size);
    if (size == 0) {
        mm_free(ptr);
        return NULL;
    }
    void *np = mm_malloc(size);
    if (!np)
        return NULL;
    size_t old = size_at(hdr(ptr)) - DSIZE;
    memcpy(np, ptr, old < size ? old : size);
    mm_free(ptr);
    return np;
}
