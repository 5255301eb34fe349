/*
 * rec_verify.c: loads a trace with the project's loader (harness/trace/trace.c)
 * and checks what the recorder, the converter and the generators promise
 * about every trace they write. Used by the shell-driven tests.
 *
 * usage: rec_verify TRACE [--min-ops N] [--max-ops N]
 *                   [--range a|r|f LO HI COUNT]...
 * Always checked: the load succeeds with no warning; header field 1 is 0
 * and field 4 equals the peak live payload the loader computes; the trace
 * is balanced (no block live after the last op).
 * --range: exactly COUNT ops of that kind have LO <= size <= HI.
 * Prints "ok TRACE ..." or each failure; exit 0 when all hold, 1 if not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static int failures;

static void fail(const char *what)
{
    printf("FAIL: %s\n", what);
    failures++;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: rec_verify TRACE [options]\n");
        return 2;
    }
    trace t;
    trace_error err;
    char warnbuf[4096] = "";
    FILE *warn = fmemopen(warnbuf, sizeof warnbuf, "w");
    if (trace_load(argv[1], &t, &err, warn) != 0) {
        printf("FAIL: load: %s\n", err.msg);
        return 1;
    }
    fclose(warn);
    if (warnbuf[0])
        fail("the loader warned about the trace");
    if (t.header[0] != 0)
        fail("header field 1 is not 0");
    if (t.header[3] != t.peak_payload) {
        printf("FAIL: header peak %llu, loader computes %llu\n",
               (unsigned long long)t.header[3],
               (unsigned long long)t.peak_payload);
        failures++;
    }
    unsigned char *live = calloc(t.num_ids + 1, 1);
    size_t nlive = 0;
    for (size_t i = 0; i < t.num_ops; i++) {
        const trace_op *op = &t.ops[i];
        if (op->id == TRACE_NO_ID) {
            fail("free(NULL) in a written trace");
            continue;
        }
        if (op->kind == TRACE_ALLOC) {
            live[op->id] = 1;
            nlive++;
        } else if (op->kind == TRACE_FREE) {
            live[op->id] = 0;
            nlive--;
        }
    }
    if (nlive != 0) {
        printf("FAIL: %zu blocks live at the end\n", nlive);
        failures++;
    }
    free(live);
    for (int i = 2; i < argc; i++) {
        if ((strcmp(argv[i], "--min-ops") == 0 ||
             strcmp(argv[i], "--max-ops") == 0) && i + 1 < argc) {
            size_t n = strtoull(argv[i + 1], NULL, 10);
            int min = argv[i][3] == 'i';
            if (min ? t.num_ops < n : t.num_ops > n) {
                printf("FAIL: %zu ops, expected %s %zu\n", t.num_ops,
                       min ? ">=" : "<=", n);
                failures++;
            }
            i++;
        } else if (strcmp(argv[i], "--range") == 0 && i + 4 < argc) {
            char kind = argv[i + 1][0];
            unsigned long long lo = strtoull(argv[i + 2], NULL, 10);
            unsigned long long hi = strtoull(argv[i + 3], NULL, 10);
            size_t want = strtoull(argv[i + 4], NULL, 10), got = 0;
            for (size_t k = 0; k < t.num_ops; k++)
                if (t.ops[k].kind == TRACE_KIND_OF(kind) && t.ops[k].size >= lo &&
                    t.ops[k].size <= hi)
                    got++;
            if (got != want) {
                printf("FAIL: %zu '%c' ops in [%llu, %llu], expected %zu\n",
                       got, kind, lo, hi, want);
                failures++;
            }
            i += 4;
        } else {
            fprintf(stderr, "rec_verify: bad option %s\n", argv[i]);
            return 2;
        }
    }
    if (failures == 0)
        printf("ok %s: %zu ops (a %zu, r %zu, f %zu), %zu ids, peak %llu\n",
               argv[1], t.num_ops, t.count[0], t.count[1], t.count[2],
               t.num_ids, (unsigned long long)t.peak_payload);
    trace_free(&t);
    return failures ? 1 : 0;
}
