# The replay engine, the allocator table with its adapters, the writers,
# and the `fitbench` command.
add_library(fbharness STATIC
  ${CMAKE_CURRENT_LIST_DIR}/allocators.c
  ${CMAKE_CURRENT_LIST_DIR}/alloc_fit.c
  ${CMAKE_CURRENT_LIST_DIR}/alloc_bump.c
  ${CMAKE_CURRENT_LIST_DIR}/alloc_system.c
  ${CMAKE_CURRENT_LIST_DIR}/alloc_mems.c
  ${CMAKE_CURRENT_LIST_DIR}/alloc_pagefamily.c
  ${CMAKE_CURRENT_LIST_DIR}/alloc_ostep.c
  ${CMAKE_CURRENT_LIST_DIR}/alloc_dmm.c
  ${CMAKE_CURRENT_LIST_DIR}/replay.c
  ${CMAKE_CURRENT_LIST_DIR}/interval.c
  ${CMAKE_CURRENT_LIST_DIR}/latency.c
  ${CMAKE_CURRENT_LIST_DIR}/output.c
  ${CMAKE_CURRENT_LIST_DIR}/cell.c)
target_include_directories(fbharness PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(fbharness PUBLIC fbtrace fbsummary fitalloc mems pagefamily ostep_mem dmm
                      ${CMAKE_DL_LIBS} m)

add_executable(fitbench ${CMAKE_CURRENT_LIST_DIR}/main.c)
target_compile_definitions(fitbench PRIVATE FB_TRACES_DIR="${CMAKE_SOURCE_DIR}/traces")
target_link_libraries(fitbench PRIVATE fbharness fbtracetools fbplots fbprograms)
