/*
 * core_fuzz.c: the seeded driver of the core's fuzz interpreter
 * (core_fuzz.h), for ctest and for longer runs by hand; the libFuzzer
 * target on the same interpreter is fuzz/core_fuzz.c.
 *
 * Input k of a run with seed S is made from a xorshift generator seeded
 * with S + k: its length (1 to 2048 bytes), then its bytes; so a failure
 * is replayed exactly by its seed.
 *
 * Usage: core_fuzz [--seconds T] [--inputs N] [--seed S] [--replay K]
 *   runs inputs S, S+1, ... until N have run (default 1000000) or T
 *   seconds have passed (default 10), whichever is first; --replay K runs
 *   input K alone. Prints how many inputs ran; exit 0 when all passed, 1
 *   at the first failure, after naming its seed (with the checker's
 *   lines), 2 on a usage error.
 */
#include "core_fuzz.h"
#include "diag.h"
#include "args.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t next_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static size_t make_input(uint64_t seed, uint8_t *buf, size_t cap) {
    uint64_t s = seed * 0x9e3779b97f4a7c15u + 1;
    size_t n = 1 + next_rand(&s) % cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(next_rand(&s) >> 24);
    return n;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    fb_diag_program("core_fuzz");
    double seconds = 10;
    uint64_t inputs = 1000000, seed = 1, replay = 0;
    int one = 0;
    static const struct option opts[] = {{"seconds", required_argument, NULL, 't'},
                                         {"inputs", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"replay", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    opterr = 0;
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 't': rc = fb_arg_double("--seconds", optarg, "seconds", 0.001, 1e6, &seconds); break;
        case 'n': rc = fb_arg_count("--inputs", optarg, "a count", 1, UINT64_MAX / 2, &inputs); break;
        case 's': rc = fb_arg_count("--seed", optarg, "a seed", 0, UINT64_MAX / 2, &seed); break;
        case 'r':
            rc = fb_arg_count("--replay", optarg, "a seed", 0, UINT64_MAX, &replay);
            one = 1;
            break;
        default: rc = fb_arg_bad(c, argv);
        }
    }
    if (rc)
        return 2;
    if (optind < argc) {
        fb_error("unexpected argument '%s'", argv[optind]);
        return 2;
    }
    static uint8_t buf[2048];
    if (one) {
        long bad = core_fuzz_one(buf, make_input(replay, buf, sizeof buf), stderr);
        printf("core_fuzz: input %llu: %s\n", (unsigned long long)replay, bad ? "FAILED" : "passed");
        return bad ? 1 : 0;
    }
    double t0 = now_s();
    uint64_t k = 0;
    for (; k < inputs && (k == 0 || now_s() - t0 < seconds); k++) {
        uint64_t s = seed + k;
        if (core_fuzz_one(buf, make_input(s, buf, sizeof buf), stderr)) {
            fb_error("input %llu failed (core_fuzz --replay %llu runs it alone)",
                     (unsigned long long)s, (unsigned long long)s);
            return 1;
        }
    }
    printf("core_fuzz: %llu inputs (seeds %llu to %llu) passed on every policy in %.1f s\n",
           (unsigned long long)k, (unsigned long long)seed, (unsigned long long)(seed + k - 1),
           now_s() - t0);
    return 0;
}
