# The compiler as a library for other C++ projects: headers, the stage libraries and their exported targets,
# a CMake package (find_package(Luthier) gives Luthier::core, every stage as Luthier::<stage>) and a pkg-config
# file (luthier.pc). Component Development and EXCLUDE_FROM_ALL: the static libraries with their debug
# information are about 300 MB, which the .deb (programs only) does not carry; install them with
#   cmake --install BUILD --component Development --prefix PREFIX
# (docs/install.md; tests/packaging/test_consumer.sh builds a project against such a prefix).

include(CMakePackageConfigHelpers)

set(LUTHIER_INCLUDE_DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/luthier)
set(LUTHIER_CMAKE_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Luthier)
set(LUTHIER_PKGCONFIG_DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Every target core/CMakeLists.txt declares, in declaration order: luthier_external, the stages in the order
# data flows through them, luthier_core.
get_property(luthier_core_targets DIRECTORY ${CMAKE_SOURCE_DIR}/core PROPERTY BUILDSYSTEM_TARGETS)
set(luthier_stage_libraries "")
foreach(target ${luthier_core_targets})
  string(REGEX REPLACE "^luthier_" "" short ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${short})
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY")
    list(APPEND luthier_stage_libraries ${short})
  endif()
endforeach()

# Headers include each other as "stage/file.h", relative to core/: installed, that root is include/luthier.
set_property(TARGET luthier_core PROPERTY INTERFACE_INCLUDE_DIRECTORIES
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/core> $<INSTALL_INTERFACE:${LUTHIER_INCLUDE_DESTINATION}>)

install(TARGETS ${luthier_core_targets} EXPORT LuthierTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development EXCLUDE_FROM_ALL)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/core/ DESTINATION ${LUTHIER_INCLUDE_DESTINATION}
  COMPONENT Development EXCLUDE_FROM_ALL FILES_MATCHING PATTERN "*.h")
install(EXPORT LuthierTargets NAMESPACE Luthier:: DESTINATION ${LUTHIER_CMAKE_DESTINATION}
  COMPONENT Development EXCLUDE_FROM_ALL)

configure_package_config_file(${LUTHIER_PACKAGING_DIR}/LuthierConfig.cmake.in
  ${CMAKE_BINARY_DIR}/packaging/LuthierConfig.cmake INSTALL_DESTINATION ${LUTHIER_CMAKE_DESTINATION})
# 0.x: a minor release may change the API.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/packaging/LuthierConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/packaging/LuthierConfig.cmake ${CMAKE_BINARY_DIR}/packaging/LuthierConfigVersion.cmake
  DESTINATION ${LUTHIER_CMAKE_DESTINATION} COMPONENT Development EXCLUDE_FROM_ALL)

# pkg-config: static libraries, so every stage in link order (a stage before the stages it uses: the reverse
# of their declaration) and the external libraries they need. The prefix is found from the file's own place,
# so the tree can be installed under any --prefix.
list(REVERSE luthier_stage_libraries)
set(LUTHIER_PC_LIBS "")
foreach(stage ${luthier_stage_libraries})
  string(APPEND LUTHIER_PC_LIBS " -lluthier_${stage}")
endforeach()
file(RELATIVE_PATH LUTHIER_PC_TO_PREFIX /${LUTHIER_PKGCONFIG_DESTINATION} /)
string(REGEX REPLACE "/$" "" LUTHIER_PC_TO_PREFIX ${LUTHIER_PC_TO_PREFIX})
configure_file(${LUTHIER_PACKAGING_DIR}/luthier.pc.in ${CMAKE_BINARY_DIR}/packaging/luthier.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/packaging/luthier.pc DESTINATION ${LUTHIER_PKGCONFIG_DESTINATION}
  COMPONENT Development EXCLUDE_FROM_ALL)
