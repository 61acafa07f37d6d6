#include <vector>

#include "bindings.h"
#include "event_builder.h"
#include "settings_core.h"

namespace h2py {
namespace {

uint16_t code_arg(py::handle key) {
  uint32_t code = to_u32(key, "setting");
  if (code > 0xffff) throw py::key_error(std::to_string(code));
  return static_cast<uint16_t>(code);
}

// Setting values beyond int64 keep the rule they break (too large / negative).
int64_t value_arg(py::handle v) {
  if (!PyLong_Check(v.ptr())) throw py::type_error("setting values must be ints");
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
  if (overflow > 0) return int64_t{1} << 40;
  if (overflow < 0) return -1;
  return x;
}

}  // namespace

SettingsCore::SettingsCore(bool client, py::handle initial_values)
    : owned_(std::make_shared<h2::Settings>(client)) {
  if (initial_values.is_none()) return;
  py::object items = py::reinterpret_borrow<py::object>(initial_values).attr("items")();
  for (py::handle item : items) {
    py::tuple kv = py::reinterpret_borrow<py::tuple>(item);
    const uint16_t code = code_arg(kv[0]);
    owned_->set(code, value_arg(kv[1]));  // validated as h2 validates initial values
    const uint16_t one[] = {code};
    owned_->acknowledge(one);  // initial values are current at once
  }
}

h2::Settings& SettingsCore::mutable_settings() {
  if (!owned_)
    throw py::type_error(
        "a connection's settings change through update_settings() and the "
        "peer's SETTINGS frames");
  return *owned_;
}

void bind_settings(py::module_& m) {
  using S = SettingsCore;
  auto opt = [](std::optional<uint32_t> v) -> py::object {
    return v ? py::object(py::int_(*v)) : py::object(py::none());
  };
  py::class_<S>(m, "SettingsCore")
      .def(py::init<bool, py::handle>(), py::arg("client") = true,
           py::arg("initial_values") = py::none())
      .def("get",
           [opt](const S& s, py::handle key) { return opt(s.settings().get(code_arg(key))); })
      .def("set",
           [](S& s, py::handle key, py::handle value) {
             s.mutable_settings().set(code_arg(key), value_arg(value));
           })
      .def("erase", [](S& s, py::handle key) { s.mutable_settings().erase(code_arg(key)); })
      .def("contains",
           [](const S& s, py::handle key) {
             return PyLong_Check(key.ptr()) && s.settings().contains(code_arg(key));
           })
      .def("size", [](const S& s) { return s.settings().size(); })
      .def("has_pending", [](const S& s) { return s.settings().has_pending(); })
      .def("acknowledge",
           [](S& s) {
             PyObject* d = changed_settings_dict(s.mutable_settings().acknowledge());
             if (!d) throw py::error_already_set();
             return py::reinterpret_steal<py::dict>(d);
           })
      .def("current",
           [](const S& s) {
             py::list out;
             for (const auto& e : s.settings().current()) {
               py::object code = py::reinterpret_steal<py::object>(setting_code_object(e.id));
               out.append(py::make_tuple(code, e.value));
             }
             return out;
           })
      .def("header_table_size", [](const S& s) { return s.settings().header_table_size(); })
      .def("enable_push", [](const S& s) { return int{s.settings().enable_push()}; })
      .def("initial_window_size", [](const S& s) { return s.settings().initial_window_size(); })
      .def("max_frame_size", [](const S& s) { return s.settings().max_frame_size(); })
      .def("max_concurrent_streams",
           [](const S& s) { return s.settings().max_concurrent_streams(); })
      .def("max_header_list_size",
           [opt](const S& s) { return opt(s.settings().max_header_list_size()); })
      .def("enable_connect_protocol",
           [](const S& s) { return int{s.settings().enable_connect_protocol()}; });
}

}  // namespace h2py
