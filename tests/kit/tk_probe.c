/*
 * tk_probe.c: the model test's hostile and edge cases (tk_model.h): bad
 * pointers rejected without damage, impossible sizes refused, a second
 * heap (refused, or independent), exhaustion of a fixed region, reset,
 * and the create/destroy discipline.
 */
#include "tk_model_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A live block of at least 32 bytes, so that +16 is interior; -1 if none. */
static long roomy_block(const tk_run *r) {
    for (size_t i = 0; i < r->cfg->slots; i++)
        if (r->blk[i].h && r->blk[i].n >= 32)
            return (long)i;
    return -1;
}

void tk_probe_bad(tk_run *r, int thorough) {
    const fb_allocator *a = r->a;
    int on_stack = 0;
    CHECK(a->free(r->heap, &on_stack) != 0, "a stack address was freed");
    CHECK(a->free(r->heap, (void *)(uintptr_t)0x10) != 0, "address 0x10 was freed");
    if (a->range) {
        const void *lo, *hi;
        a->range(r->heap, &lo, &hi);
        if (lo) { /* free(NULL) is fine, so only a real region */
            CHECK(a->free(r->heap, (void *)lo) != 0, "the range's start was freed");
            CHECK(a->free(r->heap, (void *)hi) != 0, "the range's end was freed");
        }
    }
    long i = roomy_block(r);
    CHECK(i >= 0 || !thorough, "no live block to aim bad pointers at");
    if (i >= 0) {
        tk_block *b = &r->blk[i];
        char *h = b->h;
        CHECK(a->free(r->heap, h + 16) != 0, "an interior pointer was freed");
        CHECK(a->free(r->heap, h + 1) != 0, "a misaligned pointer was freed");
        errno = 0;
        void *q = a->realloc(r->heap, h + 16, 10);
        CHECK(q == NULL && errno == EINVAL,
              "realloc of an interior pointer gave %p (errno %d), not NULL/EINVAL", q,
              errno);
        tk_intact(r, b, b->n, "after bad pointers");
        if (thorough) {
            tk_free_slot(r, (size_t)i);
            CHECK(a->free(r->heap, h) != 0, "double free accepted");
            errno = 0;
            q = a->realloc(r->heap, h, 10);
            CHECK(q == NULL && errno == EINVAL,
                  "realloc of a freed pointer gave %p (errno %d), not NULL/EINVAL", q,
                  errno);
        }
    }
    if (thorough)
        tk_check_clean(r, "after bad pointers");
}

static int same_stats(const fb_free_stats *a, const fb_free_stats *b) {
    return a->used_bytes == b->used_bytes && a->free_bytes == b->free_bytes &&
           a->largest_free == b->largest_free && a->free_blocks == b->free_blocks;
}

/* A refused request leaves the heap as it was: same footprint, same
 * blocks, the live block's bytes intact. Done last: an allocator that
 * grows before it gives up may leave a heap too large to go on with. */
void tk_impossible_sizes(tk_run *r) {
    const fb_allocator *a = r->a;
    tk_block *b = &r->blk[0];
    *b = (tk_block){a->malloc(r->heap, 100), 100, 0xF00D};
    CHECK(b->h != NULL, "malloc(100) failed");
    if (!b->h)
        return;
    r->live++;
    r->live_bytes += b->n;
    tk_fill(r, b);
    size_t fp0 = a->footprint(r->heap);
    fb_free_stats st0 = {0}, st = {0};
    if (a->free_stats)
        a->free_stats(r->heap, &st0);
    const size_t sizes[] = {SIZE_MAX, SIZE_MAX - 8, SIZE_MAX / 2 + 1, (size_t)1 << 60,
                            (size_t)1 << 40};
    size_t nsizes = sizeof sizes / sizeof sizes[0];
    if (!tk_is_fixed(r))
        nsizes--; /* whether 1 TiB can be mapped depends on the machine */
    for (size_t k = 0; k < 2 * nsizes; k++) {
        size_t n = sizes[k % nsizes];
        const char *what = k < nsizes ? "malloc" : "realloc";
        void *q = k < nsizes ? a->malloc(r->heap, n) : a->realloc(r->heap, b->h, n);
        CHECK(q == NULL, "%s(%zu) granted", what, n);
        size_t fp = a->footprint(r->heap);
        CHECK(fp == fp0, "a refused %s(%zu) moved the footprint from %zu to %zu", what,
              n, fp0, fp);
        if (a->free_stats) {
            a->free_stats(r->heap, &st);
            CHECK(same_stats(&st, &st0),
                  "a refused %s(%zu) changed the blocks: %zu free blocks of %zu bytes, "
                  "were %zu of %zu", what, n, st.free_blocks, st.free_bytes,
                  st0.free_blocks, st0.free_bytes);
        }
        tk_intact(r, b, b->n, "after an impossible request");
        if (fp != fp0)
            break; /* the heap is not what the rest assumes */
    }
    tk_check_clean(r, "after impossible sizes");
    tk_free_slot(r, 0);
}

