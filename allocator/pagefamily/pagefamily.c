/*
 * pagefamily.c: the page-family memory manager (seed 000's
 * MemoryManager.c): registering families, getting and giving back VM
 * pages, xcalloc (largest free block from the priority list, split) and
 * xfree (validate, merge with free neighbours, give an empty page back).
 * Types and invariants: pagefamily_impl.h. Printing: pagefamily_print.c.
 * Checker and walk: pagefamily_inspect.c.
 *
 * Where it sits: under user programs and the harness adapter
 * (harness/alloc/alloc_pagefamily.c).
 *
 * Finding a pointer's page and a free block's place on its priority list
 * go through the search aids of pagefamily_index.c instead of walking:
 * same answers, without the walks' cost.
 */
#include "pagefamily_impl.h"
#include "pagefamily_inspect.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

mm_state mm_g;

static void *fail(int err) {
    mm_g.last_error = err;
    errno = err == MM_E_NOMEM ? ENOMEM : EINVAL;
    return NULL;
}

static int fail_int(int err) {
    fail(err);
    return -1;
}

int mm_last_error(void) { return mm_g.last_error; }

const char *mm_strerror(int err) {
    switch (err) {
    case MM_OK: return "no error";
    case MM_E_NOT_INIT: return "the memory manager is not initialised (call mm_init first)";
    case MM_E_BAD_NAME: return "struct name is NULL, empty or too long";
    case MM_E_DUPLICATE: return "a page family with this struct name is registered already";
    case MM_E_BAD_SIZE: return "struct size is 0 or larger than a page can hold";
    case MM_E_UNREGISTERED: return "no page family is registered for this struct name";
    case MM_E_ZERO_UNITS: return "a request for 0 units";
    case MM_E_TOO_LARGE: return "request larger than a page can hold";
    case MM_E_NOMEM: return "mmap could not provide a page";
    case MM_E_FOREIGN: return "pointer lies in no page of the memory manager";
    case MM_E_NOT_BLOCK: return "pointer is not the start of a block's data";
    case MM_E_DOUBLE_FREE: return "block is free already";
    default: return "unknown memory manager error code";
    }
}

