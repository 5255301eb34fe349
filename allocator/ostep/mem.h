/*
 * mem.h: the public API of the OSTEP-style Mem_* memory manager (seed 002).
 *
 * Mem_Init maps one region with mmap; from then on every chunk of it is a
 * mem_header followed by its bytes. An allocated chunk's header carries
 * MEM_MAGIC; a free chunk's header carries the address of the next free
 * chunk, so the free chunks form a singly linked list whose head is what
 * Mem_Init returns. Mem_Free trusts nothing about a pointer until it has
 * found it, inside the region, at a chunk boundary, behind the magic.
 *
 * Beyond the seed: the fit used to pick a free chunk (first, best or worst;
 * first by default, as in the seed), and coalescing of neighbouring free
 * chunks on Mem_Free (the list is kept in address order so that neighbours
 * are list neighbours too).
 *
 * Where it sits: demo programs and libmem.so users call it directly; the
 * harness replays traces through harness/alloc/alloc_ostep.c, which also uses
 * the introspection calls of mem_inspect.h. One region at a time (global
 * state, as in the seed); not thread-safe.
 *
 * Differences from the seed's numbers: the seed's header is two 4-byte
 * ints (8 bytes); on a 64-bit machine the free-list link is a pointer, so
 * the header here is two 8-byte words (16 bytes). Requests are rounded up
 * to MEM_ALIGN (8) so that every chunk stays aligned: 100 bytes become 104.
 */
#ifndef OSTEP_MEM_H
#define OSTEP_MEM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the header of every allocated chunk carries (the seed's number). */
#define MEM_MAGIC 1234567u

/* Payload alignment and size granule. */
#define MEM_ALIGN 8

/*
 * The header in front of every chunk. `size` counts the bytes after the
 * header. Which half of the union is live depends on the chunk: allocated
 * chunks hold MEM_MAGIC, free chunks the next free chunk (NULL at the end
 * of the list). A free chunk's link can never equal MEM_MAGIC: the region
 * is mapped far above that address.
 */
typedef struct mem_header {
    size_t size;
    union {
        size_t magic;
        struct mem_header *next;
    } u;
} mem_header;

/* Fits for Mem_SetFit. */
enum mem_fit {
    MEM_FIRST_FIT = 0, /* first free chunk (in address order) that fits */
    MEM_BEST_FIT = 1,  /* smallest that fits; the first of equals */
    MEM_WORST_FIT = 2  /* largest; the first of equals */
};

/* Why the last call failed (Mem_Error). */
enum mem_error {
    MEM_OK = 0,
    MEM_E_BAD_ARGS,     /* size <= 0, unknown fit */
    MEM_E_NO_SPACE,     /* no free chunk is large enough */
    MEM_E_BAD_POINTER,  /* not a chunk this region handed out, or freed */
    MEM_E_CORRUPT,      /* a header on the way does not hold together */
    MEM_E_NOT_INIT,     /* no region: Mem_Init first */
    MEM_E_ALREADY_INIT, /* Mem_Init twice without Mem_Destroy */
    MEM_E_SYSTEM        /* mmap/munmap failed (errno says why) */
};

/* Maps a region of sizeOfRegion bytes rounded up to whole pages and makes
 * it one free chunk. Returns the head of the free list (the region's
 * start), or NULL on error (Mem_Error says which). */
void *Mem_Init(int sizeOfRegion);

/* A chunk of at least size bytes, 8-byte aligned, or NULL. */
void *Mem_Alloc(int size);

/* Frees a chunk from Mem_Alloc: 0 on success (and for NULL), -1 when ptr
 * is not a live chunk of the region; then nothing is changed. */
int Mem_Free(void *ptr);

/* Prints the free list to stdout: each chunk's address, offset in the
 * region, size and link, then the totals. */
void Mem_Dump(void);

/* Chooses the fit for later Mem_Alloc calls; 0, or -1 for an unknown fit.
 * The choice outlives Mem_Destroy. */
int Mem_SetFit(int fit);
int Mem_GetFit(void);

/* Unmaps the region; Mem_Init may be called again. 0, or -1 if none. */
int Mem_Destroy(void);

/* The enum mem_error of the last call, and its text. */
int Mem_Error(void);
const char *Mem_ErrorString(int err);

#ifdef __cplusplus
}
#endif
#endif
