// C++ exceptions of proto/ become the matching h2.exceptions classes (with h2's constructor
// arguments and error_code); std::invalid_argument is h2's ValueError.
#pragma once

#include <exception>

namespace h2py {

// Registered once with pybind11; every binding entry point goes through it.
void register_exception_translator();

}  // namespace h2py
