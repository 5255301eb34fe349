# libfitmalloc.so: the allocator core behind a real program's malloc family
# (LD_PRELOAD), and fbprograms, the `fitbench programs` command that times
# real programs under each policy and each system allocator. Included by
# harness/CMakeLists.txt.
find_package(Threads REQUIRED)

# The library runs inside other people's programs, where no sanitizer
# runtime is loaded: it and the core it carries are always built plain.
# The normal build links the core's own archive; a sanitizer build makes a
# plain copy of it from the same sources.
if(FB_SANITIZE)
  get_target_property(fm_core_sources fitalloc SOURCES)
  get_target_property(fm_core_dir fitalloc SOURCE_DIR)
  list(TRANSFORM fm_core_sources PREPEND "${fm_core_dir}/")
  add_library(fitalloc_plain STATIC ${fm_core_sources})
  target_include_directories(fitalloc_plain PUBLIC ${fm_core_dir})
  set_property(TARGET fitalloc_plain PROPERTY COMPILE_OPTIONS -Wall -Wextra)
  set(fm_core fitalloc_plain)
else()
  set(fm_core fitalloc)
endif()

set(fm_dir ${CMAKE_CURRENT_LIST_DIR}/preload)
add_library(fitmalloc SHARED
  ${fm_dir}/fitmalloc.c ${fm_dir}/fm_heaps.c ${fm_dir}/fm_stats.c)
set_target_properties(fitmalloc PROPERTIES
  OUTPUT_NAME fitmalloc
  C_VISIBILITY_PRESET hidden
  LINK_DEPENDS ${fm_dir}/fitmalloc.map)
set_property(TARGET fitmalloc PROPERTY COMPILE_OPTIONS -Wall -Wextra)
# Bound at load time (no lazy resolution inside malloc), never unloaded
# (its blocks outlive any dlclose), and exporting the malloc family only.
set_property(TARGET fitmalloc PROPERTY LINK_OPTIONS
  -Wl,--version-script=${fm_dir}/fitmalloc.map -Wl,-z,now -Wl,-z,nodelete)
target_link_libraries(fitmalloc PRIVATE ${fm_core} Threads::Threads)

# `fitbench programs` (cmd_programs.c, programs_run.c) and the workloads it
# shares with the preload tests. main.c dispatches to cmd_programs
# (cmds_programs.h); the fitbench target links this library.
add_library(fbprograms STATIC
  ${CMAKE_CURRENT_LIST_DIR}/cmd_programs.c ${CMAKE_CURRENT_LIST_DIR}/programs_run.c
  ${fm_dir}/programs_out.c ${fm_dir}/workloads.c)
target_include_directories(fbprograms PUBLIC ${CMAKE_CURRENT_LIST_DIR} ${fm_dir})
target_link_libraries(fbprograms PUBLIC fbharness fitalloc PRIVATE fbjson)
target_compile_definitions(fbprograms PRIVATE
  FB_FITMALLOC_LIB="$<TARGET_FILE:fitmalloc>"
  FB_PROGRAMS_PLOTS_DIR="${CMAKE_SOURCE_DIR}/plots")
add_dependencies(fbprograms fitmalloc)
