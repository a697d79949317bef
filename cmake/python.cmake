# python.cmake - the Python package python/pel (cffi over libpel.so):
# installed by `cmake --install` into PEL_PYTHON_INSTALL_DIR under the prefix,
# with the path from the package to libpel written beside it; its pytest
# suite runs under ctest with a python3 that has cffi and numpy.

# A python3 with cffi and numpy: Debian's first (the packages come from
# Debian), then the one on PATH.
if(NOT DEFINED PEL_PYTHON3)
  set(_found "")
  find_program(_py_path python3)
  foreach(_py /usr/bin/python3 ${_py_path})
    if(EXISTS ${_py} AND NOT _found)
      execute_process(COMMAND ${_py} -c "import cffi, numpy" RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
      if(_rc EQUAL 0)
        set(_found ${_py})
      endif()
    endif()
  endforeach()
  set(PEL_PYTHON3 "${_found}" CACHE FILEPATH "python3 with cffi and numpy (tests of python/pel)")
endif()

if(NOT PEL_PYTHON_INSTALL_DIR)
  # lib/python3.X/dist-packages on Debian (on sys.path for /usr/local), site-packages elsewhere
  set(_pydir "lib/python3/site-packages")
  if(PEL_PYTHON3)
    execute_process(COMMAND ${PEL_PYTHON3} -c
      "import sys, sysconfig; d = 'dist' if 'dist-packages' in sysconfig.get_paths()['purelib'] else 'site'; print(f'lib/python{sys.version_info[0]}.{sys.version_info[1]}/{d}-packages')"
      OUTPUT_VARIABLE _pydir OUTPUT_STRIP_TRAILING_WHITESPACE)
  endif()
  set(PEL_PYTHON_INSTALL_DIR "${_pydir}" CACHE STRING "Python package directory, relative to the prefix")
endif()

install(DIRECTORY python/pel DESTINATION ${PEL_PYTHON_INSTALL_DIR}
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
# pel/_install.py: where libpel is, relative to the installed package
file(RELATIVE_PATH _pkg_to_lib ${CMAKE_INSTALL_PREFIX}/${PEL_PYTHON_INSTALL_DIR}/pel
     ${CMAKE_INSTALL_FULL_LIBDIR})
file(WRITE ${PROJECT_BINARY_DIR}/python/_install.py
     "# written by cmake --install: libpel.so relative to this package\nLIBDIR_FROM_PACKAGE = \"${_pkg_to_lib}\"\n")
install(FILES ${PROJECT_BINARY_DIR}/python/_install.py DESTINATION ${PEL_PYTHON_INSTALL_DIR}/pel)

if(PEL_BUILD_TESTS AND NOT PEL_SANITIZE)
  if(PEL_PYTHON3)
    execute_process(COMMAND ${PEL_PYTHON3} -c "import pytest" RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
  endif()
  if(PEL_PYTHON3 AND _rc EQUAL 0)
    # not in the sanitizer build: python cannot dlopen an ASan libpel
    add_test(NAME python COMMAND ${PEL_PYTHON3} -m pytest -q -p no:cacheprovider
             ${PROJECT_SOURCE_DIR}/python/tests)
    set_tests_properties(python PROPERTIES LABELS python TIMEOUT 600
      ENVIRONMENT "PEL_LIBRARY=$<TARGET_FILE:pel>;PEL_CLI=$<TARGET_FILE:pel-cli>;PEL_SOURCE_DIR=${PROJECT_SOURCE_DIR};PEL_INCLUDE_DIRS=${PROJECT_SOURCE_DIR}/include:${PROJECT_BINARY_DIR}/include;CC=${CMAKE_C_COMPILER};OMP_NUM_THREADS=2")
  else()
    message(STATUS "python/pel tests off: no python3 with cffi, numpy and pytest (Debian python3-cffi python3-numpy python3-pytest)")
  endif()
endif()
