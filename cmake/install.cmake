# The library as a package. `cmake --install <build> --prefix <dir>` installs, for the kernel the
# build was configured for (the host model, or the seL4 given as SEL4_PREFIX):
#   include/sel4bridge/        the public headers: bridge, codec (with bridge.capnp.h), plat.h
#   include/sel4bridge/sim/    the host model's <sel4/sel4.h> (host model only)
#   lib/                       libsb_bridge.a, libsb_codec.a, libsb_kernel.a (plain variants)
#   bin/capnpc-c               the C generator for `capnp compile` (when it was built)
#   share/sel4bridge/schemas/  sel4bridge.capnp (what an application's schema imports) and
#                              bridge.capnp
#   lib/cmake/sel4bridge/      find_package(sel4bridge): sel4bridge::bridge, ::codec, ::kernel
#   lib/pkgconfig/sel4bridge.pc
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SB_PACKAGE_VERSION 0.1.0)
set(SB_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/sel4bridge)

install(DIRECTORY bridge/include/sel4bridge codec/include/sel4bridge kernel/include/sel4bridge
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES codec/gen/bridge.capnp.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES schemas/sel4bridge.capnp schemas/bridge.capnp
        DESTINATION ${CMAKE_INSTALL_DATADIR}/sel4bridge/schemas)

if(SB_KERNEL STREQUAL "sim")
  install(DIRECTORY kernel/sim/include/sel4 DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sel4bridge/sim)
  target_include_directories(sb_kernel INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/sel4bridge/sim>)
  set(SB_PC_KERNEL_CFLAGS "-I\${includedir}/sel4bridge/sim")
  set(SB_PC_KERNEL_LIBS "-pthread")
  set(SB_PACKAGE_KERNEL sim)
else()
  # The user's own libsel4 stays where it is installed: the package records its path.
  set(SB_PC_KERNEL_CFLAGS "-I${SEL4_PREFIX}/libsel4/include -ffreestanding -fno-stack-protector -fno-pic -fno-pie")
  set(SB_PC_KERNEL_LIBS "-lgcc")
  set(SB_PACKAGE_KERNEL sel4)
  # What a root task made with this project's glue links besides sel4bridge::kernel: its entry
  # point and the linker script keeping room for seL4's TLS zero-fill (kernel/sel4/CMakeLists).
  install(FILES $<TARGET_OBJECTS:sb_kernel_crt0> kernel/sel4/tbss-room.ld
          DESTINATION ${CMAKE_INSTALL_DATADIR}/sel4bridge/sel4)
endif()
foreach(t sb_kernel sb_codec sb_bridge)
  target_include_directories(${t} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()
set_target_properties(sb_kernel PROPERTIES EXPORT_NAME kernel)
set_target_properties(sb_codec PROPERTIES EXPORT_NAME codec)
set_target_properties(sb_bridge PROPERTIES EXPORT_NAME bridge)
install(TARGETS sb_kernel sb_codec sb_bridge EXPORT sel4bridgeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT sel4bridgeTargets NAMESPACE sel4bridge:: DESTINATION ${SB_INSTALL_CMAKEDIR})

if(TARGET capnpc-c)
  install(TARGETS capnpc-c RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

configure_package_config_file(cmake/package/sel4bridgeConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/sel4bridgeConfig.cmake INSTALL_DESTINATION ${SB_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_DATADIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/sel4bridgeConfigVersion.cmake
  VERSION ${SB_PACKAGE_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sel4bridgeConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/sel4bridgeConfigVersion.cmake
        DESTINATION ${SB_INSTALL_CMAKEDIR})

configure_file(cmake/package/sel4bridge.pc.in ${CMAKE_CURRENT_BINARY_DIR}/sel4bridge.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sel4bridge.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
