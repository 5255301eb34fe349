/*
 * mem.c: the Mem_* memory manager (seed 002): one mmap'd region, chunks
 * with a two-word header, a free list in address order, a choice of fit,
 * coalescing on free. Layout and invariants are in mem_impl.h.
 *
 * Where it sits: built both as the static library ostep_mem and as the
 * shared library libmem.so; demo programs call it, and the harness replays
 * traces through harness/alloc_ostep.c. Printing happens in Mem_Dump only.
 */
#include "mem_impl.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

mem_state mem_g = {NULL, 0, NULL, MEM_FIRST_FIT, MEM_OK};

static size_t mem_round_up(size_t n, size_t a) {
    return (n + a - 1) / a * a;
}

static void *mem_fail(int err) {
    mem_g.err = err;
    return NULL;
}

/* The whole region as one free chunk. */
static void mem_make_empty(void) {
    mem_header *h = (mem_header *)mem_g.base;
    h->size = mem_g.bytes - MEM_HDR;
    h->u.next = NULL;
    mem_g.head = h;
}

void *Mem_Init(int sizeOfRegion) {
    if (mem_g.base)
        return mem_fail(MEM_E_ALREADY_INIT);
    if (sizeOfRegion <= 0)
        return mem_fail(MEM_E_BAD_ARGS);
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    size_t bytes = mem_round_up((size_t)sizeOfRegion, (size_t)page);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return mem_fail(MEM_E_SYSTEM);
    mem_g.base = p;
    mem_g.bytes = bytes;
    mem_make_empty();
    mem_g.err = MEM_OK;
    return mem_g.head;
}

int Mem_Destroy(void) {
    if (!mem_g.base) {
        mem_g.err = MEM_E_NOT_INIT;
        return -1;
    }
    int rc = munmap(mem_g.base, mem_g.bytes);
    mem_g.base = NULL;
    mem_g.bytes = 0;
    mem_g.head = NULL;
    mem_g.err = rc == 0 ? MEM_OK : MEM_E_SYSTEM;
    return rc == 0 ? 0 : -1;
}

int Mem_Reset(void) {
    if (!mem_g.base) {
        mem_g.err = MEM_E_NOT_INIT;
        return -1;
    }
    mem_make_empty();
    mem_g.err = MEM_OK;
    return 0;
}

int Mem_SetFit(int fit) {
    if (fit != MEM_FIRST_FIT && fit != MEM_BEST_FIT && fit != MEM_WORST_FIT) {
        mem_g.err = MEM_E_BAD_ARGS;
        return -1;
    }
    mem_g.fit = fit;
    mem_g.err = MEM_OK;
    return 0;
}

int Mem_GetFit(void) {
    return mem_g.fit;
}

/* Whether a free chunk of `size` beats the one picked so far. */
static int mem_better(int fit, size_t size, size_t picked) {
    if (fit == MEM_BEST_FIT)
        return size < picked;
    if (fit == MEM_WORST_FIT)
        return size > picked;
    return 0;
}

void *Mem_Alloc(int size) {
    if (!mem_g.base)
        return mem_fail(MEM_E_NOT_INIT);
    if (size <= 0)
        return mem_fail(MEM_E_BAD_ARGS);
    size_t need = mem_round_up((size_t)size, MEM_ALIGN);

    mem_header *pick = NULL, *pick_prev = NULL, *prev = NULL;
    for (mem_header *h = mem_g.head; h; prev = h, h = h->u.next) {
        if (h->size < need)
            continue;
        if (!pick || mem_better(mem_g.fit, h->size, pick->size)) {
            pick = h;
            pick_prev = prev;
            if (mem_g.fit == MEM_FIRST_FIT)
                break;
        }
    }
    if (!pick)
        return mem_fail(MEM_E_NO_SPACE);

    /* The allocated part takes the front of the chunk, as in the seed, so
     * the remainder keeps the chunk's place in the address-ordered list.
     * A remainder too small for a header and one granule stays inside the
     * allocation. */
    mem_header *replacement = pick->u.next;
    if (pick->size - need >= MEM_HDR + MEM_ALIGN) {
        mem_header *rest = (mem_header *)((char *)(pick + 1) + need);
        rest->size = pick->size - need - MEM_HDR;
        rest->u.next = pick->u.next;
        replacement = rest;
        pick->size = need;
    }
    if (pick_prev)
        pick_prev->u.next = replacement;
    else
        mem_g.head = replacement;
    pick->u.magic = MEM_MAGIC;
    mem_g.err = MEM_OK;
    return pick + 1;
}

/*
 * The magic number alone would let a stale or interior pointer through
 * whenever payload bytes happen to hold it, and then free would corrupt
 * the region. So, after the range, alignment and magic tests, the chunk is
 * confirmed by walking from the end of the free chunk just below it (all
 * chunks in between are allocated) to its header. Nothing is read before
 * the address is known to lie inside the region.
 */
