// The core's connection and stream state machines for h2.connection.H2ConnectionStateMachine
// and h2.stream.H2StreamStateMachine (the Python classes check the enum types and convert).
#include "bindings.h"
#include "h2/state_machines.h"

namespace h2py {
namespace {

template <class E>
E input_arg(int value, int count) {
  if (value < 0 || value >= count) throw py::value_error("Input out of range");
  return static_cast<E>(value);
}

py::object closed_by(std::optional<h2::StreamClosedBy> c) {
  if (!c) return py::none();
  return py::reinterpret_borrow<py::object>(refs.stream_closed_by[static_cast<int>(*c)]);
}

}  // namespace

void bind_state_machines(py::module_& m) {
  using CSM = h2::ConnectionStateMachine;
  py::class_<CSM>(m, "ConnectionStateMachineCore")
      .def(py::init<>())
      .def_property_readonly("state", [](const CSM& s) { return static_cast<int>(s.state()); })
      .def("process_input", [](CSM& s, int input) {
        return static_cast<int>(
            s.process_input(input_arg<h2::ConnectionInput>(input, h2::kConnectionInputCount)));
      });

  using SSM = h2::StreamStateMachine;
  py::class_<SSM>(m, "StreamStateMachineCore")
      .def(py::init<uint32_t>(), py::arg("stream_id"))
      .def_property_readonly("state", [](const SSM& s) { return static_cast<int>(s.state()); })
      .def_property_readonly("stream_id", &SSM::stream_id)
      .def_property_readonly("client",
                             [](const SSM& s) -> py::object {
                               auto c = s.client();
                               if (!c) return py::none();
                               return py::bool_(*c);
                             })
      .def_property_readonly("headers_sent", &SSM::headers_sent)
      .def_property_readonly("trailers_sent", &SSM::trailers_sent)
      .def_property_readonly("headers_received", &SSM::headers_received)
      .def_property_readonly("trailers_received", &SSM::trailers_received)
      .def_property_readonly("stream_closed_by",
                             [](const SSM& s) { return closed_by(s.closed_by()); })
      .def("process_input", [](SSM& s, int input) {
        return static_cast<int>(
            s.process_input(input_arg<h2::StreamInput>(input, h2::kStreamInputCount)));
      });
}

}  // namespace h2py
