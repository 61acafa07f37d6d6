// Python objects the binding needs at call time (h2's event and exception classes, hpack's
// header tuple types, the enums), looked up once when the package is imported, plus the
// small conversions every binding file shares.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstdint>
#include <string_view>

#include <pybind11/pybind11.h>

namespace h2py {

namespace py = pybind11;

struct PyRefs {
  // hpack.HeaderTuple / NeverIndexedHeaderTuple (tuple subclasses).
  PyTypeObject* header_tuple = nullptr;
  PyTypeObject* never_indexed_header_tuple = nullptr;
  // h2.events classes.
  PyTypeObject* request_received = nullptr;
  PyTypeObject* response_received = nullptr;
  PyTypeObject* trailers_received = nullptr;
  PyTypeObject* informational_response_received = nullptr;
  PyTypeObject* data_received = nullptr;
  PyTypeObject* window_updated = nullptr;
  PyTypeObject* remote_settings_changed = nullptr;
  PyTypeObject* settings_acknowledged = nullptr;
  PyTypeObject* ping_received = nullptr;
  PyTypeObject* ping_ack_received = nullptr;
  PyTypeObject* stream_ended = nullptr;
  PyTypeObject* stream_reset = nullptr;
  PyTypeObject* pushed_stream_received = nullptr;
  PyTypeObject* priority_updated = nullptr;
  PyTypeObject* connection_terminated = nullptr;
  PyTypeObject* alternative_service_available = nullptr;
  PyTypeObject* unknown_frame_received = nullptr;
  PyObject* make_unknown_frame = nullptr;  // callable(type, flags, stream_id, body)
  PyObject* changed_setting = nullptr;     // h2.settings.ChangedSetting
  // h2.exceptions classes.
  PyObject* h2_error = nullptr;
  PyObject* protocol_error = nullptr;
  PyObject* frame_too_large_error = nullptr;
  PyObject* frame_data_missing_error = nullptr;
  PyObject* too_many_streams_error = nullptr;
  PyObject* flow_control_error = nullptr;
  PyObject* stream_id_too_low_error = nullptr;
  PyObject* no_available_stream_id_error = nullptr;
  PyObject* no_such_stream_error = nullptr;
  PyObject* stream_closed_error = nullptr;
  PyObject* invalid_settings_value_error = nullptr;
  PyObject* invalid_body_length_error = nullptr;
  PyObject* unsupported_frame_error = nullptr;
  PyObject* denial_of_service_error = nullptr;
  PyObject* rfc1122_error = nullptr;
  // Enum members by value: ErrorCodes 0..13, SettingCodes 0..8 (null where undefined),
  // ConnectionState 0..3, StreamState 0..6, StreamClosedBy 0..3.
  PyObject* error_codes[14] = {};
  PyObject* setting_codes[9] = {};
  PyObject* connection_states[4] = {};
  PyObject* stream_states[7] = {};
  PyObject* stream_closed_by[4] = {};
  bool ready = false;
};

// Filled by _h2._setup() from h2/__init__.py; references live for the process.
extern PyRefs refs;

// Interned attribute names used on hot paths.
struct Names {
  PyObject* stream_id;
  PyObject* headers;
  PyObject* stream_ended;
  PyObject* priority_updated;
  PyObject* data;
  PyObject* flow_controlled_length;
  PyObject* delta;
  PyObject* changed_settings;
  PyObject* ping_data;
  PyObject* error_code;
  PyObject* remote_reset;
  PyObject* pushed_stream_id;
  PyObject* parent_stream_id;
  PyObject* weight;
  PyObject* depends_on;
  PyObject* exclusive;
  PyObject* last_stream_id;
  PyObject* additional_data;
  PyObject* origin;
  PyObject* field_value;
  PyObject* frame;
  PyObject* events_attr;  // "_events" of StreamClosedError
  PyObject* generation;   // "_generation" of H2Configuration
};
extern Names names;
void init_names();

void setup_refs(py::dict ns);
void require_ready();

// ErrorCodes member for a known code, else a plain int (h2 surfaces unknown codes as ints).
PyObject* error_code_object(uint32_t code);  // new reference
// SettingCodes member for a known code, else a plain int.
PyObject* setting_code_object(uint16_t code);  // new reference

inline PyObject* bytes_from(std::string_view s) {
  return PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
}

// A Python int argument as an unsigned 32-bit value; anything else is TypeError, out of range
// ValueError (`what` names the argument in the message).
uint32_t to_u32(py::handle value, const char* what);
// A Python int argument as a 64-bit value (TypeError when not an int; OverflowError passes).
int64_t to_i64(py::handle value, const char* what);

}  // namespace h2py