void tk_second_heap(tk_run *r) {
    const fb_allocator *a = r->a;
    fb_alloc_hint hint = {.peak_payload = r->cfg->peak, .max_request = r->cfg->max_request,
                          .num_ids = r->cfg->slots, .for_check = 1};
    errno = 0;
    void *h2 = a->create(&hint);
    if (r->prof->flags & TK_ONE_HEAP) {
        CHECK(h2 == NULL && errno == EBUSY,
              "a second heap of a one-heap allocator: %p (errno %d), not NULL/EBUSY", h2,
              errno);
        if (h2 && h2 != r->heap)
            a->destroy(h2);
        return;
    }
    CHECK(h2 != NULL, "a second heap could not be created");
    if (!h2)
        return;
    /* Each heap refuses the other's blocks, and one dies without harm to
     * the other. */
    tk_block b1 = {a->malloc(r->heap, 100), 100, 0x5eed};
    unsigned char *p2 = a->malloc(h2, 100);
    CHECK(b1.h && p2, "malloc in two live heaps failed");
    if (b1.h && p2) {
        tk_fill(r, &b1);
        memset(a->payload ? a->payload(h2, p2) : p2, 0xA5, 100);
        CHECK(a->free(r->heap, p2) != 0, "a heap freed another heap's block");
        CHECK(a->free(h2, b1.h) != 0, "a heap freed another heap's block");
        CHECK(a->free(h2, p2) == 0, "the second heap refused its own block");
    }
    a->destroy(h2);
    if (b1.h) {
        tk_intact(r, &b1, b1.n, "after destroying another heap");
        CHECK(a->free(r->heap, b1.h) == 0, "free after another heap died");
    }
    tk_check_clean(r, "after a second heap");
}

void tk_exhaust(tk_run *r) {
    const fb_allocator *a = r->a;
    enum { CHUNK = 4096 };
    size_t cap = r->fp0 / CHUNK + 2, got = 0;
    void **ps = calloc(cap, sizeof *ps);
    if (!ps) {
        fprintf(stderr, "tk_exhaust: out of memory\n");
        exit(2);
    }
    while (got < cap) {
        void *p = a->malloc(r->heap, CHUNK);
        if (!p)
            break;
        memset(tk_real(r, p), 0x5A, CHUNK);
        ps[got++] = p;
    }
    CHECK(got < cap, "malloc never ran out in a %zu-byte region", r->fp0);
    CHECK(got > 0 && got * CHUNK <= r->fp0, "%zu chunks of %d in %zu bytes", got,
          (int)CHUNK, r->fp0);
    CHECK(a->malloc(r->heap, CHUNK) == NULL, "a full region found room again");
    tk_check_clean(r, "when full");
    for (size_t i = 0; i < got; i += 2) /* every other one, then the rest */
        CHECK(a->free(r->heap, ps[i]) == 0, "free in a full region");
    for (size_t i = 1; i < got; i += 2)
        CHECK(a->free(r->heap, ps[i]) == 0, "free in a full region");
    free(ps);
    tk_check_empty(r, "after exhaustion");
}

void tk_reset(tk_run *r) {
    const fb_allocator *a = r->a;
    for (size_t i = 0; i < 50; i++)
        CHECK(a->malloc(r->heap, 100 + i) != NULL, "malloc before reset");
    a->reset(r->heap);
    tk_check_empty(r, "after reset");
    /* The heap works after a reset. */
    tk_block *b = &r->blk[0];
    *b = (tk_block){a->malloc(r->heap, 1000), 1000, 0xBEEF};
    CHECK(b->h != NULL, "malloc after reset");
    if (!b->h)
        return;
    r->live++;
    r->live_bytes += b->n;
    tk_check_new(r, 0, "malloc after reset");
    tk_fill(r, b);
    tk_sweep(r);
    tk_free_slot(r, 0);
}

void tk_model_lifecycle(const fb_allocator *a) {
    void *h = a->create(NULL);
    CHECK(h != NULL, "%s: create(NULL hint) failed", a->name);
    if (h) {
        void *p = a->malloc(h, 1000);
        unsigned char *real = p && a->payload ? a->payload(h, p) : p;
        CHECK(real && (uintptr_t)real % a->align == 0,
              "%s: malloc(1000) in a default heap gave %p", a->name, (void *)real);
        if (real)
            memset(real, 0x11, 1000);
        CHECK(!p || a->free(h, p) == 0, "%s: free in a default heap", a->name);
        a->destroy(h);
    }
    /* A trace too big for any heap: a fixed region caps itself, and
     * requests fail cleanly (the harness's `oom`). */
    fb_alloc_hint giant = {.peak_payload = SIZE_MAX / 2, .max_request = SIZE_MAX / 4, .num_ids = 1000};
    h = a->create(&giant);
    CHECK(h != NULL, "%s: create with an absurd hint failed", a->name);
    if (h) {
        CHECK(a->malloc(h, SIZE_MAX / 4) == NULL, "%s: SIZE_MAX/4 bytes granted", a->name);
        CHECK(a->malloc(h, 64) != NULL, "%s: 64 bytes refused", a->name);
        a->destroy(h);
    }
    for (int i = 0; i < 3; i++) { /* no leak of a one-heap slot */
        h = a->create(NULL);
        CHECK(h != NULL, "%s: create after destroy failed (round %d)", a->name, i);
        if (h)
            a->destroy(h);
    }
}
