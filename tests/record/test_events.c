/*
 * test_events.c: unit tests of events.c (pointer events to id ops) and
 * repwrite.c (the trace writer), the two modules the recorder and the
 * mtrace converter share. Checks go on after a failure; each failure says
 * what and where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "events.h"
#include "repwrite.h"
#include "trace.h"

/* ---- collecting ops ------------------------------------------------------ */

typedef struct oplist {
    rw_op *ops;
    size_t n, cap;
} oplist;

static int collect(void *ctx, const rw_op *op)
{
    oplist *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->ops = realloc(l->ops, l->cap * sizeof *l->ops);
        if (!l->ops)
            abort();
    }
    l->ops[l->n++] = *op;
    return 0;
}

/* The ops as text, one "a 0 100" per op, space-separated. */
static const char *render(const oplist *l)
{
    static char buf[8192];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->n && used + 40 < sizeof buf; i++) {
        const rw_op *op = &l->ops[i];
        if (op->kind == 'f')
            used += (size_t)snprintf(buf + used, sizeof buf - used,
                                     "%sf %u", i ? ", " : "", op->id);
        else
            used += (size_t)snprintf(buf + used, sizeof buf - used,
                                     "%s%c %u %llu", i ? ", " : "", op->kind,
                                     op->id, (unsigned long long)op->size);
    }
    return buf;
}

/* ---- events -------------------------------------------------------------- */

static void test_ids_and_reuse(void)
{
    oplist l = {0};
    ev_state *ev = ev_create(collect, &l);
    CHECK(ev != NULL);
    ev_alloc(ev, 0x1000, 10);
    ev_alloc(ev, 0x2000, 20);
    ev_alloc(ev, 0x3000, 30);
    ev_free(ev, 0x2000);
    ev_free(ev, 0x1000);
    ev_alloc(ev, 0x4000, 40); /* most recently freed id first: 0 */
    ev_alloc(ev, 0x5000, 50); /* then 1 */
    ev_alloc(ev, 0x6000, 60); /* then a new one */
    CHECK(ev_finish(ev) == 0);
    CHECK_STR_EQ(render(&l), "a 0 10, a 1 20, a 2 30, f 1, f 0, a 0 40, a 1 50, "
                             "a 3 60, f 0, f 1, f 2, f 3");
    const ev_counts *c = ev_get_counts(ev);
    CHECK(c->num_ids == 4);
    CHECK(c->num_ops == 12);
    CHECK(c->peak_payload == 180); /* 30 + 40 + 50 + 60 */
    CHECK(c->live_at_end == 4);
    CHECK(c->live_payload == 0);
    ev_destroy(ev);
    free(l.ops);
}

static void test_drops(void)
{
    oplist l = {0};
    ev_state *ev = ev_create(collect, &l);
    ev_free(ev, 0);        /* free(NULL) */
    ev_free(ev, 0x9999);   /* unknown */
    ev_alloc(ev, 0, 100);  /* failed malloc */
    ev_alloc(ev, 0x1000, 5);
    ev_free(ev, 0x1000);
    ev_free(ev, 0x1000);   /* double free: unknown by now */
    CHECK(ev_finish(ev) == 0);
    CHECK_STR_EQ(render(&l), "a 0 5, f 0");
    const ev_counts *c = ev_get_counts(ev);
    CHECK(c->free_null == 1);
    CHECK(c->free_unknown == 2);
    CHECK(c->failed == 1);
    CHECK(c->live_at_end == 0);
    CHECK(c->events == 6);
    ev_destroy(ev);
    free(l.ops);
}

static void test_realloc(void)
{
    oplist l = {0};
    ev_state *ev = ev_create(collect, &l);
    ev_realloc(ev, 0, 0x1000, 8);        /* realloc(NULL, 8): a 0 8 */
    ev_realloc(ev, 0x1000, 0x1000, 16);  /* in place: r 0 16 */
    ev_realloc(ev, 0x1000, 0x2000, 64);  /* moved: r 0 64 */
    ev_free(ev, 0x1000);                 /* old address: unknown now */
    ev_realloc(ev, 0x2000, 0, 1 << 20);  /* failed: nothing */
    ev_alloc(ev, 0x3000, 3);             /* a 1 3 */
    ev_realloc(ev, 0x3000, 0, 0);        /* realloc(p, 0) freed: f 1 */
    ev_realloc(ev, 0x7777, 0x8000, 9);   /* unknown old: a 1 9 */
    ev_realloc(ev, 0x7777, 0, 9);        /* unknown old, failed */
    ev_free(ev, 0x2000);                 /* f 0, moved block */
    ev_free(ev, 0x8000);                 /* f 1 */
    CHECK(ev_finish(ev) == 0);
    CHECK_STR_EQ(render(&l), "a 0 8, r 0 16, r 0 64, a 1 3, f 1, a 1 9, f 0, f 1");
    const ev_counts *c = ev_get_counts(ev);
    CHECK(c->free_unknown == 1);
    CHECK(c->failed == 2);
    CHECK(c->realloc_unknown == 1);
    CHECK(c->ops[1] == 2);
    CHECK(c->peak_payload == 73); /* 64 + 9 */
    ev_destroy(ev);
    free(l.ops);
}

