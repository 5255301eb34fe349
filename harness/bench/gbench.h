/*
 * gbench.h: Google Benchmark for C programs. The harness's benchmark
 * programs (bench_core.c, the replay benchmarks) are written in C; this
 * header is all they see of the library, and gbench.cc, the project's only
 * C++ file, implements it over Debian's libbenchmark-dev (1.7.1).
 *
 * Where it sits: beside the replay engine, not in the trace -> metrics
 * flow. A benchmark program registers its benchmarks, then hands argc/argv
 * to gb_run, which accepts every --benchmark_* flag of the library
 * (--benchmark_filter, --benchmark_min_time=SECONDS as a plain number in
 * 1.7.1, --benchmark_repetitions, --benchmark_out=FILE,
 * --benchmark_out_format=json...). The JSON file is the output other tools
 * read; the library's CSV output is deprecated and not used.
 *
 * The shape of a benchmark function:
 *
 *     static void bm_thing(gb_state *st, void *ctx)
 *     {
 *         ...untimed setup; on failure: gb_skip_with_error(st, "why"); return;
 *         while (gb_keep_running_batch(st, 64))
 *             for (int i = 0; i < 64; i++)
 *                 ...one iteration...
 *         gb_set_items_processed(st, gb_iterations(st));
 *         ...untimed teardown
 *     }
 *
 * Rules the library imposes (it aborts the program otherwise): a function
 * must keep calling gb_keep_running or gb_keep_running_batch until it
 * returns 0, unless it called gb_skip_with_error; after that the next call
 * returns 0 at once. Errors never escape as C++ exceptions: every function
 * that can fail returns a status.
 */
#ifndef FB_GBENCH_H
#define FB_GBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One running benchmark (the library's State); valid only during the call
 * of the benchmark function it was passed to. */
typedef struct gb_state gb_state;

typedef void (*gb_fn)(gb_state *st, void *ctx);

/* Time unit a benchmark's times are shown in (the JSON says which). */
enum gb_unit { GB_NS = 0, GB_US, GB_MS, GB_S };

/* Optional settings of one registration; zero means the library default
 * (or its --benchmark_* flag). */
typedef struct gb_opts {
    enum gb_unit unit;
    double min_time;    /* seconds; overrides --benchmark_min_time */
    int64_t iterations; /* fixed iteration count */
    int repetitions;
    int real_time;      /* judge and report wall-clock time, not CPU time */
} gb_opts;

/* Registers fn(ctx) under name. With nargs > 0 it is registered once per
 * argument, named "name/arg", and gb_arg(st, 0) returns the argument. ctx
 * must live until gb_run returns. Returns 0, or -1 (message on stderr)
 * when the name is empty or the library cannot register it. */
int gb_register(const char *name, gb_fn fn, void *ctx, const int64_t *args,
                size_t nargs);
int gb_register_opts(const char *name, gb_fn fn, void *ctx,
                     const int64_t *args, size_t nargs, const gb_opts *opts);

/* Nonzero while the benchmark wants one more iteration. */
int gb_keep_running(gb_state *st);
/* Nonzero while it wants n more (n > 0); the caller runs all n. The last
 * batch may overshoot the planned count; gb_iterations counts what ran. */
int gb_keep_running_batch(gb_state *st, int64_t n);
/* Iterations completed so far (after the loop: all of them). */
int64_t gb_iterations(const gb_state *st);
/* The i-th registered argument (i = 0 for gb_register's args), or 0 when
 * the benchmark has no such argument. */
int64_t gb_arg(const gb_state *st, int i);

/* Stops the clock around untimed work inside the loop (costly: hundreds
 * of ns each; only for iterations far longer than that). */
void gb_pause_timing(gb_state *st);
void gb_resume_timing(gb_state *st);

/* Reported as items_per_second (items over the timed seconds). */
void gb_set_items_processed(gb_state *st, int64_t items);
void gb_set_bytes_processed(gb_state *st, int64_t bytes);
void gb_set_label(gb_state *st, const char *label);

/* How a counter's value is shown. */
enum gb_counter_kind {
    GB_COUNTER_PLAIN = 0,    /* the value as given */
    GB_COUNTER_RATE = 1,     /* value per second of timed run */
    GB_COUNTER_PER_ITER = 2  /* value divided by the iteration count */
};
/* Sets a user counter (a key of its own in the JSON). A later call with
 * the same name replaces the value. */
void gb_counter(gb_state *st, const char *name, double value,
                enum gb_counter_kind kind);

/* Marks the benchmark failed with msg (copied): its result is reported as
 * an error and gb_run returns nonzero. Call it instead of the loop, or
 * inside it (then the loop ends at the next gb_keep_running*), or after. */
void gb_skip_with_error(gb_state *st, const char *msg);

/* Text printed before the library's own --help text (the program's own
 * options). Copied; NULL clears it. */
void gb_set_usage(const char *text);

/* Parses the library's flags out of argv, then runs every registered
 * benchmark that --benchmark_filter selects. Returns the exit status for
 * main: 0 when at least one benchmark ran and none failed; 1 when one
 * failed (gb_skip_with_error) or none matched; 2 (message on stderr) when
 * argv holds an argument the library does not know. --help prints the
 * usage text and the library's help, and exits 0. */
int gb_run(int *argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