mem_header *mem_locate(const void *ptr, mem_header **prev_free) {
    uintptr_t off = mem_off(ptr);
    if (off < MEM_HDR || off >= mem_g.bytes || off % MEM_ALIGN != 0)
        return mem_fail(MEM_E_BAD_POINTER);
    mem_header *h = (mem_header *)(mem_g.base + off - MEM_HDR);
    if (h->u.magic != MEM_MAGIC)
        return mem_fail(MEM_E_BAD_POINTER);

    mem_header *prev = NULL;
    for (mem_header *f = mem_g.head; f && mem_off(f) < off; f = f->u.next)
        prev = f;
    uintptr_t cur = prev ? mem_off(mem_chunk_end(prev)) : 0;
    uintptr_t target = off - MEM_HDR;
    while (cur < target) {
        const mem_header *c = (const mem_header *)(mem_g.base + cur);
        if (c->u.magic != MEM_MAGIC ||
            c->size > mem_g.bytes - cur - MEM_HDR)
            return mem_fail(MEM_E_CORRUPT);
        cur += MEM_HDR + c->size;
    }
    if (cur != target)
        return mem_fail(MEM_E_BAD_POINTER);
    if (h->size > mem_g.bytes - off || h->size % MEM_ALIGN != 0)
        return mem_fail(MEM_E_CORRUPT);
    *prev_free = prev;
    return h;
}

/* A header swallowed by a merge: wiped so that a stale pointer to it no
 * longer finds the magic. */
static void mem_forget(mem_header *h) {
    h->size = 0;
    h->u.magic = 0;
}

int Mem_Free(void *ptr) {
    if (!mem_g.base) {
        mem_g.err = MEM_E_NOT_INIT;
        return -1;
    }
    if (!ptr) {
        mem_g.err = MEM_OK;
        return 0;
    }
    mem_header *prev;
    mem_header *h = mem_locate(ptr, &prev);
    if (!h)
        return -1;

    mem_header *next = prev ? prev->u.next : mem_g.head;
    h->u.next = next;
    if (prev)
        prev->u.next = h;
    else
        mem_g.head = h;

    if (next && mem_chunk_end(h) == (char *)next) {
        h->size += MEM_HDR + next->size;
        h->u.next = next->u.next;
        mem_forget(next);
    }
    if (prev && mem_chunk_end(prev) == (char *)h) {
        prev->size += MEM_HDR + h->size;
        prev->u.next = h->u.next;
        mem_forget(h);
    }
    mem_g.err = MEM_OK;
    return 0;
}

static const char *mem_fit_name(int fit) {
    switch (fit) {
    case MEM_BEST_FIT:
        return "best fit";
    case MEM_WORST_FIT:
        return "worst fit";
    default:
        return "first fit";
    }
}

void Mem_Dump(void) {
    if (!mem_g.base) {
        printf("Mem_Dump: no region (call Mem_Init first)\n");
        return;
    }
    printf("Mem_Dump: region %p, %zu bytes, %s, head %p\n",
           (void *)mem_g.base, mem_g.bytes, mem_fit_name(mem_g.fit),
           (void *)mem_g.head);
    size_t n = 0, total = 0;
    size_t limit = mem_g.bytes / MEM_HDR; /* a cycle cannot hang the dump */
    for (const mem_header *f = mem_g.head; f && n < limit; f = f->u.next) {
        if (mem_off(f) > mem_g.bytes - MEM_HDR) {
            printf("  free chunk %p: outside the region, list ends here\n",
                   (const void *)f);
            break;
        }
        printf("  free chunk %p (offset %zu): size %zu, next ",
               (const void *)f, (size_t)mem_off(f), f->size);
        if (f->u.next)
            printf("%p\n", (void *)f->u.next);
        else
            printf("end of list\n");
        n++;
        total += f->size;
    }
    printf("  %zu free chunk%s, %zu bytes free\n", n, n == 1 ? "" : "s",
           total);
}

int Mem_Error(void) {
    return mem_g.err;
}

const char *Mem_ErrorString(int err) {
    switch (err) {
    case MEM_OK:
        return "no error";
    case MEM_E_BAD_ARGS:
        return "bad argument";
    case MEM_E_NO_SPACE:
        return "no free chunk is large enough";
    case MEM_E_BAD_POINTER:
        return "not a chunk allocated from this region";
    case MEM_E_CORRUPT:
        return "region headers are corrupted";
    case MEM_E_NOT_INIT:
        return "no region (Mem_Init not called)";
    case MEM_E_ALREADY_INIT:
        return "Mem_Init called twice";
    case MEM_E_SYSTEM:
        return "mmap or munmap failed";
    default:
        return "unknown error";
    }
}
