# Which architecture an seL4 install is, from its own configuration (libsel4's gen_config.h),
# read before project() so that the compiler can follow it. Sets SB_SEL4_ARCH (x86_64, aarch64,
# riscv64), SB_SEL4_PLATFORM (seL4's platform name), SB_SEL4_NODES (its cores,
# KernelMaxNumNodes) and SB_SEL4_GEN_CONFIG (the header's text).
# For an architecture other than the host's it picks Debian's cross compiler
# (<arch>-linux-gnu-gcc, scripts/deps/sel4.txt) unless a toolchain or compiler was given.
set(_gen_config ${SEL4_PREFIX}/libsel4/include/kernel/gen_config.h)
if(NOT EXISTS ${_gen_config})
  message(FATAL_ERROR "SEL4_PREFIX=${SEL4_PREFIX} is not an installed seL4 kernel build: no "
    "libsel4/include/kernel/gen_config.h (seL4's standalone build, 'ninja install'); see README, "
    "'Running on seL4'")
endif()
file(READ ${_gen_config} SB_SEL4_GEN_CONFIG)
string(REGEX MATCH "#define CONFIG_SEL4_ARCH +([a-z0-9_]+)" _m "${SB_SEL4_GEN_CONFIG}")
set(SB_SEL4_ARCH ${CMAKE_MATCH_1})
string(REGEX MATCH "#define CONFIG_PLAT +([a-z0-9_-]+)" _m "${SB_SEL4_GEN_CONFIG}")
set(SB_SEL4_PLATFORM ${CMAKE_MATCH_1})
string(REGEX MATCH "#define CONFIG_MAX_NUM_NODES +([0-9]+)" _m "${SB_SEL4_GEN_CONFIG}")
set(SB_SEL4_NODES ${CMAKE_MATCH_1})
if(NOT SB_SEL4_NODES)
  set(SB_SEL4_NODES 1)
endif()
# The architectures and platforms the root task is written for (README: the kernel table).
set(_supported "x86_64:pc99;aarch64:qemu-arm-virt;riscv64:qemu-riscv-virt")
if(NOT ";${_supported};" MATCHES ";${SB_SEL4_ARCH}:${SB_SEL4_PLATFORM};")
  message(FATAL_ERROR "seL4 at ${SEL4_PREFIX} is ${SB_SEL4_ARCH} ${SB_SEL4_PLATFORM}; the root task "
    "is written for: ${_supported}")
endif()

if(NOT SB_SEL4_ARCH STREQUAL CMAKE_HOST_SYSTEM_PROCESSOR AND NOT CMAKE_TOOLCHAIN_FILE
   AND NOT CMAKE_C_COMPILER)
  set(CMAKE_SYSTEM_NAME Generic)
  set(CMAKE_SYSTEM_PROCESSOR ${SB_SEL4_ARCH})
  set(CMAKE_C_COMPILER ${SB_SEL4_ARCH}-linux-gnu-gcc)
  # A root task links with -nostdlib: the compiler checks must not need a C library to link.
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
endif()
