# kernel_clean.cmake: compiles allocator/dmm's manager (dmm.c,
# dmm_inspect.c) the way a kernel module build would see it: -D__KERNEL__,
# -nostdinc with only the stub linux/*.h of tests/dmm/kstub, -ffreestanding,
# warnings as errors. Then every undefined symbol of the objects must be
# one the kernel exports (printk, snprintf, memset, memcpy, vmalloc, vfree).
#   cmake -DCC=.. -DNM=.. -DSRC=allocator/dmm -DSTUBS=.. -DOUT=dir -P this
file(MAKE_DIRECTORY "${OUT}")
set(allowed printk snprintf memset memcpy vmalloc vfree)
set(objs "")
foreach(src dmm.c dmm_inspect.c)
  set(obj "${OUT}/${src}.o")
  list(APPEND objs "${obj}")
  execute_process(
    COMMAND "${CC}" -std=gnu11 -D__KERNEL__ -nostdinc -ffreestanding
            -fno-builtin -Wall -Wextra -Werror -I "${STUBS}" -I "${SRC}"
            -c "${SRC}/${src}" -o "${obj}"
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "${src} does not build as kernel code:\n${out}${err}")
  endif()
endforeach()

# Symbols one object takes from the other are fine. nm --format=posix
# prints "name type [value size]" per line, plus "file:" headers.
function(fb_symbols out_var)
  execute_process(COMMAND "${NM}" ${ARGN} --format=posix ${objs}
                  OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "nm failed on ${objs}")
  endif()
  string(REPLACE "\n" ";" lines "${syms}")
  set(names "")
  foreach(line ${lines})
    if(line MATCHES "^([A-Za-z_][A-Za-z0-9_.]*) [A-Za-z]")
      list(APPEND names "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()
fb_symbols(defined -g --defined-only)
fb_symbols(undefined -u)

foreach(n ${undefined})
  list(FIND defined "${n}" own)
  list(FIND allowed "${n}" ok)
  if(own EQUAL -1 AND ok EQUAL -1)
    message(FATAL_ERROR "allocator/dmm needs '${n}', which the kernel does not export")
  endif()
  if(own EQUAL -1)
    message(STATUS "uses kernel symbol ${n}")
  endif()
endforeach()
list(LENGTH defined ndef)
if(ndef EQUAL 0)
  message(FATAL_ERROR "no symbols found in ${objs}: nm output not understood")
endif()
message(STATUS "allocator/dmm builds as kernel code")
