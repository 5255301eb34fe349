/*
 * trace_stats.c: a human-readable profile of a loaded trace.
 *
 * Where it sits: beside the loader, after it. `fitbench` prints this for a
 * trace on request, so that a user can see what a trace asks of an
 * allocator (how many ops of each kind, how much live payload at the
 * peak, which request sizes, how long blocks live) before reading the
 * allocators' scores on it. Nothing here is timed or replayed.
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

/* Bucket 0 holds the value 0; bucket k (1..64) holds [2^(k-1), 2^k). */
#define TRACE_STATS_BUCKETS 65

static int trace_stats_bucket(uint64_t v)
{
    return v ? 64 - __builtin_clzll(v) : 0;
}

static void trace_stats_print_hist(FILE *out, const size_t hist[], size_t total,
                                   const char *unit)
{
    for (int k = 0; k < TRACE_STATS_BUCKETS; k++) {
        if (!hist[k])
            continue;
        double share = total ? 100.0 * (double)hist[k] / (double)total : 0.0;
        if (k == 0) {
            fprintf(out, "  %20s %-5s %12zu %6.2f%%\n", "0", unit, hist[k],
                    share);
            continue;
        }
        uint64_t lo = (uint64_t)1 << (k - 1);
        uint64_t hi = k == 64 ? UINT64_MAX : ((uint64_t)1 << k) - 1;
        char range[48];
        snprintf(range, sizeof range, "%llu..%llu", (unsigned long long)lo,
                 (unsigned long long)hi);
        fprintf(out, "  %20s %-5s %12zu %6.2f%%\n", range, unit, hist[k],
                share);
    }
}

int trace_stats_print(const trace *t, FILE *out)
{
    if (!t || !out || (t->num_ops && !t->ops))
        return -1;
    size_t sizes[TRACE_STATS_BUCKETS], lives[TRACE_STATS_BUCKETS];
    memset(sizes, 0, sizeof sizes);
    memset(lives, 0, sizeof lives);

    /* born[id] = 1 + index of the op that created the live block, 0 when
     * the id holds nothing. A realloc keeps the block's birth: the
     * program sees one block that changed size. */
    size_t *born = NULL;
    if (t->num_ids) {
        born = calloc(t->num_ids, sizeof *born);
        if (!born)
            return -1;
    }
    size_t requests = 0, freed = 0, free_null = 0, never_freed = 0;
    uint64_t life_max = 0;
    double life_sum = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const trace_op *op = &t->ops[i];
        if (op->kind == TRACE_FREE && op->id == TRACE_NO_ID) {
            free_null++;
            continue;
        }
        if (op->id >= t->num_ids ||
            (op->kind != TRACE_ALLOC && op->kind != TRACE_REALLOC &&
             op->kind != TRACE_FREE)) {
            free(born);
            return -1; /* not a trace that trace_load made */
        }
        if (op->kind == TRACE_FREE) {
            if (born[op->id]) {
                uint64_t life = (uint64_t)(i + 1 - born[op->id]);
                lives[trace_stats_bucket(life)]++;
                life_sum += (double)life;
                if (life > life_max)
                    life_max = life;
                freed++;
                born[op->id] = 0;
            }
            continue;
        }
        sizes[trace_stats_bucket(op->size)]++;
        requests++;
        if (op->kind == TRACE_ALLOC || !born[op->id])
            born[op->id] = i + 1;
    }
    for (size_t id = 0; id < t->num_ids; id++)
        never_freed += born[id] != 0;
    free(born);

    fprintf(out, "trace %s (%s header: %llu %llu %llu %llu)\n",
            t->name ? t->name : "?", trace_format_name(t->format),
            (unsigned long long)t->header[0], (unsigned long long)t->header[1],
            (unsigned long long)t->header[2],
            (unsigned long long)t->header[3]);
    fprintf(out, "ids: %zu\n", t->num_ids);
    fprintf(out, "ops: %zu (a %zu, r %zu, f %zu, of which free(NULL) %zu)\n",
            t->num_ops, t->count[TRACE_COUNT_A], t->count[TRACE_COUNT_R],
            t->count[TRACE_COUNT_F], free_null);
    fprintf(out, "peak live payload: %llu bytes\n",
            (unsigned long long)t->peak_payload);
    fprintf(out, "largest request: %llu bytes\n",
            (unsigned long long)t->max_request);
    fprintf(out, "quirks accepted: %zu\n", t->warnings);
    fprintf(out, "request sizes (a and r), log2 buckets: %zu requests\n",
            requests);
    trace_stats_print_hist(out, sizes, requests, "bytes");
    fprintf(out,
            "block lifetimes (ops from a, or the r that created it, to f), "
            "log2 buckets: %zu freed, %zu never freed\n",
            freed, never_freed);
    trace_stats_print_hist(out, lives, freed, "ops");
    if (freed)
        fprintf(out, "  mean %.1f ops, max %llu ops\n",
                life_sum / (double)freed, (unsigned long long)life_max);
    fflush(out);
    return ferror(out) ? -1 : 0;
}
