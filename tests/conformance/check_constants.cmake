# Compiles libsel4_constants.c against the host model's <sel4/sel4.h> and against an installed
# seL4's libsel4, runs both and fails unless they print the same values.
#   cmake -DCC=<compiler> -DSRC=<libsel4_constants.c> -DSIM_INC=<kernel/sim/include>
#         -DREAL_INC=<seL4 install>/libsel4/include -DOUT=<dir> [-DDEFS=<-D...>]
#         [-DREAL_CC=<cross compiler> -DEMULATOR=<qemu-user binary>] -P check_constants.cmake
# DEFS: -DSB_CONSTANTS_X86_64 for an x86_64 install, -DSB_CONSTANTS_AARCH64 for an AArch64 one
# (libsel4_constants.c). For another architecture the real side is that architecture's program,
# run by QEMU's user mode.
if(NOT REAL_CC)
  set(REAL_CC ${CC})
endif()
foreach(side sim real)
  if(side STREQUAL "sim")
    set(inc ${SIM_INC})
    set(cc ${CC})
    set(run)
    set(static)
  else()
    set(inc ${REAL_INC})
    set(cc ${REAL_CC})
    set(run ${EMULATOR})
    set(static)
    if(EMULATOR)
      set(static -static)
    endif()
  endif()
  execute_process(COMMAND ${cc} -std=gnu11 ${DEFS} ${static} -I${inc} ${SRC} -o ${OUT}/constants_${side}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot build the ${side} side:\n${err}")
  endif()
  execute_process(COMMAND ${run} ${OUT}/constants_${side} OUTPUT_VARIABLE out_${side} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the ${side} side did not run")
  endif()
endforeach()
if(NOT out_sim STREQUAL out_real)
  file(WRITE ${OUT}/constants_sim.txt "${out_sim}")
  file(WRITE ${OUT}/constants_real.txt "${out_real}")
  message(FATAL_ERROR "the host model's libsel4 constants differ from seL4's: diff ${OUT}/constants_sim.txt ${OUT}/constants_real.txt")
endif()
string(REGEX MATCHALL "\n" lines "${out_sim}")
list(LENGTH lines n)
message(STATUS "${n} libsel4 constants and layouts identical")
