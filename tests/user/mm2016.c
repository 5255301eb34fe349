/*
 * mm2016.c: a test allocator for fitbench's mm: (tests/user/), in the
 * 2016+ malloc-lab interface: bool mm_init, malloc/free/realloc/calloc
 * renamed to mm_* by mm.h under DRIVER, bool mm_checkheap(int lineno).
 *
 * An implicit free list: 8-byte header and footer words holding the block
 * size with the allocated bit, first fit, splitting, immediate coalescing,
 * 16-byte aligned payloads. The heap starts with a padding word, a
 * prologue block and ends with an epilogue header.
 *
 * For the broken-allocator tests, one of these may be defined (--cflags):
 *   BREAK_CRASH     writes through NULL at the 20th malloc
 *   BREAK_HANG      loops forever at the 20th malloc
 *   BREAK_OVERLAP   the 20th malloc returns the block before it again
 *   BREAK_ALIGN     every payload moved by 8 bytes (8-aligned only)
 *   BREAK_CORRUPT   the 20th malloc writes into the previous block's payload
 *   BREAK_CHECK     mm_checkheap fails once 20 blocks have been handed out
 *   BREAK_NOINIT    no mm_init at all
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memlib.h"
#include "mm.h"

#define WSIZE 8
#define DSIZE 16
#define CHUNK 4096

static size_t pack(size_t size, int alloc) { return size | (size_t)alloc; }
static size_t get(const char *p) { return *(const size_t *)p; }
static void put(char *p, size_t v) { *(size_t *)p = v; }
static size_t size_at(const char *p) { return get(p) & ~(size_t)0xf; }
static int alloc_at(const char *p) { return (int)(get(p) & 1); }
static char *hdr(char *bp) { return bp - WSIZE; }
static char *ftr(char *bp) { return bp + size_at(hdr(bp)) - DSIZE; }
static char *next_blk(char *bp) { return bp + size_at(bp - WSIZE); }
static char *prev_blk(char *bp) { return bp - size_at(bp - DSIZE); }

static char *heap_start; /* the prologue's payload */
static long handed_out;

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
    char *bp = mem_sbrk((intptr_t)size);
    if (bp == (void *)-1)
        return NULL;
    put(hdr(bp), pack(size, 0));
    put(ftr(bp), pack(size, 0));
    put(hdr(next_blk(bp)), pack(0, 1));
    return coalesce(bp);
}

#ifndef BREAK_NOINIT
bool mm_init(void) {
    char *p = mem_sbrk(4 * WSIZE);
    if (p == (void *)-1)
        return false;
    put(p, 0);
    put(p + WSIZE, pack(DSIZE, 1));
    put(p + 2 * WSIZE, pack(DSIZE, 1));
    put(p + 3 * WSIZE, pack(0, 1));
    heap_start = p + 2 * WSIZE;
    handed_out = 0;
    return true;
}
#endif

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

void *malloc(size_t size) {
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
#ifdef BREAK_CRASH
    if (handed_out == 20)
        *(volatile int *)(uintptr_t)0 = 1;
#endif
#ifdef BREAK_HANG
    while (handed_out == 20)
        ;
#endif
#ifdef BREAK_OVERLAP
    if (handed_out == 20)
        return prev_blk(bp);
#endif
#ifdef BREAK_CORRUPT
    if (handed_out == 20 && prev_blk(bp) != heap_start)
        memset(prev_blk(bp), 0x5a, 8);
#endif
#ifdef BREAK_ALIGN
    return bp + 8;
#else
    return bp;
#endif
}

void free(void *ptr) {
    if (!ptr)
        return;
#ifdef BREAK_ALIGN
    ptr = (char *)ptr - 8;
#endif
    char *bp = ptr;
    size_t size = size_at(hdr(bp));
    put(hdr(bp), pack(size, 0));
    put(ftr(bp), pack(size, 0));
    coalesce(bp);
}

void *realloc(void *ptr, size_t size) {
    if (!ptr)
        return malloc(size);
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    void *np = malloc(size);
    if (!np)
        return NULL;
    size_t old = size_at(hdr(ptr)) - DSIZE;
    memcpy(np, ptr, old < size ? old : size);
    free(ptr);
    return np;
}

void *calloc(size_t n, size_t size) {
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

bool mm_checkheap(int lineno) {
    (void)lineno;
#ifdef BREAK_CHECK
    if (handed_out >= 20)
        return false;
#endif
    int prev_free = 0;
    for (char *bp = heap_start; size_at(hdr(bp)) > 0; bp = next_blk(bp)) {
        if ((uintptr_t)bp % DSIZE || get(hdr(bp)) != get(ftr(bp)))
            return false;
        if (!alloc_at(hdr(bp)) && prev_free)
            return false; /* two free blocks side by side: a missed merge */
        prev_free = !alloc_at(hdr(bp));
    }
    return true;
}
