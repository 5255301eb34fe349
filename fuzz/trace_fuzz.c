/*
 * trace_fuzz.c: libFuzzer target for the trace loader (harness/trace/trace*.c).
 * Not part of the default build; from the repository root:
 *   clang -g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DFB_SANITIZE -Iharness/trace -Iharness/common harness/trace/trace*.c fuzz/trace_fuzz.c -lz -pthread -o /tmp/trace_fuzz && mkdir -p /tmp/trace_corpus && /tmp/trace_fuzz -max_total_time=300 -max_len=8192 /tmp/trace_corpus ../shared/traces/format-samples
 *
 * Where it sits: beside the tests. Any input, text or gzip, must either
 * load into a trace whose figures agree with its ops, or be refused with
 * -1 and a "FILE:LINE: ..." message; and the scan must give the same
 * answer on one thread and on two with tiny chunks (so that a few hundred
 * bytes cross many chunk boundaries), with either tokeniser. A crash, a
 * sanitizer report or an abort below is a bug in the loader.
 */
#include "trace.h"
#include "trace_impl.h"

#include <stdlib.h>
#include <string.h>

static FILE *fuzz_null;

/* The message must start with the file name, a line number and ": ". */
static int fuzz_has_line(const char *msg)
{
    static const char name[] = "fuzz.rep:";
    if (strncmp(msg, name, sizeof name - 1) != 0)
        return 0;
    const char *p = msg + sizeof name - 1;
    if (*p < '1' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return p[0] == ':' && p[1] == ' ';
}

static void fuzz_check_loaded(const trace *t)
{
    if (t->count[0] + t->count[1] + t->count[2] != t->num_ops)
        abort();
    if (t->num_ids > TRACE_MAX_IDS || (t->num_ops && !t->ops))
        abort();
    uint64_t max = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const trace_op *op = &t->ops[i];
        if (op->kind != TRACE_ALLOC && op->kind != TRACE_REALLOC &&
            op->kind != TRACE_FREE)
            abort();
        if (op->id >= t->num_ids &&
            !(op->kind == TRACE_FREE && op->id == TRACE_NO_ID))
            abort();
        if (op->kind != TRACE_FREE && op->size > max)
            max = op->size;
    }
    if (max != t->max_request)
        abort();
    if (trace_stats_print(t, fuzz_null) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The ways the scan is run: the first is the reference. */
static const trace_scan_config fuzz_ways[] = {
    {1, 0, 0, NULL},   /* one thread */
    {2, 64, 0, NULL},  /* two threads, 64-byte chunks, SSE2 tokeniser */
    {2, 200, 1, NULL}, /* two threads, 200-byte chunks, plain C */
};
#define FUZZ_WAYS (sizeof fuzz_ways / sizeof fuzz_ways[0])

static int fuzz_load(size_t way, const uint8_t *data, size_t size, trace *t,
                     trace_error *err)
{
    trace_scan_tune(&fuzz_ways[way]);
    memset(err, 0, sizeof *err);
    int rc = trace_parse("fuzz.rep", (const char *)data, size, t, err,
                         fuzz_null);
    trace_scan_tune(NULL);
    return rc;
}

/* Whether two loads of one input agree: the same result, message, ops
 * and figures. */
static int fuzz_same(int rc_a, const trace *a, const trace_error *ea,
                     int rc_b, const trace *b, const trace_error *eb)
{
    if (rc_a != rc_b)
        return 0;
    if (rc_a != 0)
        return strcmp(ea->msg, eb->msg) == 0;
    return trace_same(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_null && !(fuzz_null = fopen("/dev/null", "w")))
        abort();
    trace ref;
    trace_error ref_err;
    int rc = fuzz_load(0, data, size, &ref, &ref_err);
    if (rc == 0)
        fuzz_check_loaded(&ref);
    else if (rc != -1 || !fuzz_has_line(ref_err.msg) || ref.ops || ref.path)
        abort();
    for (size_t w = 1; w < FUZZ_WAYS; w++) {
        trace t;
        trace_error err;
        int rc_w = fuzz_load(w, data, size, &t, &err);
        if (!fuzz_same(rc, &ref, &ref_err, rc_w, &t, &err))
            abort();
        trace_free(&t);
    }
    trace_free(&ref);
    return 0;
}
