/*
 * alloc_bump.c: the baseline that never reuses memory. malloc moves a
 * pointer; free does nothing. Replaying against it measures what the
 * harness itself costs per op (the floor no allocator can beat) and the
 * footprint of a trace with no reuse at all.
 *
 * Each block has a 16-byte header holding its size, so that realloc can
 * copy; the payload is 16-aligned.
 */
#include "allocators.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define BUMP_REGION ((size_t)64 << 30)

typedef struct {
    char *base, *top, *end;
} bump_heap;

static int bump_available(void) { return 1; }

static void *bump_create(const fb_alloc_hint *hint) {
    (void)hint;
    bump_heap *b = mmap(NULL, sizeof *b, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED)
        return NULL;
    /* As the core does: a smaller reservation when the system refuses the
     * large one (valgrind, a tight RLIMIT_AS). */
    size_t region = BUMP_REGION;
    for (;;) {
        b->base = mmap(NULL, region, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (b->base != MAP_FAILED)
            break;
        if (region / 4 < ((size_t)256 << 20)) {
            munmap(b, sizeof *b);
            errno = ENOMEM;
            return NULL;
        }
        region /= 4;
    }
    b->top = b->base;
    b->end = b->base + region;
    return b;
}

static void bump_destroy(void *h) {
    bump_heap *b = h;
    munmap(b->base, (size_t)(b->end - b->base));
    munmap(b, sizeof *b);
}

static void bump_reset(void *h) {
    bump_heap *b = h;
    b->top = b->base;
}

static void *bump_malloc(void *h, size_t n) {
    bump_heap *b = h;
    if (n > (size_t)(b->end - b->top) - 16)
        return NULL;
    size_t need = (n + 31) & ~(size_t)15;
    if (need > (size_t)(b->end - b->top))
        return NULL;
    char *p = b->top + 16;
    *(size_t *)b->top = n;
    b->top += need;
    return p;
}

static int bump_free(void *h, void *p) {
    (void)h;
    (void)p;
    return 0;
}

static void *bump_realloc(void *h, void *p, size_t n) {
    void *np = bump_malloc(h, n);
    if (np && p) {
        size_t old = *(size_t *)((char *)p - 16);
        memcpy(np, p, old < n ? old : n);
    }
    return np;
}

static size_t bump_footprint(void *h) {
    bump_heap *b = h;
    return (size_t)(b->top - b->base);
}

static void bump_range(void *h, const void **lo, const void **hi) {
    bump_heap *b = h;
    *lo = b->base;
    *hi = b->top;
}

const fb_allocator fb_alloc_bump = {
    .name = "bump",
    .group = "baseline",
    .summary = "never reuses memory: the harness's own cost per op",
    .align = 16,
    .available = bump_available,
    .create = bump_create,
    .destroy = bump_destroy,
    .reset = bump_reset,
    .malloc = bump_malloc,
    .free = bump_free,
    .realloc = bump_realloc,
    .footprint = bump_footprint,
    .range = bump_range,
};
