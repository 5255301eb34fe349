# labels.cmake: the ctest case tests.labels. Fails, naming them, when a
# test of the build has no kind label or more than one, so that
# `ctest -L unit`, `-L integration` and `-L stress` together run every test
# once. The kinds come from tests/CMakeLists.txt (FB_TEST_KINDS).
#   cmake -DCTEST=ctest -DBUILD=DIR -DKINDS="unit|integration|stress" -P labels.cmake
cmake_minimum_required(VERSION 3.18)
string(REPLACE "|" ";" KINDS "${KINDS}")
list(JOIN KINDS ", " kinds_text)

# The names `ctest -N [ARGS]` lists in BUILD, into OUT.
function(listed out)
  execute_process(COMMAND ${CTEST} -N ${ARGN} WORKING_DIRECTORY ${BUILD}
                  OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ctest -N ${ARGN} failed in ${BUILD}")
  endif()
  string(REGEX MATCHALL "Test +#[0-9]+: [^\n]+" lines "${text}")
  list(TRANSFORM lines REPLACE "^Test +#[0-9]+: " "")
  set(${out} ${lines} PARENT_SCOPE)
endfunction()

listed(all)
if(NOT all)
  message(FATAL_ERROR "no tests found in ${BUILD}")
endif()
foreach(kind ${KINDS})
  listed(of_${kind} -L "^${kind}$")
endforeach()

set(bad "")
foreach(test ${all})
  set(kinds "")
  foreach(kind ${KINDS})
    if(test IN_LIST of_${kind})
      list(APPEND kinds ${kind})
    endif()
  endforeach()
  list(LENGTH kinds n)
  if(NOT n EQUAL 1)
    list(JOIN kinds ", " kinds)
    list(APPEND bad "${test}: ${n} kind labels (${kinds})")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " bad)
  message(FATAL_ERROR "tests that need exactly one of the labels ${kinds_text}:\n  ${bad}")
endif()
list(LENGTH all n)
message(STATUS "${n} tests, each with exactly one of the labels ${kinds_text}")