static void *map_page(void) {
    void *p = mmap(NULL, mm_g.page_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

size_t mm_max_request(void) {
    return mm_g.ready ? mm_g.page_size - offsetof(vm_page_t, page_memory) : 0;
}

void mm_init(void) {
    if (mm_g.ready)
        return;
    memset(&mm_g, 0, sizeof mm_g);
    long ps = sysconf(_SC_PAGESIZE);
    mm_g.page_size = ps > 0 ? (size_t)ps : 4096;
    mm_g.ready = 1;
}

void mm_shutdown(void) {
    if (!mm_g.ready)
        return;
    MM_FOR_EACH_FAMILY(fam) {
        for (vm_page_t *pg = fam->first_page, *next; pg; pg = next) {
            next = pg->next;
            munmap(pg, mm_g.page_size);
        }
    }
    for (vm_page_for_families_t *fp = mm_g.families, *next; fp; fp = next) {
        next = fp->next;
        munmap(fp, mm_g.page_size);
    }
    mm_ix_release();
    memset(&mm_g, 0, sizeof mm_g);
}

/* --- families ----------------------------------------------------------- */

vm_page_family_t *lookup_page_family_by_name(const char *struct_name) {
    if (!mm_g.ready || !struct_name)
        return NULL;
    MM_FOR_EACH_FAMILY(fam) {
        if (strncmp(fam->struct_name, struct_name, MM_MAX_STRUCT_NAME) == 0)
            return fam;
    }
    return NULL;
}

int mm_instantiate_new_page_family(const char *struct_name, uint32_t struct_size) {
    if (!mm_g.ready)
        return fail_int(MM_E_NOT_INIT);
    if (!struct_name || !struct_name[0] ||
        strnlen(struct_name, MM_MAX_STRUCT_NAME) >= MM_MAX_STRUCT_NAME)
        return fail_int(MM_E_BAD_NAME);
    if (struct_size == 0 || struct_size > mm_max_request())
        return fail_int(MM_E_BAD_SIZE);
    if (lookup_page_family_by_name(struct_name))
        return fail_int(MM_E_DUPLICATE);
    vm_page_for_families_t *fp = mm_g.families;
    if (!fp || fp->count == mm_families_per_page()) {
        fp = map_page();
        if (!fp)
            return fail_int(MM_E_NOMEM);
        fp->next = mm_g.families;
        fp->count = 0;
        mm_g.families = fp;
        mm_g.family_pages++;
    }
    vm_page_family_t *fam = &fp->vm_page_family[fp->count++];
    memset(fam, 0, sizeof *fam);
    strcpy(fam->struct_name, struct_name);
    fam->struct_size = struct_size;
    return 0;
}

/* --- the priority list of free blocks ------------------------------------ */

/* Keeps the largest first; a block goes after those of equal size, so
 * equal blocks are reused in the order they became free. */
static void prio_insert(vm_page_family_t *fam, block_meta_data_t *b) {
    block_meta_data_t *prev = mm_ix_prio_place(fam, b);
    block_meta_data_t *cur = prev ? prev->prio_next : fam->prio_head;
    b->prio_prev = prev;
    b->prio_next = cur;
    if (cur)
        cur->prio_prev = b;
    if (prev)
        prev->prio_next = b;
    else
        fam->prio_head = b;
}

static void prio_remove(vm_page_family_t *fam, block_meta_data_t *b) {
    mm_ix_prio_unplace(fam, b);
    if (b->prio_prev)
        b->prio_prev->prio_next = b->prio_next;
    else
        fam->prio_head = b->prio_next;
    if (b->prio_next)
        b->prio_next->prio_prev = b->prio_prev;
    b->prio_prev = b->prio_next = NULL;
}

/* --- pages -------------------------------------------------------------- */

/* A fresh page for fam: one free block spanning all of it, listed. */
static vm_page_t *page_new(vm_page_family_t *fam) {
    vm_page_t *pg = map_page();
    if (!pg)
        return NULL;
    pg->pg_family = fam;
    pg->prev = NULL;
    pg->next = fam->first_page;
    if (pg->next)
        pg->next->prev = pg;
    fam->first_page = pg;
    fam->page_count++;
    mm_g.data_pages++;
    mm_ix_page_add(pg);

    block_meta_data_t *b = &pg->block_meta_data;
    memset(b, 0, sizeof *b);
    b->is_free = MM_TRUE;
    b->block_size = (uint32_t)mm_max_request();
    b->offset = (uint32_t)MM_FIRST_OFFSET;
    prio_insert(fam, b);
    return pg;
}

static void page_release(vm_page_family_t *fam, vm_page_t *pg) {
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        fam->first_page = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
    fam->page_count--;
    mm_g.data_pages--;
    mm_ix_page_drop(pg);
    munmap(pg, mm_g.page_size);
}

/* The seed's walk over every family's pages. */
static vm_page_t *walk_find_page(uintptr_t base) {
    MM_FOR_EACH_FAMILY(fam) {
        for (vm_page_t *pg = fam->first_page; pg; pg = pg->next)
            if ((uintptr_t)pg == base)
                return pg;
    }
    return NULL;
}

vm_page_t *mm_find_page(const void *p) {
    uintptr_t base = (uintptr_t)p & ~(uintptr_t)(mm_g.page_size - 1);
    vm_page_t *pg;
    if (!mm_ix_page_find(base, &pg))
        return walk_find_page(base);
    if (mm_g.ix.check && walk_find_page(base) != pg)
        mm_g.ix.mismatches++;
    return pg;
}

/* --- blocks ------------------------------------------------------------- */

/* Cuts a free block of `need` data bytes off the front of b when what is
 * left can be a block of its own (metadata and at least MM_ALIGN bytes);
 * otherwise b keeps the spare bytes (the original design's hard internal
 * fragmentation). */
static void block_split(vm_page_family_t *fam, block_meta_data_t *b, uint32_t need) {
    uint32_t spare = b->block_size - need;
    if (spare < MM_META + MM_ALIGN)
        return;
    block_meta_data_t *rest = (block_meta_data_t *)(mm_block_data(b) + need);
    memset(rest, 0, sizeof *rest);
    rest->is_free = MM_TRUE;
    rest->block_size = spare - (uint32_t)MM_META;
    rest->offset = b->offset + (uint32_t)MM_META + need;
    rest->prev_block = b;
    rest->next_block = b->next_block;
    if (rest->next_block)
        rest->next_block->prev_block = rest;
    b->next_block = rest;
    b->block_size = need;
    prio_insert(fam, rest);
}

void *xcalloc(const char *struct_name, size_t units) {
    if (!mm_g.ready)
        return fail(MM_E_NOT_INIT);
    vm_page_family_t *fam = lookup_page_family_by_name(struct_name);
    if (!fam)
        return fail(MM_E_UNREGISTERED);
    if (units == 0)
        return fail(MM_E_ZERO_UNITS);
    size_t max = mm_max_request();
    if (units > max / fam->struct_size)
        return fail(MM_E_TOO_LARGE);
    size_t need = (units * fam->struct_size + MM_ALIGN - 1) & ~(size_t)(MM_ALIGN - 1);
    if (need > max)
        return fail(MM_E_TOO_LARGE);

    /* The priority list's head is the largest free block: if it is too
     * small, every free block of the family is. */
    block_meta_data_t *b = fam->prio_head;
    if (!b || b->block_size < need) {
        vm_page_t *pg = page_new(fam);
        if (!pg)
            return fail(MM_E_NOMEM);
        b = &pg->block_meta_data;
    }
    prio_remove(fam, b);
    block_split(fam, b, (uint32_t)need);
    b->is_free = MM_FALSE;
    memset(mm_block_data(b), 0, b->block_size);
    return mm_block_data(b);
}

/* The block whose data starts at p, on p's page, or NULL; error set. The
 * walk reads only this manager's metadata, never the bytes at p. */
static block_meta_data_t *block_of(const void *p) {
    vm_page_t *pg = mm_find_page(p);
    if (!pg) {
        fail(MM_E_FOREIGN);
        return NULL;
    }
    for (block_meta_data_t *b = &pg->block_meta_data; b; b = b->next_block) {
        if (mm_block_data(b) == (const char *)p) {
            if (b->is_free) {
                fail(MM_E_DOUBLE_FREE);
                return NULL;
            }
            return b;
        }
        if (mm_block_data(b) > (const char *)p)
            break;
    }
    fail(MM_E_NOT_BLOCK);
    return NULL;
}

size_t mm_block_data_size(const void *app_data) {
    if (!mm_g.ready || !app_data)
        return 0;
    int saved = mm_g.last_error, saved_errno = errno;
    block_meta_data_t *b = block_of(app_data);
    mm_g.last_error = saved; /* a query, not a failing call */
    errno = saved_errno;
    return b ? b->block_size : 0;
}

/* b absorbs its next block (both free, neither on the priority list). */
static void block_absorb_next(block_meta_data_t *b) {
    block_meta_data_t *n = b->next_block;
    b->block_size += (uint32_t)MM_META + n->block_size;
    b->next_block = n->next_block;
    if (b->next_block)
        b->next_block->prev_block = b;
}

int xfree(void *app_data) {
    if (!app_data)
        return 0;
    if (!mm_g.ready)
        return fail_int(MM_E_NOT_INIT);
    block_meta_data_t *b = block_of(app_data);
    if (!b)
        return -1;
    vm_page_t *pg = mm_block_page(b);
    vm_page_family_t *fam = pg->pg_family;
    b->is_free = MM_TRUE;
    if (b->next_block && b->next_block->is_free) {
        prio_remove(fam, b->next_block);
        block_absorb_next(b);
    }
    if (b->prev_block && b->prev_block->is_free) {
        b = b->prev_block;
        prio_remove(fam, b);
        block_absorb_next(b);
    }
    /* One free block spanning the page: nothing lives there any more. */
    if (!b->prev_block && !b->next_block) {
        page_release(fam, pg);
        return 0;
    }
    prio_insert(fam, b);
    return 0;
}
