/*
 * trace_test_mutate.c: the loader must never crash, whatever the bytes.
 *
 * A few hundred deterministic random mutations (bit flips, byte
 * replacements and insertions, deletions, duplicated and dropped lines,
 * long numbers) of real traces go through trace_parse. Each must either
 * load, with figures that agree with its ops, or fail with a message that
 * names the file and a line. Under the sanitizer build (make sanitize)
 * this also catches reads out of bounds. The longer-running search for
 * crashes is fuzz/trace_fuzz.c.
 */
#include "trace_test.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Bytes that matter to the scanner, tried more often than chance would. */
static const char tt_special[] = {'\0', '\n', '\r', ' ', '\t', '-', '0',
                                  '1',  '9',  'a',  'r', 'f', '\x1f',
                                  '\x8b', '\xff', '+'};

/* Applies 1 to 8 random edits to BUF (LEN bytes, CAP capacity). */
static size_t tt_mutate(tt_rng *r, char *buf, size_t len, size_t cap)
{
    int edits = 1 + (int)tt_below(r, 8);
    for (int e = 0; e < edits; e++) {
        size_t at = tt_below(r, len + 1);
        switch (tt_below(r, 8)) {
        case 0: /* flip a bit */
            if (len)
                buf[tt_below(r, len)] ^= (char)(1u << tt_below(r, 8));
            break;
        case 1: /* replace a byte by one that matters */
            if (len)
                buf[tt_below(r, len)] =
                    tt_special[tt_below(r, sizeof tt_special)];
            break;
        case 2: /* insert a byte */
            if (len < cap) {
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = tt_below(r, 2) ? (char)tt_next(r)
                                         : tt_special[tt_below(
                                               r, sizeof tt_special)];
                len++;
            }
            break;
        case 3: /* delete a run of bytes */
            if (at < len) {
                size_t n = 1 + tt_below(r, 16);
                if (n > len - at)
                    n = len - at;
                memmove(buf + at, buf + at + n, len - at - n);
                len -= n;
            }
            break;
        case 4: { /* duplicate a stretch (lines, often) */
            size_t n = 1 + tt_below(r, 40);
            if (at < len && len + n <= cap) {
                if (n > len - at)
                    n = len - at;
                memmove(buf + at + n, buf + at, len - at);
                len += n;
            }
            break;
        }
        case 5: { /* a long number */
            static const char *const nums[] = {
                "18446744073709551615", "18446744073709551616", "4294967295",
                "67108864", "99999999", "-1", "0", "1000000000000000000"};
            const char *s = nums[tt_below(r, 8)];
            size_t n = strlen(s);
            if (len + n <= cap) {
                memmove(buf + at + n, buf + at, len - at);
                memcpy(buf + at, s, n);
                len += n;
            }
            break;
        }
        case 6: /* cut the end */
            len = at;
            break;
        default: /* swap two bytes */
            if (len > 1) {
                size_t i = tt_below(r, len), j = tt_below(r, len);
                char c = buf[i];
                buf[i] = buf[j];
                buf[j] = c;
            }
            break;
        }
    }
    return len;
}

/* What a successful load must satisfy whatever the input was. */
static void tt_check_loaded(const trace *t, const char *what, int round)
{
    CHECK(t->count[0] + t->count[1] + t->count[2] == t->num_ops,
          "%s round %d: counts", what, round);
    CHECK(t->num_ids <= TRACE_MAX_IDS, "%s round %d: ids", what, round);
    uint64_t max = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const trace_op *op = &t->ops[i];
        int kind_ok = op->kind == TRACE_ALLOC || op->kind == TRACE_REALLOC ||
                      op->kind == TRACE_FREE;
        int id_ok = op->id < t->num_ids ||
                    (op->kind == TRACE_FREE && op->id == TRACE_NO_ID);
        if (!kind_ok || !id_ok) {
            CHECK(0, "%s round %d: op %zu is %c %u", what, round, i,
                  trace_kind_letter(op->kind), op->id);
            break;
        }
        if (op->kind != TRACE_FREE && op->size > max)
            max = op->size;
    }
    CHECK(max == t->max_request, "%s round %d: max_request", what, round);
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        CHECK(trace_stats_print(t, null) == 0, "%s round %d: stats", what,
              round);
        fclose(null);
    }
}

/* Runs ROUNDS mutations of BASE through trace_parse. With GZ, BASE is
 * gzip-compressed first and the compressed bytes are mutated, to test
 * the inflate path. */
