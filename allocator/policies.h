/*
 * policies.h: the one list of the core's fit policies, in the order
 * `fitbench list`, the report and the tests show them. Each X(id, name)
 * is one fit_<id>.c exporting `const fa_policy fa_policy_<id>` (the
 * contract is in heap_impl.h) under its command-line name. Adding a
 * policy is its file, one line here and its tests: the core's table
 * (heap.c), the harness's allocators (harness/alloc/), libfitmalloc's
 * FITBENCH_POLICY and the per-policy test cases (CMakeLists.txt reads
 * the X(...) entries) all come from this list.
 */
#ifndef FA_POLICIES_H
#define FA_POLICIES_H

#define FA_POLICIES(X)       \
    X(first, "first")        \
    X(first_ao, "first-ao")  \
    X(next, "next")          \
    X(best, "best")          \
    X(best_tree, "best-tree") \
    X(worst, "worst")        \
    X(segfit, "segfit")      \
    X(tlsf, "tlsf")          \
    X(segstore, "segstore")  \
    X(buddy, "buddy")        \
    X(tight, "tight")

#endif
