#include "event_builder.h"

#include <type_traits>

namespace h2py {
namespace {

// An empty instance of an h2.events class (its __init__ is skipped; every attribute is set
// below).
PyObject* blank(PyTypeObject* type) {
  static PyObject* empty = PyTuple_New(0);
  return type->tp_new(type, empty, nullptr);
}

// Sets obj.name = value and drops the reference to value. Returns false on error.
bool set(PyObject* obj, PyObject* name, PyObject* value) {
  if (!value) return false;
  int rc = PyObject_SetAttr(obj, name, value);
  Py_DECREF(value);
  return rc == 0;
}

PyObject* u32(uint32_t v) {
  return PyLong_FromUnsignedLong(v);
}
PyObject* boolean(bool v) {
  return PyBool_FromLong(v);
}
PyObject* none() {
  Py_RETURN_NONE;
}

PyObject* settings_value(const std::optional<uint32_t>& v) {
  return v ? u32(*v) : none();
}

class Builder {
 public:
  explicit Builder(const HeaderOutput& out) : out_(out) {}
  ~Builder() {
    Py_XDECREF(pending_ended_);
    Py_XDECREF(pending_priority_);
  }

  PyObject* build(const h2::Event& e) {
    return std::visit([this](const auto& ev) { return make(ev); }, e);
  }

 private:
  // A StreamEnded / PriorityUpdated for a link: created now, handed out again when the core's
  // own copy of it comes next in the list.
  PyObject* link_ended(const std::optional<h2::StreamEnded>& ended) {
    if (!ended) return none();
    PyObject* obj = make_ended(*ended);
    if (!obj) return nullptr;
    Py_XDECREF(pending_ended_);
    Py_INCREF(obj);
    pending_ended_ = obj;
    return obj;
  }
  PyObject* link_priority(const std::optional<h2::PriorityUpdated>& p) {
    if (!p) return none();
    PyObject* obj = make_priority(*p);
    if (!obj) return nullptr;
    Py_XDECREF(pending_priority_);
    Py_INCREF(obj);
    pending_priority_ = obj;
    return obj;
  }

  template <class E>
  PyObject* headers_event(PyTypeObject* type, const E& e) {
    PyObject* obj = blank(type);
    if (!obj) return nullptr;
    bool ok = set(obj, names.stream_id, u32(e.stream_id)) &&
              set(obj, names.headers, out_.list(e.headers));
    if constexpr (requires { e.stream_ended; })
      ok = ok && set(obj, names.stream_ended, link_ended(e.stream_ended));
    ok = ok && set(obj, names.priority_updated, link_priority(e.priority_updated));
    if (!ok) Py_CLEAR(obj);
    return obj;
  }

