/*
 * testmalloc.c: a small malloc library for fitbench's so: tests
 * (tests/user/), preloaded into a cell as a user's library would be.
 *
 * Size classes of powers of two from 16 bytes to 1 MiB, each a LIFO list
 * of freed blocks, carved from 1 MiB chunks taken with mmap; larger
 * requests are mapped alone. A 16-byte header before each payload holds
 * its class (or, for a mapped block, its mapped size). Single-threaded
 * (a cell's process is) and it exports no footprint statistic, so
 * fitbench measures it by resident memory. It defines every entry point
 * glibc programs reach, so no block ever goes to the wrong free.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16
#define CLASSES 17 /* 16 << 0 .. 16 << 16 = 1 MiB */
#define CHUNK ((size_t)1 << 20)
#define BIG ((size_t)-1)

static void *lists[CLASSES];
static char *cur, *end;

static size_t *hdr(void *p) { return (size_t *)((char *)p - HDR); }

static int class_of(size_t n) {
    int c = 0;
    while (c < CLASSES && ((size_t)16 << c) < n)
        c++;
    return c;
}

void *malloc(size_t n) {
    int c = class_of(n ? n : 1);
    if (c == CLASSES) {
        if (n > SIZE_MAX - 2 * 4096) {
            errno = ENOMEM;
            return NULL;
        }
        size_t len = (n + HDR + 4095) & ~(size_t)4095;
        char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            errno = ENOMEM;
            return NULL;
        }
        ((size_t *)m)[0] = BIG;
        ((size_t *)m)[1] = len;
        return m + HDR;
    }
    if (lists[c]) {
        void *p = lists[c];
        lists[c] = *(void **)p;
        return p;
    }
    size_t need = HDR + ((size_t)16 << c);
    if (!cur || (size_t)(end - cur) < need) {
        cur = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (cur == MAP_FAILED) {
            cur = NULL;
            errno = ENOMEM;
            return NULL;
        }
        end = cur + CHUNK;
    }
    char *p = cur + HDR;
    cur += need;
    *hdr(p) = (size_t)c;
    return p;
}

void free(void *p) {
    if (!p)
        return;
    size_t c = *hdr(p);
    if (c == BIG) {
        munmap((char *)p - HDR, hdr(p)[1]);
        return;
    }
    *(void **)p = lists[c];
    lists[c] = p;
}

static size_t usable(void *p) { return *hdr(p) == BIG ? hdr(p)[1] - HDR : (size_t)16 << *hdr(p); }

void *realloc(void *p, size_t n) {
    if (!p)
        return malloc(n);
    if (!n) {
        free(p);
        return NULL;
    }
    size_t have = usable(p);
    if (n <= have && *hdr(p) != BIG)
        return p;
    void *q = malloc(n);
    if (q) {
        memcpy(q, p, have < n ? have : n);
        free(p);
    }
    return q;
}

void *calloc(size_t k, size_t n) {
    if (n && k > SIZE_MAX / n) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(k * n);
    if (p)
        memset(p, 0, k * n);
    return p;
}

/* Alignments past 16 by over-allocating from the big path: rare enough
 * here (the loader's and libc's own requests). */
int posix_memalign(void **out, size_t al, size_t n) {
    if (al <= 16) {
        *out = malloc(n);
        return *out ? 0 : ENOMEM;
    }
    if (al & (al - 1) || al % sizeof(void *))
        return EINVAL;
    size_t len = (n + al + HDR + 4095) & ~(size_t)4095;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return ENOMEM;
    char *p = (char *)(((uintptr_t)m + HDR + al - 1) & ~(uintptr_t)(al - 1));
    /* free gives these back only when p - HDR falls on a page (munmap
     * refuses any other start): the test never frees many. */
    size_t *h = hdr(p);
    h[0] = BIG;
    h[1] = len - (size_t)((char *)h - m);
    *out = p;
    return 0;
}

void *aligned_alloc(size_t al, size_t n) {
    void *p;
    return posix_memalign(&p, al < sizeof(void *) ? sizeof(void *) : al, n) ? NULL : p;
}
void *memalign(size_t al, size_t n) { return aligned_alloc(al, n); }
void *valloc(size_t n) { return aligned_alloc(4096, n); }
void *pvalloc(size_t n) { return aligned_alloc(4096, (n + 4095) & ~(size_t)4095); }
size_t malloc_usable_size(void *p) { return p ? usable(p) : 0; }
