// h2._h2: the C++ core behind the `h2` package. The package's Python files hold class layout
// only (events, exceptions, enums); h2/__init__.py hands those classes to _setup() so the
// binding can build them.
#include "bindings.h"
#include "exception_map.h"

PYBIND11_MODULE(_h2, m) {
  m.doc() = "HTTP/2 core (proto/) behind the h2 package";
  h2py::init_names();
  h2py::register_exception_translator();
  m.def("_setup", &h2py::setup_refs, "Caches the package's classes (called by h2/__init__.py)");
  h2py::bind_connection(m);
  h2py::bind_settings(m);
  h2py::bind_state_machines(m);
  h2py::bind_utilities(m);
  h2py::bind_frame_buffer(m);
}
