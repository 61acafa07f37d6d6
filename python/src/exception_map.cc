#include "exception_map.h"

#include <new>
#include <stdexcept>

#include "h2/exceptions.h"
#include "py_refs.h"

namespace h2py {
namespace {

// Raises cls(*args); if the C++ error code differs from the class's default `error_code`,
// the instance gets its own (h2 does the same for StreamClosedError and settings errors).
void raise_instance(PyObject* cls, PyObject* args, const h2::ProtocolError* cause) {
  PyObject* instance = PyObject_CallObject(cls, args);
  Py_XDECREF(args);
  if (!instance) return;  // the constructor's own error stays set
  if (cause) {
    PyObject* code = error_code_object(static_cast<uint32_t>(cause->error_code()));
    PyObject* current = PyObject_GetAttr(instance, names.error_code);
    if (!current) {
      PyErr_Clear();
      PyObject_SetAttr(instance, names.error_code, code);
    } else {
      int same = PyObject_RichCompareBool(current, code, Py_EQ);
      if (same == 0) PyObject_SetAttr(instance, names.error_code, code);
      if (same < 0) PyErr_Clear();
      Py_DECREF(current);
    }
    Py_DECREF(code);
  }
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(instance)), instance);
  Py_DECREF(instance);
}

void raise_with_message(PyObject* cls, const std::exception& e, const h2::ProtocolError* cause) {
  raise_instance(cls, Py_BuildValue("(s)", e.what()), cause);
}

void translate(std::exception_ptr p) {
  if (!p) return;
  if (!refs.ready) std::rethrow_exception(p);  // let pybind11 report it plainly
  try {
    std::rethrow_exception(p);
  } catch (const h2::StreamIDTooLowError& e) {
    raise_instance(refs.stream_id_too_low_error,
                   Py_BuildValue("(kk)", static_cast<unsigned long>(e.stream_id),
                                 static_cast<unsigned long>(e.max_stream_id)),
                   &e);
  } catch (const h2::StreamClosedError& e) {
    raise_instance(refs.stream_closed_error,
                   Py_BuildValue("(k)", static_cast<unsigned long>(e.stream_id)), &e);
  } catch (const h2::NoSuchStreamError& e) {
    raise_instance(refs.no_such_stream_error,
                   Py_BuildValue("(k)", static_cast<unsigned long>(e.stream_id)), &e);
  } catch (const h2::InvalidBodyLengthError& e) {
    raise_instance(refs.invalid_body_length_error,
                   Py_BuildValue("(KK)", static_cast<unsigned long long>(e.expected_length),
                                 static_cast<unsigned long long>(e.actual_length)),
                   &e);
  } catch (const h2::InvalidSettingsValueError& e) {
    PyObject* code = error_code_object(static_cast<uint32_t>(e.error_code()));
    raise_instance(refs.invalid_settings_value_error, Py_BuildValue("(sN)", e.what(), code),
                   nullptr);
  } catch (const h2::FrameTooLargeError& e) {
    raise_with_message(refs.frame_too_large_error, e, &e);
  } catch (const h2::FrameDataMissingError& e) {
    raise_with_message(refs.frame_data_missing_error, e, &e);
  } catch (const h2::TooManyStreamsError& e) {
    raise_with_message(refs.too_many_streams_error, e, &e);
  } catch (const h2::FlowControlError& e) {
    raise_with_message(refs.flow_control_error, e, &e);
  } catch (const h2::NoAvailableStreamIDError& e) {
    raise_with_message(refs.no_available_stream_id_error, e, &e);
  } catch (const h2::UnsupportedFrameError& e) {
    raise_with_message(refs.unsupported_frame_error, e, &e);
  } catch (const h2::DenialOfServiceError& e) {
    raise_with_message(refs.denial_of_service_error, e, &e);
  } catch (const h2::ProtocolError& e) {
    raise_with_message(refs.protocol_error, e, &e);
  } catch (const h2::RFC1122Error& e) {
    raise_with_message(refs.rfc1122_error, e, nullptr);
  } catch (const h2::H2Error& e) {
    raise_with_message(refs.h2_error, e, nullptr);
  } catch (const std::invalid_argument& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const std::out_of_range& e) {
    PyErr_SetString(PyExc_KeyError, e.what());
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const py::builtin_exception& e) {
    e.set_error();
  } catch (const py::error_already_set& e) {
    // pybind11's own translator restores these; rethrow for it.
    throw;
  } catch (const std::exception& e) {
    // Not an h2 error (a bug in the core, not the caller): still an h2 exception, never a crash.
    raise_with_message(refs.h2_error, e, nullptr);
  }
}

}  // namespace

void register_exception_translator() {
  py::register_exception_translator(&translate);
}

}  // namespace h2py
