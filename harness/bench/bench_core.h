/*
 * bench_core.h: what fitbench-bench's benchmarks (bench_core.c) and its
 * --ns-table printer (bench_table.c) share: the sizes the benchmarks use
 * and the rows of the table, which are the benchmarks' allocators. Internal
 * to fitbench-bench.
 */
#ifndef FB_BENCH_CORE_H
#define FB_BENCH_CORE_H

#include "fitalloc.h"

#include <stddef.h>
#include <stdint.h>

/* Random request sizes: BM_random and BM_cached 16..4096, BM_small
 * 16..256 bytes. */
#define BC_MIN_SIZE 16u
#define BC_MAX_SIZE 4096u
#define BC_SMALL_MAX 256u

/* The sizes of BM_pair/<policy>/<size>. */
static const int64_t bc_pair_sizes[] = {16, 64, 256, 1024, 4096};
#define BC_NSIZES (sizeof bc_pair_sizes / sizeof bc_pair_sizes[0])

/* The allocators, in the table's order: the core's policies, then glibc. */
#define BC_LIBC_ROW "libc"

static inline size_t bc_row_count(void)
{
    return fa_policy_count() + 1;
}

static inline const char *bc_row_name(size_t i)
{
    return i < fa_policy_count() ? fa_policy_name(i) : BC_LIBC_ROW;
}

/* `fitbench-bench --ns-table FILE`: prints the Markdown table of ns per
 * pair from Google Benchmark's JSON output; 0, or 2 on bad input (after a
 * message on stderr). In bench_table.c. */
int bc_ns_table(const char *file);

#endif
