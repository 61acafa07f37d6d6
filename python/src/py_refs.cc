#include "py_refs.h"

#include <limits>

namespace h2py {

PyRefs refs;
Names names;

namespace {

PyObject* take(py::dict ns, const char* key) {
  py::object o = ns[key];
  return o.release().ptr();  // kept for the life of the process
}

PyTypeObject* take_type(py::dict ns, const char* key) {
  PyObject* o = take(ns, key);
  if (!PyType_Check(o)) throw py::type_error(std::string("_setup: ") + key + " is not a class");
  return reinterpret_cast<PyTypeObject*>(o);
}

// enum_class(value) for every value in [0, n); values the enum lacks stay null.
void fill_members(PyObject* enum_class, PyObject** out, int n) {
  for (int i = 0; i < n; ++i) {
    PyObject* member = PyObject_CallFunction(enum_class, "i", i);
    if (!member) {
      PyErr_Clear();
      continue;
    }
    out[i] = member;
  }
}

PyObject* intern(const char* s) {
  return PyUnicode_InternFromString(s);
}

}  // namespace

void init_names() {
  names.stream_id = intern("stream_id");
  names.headers = intern("headers");
  names.stream_ended = intern("stream_ended");
  names.priority_updated = intern("priority_updated");
  names.data = intern("data");
  names.flow_controlled_length = intern("flow_controlled_length");
  names.delta = intern("delta");
  names.changed_settings = intern("changed_settings");
  names.ping_data = intern("ping_data");
  names.error_code = intern("error_code");
  names.remote_reset = intern("remote_reset");
  names.pushed_stream_id = intern("pushed_stream_id");
  names.parent_stream_id = intern("parent_stream_id");
  names.weight = intern("weight");
  names.depends_on = intern("depends_on");
  names.exclusive = intern("exclusive");
  names.last_stream_id = intern("last_stream_id");
  names.additional_data = intern("additional_data");
  names.origin = intern("origin");
  names.field_value = intern("field_value");
  names.frame = intern("frame");
  names.events_attr = intern("_events");
  names.generation = intern("_generation");
}

void setup_refs(py::dict ns) {
  refs.header_tuple = take_type(ns, "HeaderTuple");
  refs.never_indexed_header_tuple = take_type(ns, "NeverIndexedHeaderTuple");
  refs.request_received = take_type(ns, "RequestReceived");
  refs.response_received = take_type(ns, "ResponseReceived");
  refs.trailers_received = take_type(ns, "TrailersReceived");
  refs.informational_response_received = take_type(ns, "InformationalResponseReceived");
  refs.data_received = take_type(ns, "DataReceived");
  refs.window_updated = take_type(ns, "WindowUpdated");
  refs.remote_settings_changed = take_type(ns, "RemoteSettingsChanged");
  refs.settings_acknowledged = take_type(ns, "SettingsAcknowledged");
  refs.ping_received = take_type(ns, "PingReceived");
  refs.ping_ack_received = take_type(ns, "PingAckReceived");
  refs.stream_ended = take_type(ns, "StreamEnded");
  refs.stream_reset = take_type(ns, "StreamReset");
  refs.pushed_stream_received = take_type(ns, "PushedStreamReceived");
  refs.priority_updated = take_type(ns, "PriorityUpdated");
  refs.connection_terminated = take_type(ns, "ConnectionTerminated");
  refs.alternative_service_available = take_type(ns, "AlternativeServiceAvailable");
  refs.unknown_frame_received = take_type(ns, "UnknownFrameReceived");
  refs.make_unknown_frame = take(ns, "make_unknown_frame");
  refs.changed_setting = take(ns, "ChangedSetting");
  refs.h2_error = take(ns, "H2Error");
  refs.protocol_error = take(ns, "ProtocolError");
  refs.frame_too_large_error = take(ns, "FrameTooLargeError");
  refs.frame_data_missing_error = take(ns, "FrameDataMissingError");
  refs.too_many_streams_error = take(ns, "TooManyStreamsError");
  refs.flow_control_error = take(ns, "FlowControlError");
  refs.stream_id_too_low_error = take(ns, "StreamIDTooLowError");
  refs.no_available_stream_id_error = take(ns, "NoAvailableStreamIDError");
  refs.no_such_stream_error = take(ns, "NoSuchStreamError");
  refs.stream_closed_error = take(ns, "StreamClosedError");
  refs.invalid_settings_value_error = take(ns, "InvalidSettingsValueError");
  refs.invalid_body_length_error = take(ns, "InvalidBodyLengthError");
  refs.unsupported_frame_error = take(ns, "UnsupportedFrameError");
  refs.denial_of_service_error = take(ns, "DenialOfServiceError");
  refs.rfc1122_error = take(ns, "RFC1122Error");
  fill_members(take(ns, "ErrorCodes"), refs.error_codes, 14);
  fill_members(take(ns, "SettingCodes"), refs.setting_codes, 9);
  fill_members(take(ns, "ConnectionState"), refs.connection_states, 4);
  fill_members(take(ns, "StreamState"), refs.stream_states, 7);
  fill_members(take(ns, "StreamClosedBy"), refs.stream_closed_by, 4);
  refs.ready = true;
}

void require_ready() {
  if (!refs.ready) throw py::import_error("h2._h2 used before the h2 package initialised it");
}

PyObject* error_code_object(uint32_t code) {
  if (code < 14 && refs.error_codes[code]) {
    Py_INCREF(refs.error_codes[code]);
    return refs.error_codes[code];
  }
  return PyLong_FromUnsignedLong(code);
}

PyObject* setting_code_object(uint16_t code) {
  if (code < 9 && refs.setting_codes[code]) {
    Py_INCREF(refs.setting_codes[code]);
    return refs.setting_codes[code];
  }
  return PyLong_FromUnsignedLong(code);
}

uint32_t to_u32(py::handle value, const char* what) {
  if (!PyLong_Check(value.ptr())) throw py::type_error(std::string(what) + " must be an int");
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow || v < 0 || v > std::numeric_limits<uint32_t>::max())
    throw py::value_error(std::string("Invalid value for ") + what);
  return static_cast<uint32_t>(v);
}

int64_t to_i64(py::handle value, const char* what) {
  if (!PyLong_Check(value.ptr())) throw py::type_error(std::string(what) + " must be an int");
  long long v = PyLong_AsLongLong(value.ptr());
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

}  // namespace h2py
