/*
 * core_fuzz.c: libFuzzer target for the allocator core (allocator/),
 * on the interpreter the ctest case core.fuzz runs from seeds
 * (tests/core/core_fuzz_ops.c; what it checks is in core_fuzz.h). Not part
 * of the default build; from the repository root:
 *   clang -g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iallocator -Itests/core allocator/check.c allocator/heap.c allocator/fit_*.c tests/core/core_fuzz_ops.c fuzz/core_fuzz.c -o /tmp/core_fuzz && mkdir -p /tmp/core_corpus && /tmp/core_fuzz -max_total_time=600 -max_len=2048 /tmp/core_corpus
 *
 * Every policy of allocator/policies.h is played each input, so a new
 * policy is fuzzed with no change here. A failure prints its lines and
 * aborts, which libFuzzer reports with the input that made it.
 */
#include "core_fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (core_fuzz_one(data, size, stderr))
        abort();
    return 0;
}
