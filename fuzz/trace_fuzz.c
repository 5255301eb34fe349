/*
 * trace_fuzz.c: libFuzzer target for the trace loader (harness/trace*.c).
 * Not part of the default build; from the repository root:
 *   clang -g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DFB_SANITIZE -Iharness harness/trace.c harness/trace_scan.c harness/trace_fast.c harness/trace_io.c harness/trace_stats.c fuzz/trace_fuzz.c -lz -pthread -o /tmp/trace_fuzz && mkdir -p /tmp/trace_corpus && /tmp/trace_fuzz -max_total_time=300 -max_len=8192 /tmp/trace_corpus ../shared/traces/format-samples
 *
 * Where it sits: beside the tests. Any input, text or gzip, must either
 * load into a trace whose figures agree with its ops, or be refused with
 * -1 and a "FILE:LINE: ..." message; a crash, a sanitizer report or an
 * abort below is a bug in the loader.
 */
#include "trace.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_null && !(fuzz_null = fopen("/dev/null", "w")))
        abort();
    trace t;
    trace_error err;
    memset(&err, 0, sizeof err);
    int rc = trace_parse("fuzz.rep", (const char *)data, size, &t, &err,
                         fuzz_null);
    if (rc == 0)
        fuzz_check_loaded(&t);
    else if (rc != -1 || !fuzz_has_line(err.msg) || t.ops || t.path)
        abort();
    trace_free(&t);
    return 0;
}
