/*
 * tk_model.c: the random run of the model test (tk_model.h): the model of
 * live blocks, the random malloc/free/realloc, and the order in which a
 * run visits everything else (tk_sweep.c, tk_probe.c).
 */
#include "tk_model_impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A run stops checking after this many failures: the first ones explain,
 * the rest repeat them. */
#define TK_MAX_REPORTED 20

tk_model_cfg tk_model_defaults(unsigned seed) {
    tk_model_cfg cfg = {
        .seed = seed,
        .ops = 40000,
        .slots = 512,
        .peak = (size_t)256 << 10,
        .max_request = 12288, /* three 4 KiB pages: beyond pagefamily's page */
        .check_every = 16,
        .sweep_every = 512,
        .at_empty = NULL,
    };
    return cfg;
}

int tk_is_fixed(const tk_run *r) { return (r->prof->flags & TK_FIXED) != 0; }

static uint64_t next_rand(tk_run *r) {
    /* xorshift64*: fast, a fixed sequence per seed */
    r->rng ^= r->rng >> 12;
    r->rng ^= r->rng << 25;
    r->rng ^= r->rng >> 27;
    return r->rng * 2685821657736338717ULL;
}

static size_t rand_below(tk_run *r, size_t n) { return n ? (size_t)(next_rand(r) % n) : 0; }

/* Position-dependent, so that a block copied to the wrong offset or
 * overlapping another shows up. */
static unsigned char pattern(uint32_t tag, size_t i) {
    return (unsigned char)(tag * 131u + i * 7u + (i >> 8));
}

unsigned char *tk_real(const tk_run *r, void *h) {
    return r->a->payload ? r->a->payload(r->heap, h) : h;
}

void tk_fill(tk_run *r, const tk_block *b) {
    unsigned char *p = tk_real(r, b->h);
    if (!p)
        return;
    for (size_t i = 0; i < b->n; i++)
        p[i] = pattern(b->tag, i);
}

int tk_intact(tk_run *r, const tk_block *b, size_t n, const char *when) {
    const unsigned char *p = tk_real(r, b->h);
    CHECK(p != NULL, "%s: payload() lost a live block", when);
    if (!p)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] != pattern(b->tag, i)) {
            CHECK(0, "%s: byte %zu of a %zu-byte block changed", when, i, b->n);
            return 0;
        }
    return 1;
}

/* Mostly small, some medium, a tenth up to the largest request; now and
 * then 0, which every adapter must take. */
static size_t pick_size(tk_run *r) {
    size_t k = rand_below(r, 100), max = r->cfg->max_request;
    size_t n;
    if (k < 2)
        n = 0;
    else if (k < 60)
        n = 1 + rand_below(r, 64);
    else if (k < 88)
        n = 65 + rand_below(r, 960);
    else
        n = 1025 + rand_below(r, max > 1025 ? max - 1024 : 1);
    return n < max ? n : max;
}

void tk_check_new(tk_run *r, size_t self, const char *what) {
    const tk_block *b = &r->blk[self];
    unsigned char *p = tk_real(r, b->h);
    size_t n = b->n ? b->n : 1;
    CHECK(p != NULL, "%s: payload() has no address for a new block", what);
    if (!p)
        return;
    CHECK((uintptr_t)p % r->a->align == 0, "%s: payload %p not %zu-aligned", what,
          (void *)p, r->a->align);
    if (r->a->range) {
        const void *lo, *hi;
        r->a->range(r->heap, &lo, &hi);
        CHECK(lo && (uintptr_t)p >= (uintptr_t)lo && (uintptr_t)p + n <= (uintptr_t)hi,
              "%s: payload %p+%zu outside range [%p, %p)", what, (void *)p, n, lo, hi);
    }
    for (size_t i = 0; i < r->cfg->slots; i++) {
        const tk_block *o = &r->blk[i];
        if (i == self || !o->h)
            continue;
        CHECK(o->h != b->h, "%s: handle %p handed out twice", what, b->h);
        uintptr_t a0 = (uintptr_t)p, a1 = a0 + n;
        uintptr_t b0 = (uintptr_t)tk_real(r, o->h), b1 = b0 + (o->n ? o->n : 1);
        CHECK(!(a0 < b1 && b0 < a1), "%s: payload %p+%zu overlaps live %p+%zu", what,
              (void *)p, n, (void *)b0, o->n);
    }
}

