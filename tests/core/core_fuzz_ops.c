/*
 * core_fuzz_ops.c: the fuzz interpreter for the allocator core (what it
 * checks is in core_fuzz.h). Only the core's public calls (fitalloc.h).
 *
 * Input layout: byte 0 picks the heap's configuration (a small region, so
 * that requests reach its end and fail with ENOMEM; the trim threshold and
 * decay, request tracking); then each call is one byte of opcode and slot
 * followed by the bytes its sizes need. An input that ends mid-call ends
 * the sequence there, so every input is valid.
 */
#include "core_fuzz.h"
#include "fitalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define SLOTS 32

typedef struct {
    unsigned char *p;
    size_t n;
    size_t align;
    unsigned seed;
} live;

typedef struct {
    const uint8_t *d;
    size_t n, at;
    fa_heap *h;
    const char *pol;
    live slot[SLOTS];
    void *freed; /* the last payload freed, for a double free */
    size_t step;
    long bad;
    FILE *log;
} fz;

static int fz_fail(fz *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fz_fail(fz *z, const char *fmt, ...) {
    if (z->log) {
        fprintf(z->log, "core_fuzz: %s, call %zu: ", z->pol, z->step);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(z->log, fmt, ap);
        va_end(ap);
        fputc('\n', z->log);
    }
    z->bad++;
    return -1;
}

/* The next byte, or -1 at the end of the input. */
static int fz_byte(fz *z) { return z->at < z->n ? z->d[z->at++] : -1; }

/* A request size across the classes: tiny, small, the size-class edges,
 * medium, large, past the heap's end, impossible. -1 at the end. */
static long long fz_size(fz *z, size_t *out) {
    int k = fz_byte(z), a = fz_byte(z), b = fz_byte(z);
    if (k < 0 || a < 0 || b < 0)
        return -1;
    size_t v = (size_t)a << 8 | (size_t)b;
    switch (k % 8) {
    case 0: *out = v % 33; break;                                  /* 0..32 */
    case 1: *out = v % 513; break;                                 /* small */
    case 2: *out = ((size_t)16 << (v % 12)) + (size_t)(b % 3) - 1; break; /* class edges */
    case 3: *out = v % 16385; break;                               /* medium */
    case 4: *out = v * 16 + (size_t)(a % 16); break;               /* to 1 MiB */
    case 5: *out = ((size_t)1 << 20) * (1 + v % 8); break;         /* to the end */
    case 6: *out = SIZE_MAX - v; break;                            /* impossible */
    default: *out = v % 100; break;
    }
    return 0;
}

static unsigned char fz_pat(unsigned seed, size_t i) { return (unsigned char)(seed * 7u + i * 13u + (i >> 9)); }

/* The payload bytes written and verified: all of a small block; of a
 * large one its first and last 256 and one in every 251 between (a block
 * of megabytes would otherwise cost more than the rest of the input). */
#define FZ_EDGE 256
static size_t fz_next_pos(size_t i, size_t n) {
    if (i + 1 < FZ_EDGE || i + 1 + FZ_EDGE >= n)
        return i + 1;
    size_t j = i + 251;
    return j + FZ_EDGE < n ? j : n - FZ_EDGE;
}

static void fz_fill(live *l) {
    for (size_t i = 0; i < l->n; i = fz_next_pos(i, l->n))
        l->p[i] = fz_pat(l->seed, i);
}

/* The bytes of l below n (a realloc keeps that many) are intact. */
static int fz_intact(fz *z, const live *l, size_t n, const char *when) {
    for (size_t i = 0; i < n; i = fz_next_pos(i, l->n))
        if (l->p[i] != fz_pat(l->seed, i))
            return fz_fail(z, "payload %p (%zu bytes) byte %zu changed %s", (void *)l->p, l->n,
                           i, when);
    return 0;
}

/* A fresh result of n bytes at alignment al: non-NULL unless impossible,
 * aligned, inside the heap, usable, apart from every other live block. */
static int fz_new(fz *z, int k, unsigned char *p, size_t n, size_t al, const char *call) {
    if (!p) {
        if (errno != ENOMEM)
            return fz_fail(z, "%s(%zu) NULL with errno %d, not ENOMEM", call, n, errno);
        return 1; /* the heap's end, or impossible: fine */
    }
    const void *lo, *hi;
    fa_heap_range(z->h, &lo, &hi);
    if ((uintptr_t)p % al)
        return fz_fail(z, "%s(%zu) = %p, not %zu-aligned", call, n, (void *)p, al);
    if ((void *)p < lo || (void *)(p + n) > hi)
        return fz_fail(z, "%s(%zu) = %p outside the heap", call, n, (void *)p);
    if (!fa_owns(z->h, p) || fa_usable_size(z->h, p) < n)
        return fz_fail(z, "%s(%zu) = %p not owned or too small", call, n, (void *)p);
    for (int i = 0; i < SLOTS; i++) {
        live *o = &z->slot[i];
        if (i != k && o->p && p < o->p + (o->n ? o->n : 1) && o->p < p + (n ? n : 1))
            return fz_fail(z, "%s(%zu) = %p overlaps live %p", call, n, (void *)p, (void *)o->p);
    }
    return 0;
}

static int fz_free_slot(fz *z, live *l) {
    if (fz_intact(z, l, l->n, "before free"))
        return -1;
    int rc = fa_free(z->h, l->p);
    if (rc != 0)
        return fz_fail(z, "free of live %p: %d", (void *)l->p, rc);
    z->freed = l->p;
    l->p = NULL;
    return 0;
}

/* One call; -1 at the end of the input or after a failure. */
static int fz_call(fz *z) {
    int op = fz_byte(z);
    if (op < 0)
        return -1;
    int k = (op >> 4) % SLOTS;
    live *l = &z->slot[k];
    size_t n = 0;
    unsigned seed = (unsigned)z->step * 2654435761u;
    errno = 0;
    switch (op % 16) {
    case 0: case 1: case 2: case 3: /* malloc */
    case 4: /* calloc */
    case 5: { /* memalign */
        if (fz_size(z, &n) < 0)
            return -1;
        if (l->p && fz_free_slot(z, l))
            return -1;
        size_t al = 16;
        unsigned char *p;
        if (op % 16 == 5) {
            int a = fz_byte(z);
            if (a < 0)
                return -1;
            al = (size_t)1 << (a % 14);
            p = fa_memalign(z->h, al, n);
            al = al < 16 ? 16 : al;
        } else if (op % 16 == 4) {
            p = fa_calloc(z->h, 1, n);
            for (size_t i = 0; p && i < n; i++)
                if (p[i])
                    return fz_fail(z, "calloc(%zu) byte %zu not zero", n, i);
        } else {
            p = fa_malloc(z->h, n);
        }
        int r = fz_new(z, k, p, n, al, "malloc");
        if (r < 0)
            return -1;
        if (r == 0) {
            *l = (live){p, n, al, seed};
            fz_fill(l);
        }
        return 0;
    }
    case 6: case 7: case 8: case 9: /* free */
        return l->p ? fz_free_slot(z, l) : 0;
    case 10: case 11: { /* realloc */
        if (fz_size(z, &n) < 0)
            return -1;
        if (!l->p)
            return 0;
        if (fz_intact(z, l, l->n, "before realloc"))
            return -1;
        unsigned char *p = fa_realloc(z->h, l->p, n);
        if (n == 0) {
            if (p || fa_owns(z->h, l->p))
                return fz_fail(z, "realloc(p, 0) did not free p");
            l->p = NULL;
            return 0;
        }
        if (!p) {
            if (errno != ENOMEM || !fa_owns(z->h, l->p))
                return fz_fail(z, "failed realloc(%zu): errno %d, block lost", n, errno);
            return fz_intact(z, l, l->n, "after a failed realloc");
        }
        if (fz_new(z, k, p, n, 16, "realloc") < 0)
            return -1;
        size_t keep = l->n < n ? l->n : n;
        l->p = p;
        if (fz_intact(z, l, keep, "across realloc"))
            return -1;
        l->n = n;
        l->align = 16;
        fz_fill(l);
        return 0;
    }
    case 12: /* interior pointer */
        if (l->p && fa_usable_size(z->h, l->p) > 16) {
            int rc = fa_free(z->h, l->p + 16);
            if (rc != -FA_EINTERIOR)
                return fz_fail(z, "interior free of %p+16: %d, not -FA_EINTERIOR", (void *)l->p, rc);
        }
        return 0;
    case 13: /* double free of the last freed payload, unless handed out again */
        if (z->freed && !fa_owns(z->h, z->freed)) {
            int rc = fa_free(z->h, z->freed);
            if (rc != -FA_EDOUBLE && rc != -FA_EINTERIOR)
                return fz_fail(z, "double free of %p: %d", z->freed, rc);
        }
        return 0;
    case 14: /* reset, now and then */
        if (op >> 7) {
            fa_heap_reset(z->h);
            memset(z->slot, 0, sizeof z->slot);
            z->freed = NULL;
        }
        return 0;
    default: /* trim */
        fa_heap_trim(z->h);
        return 0;
    }
}

static void fz_policy(fz *z, const char *pol, int conf) {
    fa_config cfg = fa_config_default();
    cfg.region_bytes = (size_t)1 << (20 + conf % 4); /* 1 to 8 MiB */
    cfg.trim_threshold = (conf >> 2) & 1 ? 0 : FA_DEFAULT_TRIM;
    cfg.trim_decay_ops = (conf >> 3) & 1 ? 0 : 64;
    cfg.track_requests = (conf >> 4) & 1;
    z->pol = pol;
    z->h = fa_heap_create(pol, &cfg);
    if (!z->h) {
        fz_fail(z, "fa_heap_create failed");
        return;
    }
    memset(z->slot, 0, sizeof z->slot);
    z->freed = NULL;
    z->at = 1;
    for (z->step = 0; fz_call(z) == 0; z->step++) {
        long v = fa_heap_check(z->h, z->log, NULL);
        if (v) {
            fz_fail(z, "the heap checker found %ld violations", v);
            break;
        }
    }
    for (int i = 0; i < SLOTS && !z->bad; i++)
        if (z->slot[i].p)
            fz_intact(z, &z->slot[i], z->slot[i].n, "at the end");
    fa_heap_destroy(z->h);
}

long core_fuzz_one(const uint8_t *data, size_t size, FILE *log) {
    if (size == 0)
        return 0;
    fz z = {.d = data, .n = size, .log = log};
    for (size_t i = 0; i < fa_policy_count() && !z.bad; i++)
        fz_policy(&z, fa_policy_name(i), data[0]);
    return z.bad;
}
