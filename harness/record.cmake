# The recorder, the generators and the mtrace converter: everything that
# makes traces. fbrecord is the library preloaded into recorded programs;
# fbtracetools holds the `record`, `gen` and `convert` subcommands that the
# fitbench program dispatches to (cmds_trace.h).
find_package(Threads REQUIRED)

add_library(fbrecord SHARED ${CMAKE_CURRENT_SOURCE_DIR}/record/fbrecord.c)
set_target_properties(fbrecord PROPERTIES OUTPUT_NAME fbrecord
                      C_VISIBILITY_PRESET hidden)
target_link_libraries(fbrecord PRIVATE ${CMAKE_DL_LIBS} Threads::Threads)
# It runs inside other people's programs, where a sanitizer runtime cannot
# be preloaded behind it: always built plain.
set_property(TARGET fbrecord PROPERTY COMPILE_OPTIONS -Wall -Wextra)
set_property(TARGET fbrecord PROPERTY LINK_OPTIONS "")

add_library(fbtracetools STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/events.c
  ${CMAKE_CURRENT_SOURCE_DIR}/repwrite.c
  ${CMAKE_CURRENT_SOURCE_DIR}/tracegen.c
  ${CMAKE_CURRENT_SOURCE_DIR}/cmd_record.c
  ${CMAKE_CURRENT_SOURCE_DIR}/cmd_gen.c
  ${CMAKE_CURRENT_SOURCE_DIR}/cmd_convert.c)
target_include_directories(fbtracetools PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fbtracetools PUBLIC ZLIB::ZLIB)
# Where `fitbench record` finds the library in a build tree.
target_compile_definitions(fbtracetools PRIVATE
  FB_RECORD_LIB="$<TARGET_FILE:fbrecord>")
add_dependencies(fbtracetools fbrecord)
# The generators promise the same bytes for the same seed: no fused
# multiply-add contraction that another compiler setting would change.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/tracegen.c
  PROPERTIES COMPILE_OPTIONS -ffp-contract=off)
