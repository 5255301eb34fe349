/*
 * bench_replay.h: the hook through which fitbench-bench (bench_core.c)
 * registers the trace replay benchmarks, BM_replay/<trace>/<allocator>.
 * The hook lives in bench_replay.c, apart from the core micro-benchmarks,
 * because it needs the replay engine and the trace loader, which the
 * micro-benchmarks do not.
 */
#ifndef FB_BENCH_REPLAY_H
#define FB_BENCH_REPLAY_H

/* Called by fitbench-bench's main before gb_run. It may take options of
 * its own out of argv (for instance --traces=DIR, --allocators=LIST),
 * shifting the rest down and lowering *argc, since gb_run rejects any
 * argument that is not a --benchmark_* flag. Registers the replay
 * benchmarks with gb_register; returns how many it registered, or -1 after
 * printing why (fitbench-bench then exits 2). */
int bench_register_replays(int *argc, char **argv);

/* One line per option bench_register_replays accepts, for --help ("" when
 * it has none). */
const char *bench_replay_usage(void);

#endif
