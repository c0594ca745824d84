# Helpers for registering phynn's CTest cases.
#
#   phynn_test_executable(NAME SOURCES...)           build a test program linked with libphynn
#   phynn_add_test(NAME COMMAND... LABELS l [TIMEOUT s] [FIXTURES_SETUP f] [FIXTURES_REQUIRED f] [OUTPUTS f...])
#   phynn_add_mpi_test(NAME NP n COMMAND... LABELS l ...)  registers NAME_np<n> under mpiexec
#
# OUTPUTS f... (either function; for FIXTURES_SETUP tests): the files the command writes, relative
# to the working directory. They are removed before the command runs, and the test fails unless
# the command exits 0 and writes each of them (tests/lib/fresh_outputs.sh), so a command that
# exits 0 without writing cannot leave a stale file of an earlier run to the dependent tests.
#
# Every test runs with one BLAS thread per rank (ranks and threads must not fight over the cores),
# and with Open MPI allowed to run as root and to oversubscribe (3 ranks on 2 cores).
set(PHYNN_TEST_ENV
  "OPENBLAS_NUM_THREADS=1"
  "OMP_NUM_THREADS=1"
  "OMPI_ALLOW_RUN_AS_ROOT=1"
  "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
  "OMPI_MCA_rmaps_base_oversubscribe=1"
  "OMPI_MCA_btl_vader_single_copy_mechanism=none"
  # Ranks waiting in a collective yield the core instead of spinning: with 3 ranks on 2 cores
  # (or a busy machine) spinning ranks starve the one that has work.
  "OMPI_MCA_mpi_yield_when_idle=1"
  # A 1-rank phynn (no mpiexec) starts no Open MPI daemon: 0.36 s instead of 0.55 s per command,
  # and the shell tests run hundreds of them.
  "OMPI_MCA_ess_singleton_isolated=1"
  "PHYNN_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
  "PHYNN_EXE=$<TARGET_FILE:phynn_cli>")

function(phynn_test_executable name)
  add_executable(${name} ${ARGN})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  target_compile_options(${name} PRIVATE ${PHYNN_WARNINGS})
  target_link_libraries(${name} PRIVATE phynn)
endfunction()

function(_phynn_set_test_properties name)
  cmake_parse_arguments(T "" "TIMEOUT;PROCESSORS" "LABELS;FIXTURES_SETUP;FIXTURES_REQUIRED;ENVIRONMENT" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_PROCESSORS)
    set(T_PROCESSORS 1)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} PROCESSORS ${T_PROCESSORS}
    LABELS "${T_LABELS}" ENVIRONMENT "${PHYNN_TEST_ENV};${T_ENVIRONMENT}")
  if(T_FIXTURES_SETUP)
    set_tests_properties(${name} PROPERTIES FIXTURES_SETUP "${T_FIXTURES_SETUP}")
  endif()
  if(T_FIXTURES_REQUIRED)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES_REQUIRED}")
  endif()
endfunction()

# The command, run through tests/lib/fresh_outputs.sh when OUTPUTS are given.
function(_phynn_fresh_outputs var)
  cmake_parse_arguments(F "" "" "OUTPUTS;COMMAND" ${ARGN})
  if(F_OUTPUTS)
    set(${var} bash ${CMAKE_SOURCE_DIR}/tests/lib/fresh_outputs.sh ${F_OUTPUTS} -- ${F_COMMAND} PARENT_SCOPE)
  else()
    set(${var} ${F_COMMAND} PARENT_SCOPE)
  endif()
endfunction()

function(phynn_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT;WORKING_DIRECTORY" "COMMAND;LABELS;FIXTURES_SETUP;FIXTURES_REQUIRED;ENVIRONMENT;OUTPUTS" ${ARGN})
  if(NOT T_WORKING_DIRECTORY)
    set(T_WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  _phynn_fresh_outputs(cmd OUTPUTS ${T_OUTPUTS} COMMAND ${T_COMMAND})
  add_test(NAME ${name} COMMAND ${cmd} WORKING_DIRECTORY ${T_WORKING_DIRECTORY})
  _phynn_set_test_properties(${name} TIMEOUT "${T_TIMEOUT}" LABELS ${T_LABELS}
    FIXTURES_SETUP ${T_FIXTURES_SETUP} FIXTURES_REQUIRED ${T_FIXTURES_REQUIRED} ENVIRONMENT ${T_ENVIRONMENT})
endfunction()

function(phynn_add_mpi_test name)
  cmake_parse_arguments(T "" "NP;TIMEOUT;WORKING_DIRECTORY" "COMMAND;LABELS;FIXTURES_SETUP;FIXTURES_REQUIRED;ENVIRONMENT;OUTPUTS" ${ARGN})
  if(NOT T_WORKING_DIRECTORY)
    set(T_WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set(full ${name}_np${T_NP})
  _phynn_fresh_outputs(cmd OUTPUTS ${T_OUTPUTS} COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${T_NP} ${MPIEXEC_PREFLAGS} ${T_COMMAND} ${MPIEXEC_POSTFLAGS})
  add_test(NAME ${full} COMMAND ${cmd} WORKING_DIRECTORY ${T_WORKING_DIRECTORY})
  set(procs ${T_NP})
  if(procs GREATER 2)
    set(procs 2)
  endif()
  _phynn_set_test_properties(${full} TIMEOUT "${T_TIMEOUT}" PROCESSORS ${procs} LABELS ${T_LABELS}
    FIXTURES_SETUP ${T_FIXTURES_SETUP} FIXTURES_REQUIRED ${T_FIXTURES_REQUIRED} ENVIRONMENT ${T_ENVIRONMENT})
endfunction()
