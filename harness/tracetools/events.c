/*
 * events.c: pointer events to id ops (the rules are in events.h).
 *
 * State: an open-addressing table from live address to id (linear probing,
 * deletion by shifting back, so no tombstones pile up over millions of
 * frees), per-id size and liveness, and a stack of freed ids to reuse.
 */
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ev_slot {
    uint64_t ptr; /* 0: empty */
    uint32_t id;
} ev_slot;

struct ev_state {
    ev_emit_fn emit;
    void *ctx;
    ev_counts c;

    ev_slot *table;
    size_t cap;  /* power of two */
    size_t used;

    uint64_t *size;  /* per id */
    uint64_t *addr;  /* per id: where the block lives now */
    uint8_t *live;   /* per id */
    size_t ids_cap;
    uint32_t next_id;

    uint32_t *spare; /* freed ids, most recent last */
    size_t spare_n, spare_cap;
};

static size_t ev_hash(uint64_t ptr, size_t cap)
{
    /* Fibonacci hashing: allocator addresses share their low bits. */
    return (size_t)((ptr * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

ev_state *ev_create(ev_emit_fn emit, void *ctx)
{
    ev_state *ev = calloc(1, sizeof *ev);
    if (!ev)
        return NULL;
    ev->emit = emit;
    ev->ctx = ctx;
    ev->cap = 1024;
    ev->table = calloc(ev->cap, sizeof *ev->table);
    if (!ev->table) {
        free(ev);
        return NULL;
    }
    return ev;
}

void ev_destroy(ev_state *ev)
{
    if (!ev)
        return;
    free(ev->table);
    free(ev->size);
    free(ev->addr);
    free(ev->live);
    free(ev->spare);
    free(ev);
}

const ev_counts *ev_get_counts(const ev_state *ev)
{
    return &ev->c;
}

/* ---- address table ---------------------------------------------------- */

static ev_slot *ev_find(ev_state *ev, uint64_t ptr)
{
    size_t i = ev_hash(ptr, ev->cap);
    while (ev->table[i].ptr != 0) {
        if (ev->table[i].ptr == ptr)
            return &ev->table[i];
        i = (i + 1) & (ev->cap - 1);
    }
    return NULL;
}

static int ev_grow_table(ev_state *ev)
{
    size_t ncap = ev->cap * 2;
    ev_slot *nt = calloc(ncap, sizeof *nt);
    if (!nt)
        return -1;
    for (size_t i = 0; i < ev->cap; i++) {
        if (ev->table[i].ptr == 0)
            continue;
        size_t j = ev_hash(ev->table[i].ptr, ncap);
        while (nt[j].ptr != 0)
            j = (j + 1) & (ncap - 1);
        nt[j] = ev->table[i];
    }
    free(ev->table);
    ev->table = nt;
    ev->cap = ncap;
    return 0;
}

static int ev_insert(ev_state *ev, uint64_t ptr, uint32_t id)
{
    if (2 * (ev->used + 1) > ev->cap && ev_grow_table(ev) != 0)
        return -1;
    size_t i = ev_hash(ptr, ev->cap);
    while (ev->table[i].ptr != 0)
        i = (i + 1) & (ev->cap - 1);
    ev->table[i].ptr = ptr;
    ev->table[i].id = id;
    ev->used++;
    return 0;
}

/* Removes a slot and shifts later members of its probe run back, so that
 * every remaining key stays reachable from its home slot. */
static void ev_remove(ev_state *ev, ev_slot *slot)
{
    size_t mask = ev->cap - 1;
    size_t hole = (size_t)(slot - ev->table);
    size_t i = hole;
    for (;;) {
        i = (i + 1) & mask;
        if (ev->table[i].ptr == 0)
            break;
        size_t home = ev_hash(ev->table[i].ptr, ev->cap);
        /* Move i into the hole unless its home lies cyclically in
         * (hole, i]: then the hole is not on its probe path. */
        int skip = (hole <= i) ? (home > hole && home <= i)
                               : (home > hole || home <= i);
        if (!skip) {
            ev->table[hole] = ev->table[i];
            hole = i;
        }
    }
    ev->table[hole].ptr = 0;
    ev->used--;
}

/* ---- ids ---------------------------------------------------------------- */

static int ev_new_id(ev_state *ev, uint32_t *out)
{
    if (ev->spare_n > 0) {
        *out = ev->spare[--ev->spare_n];
        return 0;
    }
    if (ev->next_id == UINT32_MAX)
        return -1;
    if (ev->next_id >= ev->ids_cap) {
        size_t ncap = ev->ids_cap ? ev->ids_cap * 2 : 1024;
        uint64_t *ns = realloc(ev->size, ncap * sizeof *ns);
        if (!ns)
            return -1;
        ev->size = ns;
        uint64_t *na = realloc(ev->addr, ncap * sizeof *na);
        if (!na)
            return -1;
        ev->addr = na;
        uint8_t *nl = realloc(ev->live, ncap);
        if (!nl)
            return -1;
        ev->live = nl;
        ev->ids_cap = ncap;
    }
    *out = ev->next_id++;
    return 0;
}

static int ev_release_id(ev_state *ev, uint32_t id)
{
    if (ev->spare_n == ev->spare_cap) {
        size_t ncap = ev->spare_cap ? ev->spare_cap * 2 : 1024;
        uint32_t *ns = realloc(ev->spare, ncap * sizeof *ns);
        if (!ns)
            return -1;
        ev->spare = ns;
        ev->spare_cap = ncap;
    }
    ev->spare[ev->spare_n++] = id;
    return 0;
}

static int ev_put(ev_state *ev, char kind, uint32_t id, uint64_t size)
{
    rw_op op = {.size = size, .id = id, .kind = kind};
    ev->c.ops[kind == 'a' ? 0 : kind == 'r' ? 1 : 2]++;
    ev->c.num_ops++;
    if ((uint64_t)id + 1 > ev->c.num_ids)
        ev->c.num_ids = (uint64_t)id + 1;
    if (ev->c.live_payload > ev->c.peak_payload)
        ev->c.peak_payload = ev->c.live_payload;
    return ev->emit ? (ev->emit(ev->ctx, &op) != 0 ? -1 : 0) : 0;
}

/* Ends the life of a live block: f op, id back to the spare stack. */
static int ev_kill(ev_state *ev, ev_slot *slot)
{
    uint32_t id = slot->id;
    ev_remove(ev, slot);
    ev->live[id] = 0;
    ev->c.live_payload -= ev->size[id];
    if (ev_release_id(ev, id) != 0)
        return -1;
    return ev_put(ev, 'f', id, 0);
}

/* ---- the events ------------------------------------------------------- */

int ev_alloc(ev_state *ev, uint64_t ptr, uint64_t size)
{
    ev->c.events++;
    if (ptr == 0) {
        ev->c.failed++;
        return 0;
    }
    ev_slot *old = ev_find(ev, ptr);
    if (old) {
        ev->c.unseen_free++;
        if (ev_kill(ev, old) != 0)
            return -1;
    }
    uint32_t id;
    if (ev_new_id(ev, &id) != 0 || ev_insert(ev, ptr, id) != 0)
        return -1;
    ev->live[id] = 1;
    ev->size[id] = size;
    ev->addr[id] = ptr;
    ev->c.live_payload += size;
    return ev_put(ev, 'a', id, size);
}

int ev_free(ev_state *ev, uint64_t ptr)
{
    ev->c.events++;
    if (ptr == 0) {
        ev->c.free_null++;
        return 0;
    }
    ev_slot *slot = ev_find(ev, ptr);
    if (!slot) {
        ev->c.free_unknown++;
        return 0;
    }
    return ev_kill(ev, slot);
}

int ev_realloc(ev_state *ev, uint64_t old, uint64_t ptr, uint64_t size)
{
    if (old == 0)
        return ev_alloc(ev, ptr, size);
    ev->c.events++;
    ev_slot *slot = ev_find(ev, old);
    if (!slot) {
        /* Not ours to track (a parent's block in a fork child): what comes
         * back is new as far as this trace knows. */
        if (ptr == 0) {
            ev->c.failed++;
            return 0;
        }
        ev->c.realloc_unknown++;
        ev->c.events--; /* ev_alloc counts it */
        return ev_alloc(ev, ptr, size);
    }
    if (ptr == 0) {
        if (size == 0)
            return ev_kill(ev, slot); /* realloc(p, 0) freed p */
        ev->c.failed++;
        return 0;
    }
    uint32_t id = slot->id;
    if (ptr != old) {
        ev_remove(ev, slot);
        ev_slot *clash = ev_find(ev, ptr);
        if (clash) {
            ev->c.unseen_free++;
            if (ev_kill(ev, clash) != 0)
                return -1;
        }
        if (ev_insert(ev, ptr, id) != 0)
            return -1;
        ev->addr[id] = ptr;
    }
    ev->c.live_payload = ev->c.live_payload - ev->size[id] + size;
    ev->size[id] = size;
    return ev_put(ev, 'r', id, size);
}

int ev_finish(ev_state *ev)
{
    for (uint32_t id = 0; id < ev->next_id; id++) {
        if (!ev->live[id])
            continue;
        ev_slot *slot = ev_find(ev, ev->addr[id]);
        if (!slot)
            return -1; /* the table and the id arrays disagree: a bug */
        ev->c.live_at_end++;
        if (ev_kill(ev, slot) != 0)
            return -1;
    }
    return 0;
}

/* ---- the two passes ---------------------------------------------------- */

typedef struct ev_sink {
    rw_writer *w;
    rw_error *err;
} ev_sink;

static int ev_to_writer(void *ctx, const rw_op *op)
{
    ev_sink *s = ctx;
    return rw_put(s->w, op, s->err);
}

static int ev_run(ev_state *ev, ev_feed_fn feed, void *src, rw_error *err)
{
    if (feed(src, ev, err) != 0)
        return -1;
    if (ev_finish(ev) != 0) {
        if (err->msg[0] == '\0')
            snprintf(err->msg, sizeof err->msg,
                     "out of memory closing the live blocks");
        return -1;
    }
    return 0;
}

int ev_write_trace(const char *path, ev_feed_fn feed, void *src,
                   ev_counts *counts, rw_error *err)
{
    err->msg[0] = '\0';
    ev_state *ev = ev_create(NULL, NULL);
    if (!ev) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    if (ev_run(ev, feed, src, err) != 0) {
        ev_destroy(ev);
        return -1;
    }
    ev_counts first = ev->c;
    ev_destroy(ev);

    rw_writer *w = rw_open(path, first.num_ids, first.num_ops,
                           first.peak_payload, err);
    if (!w)
        return -1;
    ev_sink sink = {w, err};
    ev = ev_create(ev_to_writer, &sink);
    if (!ev) {
        rw_abort(w);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    if (ev_run(ev, feed, src, err) != 0) {
        ev_destroy(ev);
        rw_abort(w);
        return -1;
    }
    if (ev->c.num_ops != first.num_ops || ev->c.num_ids != first.num_ids) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: the source changed between the two passes", path);
        ev_destroy(ev);
        rw_abort(w);
        return -1;
    }
    if (counts)
        *counts = ev->c;
    ev_destroy(ev);
    return rw_close(w, err);
}