  PyObject* make(const h2::RequestReceived& e) { return headers_event(refs.request_received, e); }
  PyObject* make(const h2::ResponseReceived& e) { return headers_event(refs.response_received, e); }
  PyObject* make(const h2::TrailersReceived& e) { return headers_event(refs.trailers_received, e); }
  PyObject* make(const h2::InformationalResponseReceived& e) {
    return headers_event(refs.informational_response_received, e);
  }
  PyObject* make(const h2::DataReceived& e) {
    PyObject* obj = blank(refs.data_received);
    if (!obj) return nullptr;
    bool ok = set(obj, names.stream_id, u32(e.stream_id)) &&
              set(obj, names.data, bytes_from(h2::as_string_view(e.data))) &&
              set(obj, names.flow_controlled_length, u32(e.flow_controlled_length)) &&
              set(obj, names.stream_ended, link_ended(e.stream_ended));
    if (!ok) Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::WindowUpdated& e) {
    PyObject* obj = blank(refs.window_updated);
    if (obj &&
        !(set(obj, names.stream_id, u32(e.stream_id)) && set(obj, names.delta, u32(e.delta))))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::RemoteSettingsChanged& e) {
    PyObject* obj = blank(refs.remote_settings_changed);
    if (obj && !set(obj, names.changed_settings, changed_settings_dict(e.changed_settings)))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::SettingsAcknowledged& e) {
    PyObject* obj = blank(refs.settings_acknowledged);
    if (obj && !set(obj, names.changed_settings, changed_settings_dict(e.changed_settings)))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* ping(PyTypeObject* type, const std::array<uint8_t, 8>& data) {
    PyObject* obj = blank(type);
    if (obj && !set(obj, names.ping_data,
                    PyBytes_FromStringAndSize(reinterpret_cast<const char*>(data.data()), 8)))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::PingReceived& e) { return ping(refs.ping_received, e.ping_data); }
  PyObject* make(const h2::PingAckReceived& e) { return ping(refs.ping_ack_received, e.ping_data); }
  PyObject* make_ended(const h2::StreamEnded& e) {
    PyObject* obj = blank(refs.stream_ended);
    if (obj && !set(obj, names.stream_id, u32(e.stream_id))) Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::StreamEnded& e) {
    if (pending_ended_) {
      PyObject* obj = pending_ended_;  // the object a previous event links to
      pending_ended_ = nullptr;
      return obj;
    }
    return make_ended(e);
  }
  PyObject* make(const h2::StreamReset& e) {
    PyObject* obj = blank(refs.stream_reset);
    if (obj &&
        !(set(obj, names.stream_id, u32(e.stream_id)) &&
          set(obj, names.error_code, error_code_object(static_cast<uint32_t>(e.error_code))) &&
          set(obj, names.remote_reset, boolean(e.remote_reset))))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::PushedStreamReceived& e) {
    PyObject* obj = blank(refs.pushed_stream_received);
    if (obj && !(set(obj, names.pushed_stream_id, u32(e.pushed_stream_id)) &&
                 set(obj, names.parent_stream_id, u32(e.parent_stream_id)) &&
                 set(obj, names.headers, out_.list(e.headers))))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* make_priority(const h2::PriorityUpdated& e) {
    PyObject* obj = blank(refs.priority_updated);
    if (obj &&
        !(set(obj, names.stream_id, u32(e.stream_id)) && set(obj, names.weight, u32(e.weight)) &&
          set(obj, names.depends_on, u32(e.depends_on)) &&
          set(obj, names.exclusive, boolean(e.exclusive))))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::PriorityUpdated& e) {
    if (pending_priority_) {
      PyObject* obj = pending_priority_;
      pending_priority_ = nullptr;
      return obj;
    }
    return make_priority(e);
  }
  PyObject* make(const h2::ConnectionTerminated& e) {
    PyObject* obj = blank(refs.connection_terminated);
    PyObject* extra =
        e.additional_data ? bytes_from(h2::as_string_view(*e.additional_data)) : none();
    if (obj &&
        !(set(obj, names.error_code, error_code_object(static_cast<uint32_t>(e.error_code))) &&
          set(obj, names.last_stream_id, u32(e.last_stream_id)) &&
          set(obj, names.additional_data, extra)))
      Py_CLEAR(obj);
    else if (!obj)
      Py_XDECREF(extra);
    return obj;
  }
  PyObject* make(const h2::AlternativeServiceAvailable& e) {
    PyObject* obj = blank(refs.alternative_service_available);
    if (obj && !(set(obj, names.origin, bytes_from(e.origin)) &&
                 set(obj, names.field_value, bytes_from(h2::as_string_view(e.field_value)))))
      Py_CLEAR(obj);
    return obj;
  }
  PyObject* make(const h2::UnknownFrameReceived& e) {
    PyObject* obj = blank(refs.unknown_frame_received);
    if (!obj) return nullptr;
    PyObject* frame =
        PyObject_CallFunction(refs.make_unknown_frame, "iikN", int{e.frame.type},
                              int{e.frame.flags}, static_cast<unsigned long>(e.frame.stream_id),
                              bytes_from(h2::as_string_view(e.frame.payload)));
    if (!set(obj, names.frame, frame)) Py_CLEAR(obj);
    return obj;
  }

  const HeaderOutput& out_;
  PyObject* pending_ended_ = nullptr;
  PyObject* pending_priority_ = nullptr;
};

}  // namespace

PyObject* changed_settings_dict(const h2::ChangedSettings& changes) {
  PyObject* d = PyDict_New();
  if (!d) return nullptr;
  for (const h2::ChangedSetting& c : changes) {
    PyObject* code = setting_code_object(c.setting);
    PyObject* change = PyObject_CallFunction(refs.changed_setting, "ONN", code,
                                             settings_value(c.original_value), u32(c.new_value));
    if (!change || PyDict_SetItem(d, code, change) < 0) {
      Py_DECREF(code);
      Py_XDECREF(change);
      Py_DECREF(d);
      return nullptr;
    }
    Py_DECREF(code);
    Py_DECREF(change);
  }
  return d;
}

PyObject* build_events(const std::vector<h2::Event>& events, const HeaderOutput& out) {
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(events.size()));
  if (!list) return nullptr;
  Builder builder(out);
  for (size_t i = 0; i < events.size(); ++i) {
    PyObject* obj = builder.build(events[i]);
    if (!obj) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), obj);
  }
  return list;
}

}  // namespace h2py
