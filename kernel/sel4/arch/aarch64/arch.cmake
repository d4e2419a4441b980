# AArch64 (qemu-arm-virt): what its glue needs at build time, included by kernel/sel4.
#
#   SB_SEL4_ARCH_CFLAGS    compile options of every root-task file
#   SB_SEL4_ARCH_DEFINES   RT_UART_PADDR: the PL011's physical address, the node the install's
#                          device tree (support/kernel.dtb) names as its stdout-path
#   sel4-loader-aarch64    the project's loader (kernel/sel4/loader/aarch64), which every run
#                          boots with the kernel and an image (scripts/sel4-run.sh --loader)

# libgcc's out-of-line atomics need a C library (getauxval) to choose their instructions.
set(SB_SEL4_ARCH_CFLAGS -mno-outline-atomics)

find_program(SB_DTC dtc)
if(NOT SB_DTC)
  message(FATAL_ERROR "dtc not found: the UART's address comes from ${SEL4_PREFIX}/support/kernel.dtb "
    "(Debian: apt-get install device-tree-compiler)")
endif()
execute_process(COMMAND ${SB_DTC} -q -I dtb -O dts ${SEL4_PREFIX}/support/kernel.dtb
  OUTPUT_VARIABLE dts RESULT_VARIABLE rc)
string(REGEX MATCH "stdout-path = \"/(pl011@[0-9a-f]+)" m "${dts}")
if(NOT rc EQUAL 0 OR NOT m)
  message(FATAL_ERROR "${SEL4_PREFIX}/support/kernel.dtb names no PL011 as its stdout-path")
endif()
string(REGEX MATCH "[0-9a-f]+$" uart "${CMAKE_MATCH_1}")
set(SB_SEL4_ARCH_DEFINES RT_UART_PADDR=0x${uart}UL)
message(STATUS "sel4bridge: PL011 console at 0x${uart} (${SEL4_PREFIX}/support/kernel.dtb)")

add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../../loader/aarch64 loader-aarch64)
set(SB_SEL4_LOADER $<TARGET_FILE:sel4-loader-aarch64> CACHE INTERNAL "")
set(SB_SEL4_LOADER_TARGET sel4-loader-aarch64 CACHE INTERNAL "")