static void test_unseen_free(void)
{
    oplist l = {0};
    ev_state *ev = ev_create(collect, &l);
    ev_alloc(ev, 0x1000, 10);
    ev_alloc(ev, 0x1000, 20); /* the free in between went unseen */
    ev_alloc(ev, 0x2000, 30);
    ev_realloc(ev, 0x2000, 0x1000, 40); /* moved onto a live address */
    CHECK(ev_finish(ev) == 0);
    CHECK_STR_EQ(render(&l), "a 0 10, f 0, a 0 20, a 1 30, f 0, r 1 40, f 1");
    CHECK(ev_get_counts(ev)->unseen_free == 2);
    ev_destroy(ev);
    free(l.ops);
}

/* Random events against a plain model (a list of live addresses): the
 * ops must be a valid trace, in step with the model, after hundreds of
 * thousands of inserts and deletes in the address table. */
static void test_random_against_model(void)
{
    enum { LIVE_MAX = 5000, STEPS = 400000 };
    static uint64_t addr[LIVE_MAX];
    size_t nlive = 0;
    uint64_t next = 0x10000, seed = 42, model_ops = 0;
    oplist l = {0};
    ev_state *ev = ev_create(collect, &l);
    for (int s = 0; s < STEPS; s++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t r = seed >> 33;
        if (nlive == 0 || (nlive < LIVE_MAX && r % 3 != 0)) {
            /* Reuse a recently freed-looking address now and then, so the
             * table sees addresses come back. */
            uint64_t a = (r % 7 == 0 && next > 0x20000) ? next - 16 * (r % 64)
                                                       : (next += 16);
            int clash = 0;
            for (size_t i = 0; i < nlive; i++)
                clash |= addr[i] == a;
            if (clash)
                a = (next += 16);
            addr[nlive++] = a;
            ev_alloc(ev, a, r % 1000);
            model_ops++;
        } else if (r % 3 == 0 && r % 2 == 0) {
            size_t i = (size_t)(r / 3) % nlive;
            uint64_t moved = (next += 16);
            ev_realloc(ev, addr[i], moved, r % 5000);
            addr[i] = moved;
            model_ops++;
        } else {
            size_t i = (size_t)(r / 3) % nlive;
            ev_free(ev, addr[i]);
            addr[i] = addr[--nlive];
            model_ops++;
        }
    }
    CHECK(ev_finish(ev) == 0);
    const ev_counts *c = ev_get_counts(ev);
    CHECK(c->num_ops == model_ops + nlive);
    CHECK(c->live_at_end == nlive);
    CHECK(c->free_unknown == 0 && c->unseen_free == 0);
    CHECK(c->num_ids <= LIVE_MAX);
    rw_summary sum;
    rw_error err;
    CHECK(rw_summarize(l.ops, l.n, &sum, &err) == 0);
    CHECK(sum.num_ops == c->num_ops && sum.num_ids == c->num_ids);
    CHECK(sum.peak_payload == c->peak_payload);
    CHECK(sum.count[0] == sum.count[2]);
    ev_destroy(ev);
    free(l.ops);
}

/* ---- the writer ---------------------------------------------------------- */

static char *slurp_gz(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return NULL;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    int n;
    *len = 0;
    while ((n = gzread(gz, buf + *len, (unsigned)(cap - *len))) > 0) {
        *len += (size_t)n;
        if (*len == cap)
            buf = realloc(buf, cap *= 2);
    }
    gzclose(gz);
    return buf;
}

