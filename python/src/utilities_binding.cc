// h2.utilities' header functions on the core's header rules (h2/header_rules.h).
#include <vector>

#include "bindings.h"
#include "h2/arena.h"
#include "h2/header_rules.h"
#include "header_convert.h"

namespace h2py {
namespace {

bool flag(py::handle flags, const char* name) {
  if (flags.is_none()) return false;
  int r = PyObject_IsTrue(flags.attr(name).ptr());
  if (r < 0) throw py::error_already_set();
  return r == 1;
}

h2::HeaderValidationFlags flags_arg(py::handle flags) {
  h2::HeaderValidationFlags f;
  f.is_client = flag(flags, "is_client");
  f.is_trailer = flag(flags, "is_trailer");
  f.is_response_header = flag(flags, "is_response_header");
  f.is_push_promise = flag(flags, "is_push_promise");
  return f;
}

// The validators return their input unchanged (h2 yields the same tuples).
py::list validate(py::handle headers, py::handle flags, bool outbound) {
  py::list items = py::reinterpret_steal<py::list>(PySequence_List(headers.ptr()));
  if (!items) throw py::error_already_set();
  HeaderInput in;
  in.load(items.ptr());
  const h2::HeaderValidationFlags f = flags_arg(flags);
  if (outbound)
    h2::validate_outbound_headers(in.view(), f);
  else
    h2::validate_inbound_headers(in.view(), f);
  return items;
}

// Output keeps bytes; never-indexed fields come back as NeverIndexedHeaderTuple, others as
// HeaderTuple (both compare equal to plain tuples).
py::list bytes_list(h2::HeaderList headers) {
  HeaderOutput out;
  PyObject* l = out.list(headers);
  if (!l) throw py::error_already_set();
  return py::reinterpret_steal<py::list>(l);
}

}  // namespace

void bind_utilities(py::module_& m) {
  m.def("validate_headers",
        [](py::handle headers, py::handle flags) { return validate(headers, flags, false); });
  m.def("validate_outbound_headers",
        [](py::handle headers, py::handle flags) { return validate(headers, flags, true); });
  m.def(
      "normalize_outbound_headers",
      [](py::handle headers, py::handle, bool split_cookies) {
        HeaderInput in;
        in.load(headers.ptr());
        h2::Arena arena;
        std::vector<h2::Header> out;
        h2::normalize_outbound_headers(in.view(), split_cookies, arena, out);
        return bytes_list(out);
      },
      py::arg("headers"), py::arg("hdr_validation_flags") = py::none(),
      py::arg("should_split_outbound_cookies") = false);
  m.def("normalize_inbound_headers", [](py::handle headers, py::handle) {
    HeaderInput in;
    in.load(headers.ptr());
    h2::Arena arena;
    std::vector<h2::Header> out;
    h2::normalize_inbound_headers(in.view(), arena, out);
    return bytes_list(out);
  });
  m.def("utf8_encode_headers", [](py::handle headers) {
    // Only the argument conversion the connection applies: bytes in, flavour kept.
    py::list items = py::reinterpret_steal<py::list>(PySequence_List(headers.ptr()));
    if (!items) throw py::error_already_set();
    HeaderInput in;
    in.load(items.ptr());
    py::list out;
    for (size_t i = 0; i < in.size(); ++i) {
      PyObject* item = PyList_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(i));
      const h2::Header& h = in.view()[i];
      PyObject* name = bytes_from(h.name);
      PyObject* value = bytes_from(h.value);
      PyObject* t;
      if (PyObject_TypeCheck(item, refs.header_tuple) ||
          PyObject_TypeCheck(item, refs.never_indexed_header_tuple))
        t = make_header_tuple(name, value, h.never_indexed);
      else
        t = (name && value) ? PyTuple_Pack(2, name, value) : nullptr;
      if (!PyObject_TypeCheck(item, refs.header_tuple) &&
          !PyObject_TypeCheck(item, refs.never_indexed_header_tuple)) {
        Py_XDECREF(name);
        Py_XDECREF(value);
      }
      if (!t) throw py::error_already_set();
      out.append(py::reinterpret_steal<py::object>(t));
    }
    return out;
  });
  m.def("extract_method_header", [](py::handle headers) -> py::object {
    HeaderInput in;
    in.load(headers.ptr());
    auto method = h2::extract_method_header(in.view());
    if (!method) return py::none();
    return py::reinterpret_steal<py::object>(bytes_from(*method));
  });
}

}  // namespace h2py
