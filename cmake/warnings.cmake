# One interface target carries the project's warning set; every first-party target links it.
# Third-party headers are included as SYSTEM so their warnings never fail our build.
add_library(h2_warnings INTERFACE)
target_compile_options(h2_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wimplicit-fallthrough -Wmissing-declarations -Wnull-dereference
  -Wformat=2 -Wundef)
if(H2_WERROR)
  target_compile_options(h2_warnings INTERFACE -Werror)
endif()