static void test_writer(void)
{
    const rw_op ops[] = {
        {100, 0, 'a'}, {200, 1, 'a'}, {0, 0, 'f'}, {4096, 1, 'r'},
        {7, 0, 'a'},   {0, 1, 'f'},   {0, 0, 'f'},
    };
    size_t n = sizeof ops / sizeof ops[0];
    rw_error err;
    CHECK(rw_write_ops("w.rep", ops, n, &err) == 0);
    CHECK(rw_write_ops("w.rep.gz", ops, n, &err) == 0);
    size_t plain_len, gz_len;
    char *plain = slurp_gz("w.rep", &plain_len); /* gzread reads plain too */
    char *unz = slurp_gz("w.rep.gz", &gz_len);
    const char *want = "0\n2\n7\n4103\na 0 100\na 1 200\nf 0\nr 1 4096\n"
                       "a 0 7\nf 1\nf 0\n";
    CHECK(plain && plain_len == strlen(want) &&
          memcmp(plain, want, plain_len) == 0);
    CHECK(unz && gz_len == plain_len && memcmp(unz, plain, gz_len) == 0);
    free(plain);
    free(unz);

    /* The loader agrees with the header it reads back. */
    trace t;
    trace_error terr;
    CHECK(trace_load("w.rep.gz", &t, &terr, NULL) == 0);
    CHECK(t.num_ids == 2 && t.num_ops == 7 && t.peak_payload == 4103);
    CHECK(t.header[3] == t.peak_payload);
    trace_free(&t);

    /* Same ops, same compressed bytes. */
    CHECK(rw_write_ops("w2.rep.gz", ops, n, &err) == 0);
    size_t a_len, b_len;
    FILE *fa = fopen("w.rep.gz", "rb"), *fb = fopen("w2.rep.gz", "rb");
    char a[4096], b[4096];
    a_len = fa ? fread(a, 1, sizeof a, fa) : 0;
    b_len = fb ? fread(b, 1, sizeof b, fb) : 1;
    CHECK(a_len == b_len && memcmp(a, b, a_len) == 0);
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
}

static void test_writer_errors(void)
{
    rw_error err;
    const rw_op dead[] = {{1, 0, 'a'}, {0, 0, 'f'}, {0, 0, 'f'}};
    CHECK(rw_write_ops("bad.rep", dead, 3, &err) == -1);
    CHECK(strstr(err.msg, "op 2") != NULL);
    CHECK(access("bad.rep", F_OK) != 0);
    const rw_op live[] = {{1, 0, 'a'}, {1, 0, 'a'}};
    CHECK(rw_write_ops("bad.rep", live, 2, &err) == -1);
    CHECK(rw_write_ops("/nonexistent/dir/x.rep", dead, 2, &err) == -1);
    CHECK(strstr(err.msg, "/nonexistent/dir/x.rep") != NULL);

    rw_writer *w = rw_open("short.rep", 1, 3, 5, &err);
    CHECK(w != NULL);
    if (w) {
        rw_op a = {5, 0, 'a'}, out_of_range = {5, 1, 'a'}, odd = {0, 0, 'x'};
        CHECK(rw_put(w, &a, &err) == 0);
        CHECK(rw_put(w, &out_of_range, &err) == -1);
        CHECK(rw_put(w, &odd, &err) == -1);
        CHECK(rw_close(w, &err) == -1); /* 1 op written, 3 promised */
        CHECK(strstr(err.msg, "1 ops written") != NULL);
        CHECK(access("short.rep", F_OK) != 0);
    }
    /* No temporary left behind by any of the above. */
    FILE *ls = popen("ls | grep -c '\\.tmp'", "r");
    int left = -1;
    if (ls) {
        if (fscanf(ls, "%d", &left) != 1)
            left = -1;
        pclose(ls);
    }
    CHECK(left == 0);
}

/* ev_write_trace: two passes over an event array, out to a file the
 * loader reads back with the same figures. */
typedef struct ev_array {
    const uint64_t (*ev)[4]; /* kind (0 a, 1 f, 2 r), ptr, old, size */
    size_t n;
} ev_array;

static int feed_array(void *src, ev_state *ev, rw_error *err)
{
    const ev_array *a = src;
    (void)err;
    for (size_t i = 0; i < a->n; i++) {
        const uint64_t *e = a->ev[i];
        int rc = e[0] == 0   ? ev_alloc(ev, e[1], e[3])
                 : e[0] == 1 ? ev_free(ev, e[1])
                             : ev_realloc(ev, e[2], e[1], e[3]);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static void test_write_trace(void)
{
    static const uint64_t evs[][4] = {
        {0, 0xa0, 0, 10}, {0, 0xb0, 0, 20},    {2, 0xc0, 0xa0, 500},
        {1, 0, 0, 0},     {1, 0xb0, 0, 0},     {0, 0xb0, 0, 30},
    };
    ev_array src = {evs, sizeof evs / sizeof evs[0]};
    ev_counts c;
    rw_error err;
    CHECK(ev_write_trace("two.rep", feed_array, &src, &c, &err) == 0);
    CHECK(c.num_ops == 7 && c.free_null == 1 && c.live_at_end == 2);
    trace t;
    trace_error terr;
    CHECK(trace_load("two.rep", &t, &terr, NULL) == 0);
    CHECK(t.num_ops == 7 && t.num_ids == 2 && t.peak_payload == 530);
    CHECK(t.count[0] == 3 && t.count[1] == 1 && t.count[2] == 3);
    trace_free(&t);
}

int main(void)
{
    test_ids_and_reuse();
    test_drops();
    test_realloc();
    test_unseen_free();
    test_random_against_model();
    test_writer();
    test_writer_errors();
    test_write_trace();
    return check_finish("test_events (events, repwrite)");
}