void tk_null_answer(tk_run *r, size_t n, const char *what) {
    if (!tk_is_fixed(r)) {
        CHECK(0, "%s(%zu) returned NULL in a heap that can grow", what, n);
        return;
    }
    /* A fixed region may be full, but only if no free block, header
     * included (at most 32 bytes in these designs), holds the request. */
    fb_free_stats st = {0};
    if (r->a->free_stats) {
        CHECK(r->a->free_stats(r->heap, &st) == 0, "free_stats failed");
        size_t need = (n + 15) / 16 * 16;
        CHECK(st.largest_free < need + 32,
              "%s(%zu) returned NULL with a %zu-byte free block", what, n, st.largest_free);
    }
    r->res.null_answers++;
}

static void do_malloc(tk_run *r, size_t i) {
    tk_block *b = &r->blk[i];
    size_t n = pick_size(r);
    if (r->live_bytes + n > r->cfg->peak)
        return;
    /* realloc(NULL, n) is malloc(n); traces do not say which one a program used. */
    int via_realloc = rand_below(r, 10) == 0;
    void *h = via_realloc ? r->a->realloc(r->heap, NULL, n) : r->a->malloc(r->heap, n);
    const char *what = via_realloc ? "realloc(NULL)" : "malloc";
    if (!h) {
        if (n > 0) /* C lets malloc(0) return NULL */
            tk_null_answer(r, n, what);
        return;
    }
    *b = (tk_block){h, n, (uint32_t)next_rand(r)};
    r->live++;
    r->live_bytes += n;
    tk_check_new(r, i, what);
    tk_fill(r, b);
}

void tk_free_slot(tk_run *r, size_t i) {
    tk_block *b = &r->blk[i];
    tk_intact(r, b, b->n, "before free");
    CHECK(r->a->free(r->heap, b->h) == 0, "free rejected a live block");
    r->live--;
    r->live_bytes -= b->n;
    b->h = NULL;
}

static void do_free(tk_run *r, size_t i) {
    void *h = r->blk[i].h;
    tk_free_slot(r, i);
    if (rand_below(r, 16) == 0)
        CHECK(r->a->free(r->heap, h) != 0, "double free accepted");
}

static void do_realloc(tk_run *r, size_t i) {
    tk_block *b = &r->blk[i];
    size_t n = pick_size(r);
    if (r->live_bytes - b->n + n > r->cfg->peak)
        return;
    tk_intact(r, b, b->n, "before realloc");
    void *old = b->h;
    void *q = r->a->realloc(r->heap, old, n);
    if (!q && n == 0) {
        /* glibc's reading (the core's): realloc(p, 0) frees p. Then p is
         * gone, and freeing it again must be refused. */
        CHECK(r->a->free(r->heap, old) != 0,
              "realloc(p, 0) returned NULL but p is still live");
        r->live--;
        r->live_bytes -= b->n;
        b->h = NULL;
        return;
    }
    if (!q) { /* the block must stay as it was */
        tk_null_answer(r, n, "realloc");
        tk_intact(r, b, b->n, "after a failed realloc");
        return;
    }
    size_t keep = b->n < n ? b->n : n;
    b->h = q;
    tk_intact(r, b, keep, "realloc");
    r->live_bytes = r->live_bytes - b->n + n;
    b->n = n;
    tk_check_new(r, i, "realloc");
    b->tag = (uint32_t)next_rand(r);
    tk_fill(r, b);
}