static void tt_mutate_runs(const char *what, const char *base, size_t blen,
                           int rounds, uint64_t seed, int gz)
{
    size_t cap = blen * 2 + 256;
    char *buf = malloc(cap);
    unsigned char *z = malloc(compressBound((uLong)cap) + 32);
    if (!buf || !z) {
        free(buf);
        free(z);
        CHECK(0, "out of memory");
        return;
    }
    tt_rng r = {seed};
    int loaded = 0, failed = 0;
    for (int round = 0; round < rounds; round++) {
        size_t len;
        const char *input = buf;
        if (gz) {
            /* A gzip wrapper around the text by zlib's own deflate. */
            z_stream zs;
            memset(&zs, 0, sizeof zs);
            deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
                         Z_DEFAULT_STRATEGY);
            zs.next_in = (Bytef *)(uintptr_t)base;
            zs.avail_in = (uInt)blen;
            zs.next_out = z;
            zs.avail_out = (uInt)(compressBound((uLong)cap) + 32);
            deflate(&zs, Z_FINISH);
            len = zs.total_out;
            deflateEnd(&zs);
            memcpy(buf, z, len < cap ? len : cap);
            len = tt_mutate(&r, buf, len < cap ? len : cap, cap);
        } else {
            memcpy(buf, base, blen);
            len = tt_mutate(&r, buf, blen, cap);
        }
        trace t;
        trace_error err;
        memset(&err, 0, sizeof err);
        int rc = trace_parse("m.rep", input, len, &t, &err, NULL);
        if (rc == 0) {
            loaded++;
            tt_check_loaded(&t, what, round);
        } else {
            failed++;
            CHECK(rc == -1, "%s round %d: returned %d", what, round, rc);
            CHECK(tt_has_line(err.msg, "m.rep"),
                  "%s round %d: message without FILE:LINE: '%s'", what,
                  round, err.msg);
            CHECK(t.ops == NULL && t.path == NULL,
                  "%s round %d: failed load left data", what, round);
        }
        trace_free(&t);
    }
    printf("  %s: %d mutations, %d loaded, %d refused\n", what, rounds,
           loaded, failed);
    /* Mutations that change nothing that matters must exist, and so must
     * ones that break the file: else the mutator is not doing its job. */
    CHECK(failed > 0, "%s: no mutation was refused", what);
    free(buf);
    free(z);
}

/* A valid trace with every op kind, quirks, and lines both short (the
 * fast path) and long (the careful path). */
static char *tt_synthetic(size_t *len)
{
    size_t cap = 16384, o = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    o += (size_t)snprintf(s, cap, "0\n40\n200\n0\n");
    tt_rng r = {42};
    int live[40] = {0};
    int ops = 0;
    while (ops < 200) {
        int id = (int)tt_below(&r, 40);
        const char *pad = tt_below(&r, 5) ? " " : " \t ";
        if (!live[id]) {
            o += (size_t)snprintf(s + o, cap - o, "a%s%d %llu\n", pad, id,
                                  (unsigned long long)(tt_below(&r, 3)
                                                           ? tt_below(&r, 5000)
                                                           : tt_next(&r) >> 8));
            live[id] = 1;
        } else if (tt_below(&r, 3) == 0) {
            o += (size_t)snprintf(s + o, cap - o, "r %d %zu\r\n", id,
                                  tt_below(&r, 100000));
        } else {
            o += (size_t)snprintf(s + o, cap - o, "f %d\n", id);
            live[id] = 0;
        }
        if (tt_below(&r, 20) == 0 && ops < 199) {
            o += (size_t)snprintf(s + o, cap - o, "f -1\n");
            ops++;
        }
        ops++;
    }
    o += (size_t)snprintf(s + o, cap - o, "f 1\n");
    *len = o;
    return s;
}

void tt_case_mutate(void)
{
    size_t len = 0;
    char *syn = tt_synthetic(&len);
    CHECK(syn != NULL, "synthetic trace");
    if (!syn)
        return;
    trace t;
    trace_error err;
    int rc = trace_parse("syn.rep", syn, len, &t, &err, NULL);
    CHECK(rc == 0, "the unmutated synthetic trace must load: %s", err.msg);
    trace_free(&t);
    tt_mutate_runs("synthetic", syn, len, 400, 1, 0);
    tt_mutate_runs("synthetic.gz", syn, len, 200, 2, 1);
    free(syn);

    const char *shared = tt_shared_dir();
    if (!shared) {
        printf("  real traces: skipped (no shared traces folder)\n");
        return;
    }
    static const char *const real[] = {
        "format-samples/corners.rep", "format-samples/hostname.rep",
        "format-samples/syn-giantarray-short.rep",
        "malloclab-classic/short1-bal.rep",
        "malloclab-classic/realloc-bal.rep"};
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", shared, real[i]);
        size_t n = 0;
        char *text = tt_read_file(path, &n);
        CHECK(text != NULL, "read %s", path);
        if (!text)
            continue;
        /* realloc-bal is big: mutate its first 4 KiB, header included. */
        if (n > 4096)
            n = 4096;
        tt_mutate_runs(real[i], text, n, 300, 100 + i, 0);
        free(text);
    }
}
