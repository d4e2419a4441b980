# Sanitizer variants. Every library and test executable of the host model is built once plain
# and, when SB_SANITIZERS is on, once under ThreadSanitizer (suffix _tsan) and once under
# AddressSanitizer + UndefinedBehaviorSanitizer (suffix _asan), all in the same build, so that
# one ctest run covers them all and ends with one summary.
#
#   sb_library(name SOURCES ... [INCLUDES ...] [DEPS sb-libs...] [LIBS system-libs...])
#   sb_executable(name SOURCES ... [INCLUDES ...] [DEPS ...] [LIBS ...])
# Creates name, name_tsan, name_asan; a DEP "foo" links foo, foo_tsan, foo_asan respectively.
# SB_VARIANT_SUFFIXES lists the suffixes built, for add_test loops.

set(SB_VARIANT_SUFFIXES "")
list(APPEND SB_VARIANT_SUFFIXES "_plain")
if(SB_SANITIZERS AND NOT SEL4_PREFIX)
  list(APPEND SB_VARIANT_SUFFIXES "_tsan" "_asan")
endif()

set(SB_FLAGS_plain "")
set(SB_FLAGS_tsan -fsanitize=thread -fno-omit-frame-pointer)
set(SB_FLAGS_asan -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

# The plain variant carries the bare name.
function(sb_variant_name out base suffix)
  if(suffix STREQUAL "_plain")
    set(${out} ${base} PARENT_SCOPE)
  else()
    set(${out} ${base}${suffix} PARENT_SCOPE)
  endif()
endfunction()

function(_sb_target kind name)
  cmake_parse_arguments(A "" "" "SOURCES;INCLUDES;DEPS;LIBS;DEFINES" ${ARGN})
  foreach(s IN LISTS SB_VARIANT_SUFFIXES)
    sb_variant_name(t ${name} ${s})
    if(kind STREQUAL "library")
      add_library(${t} STATIC ${A_SOURCES})
      # Build-tree paths only: an installed library names its installed headers (install.cmake).
      foreach(inc IN LISTS A_INCLUDES)
        target_include_directories(${t} PUBLIC $<BUILD_INTERFACE:${inc}>)
      endforeach()
    else()
      add_executable(${t} ${A_SOURCES})
      target_include_directories(${t} PRIVATE ${A_INCLUDES})
    endif()
    target_compile_definitions(${t} PUBLIC ${A_DEFINES})
    target_compile_options(${t} PRIVATE ${SB_FLAGS${s}})
    target_link_options(${t} PUBLIC ${SB_FLAGS${s}})
    foreach(d IN LISTS A_DEPS)
      sb_variant_name(dt ${d} ${s})
      target_link_libraries(${t} PUBLIC ${dt})
    endforeach()
    target_link_libraries(${t} PUBLIC ${A_LIBS})
  endforeach()
endfunction()

function(sb_library name)
  _sb_target(library ${name} ${ARGN})
endfunction()

function(sb_executable name)
  _sb_target(executable ${name} ${ARGN})
endfunction()
