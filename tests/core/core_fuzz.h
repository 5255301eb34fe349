/*
 * core_fuzz.h: the fuzz interpreter for the allocator core (core_fuzz_ops.c),
 * shared by the seeded driver ctest runs (core_fuzz.c) and the libFuzzer
 * target (fuzz/core_fuzz.c).
 *
 * core_fuzz_one reads the bytes as a heap configuration and a sequence of
 * calls, and plays them against every policy of allocator/policies.h in
 * turn, each on a fresh heap: malloc, calloc, memalign, realloc and free
 * over sizes from 0 to past the heap's end, hostile frees (interior
 * pointers, double frees) and resets. After every call the heap checker
 * must find nothing, every result must be aligned, inside the heap and
 * apart from every other live block, and every payload's bytes must be
 * the ones written when it is freed, reallocated (its first bytes) or at
 * the end. Returns the number of failures (it stops an input at the
 * first), each one line on log.
 */
#ifndef CORE_FUZZ_H
#define CORE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

long core_fuzz_one(const uint8_t *data, size_t size, FILE *log);

#endif
