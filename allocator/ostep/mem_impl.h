/*
 * mem_impl.h: the Mem_* library's internal state, shared by mem.c (the
 * API) and mem_inspect.c (walk, check, figures). Nothing outside
 * allocator/ostep includes it.
 *
 * Region layout (offsets from base, which mmap page-aligns):
 *
 *   0                                                    bytes
 *   | hdr | payload | hdr | payload | ... | hdr | payload |
 *
 * Invariants, each tested by Mem_Check:
 * - chunks tile [base, base + bytes) exactly: the chunk at offset o is
 *   followed by the one at o + MEM_HDR + size, and sizes are multiples of
 *   MEM_ALIGN, so every payload is 8-aligned;
 * - a chunk is allocated iff its header holds MEM_MAGIC, and free iff it
 *   is on the free list;
 * - the free list is in strictly increasing address order, every member
 *   inside the region;
 * - no two free chunks touch (Mem_Free coalesces them).
 */
#ifndef OSTEP_MEM_IMPL_H
#define OSTEP_MEM_IMPL_H

#include "mem.h"

#include <stdint.h>

#define MEM_HDR sizeof(mem_header)

_Static_assert(sizeof(mem_header) == 2 * sizeof(size_t),
               "the header is two words: size, then magic or link");
_Static_assert(sizeof(mem_header) % MEM_ALIGN == 0,
               "headers keep payloads aligned");
_Static_assert(sizeof(void *) <= sizeof(size_t),
               "the link and the magic share one word");

typedef struct mem_state {
    char *base;       /* region start; NULL when there is no region */
    size_t bytes;     /* region length, whole pages */
    mem_header *head; /* first free chunk (lowest address) or NULL */
    int fit;          /* enum mem_fit */
    int err;          /* enum mem_error of the last call */
} mem_state;

extern mem_state mem_g;

/* First byte after a chunk. */
static inline char *mem_chunk_end(const mem_header *h) {
    return (char *)(h + 1) + h->size;
}

/* Offset of an address in the region, for comparisons that must not
 * compare pointers into different objects. */
static inline uintptr_t mem_off(const void *p) {
    return (uintptr_t)p - (uintptr_t)mem_g.base;
}

/* Finds the allocated chunk whose payload is ptr (see mem.c), and the free
 * chunk just below it. NULL, with mem_g.err set, if there is none. */
mem_header *mem_locate(const void *ptr, mem_header **prev_free);

#endif
