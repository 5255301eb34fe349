# golden.cmake: runs a demo program and compares its stdout with a golden
# file once every address (0x followed by hex digits) reads ADDR. Used by
# the golden tests of tests/mems, pagefamily, ostep and dmm:
#   cmake -DPROG=<exe> -DGOLDEN=<file> -DACTUAL=<file> -P golden.cmake
# The program must also exit 0 (the demos check their own expectations).
# On a mismatch the normalised output is kept in ACTUAL and diffed.
foreach(v PROG GOLDEN ACTUAL)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "golden.cmake: -D${v}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${GOLDEN}")
  message(FATAL_ERROR "golden.cmake: golden file ${GOLDEN} is missing")
endif()

execute_process(COMMAND "${PROG}" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "${PROG} exited with '${rc}'\nstderr:\n${err}\nstdout:\n${out}")
endif()

string(REGEX REPLACE "0x[0-9a-fA-F]+" "ADDR" norm "${out}")
file(READ "${GOLDEN}" want)
file(WRITE "${ACTUAL}" "${norm}")
if(NOT norm STREQUAL want)
  execute_process(COMMAND diff -u "${GOLDEN}" "${ACTUAL}")
  message(FATAL_ERROR "output of ${PROG} differs from ${GOLDEN} (normalised output kept in ${ACTUAL})")
endif()
message(STATUS "output matches ${GOLDEN}")
