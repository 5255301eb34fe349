/*
 * gbench.cc: the C API of gbench.h over Google Benchmark (Debian's
 * libbenchmark-dev 1.7.1). The project's only C++ file: it keeps C++ (its
 * exceptions, its templates) from leaking into the C benchmark programs.
 *
 * A gb_state lives on the stack of the call that runs one benchmark
 * function: the library's State and what the registration knew about the
 * arguments (State cannot say how many it holds; asking for one it lacks
 * is undefined behaviour in a release build).
 */
#include "gbench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <string>

struct gb_state {
    benchmark::State *bm;
    int nargs; // arguments this benchmark instance was given (0 or 1)
};

namespace {

// Benchmarks that called gb_skip_with_error in this process; gb_run turns
// a nonzero count into a failing exit status.
int gb_failures = 0;

std::string gb_usage_text;

void gb_print_help()
{
    if (!gb_usage_text.empty())
        std::fputs(gb_usage_text.c_str(), stdout);
    benchmark::PrintDefaultHelp();
}

benchmark::TimeUnit unit_of(enum gb_unit u)
{
    switch (u) {
    case GB_US: return benchmark::kMicrosecond;
    case GB_MS: return benchmark::kMillisecond;
    case GB_S: return benchmark::kSecond;
    default: return benchmark::kNanosecond;
    }
}

const char *bad_registration(const char *name, gb_fn fn, const int64_t *args,
                             size_t nargs)
{
    if (!name || !*name)
        return "empty name";
    if (!fn)
        return "no function";
    if (nargs > 0 && !args)
        return "argument count without arguments";
    return nullptr;
}

} // namespace

extern "C" {

int gb_register_opts(const char *name, gb_fn fn, void *ctx,
                     const int64_t *args, size_t nargs, const gb_opts *opts)
{
    if (const char *why = bad_registration(name, fn, args, nargs)) {
        std::fprintf(stderr, "gbench: cannot register %s: %s\n",
                     name && *name ? name : "a benchmark", why);
        return -1;
    }
    try {
        int with_arg = nargs > 0;
        benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
            name, [fn, ctx, with_arg](benchmark::State &s) {
                gb_state st = {&s, with_arg};
                fn(&st, ctx);
            });
        for (size_t i = 0; i < nargs; i++)
            b->Arg(args[i]);
        if (opts) {
            b->Unit(unit_of(opts->unit));
            // The library refuses MinTime together with Iterations, so a
            // fixed count wins.
            if (opts->iterations > 0)
                b->Iterations(opts->iterations);
            else if (opts->min_time > 0)
                b->MinTime(opts->min_time);
            if (opts->repetitions > 0)
                b->Repetitions(opts->repetitions);
            if (opts->real_time)
                b->UseRealTime();
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "gbench: cannot register %s: %s\n", name, e.what());
        return -1;
    } catch (...) {
        std::fprintf(stderr, "gbench: cannot register %s\n", name);
        return -1;
    }
    return 0;
}

int gb_register(const char *name, gb_fn fn, void *ctx, const int64_t *args,
                size_t nargs)
{
    return gb_register_opts(name, fn, ctx, args, nargs, nullptr);
}

int gb_keep_running(gb_state *st)
{
    return st->bm->KeepRunning();
}

int gb_keep_running_batch(gb_state *st, int64_t n)
{
    return st->bm->KeepRunningBatch(n > 0 ? n : 1);
}

int64_t gb_iterations(const gb_state *st)
{
    return static_cast<int64_t>(st->bm->iterations());
}

int64_t gb_arg(const gb_state *st, int i)
{
    return i >= 0 && i < st->nargs ? st->bm->range(static_cast<size_t>(i)) : 0;
}

void gb_pause_timing(gb_state *st)
{
    st->bm->PauseTiming();
}

void gb_resume_timing(gb_state *st)
{
    st->bm->ResumeTiming();
}

void gb_set_items_processed(gb_state *st, int64_t items)
{
    st->bm->SetItemsProcessed(items);
}

void gb_set_bytes_processed(gb_state *st, int64_t bytes)
{
    st->bm->SetBytesProcessed(bytes);
}

void gb_set_label(gb_state *st, const char *label)
{
    st->bm->SetLabel(label ? label : "");
}

void gb_counter(gb_state *st, const char *name, double value,
                enum gb_counter_kind kind)
{
    if (!name || !*name)
        return;
    benchmark::Counter::Flags flags = benchmark::Counter::kDefaults;
    if (kind == GB_COUNTER_RATE)
        flags = benchmark::Counter::kIsRate;
    else if (kind == GB_COUNTER_PER_ITER)
        flags = benchmark::Counter::kAvgIterations;
    try {
        st->bm->counters[name] = benchmark::Counter(value, flags);
    } catch (...) {
        // Out of memory for a map node: the counter is missing from the
        // output, which is how a reader will notice.
    }
}

void gb_skip_with_error(gb_state *st, const char *msg)
{
    // The library allows one error per run; a second would trip its check.
    if (st->bm->error_occurred())
        return;
    gb_failures++;
    st->bm->SkipWithError(msg && *msg ? msg : "failed");
}

void gb_set_usage(const char *text)
{
    try {
        gb_usage_text = text ? text : "";
    } catch (...) {
        gb_usage_text.clear();
    }
}

int gb_run(int *argc, char **argv)
{
    try {
        benchmark::Initialize(argc, argv, gb_print_help);
        if (benchmark::ReportUnrecognizedArguments(*argc, argv))
            return 2;
        size_t matched = benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
        // The library has said so on stderr ("Failed to match...").
        if (matched == 0)
            return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s: benchmark run failed: %s\n", argv[0], e.what());
        return 1;
    } catch (...) {
        std::fprintf(stderr, "%s: benchmark run failed\n", argv[0]);
        return 1;
    }
    if (gb_failures > 0) {
        std::fprintf(stderr, "%s: %d benchmark(s) failed\n", argv[0], gb_failures);
        return 1;
    }
    return 0;
}

} // extern "C"
