# install.cmake - what `cmake --install` puts under the prefix: the pel
# program, libpel (shared and static), the headers, pel.pc, the CMake package
# (find_package(pel) -> pel::pel) and the Python package.
include(CMakePackageConfigHelpers)

install(TARGETS pel-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS pel pel_static EXPORT pelTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/pel DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/pel/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/pel)

# pel.pc: paths relative to ${pcfiledir} so the prefix can be chosen at
# install time (cmake --install --prefix) or moved afterwards.
set(_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PEL_PC_TO_PREFIX "")
  set(PEL_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  # one ".." per component of lib/pkgconfig (or lib/<multiarch>/pkgconfig)
  string(REGEX REPLACE "[^/]+" ".." PEL_PC_TO_PREFIX "${_pcdir}")
  set(PEL_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(PEL_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(PEL_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# Libs.private: what libpel.a needs beyond Requires(.private): the OpenMP
# runtime of the compiler that built it, and libm.
# (clang's libomp lives outside the linker's default path: add its -L).
set(PEL_PC_LIBS_PRIVATE)
foreach(_l ${OpenMP_C_LIB_NAMES})
  get_filename_component(_d "${OpenMP_${_l}_LIBRARY}" DIRECTORY)
  if(_d AND NOT _d IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
    string(APPEND PEL_PC_LIBS_PRIVATE " -L${_d}")
  endif()
  string(APPEND PEL_PC_LIBS_PRIVATE " -l${_l}")
endforeach()
string(APPEND PEL_PC_LIBS_PRIVATE " -lm")
string(STRIP "${PEL_PC_LIBS_PRIVATE}" PEL_PC_LIBS_PRIVATE)
# libpel.a with the LAMMPS engine also needs liblammps.
set(PEL_PC_REQUIRES_LAMMPS)
if(PEL_LAMMPS)
  set(PEL_PC_REQUIRES_LAMMPS " liblammps")
endif()
configure_file(pel.pc.in ${PROJECT_BINARY_DIR}/pel.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pel.pc DESTINATION ${_pcdir})

set(_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/pel)
install(EXPORT pelTargets NAMESPACE pel:: DESTINATION ${_cmakedir})
configure_package_config_file(cmake/pelConfig.cmake.in
  ${PROJECT_BINARY_DIR}/pelConfig.cmake INSTALL_DESTINATION ${_cmakedir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/pelConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/pelConfig.cmake ${PROJECT_BINARY_DIR}/pelConfigVersion.cmake
        DESTINATION ${_cmakedir})
