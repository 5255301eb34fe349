/*
 * dmm_shim.h: everything the dynamic memory manager needs from its
 * surroundings, so that dmm.c and dmm_inspect.c build unchanged both as
 * the user-space library here and inside a Linux kernel module (the seed
 * is a module). The manager's files include this header and no libc or
 * kernel header of their own.
 *
 * What it provides, on each side:
 *   size_t, uintptr_t, SIZE_MAX        stddef/stdint   linux/types, limits
 *   memset, memcpy, snprintf           string, stdio   linux/string, kernel
 *   DMM_PRINT(fmt, ...)                printf          printk(KERN_INFO)
 *   dmm_arena_get / dmm_arena_put      mmap / munmap   vmalloc / vfree
 * Every line DMM_PRINT writes starts with "MyMemory: ", as the seed's
 * module log does.
 */
#ifndef DMM_SHIM_H
#define DMM_SHIM_H

#ifdef __KERNEL__

#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/vmalloc.h>

#define DMM_PRINT(...) printk(KERN_INFO "MyMemory: " __VA_ARGS__)

static inline void *dmm_arena_get(size_t bytes) {
    return vmalloc(bytes);
}

static inline void dmm_arena_put(void *arena, size_t bytes) {
    (void)bytes;
    vfree(arena);
}

#else

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define DMM_PRINT(...) printf("MyMemory: " __VA_ARGS__)

/* A fixed arena for the heap, page aligned; NULL on failure. */
static inline void *dmm_arena_get(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static inline void dmm_arena_put(void *arena, size_t bytes) {
    if (arena)
        munmap(arena, bytes);
}

#endif
#endif
