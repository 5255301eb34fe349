# The Google Benchmark wrapper (fbgbench: gbench.cc behind gbench.h, the
# project's only C++) and fitbench-bench: the core's micro-benchmarks
# (bench_core.c), the trace replay benchmarks (bench_replay.c) and the
# --ns-table printer (bench_table.c). Included by harness/CMakeLists.txt.
find_package(benchmark QUIET)
if(NOT benchmark_FOUND)
  message(WARNING "Google Benchmark (Debian: libbenchmark-dev) not found: "
                  "fbgbench, fitbench-bench and the gbench tests are not built")
  return()
endif()

add_library(fbgbench STATIC ${CMAKE_CURRENT_LIST_DIR}/gbench.cc)
target_include_directories(fbgbench PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(fbgbench PUBLIC benchmark::benchmark)

# The replay benchmarks run the harness's replay engine and trace loader
# (fbharness); the table reads Google Benchmark's JSON (fbjson).
add_executable(fitbench-bench
  ${CMAKE_CURRENT_LIST_DIR}/bench_core.c
  ${CMAKE_CURRENT_LIST_DIR}/bench_table.c
  ${CMAKE_CURRENT_LIST_DIR}/bench_replay.c)
target_link_libraries(fitbench-bench PRIVATE fbgbench fbharness fbjson)
target_compile_definitions(fitbench-bench PRIVATE FB_TRACES_DIR="${CMAKE_SOURCE_DIR}/traces")
