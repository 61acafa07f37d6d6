# Runs a tool and checks its exit status, its last output line and (optionally) its whole output.
#   cmake -DTOOL=<exe> -DARGS=<a|b|c> -DEXPECT_EXIT=<n> [-DEXPECT_LAST=<regex>]
#         [-DEXPECT_OUTPUT=<regex>] -P expect_result.cmake
# ARGS is "|"-separated because ";" would be split by add_test before it got here.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${TOOL} ${args}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
message("${out}${err}")

if(NOT "${status}" STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECT_EXIT}")
endif()
if(DEFINED EXPECT_LAST)
  string(STRIP "${out}" trimmed)
  string(REGEX MATCH "[^\n]*$" last "${trimmed}")
  if(NOT last MATCHES "${EXPECT_LAST}")
    message(FATAL_ERROR "last line '${last}' does not match '${EXPECT_LAST}'")
  endif()
endif()
if(DEFINED EXPECT_OUTPUT AND NOT "${out}${err}" MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}'")
endif()
