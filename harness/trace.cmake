# The trace loader (fbtrace: trace.c reads the header and holds the
# careful scanner, trace_scan.c runs the op lines in chunks on one or two
# threads, trace_fast.c tokenises them, trace_io.c reads and gunzips,
# trace_stats.c profiles) and its load-speed benchmark (trace_bench).
# Included by harness/CMakeLists.txt.
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)

add_library(fbtrace STATIC
  ${CMAKE_CURRENT_LIST_DIR}/trace.c
  ${CMAKE_CURRENT_LIST_DIR}/trace_scan.c
  ${CMAKE_CURRENT_LIST_DIR}/trace_fast.c
  ${CMAKE_CURRENT_LIST_DIR}/trace_io.c
  ${CMAKE_CURRENT_LIST_DIR}/trace_stats.c)
target_include_directories(fbtrace PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(fbtrace PUBLIC ZLIB::ZLIB Threads::Threads)

# Not a test: prints load times of trace_load against a plain fscanf loop.
add_executable(trace_bench ${CMAKE_CURRENT_LIST_DIR}/trace_bench.c)
target_link_libraries(trace_bench PRIVATE fbtrace)
