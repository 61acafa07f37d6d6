// One registration function per bound subject; module.cc calls them all.
#pragma once

#include "py_refs.h"

namespace h2py {

void bind_connection(py::module_& m);
void bind_settings(py::module_& m);
void bind_state_machines(py::module_& m);
void bind_utilities(py::module_& m);
void bind_frame_buffer(py::module_& m);

}  // namespace h2py
