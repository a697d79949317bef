# pel_man.cmake - run by the build (cmake -P): the man pages (man/pel.1,
# man/pel-CMD.1) and the bash completion (completion/pel), written by the
# built pel from the option tables of its commands (cli/cli_opt.h).
# -DPEL=<the pel program> -DOUT=<build directory>
file(REMOVE_RECURSE ${OUT}/man ${OUT}/completion)
file(MAKE_DIRECTORY ${OUT}/man ${OUT}/completion)
function(pel_gen out)
  execute_process(COMMAND ${PEL} ${ARGN} OUTPUT_FILE ${out} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pel ${ARGN} failed (${rc}): ${err}")
  endif()
endfunction()
execute_process(COMMAND ${PEL} --commands OUTPUT_VARIABLE cmds RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pel --commands failed (${rc})")
endif()
string(STRIP "${cmds}" cmds)
string(REPLACE "\n" ";" cmds "${cmds}")
pel_gen(${OUT}/man/pel.1 --man)
foreach(c ${cmds})
  pel_gen(${OUT}/man/pel-${c}.1 --man ${c})
endforeach()
pel_gen(${OUT}/completion/pel --completion)