void tk_free_all(tk_run *r) {
    for (size_t i = 0; i < r->cfg->slots; i++)
        if (r->blk[i].h)
            tk_free_slot(r, i);
}

static void random_run(tk_run *r) {
    long start = check_failures();
    for (r->op = 1; r->op <= r->cfg->ops; r->op++) {
        size_t i = rand_below(r, r->cfg->slots);
        if (!r->blk[i].h)
            do_malloc(r, i);
        else if (rand_below(r, 100) < 55)
            do_free(r, i);
        else
            do_realloc(r, i);
        if (r->op % r->cfg->check_every == 0) {
            tk_check_clean(r, "random run");
            tk_probe_bad(r, 0);
        }
        if (r->op % r->cfg->sweep_every == 0)
            tk_sweep(r);
        if (check_failures() - start > TK_MAX_REPORTED) {
            fprintf(stderr, "%s: too many failures; the random run stops here\n", r->a->name);
            break;
        }
    }
    r->res.ops = r->op > r->cfg->ops ? r->cfg->ops : r->op;
}

/* A fixed region is sized from the hint: twice the peak (room for
 * fragmentation), a header and some rounding per id, a page; whole
 * pages. */
static void check_fixed_size(tk_run *r) {
    size_t fp = r->fp0, peak = r->cfg->peak;
    CHECK(fp >= 2 * peak && fp <= 2 * peak + r->cfg->slots * 64 + 2 * r->page,
          "implausible region of %zu bytes for a %zu-byte peak and %zu ids", fp, peak,
          r->cfg->slots);
}

/* What every failure of a run says first (check_scope): the op moves on
 * with each call, so it is read when a check fails. */
static void run_scope(char *buf, size_t cap, const void *arg) {
    const tk_run *r = arg;
    snprintf(buf, cap, "%s op %zu", r->a->name, r->op);
}

static void model_run(tk_run *r) {
    const fb_allocator *a = r->a;
    const tk_model_cfg *cfg = r->cfg;
    CHECK(cfg->slots > 0 && cfg->check_every > 0 && cfg->sweep_every > 0,
          "a model configuration with zero slots or intervals");
    if (!(cfg->slots > 0 && cfg->check_every > 0 && cfg->sweep_every > 0))
        return;
    fb_alloc_hint hint = {.peak_payload = cfg->peak, .max_request = cfg->max_request,
                          .num_ids = cfg->slots, .for_check = 1};
    r->heap = a->create(&hint);
    CHECK(r->heap != NULL, "create failed");
    if (!r->heap)
        return;
    r->blk = calloc(cfg->slots, sizeof *r->blk);
    if (!r->blk) {
        fprintf(stderr, "tk_model_run: out of memory\n");
        exit(2);
    }
    r->fp0 = a->footprint(r->heap);
    r->res.peak_footprint = r->fp0;
    if (tk_is_fixed(r))
        check_fixed_size(r);
    tk_check_empty(r, "a new heap");
    tk_second_heap(r);

    random_run(r);
    r->op = cfg->ops; /* messages from here on refer to the end of the run */
    tk_sweep(r);
    tk_probe_bad(r, 1);

    tk_free_all(r);
    tk_check_empty(r, "every block freed");
    if (cfg->at_empty)
        cfg->at_empty(a, r->heap);
    if (tk_is_fixed(r))
        tk_exhaust(r);
    if (a->reset)
        tk_reset(r);
    tk_impossible_sizes(r);
    a->destroy(r->heap);
    free(r->blk);
}

tk_model_result tk_model_run(const fb_allocator *a, const tk_profile *prof,
                             const tk_model_cfg *cfg) {
    long pg = sysconf(_SC_PAGESIZE);
    tk_run run = {
        .a = a, .prof = prof, .cfg = cfg,
        .rng = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)cfg->seed * 0x100000001B3ULL),
        .page = pg > 0 ? (size_t)pg : 4096,
    };
    check_scope(run_scope, &run);
    model_run(&run);
    check_scope(NULL, NULL);
    return run.res;
}
