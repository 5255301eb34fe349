/*
 * tk_model_impl.h: the state of one model run, shared by the files that
 * make up the model (tk_model.c: the random run; tk_sweep.c: the heap seen
 * whole through walk, free_stats and check; tk_probe.c: bad input,
 * exhaustion, reset, lifecycle). Not for tests to include.
 */
#ifndef TK_MODEL_IMPL_H
#define TK_MODEL_IMPL_H

#include "check.h"
#include "tk_model.h"

/* One slot of the model: a live block when h is non-NULL. */
typedef struct tk_block {
    void *h;      /* what malloc/realloc returned (a handle for payload()) */
    size_t n;     /* bytes asked for */
    uint32_t tag; /* seed of the fill pattern */
} tk_block;

typedef struct tk_run {
    const fb_allocator *a;
    const tk_profile *prof;
    const tk_model_cfg *cfg;
    void *heap;
    tk_block *blk;     /* cfg->slots of them */
    size_t live;       /* blocks live */
    size_t live_bytes; /* their requested bytes */
    uint64_t rng;
    size_t op;         /* the random op being done, for messages */
    size_t fp0;        /* footprint right after create */
    size_t page;
    tk_model_result res;
} tk_run;

/* tk_model.c */
int tk_is_fixed(const tk_run *r);
unsigned char *tk_real(const tk_run *r, void *h);
void tk_fill(tk_run *r, const tk_block *b);
/* Bytes [0, n) of b still hold its pattern; says which one changed. */
int tk_intact(tk_run *r, const tk_block *b, size_t n, const char *when);
/* Checks a payload just handed out for slot `self`. */
void tk_check_new(tk_run *r, size_t self, const char *what);
/* A NULL for n bytes: fine only in a fixed region with no free block
 * that could hold it; counted. */
void tk_null_answer(tk_run *r, size_t n, const char *what);
void tk_free_slot(tk_run *r, size_t i);
void tk_free_all(tk_run *r);

/* tk_sweep.c */
/* check() == 0. */
void tk_check_clean(tk_run *r, const char *when);
/* Everything at once: every live block's bytes, the footprint, free_stats
 * against itself, walk against the model and against free_stats. */
void tk_sweep(tk_run *r);
/* Used blocks walk() sees, or (size_t)-1 without walk(). */
size_t tk_used_blocks(tk_run *r);
/* The heap as create() must leave it (and reset, and freeing all). */
void tk_check_empty(tk_run *r, const char *when);

/* tk_probe.c */
void tk_probe_bad(tk_run *r, int thorough);
void tk_impossible_sizes(tk_run *r);
void tk_second_heap(tk_run *r);
void tk_exhaust(tk_run *r);
void tk_reset(tk_run *r);

#endif
