# RISC-V 64 (qemu-riscv-virt): what its glue needs at build time, included by kernel/sel4.
#
#   SB_SEL4_ARCH_CFLAGS    compile options of every root-task file: nothing the code reads may
#                          sit in the image's data, which a component does not map. Every TLS
#                          variable is the image's own, so local-exec (tp-relative; the RISC-V
#                          linker would leave initial-exec offsets in the GOT), and no small
#                          data (the default linker script puts .srodata constants among .sdata)
#   SB_SEL4_ARCH_SOURCES   bits.c: bit scans in place of libgcc's (a table read through the GOT)
#   sel4-loader-riscv64    the project's loader (kernel/sel4/loader/riscv64), which every run
#                          boots with the kernel and an image (scripts/sel4-run.sh --loader)
set(SB_SEL4_ARCH_CFLAGS -ftls-model=local-exec -msmall-data-limit=0)
set(SB_SEL4_ARCH_SOURCES ${CMAKE_CURRENT_LIST_DIR}/bits.c)

add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../../loader/riscv64 loader-riscv64)
set(SB_SEL4_LOADER $<TARGET_FILE:sel4-loader-riscv64> CACHE INTERNAL "")
set(SB_SEL4_LOADER_TARGET sel4-loader-riscv64 CACHE INTERNAL "")
