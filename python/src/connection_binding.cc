// h2._h2.Connection: the core H2Connection behind h2.connection.H2Connection's API.
//
// Argument conversion and type checks (h2's TypeError / ValueError) happen here; every
// protocol decision is the core's. Received events are copied into Python objects before
// the next receive_data can invalidate the views they came from.
#include <algorithm>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "event_builder.h"
#include "h2/connection.h"
#include "header_convert.h"
#include "py_refs.h"
#include "settings_core.h"

namespace h2py {
namespace {

// One h2 connection: the core H2Connection, the Python configuration it follows, and the
// reusable conversion buffers.
class ConnectionBinding {
 public:
  explicit ConnectionBinding(py::object config) {
    require_ready();
    if (config.is_none())
      config =
          py::module_::import("h2.config").attr("H2Configuration")(py::arg("client_side") = true);
    h2::H2Configuration cfg;
    cfg.client_side = config_bool(config, "client_side");
    // h2's bytes exactly unless the configuration asks for the core's own choices.
    const std::string strategy =
        py::str(py::getattr(config, "encoder_strategy", py::str("python-hpack")));
    cfg.encoder_strategy = strategy == "default" ? h2::hpack::EncoderStrategy::kDefault
                                                 : h2::hpack::EncoderStrategy::kPythonHpack;
    conn_ = std::make_unique<h2::H2Connection>(std::move(cfg));
    set_config(std::move(config));
  }

  // ---- configuration (read live, as h2 does) ----
  py::object config() const { return config_; }
  void set_config(py::object config) {
    config_ = std::move(config);
    seen_generation_ = -1;
    const CallGuard guard(busy_);
    sync_config();
  }

  // ---- sending ----
  void initiate_connection() {
    const CallGuard guard(busy_);
    sync_config();
    conn_->initiate_connection();
  }

  py::object initiate_upgrade_connection(py::object settings_header) {
    const CallGuard guard(busy_);
    sync_config();
    std::optional<std::string> header;
    if (!settings_header.is_none()) header = buffer_string(settings_header, "settings_header");
    auto result = conn_->initiate_upgrade_connection(
        header ? std::optional<std::string_view>(*header) : std::nullopt);
    note_stream(1);
    if (!result) return py::none();
    return py::reinterpret_steal<py::object>(bytes_from(*result));
  }

  uint32_t get_next_available_stream_id() const { return conn_->get_next_available_stream_id(); }

  void send_headers(py::object stream_id, py::handle headers, py::handle end_stream,
                    py::handle weight, py::handle depends_on, py::handle exclusive) {
    const CallGuard guard(busy_);
    sync_config();
    const uint32_t id = new_stream_arg(stream_id);
    const h2::PriorityArgs priority = priority_args(weight, depends_on, exclusive);
    headers_.load(headers.ptr());
    try {
      conn_->send_headers(id, headers_.view(), truthy(end_stream), priority);
    } catch (...) {
      headers_.release();
      throw;
    }
    headers_.release();
    note_stream(id);
  }

  void send_data(py::object stream_id, py::handle data, py::handle end_stream,
                 py::handle pad_length) {
    const CallGuard guard(busy_);
    sync_config();
    const uint32_t id = stream_arg(stream_id);
    std::optional<int> pad;
    if (!pad_length.is_none()) {
      if (!PyLong_Check(pad_length.ptr())) throw py::type_error("pad_length must be an int");
      int overflow = 0;
      long v = PyLong_AsLongAndOverflow(pad_length.ptr(), &overflow);
      if (overflow || v < 0 || v > 255)
        throw py::value_error("pad_length must be within range: [0, 255]");
      pad = static_cast<int>(v);
    }
    Buffer buf(data);
    conn_->send_data(id, buf.bytes(), truthy(end_stream), pad);
  }

  void end_stream(py::object stream_id) {
    const CallGuard guard(busy_);
    sync_config();
    conn_->end_stream(stream_arg(stream_id));
  }

  void push_stream(py::object stream_id, py::object promised_stream_id,
                   py::handle request_headers) {
    const CallGuard guard(busy_);
    sync_config();
    const uint32_t id = stream_arg(stream_id);
    const uint32_t promised = new_stream_arg(promised_stream_id);
    headers_.load(request_headers.ptr());
    try {
      conn_->push_stream(id, promised, headers_.view());
    } catch (...) {
      headers_.release();
      throw;
    }
    headers_.release();
    note_stream(promised);
  }

  void reset_stream(py::object stream_id, py::handle error_code) {
    const CallGuard guard(busy_);
    sync_config();
    conn_->reset_stream(stream_arg(stream_id), code_arg(error_code));
  }

  void increment_flow_control_window(py::handle increment, py::handle stream_id) {
    const CallGuard guard(busy_);
    sync_config();
    if (!PyLong_Check(increment.ptr())) throw py::type_error("increment must be an int");
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(increment.ptr(), &overflow);
    if (overflow || v < 1 || v > h2::H2Connection::kMaxWindowIncrement)
      throw py::value_error("Flow control increment must be between 1 and " +
                            std::to_string(h2::H2Connection::kMaxWindowIncrement));
    std::optional<uint32_t> sid;
    if (!stream_id.is_none()) sid = stream_arg(py::reinterpret_borrow<py::object>(stream_id));
    conn_->increment_flow_control_window(static_cast<uint32_t>(v), sid);
  }

  void acknowledge_received_data(py::handle acknowledged_size, py::handle stream_id) {
    const CallGuard guard(busy_);
    sync_config();
    if (!PyLong_Check(acknowledged_size.ptr()))
      throw py::type_error("acknowledged_size must be an int");
    if (!PyLong_Check(stream_id.ptr())) throw py::type_error("stream_id must be an int");
    int sid_overflow = 0;
    const long long sid = PyLong_AsLongLongAndOverflow(stream_id.ptr(), &sid_overflow);
    if (sid_overflow < 0 || (!sid_overflow && sid <= 0))
      throw py::value_error("Stream ID " + std::string(py::str(stream_id)) + " is not valid");
    int size_overflow = 0;
    long long size = PyLong_AsLongLongAndOverflow(acknowledged_size.ptr(), &size_overflow);
    if (size_overflow < 0 || (!size_overflow && size < 0))
      throw py::value_error("Cannot acknowledge negative data");
    if (size_overflow > 0) size = INT64_MAX;  // the core rejects it as out of range
    if (sid_overflow > 0 || sid > UINT32_MAX)
      raise_h2(refs.no_such_stream_error, py::make_tuple(stream_id));
    conn_->acknowledge_received_data(size, static_cast<uint32_t>(sid));
  }

  void ping(py::handle opaque_data) {
    const CallGuard guard(busy_);
    sync_config();
    if (!PyBytes_Check(opaque_data.ptr()) || PyBytes_GET_SIZE(opaque_data.ptr()) != 8) {
      std::string r = py::repr(opaque_data);
      throw py::value_error("Invalid value for ping data: " + r);
    }
    const auto* p = reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(opaque_data.ptr()));
    conn_->ping(std::span<const uint8_t>(p, 8));
  }

  void close_connection(py::handle error_code, py::handle additional_data,
                        py::handle last_stream_id) {
    const CallGuard guard(busy_);
    sync_config();
    std::optional<Buffer> extra;
    if (!additional_data.is_none()) extra.emplace(additional_data);
    std::optional<uint32_t> last;
    if (!last_stream_id.is_none()) last = to_u32(last_stream_id, "last_stream_id");
    conn_->close_connection(code_arg(error_code), extra ? extra->bytes() : h2::Bytes{}, last);
  }

  void begin_graceful_shutdown(py::handle last_stream_id, py::handle additional_data) {
    const CallGuard guard(busy_);
    sync_config();
    std::optional<Buffer> extra;
    if (!additional_data.is_none()) extra.emplace(additional_data);
    std::optional<uint32_t> last;
    if (!last_stream_id.is_none()) last = to_u32(last_stream_id, "last_stream_id");
    conn_->begin_graceful_shutdown(last, extra ? extra->bytes() : h2::Bytes{});
  }

  void update_settings(py::handle new_settings) {
    const CallGuard guard(busy_);
    sync_config();
    std::vector<std::pair<uint16_t, int64_t>> entries;
    // h2 does local_settings.update(new_settings): a mapping or an iterable of pairs.
    PyObject* as_dict =
        PyObject_CallOneArg(reinterpret_cast<PyObject*>(&PyDict_Type), new_settings.ptr());
    if (!as_dict) throw py::error_already_set();
    py::dict d = py::reinterpret_steal<py::dict>(as_dict);
    py::object items = d.attr("items")();
    for (py::handle item : items) {
      py::tuple kv = py::reinterpret_borrow<py::tuple>(item);
      const uint32_t code = to_u32(kv[0], "setting");
      if (code > 0xffff) throw py::value_error("Invalid setting code");
      entries.emplace_back(static_cast<uint16_t>(code), setting_value_arg(kv[1]));
    }
    conn_->update_settings(std::span<const std::pair<uint16_t, int64_t>>(entries));
  }

  void advertise_alternative_service(py::handle field_value, py::handle origin,
                                     py::handle stream_id) {
    const CallGuard guard(busy_);
    sync_config();
    if (!PyBytes_Check(field_value.ptr())) throw py::value_error("Field must be bytestring.");
    if (!origin.is_none() && !stream_id.is_none())
      throw py::value_error("Must not provide both origin and stream_id");
    Buffer field(field_value);
    std::optional<Buffer> org;
    if (!origin.is_none()) org.emplace(origin);
    std::optional<uint32_t> sid;
    if (!stream_id.is_none()) sid = stream_arg(py::reinterpret_borrow<py::object>(stream_id));
    conn_->advertise_alternative_service(
        field.bytes(), org ? std::optional<h2::Bytes>(org->bytes()) : std::nullopt, sid);
  }

  void prioritize(py::object stream_id, py::handle weight, py::handle depends_on,
                  py::handle exclusive) {
    const CallGuard guard(busy_);
    sync_config();
    conn_->prioritize(to_u32(stream_id, "stream_id"), priority_args(weight, depends_on, exclusive));
  }

  py::bytes data_to_send(py::handle amount) {
    const CallGuard guard(busy_);
    size_t n = SIZE_MAX;
    if (!amount.is_none()) {
      if (!PyLong_Check(amount.ptr())) throw py::type_error("amount must be an int or None");
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow(amount.ptr(), &overflow);
      if (overflow) v = overflow > 0 ? LLONG_MAX : LLONG_MIN / 2;
      // h2 slices its buffer with [:amount]: a negative amount keeps the last -amount bytes.
      const auto queued = static_cast<long long>(conn_->outbound_buffer_size());
      if (v < 0) v = std::max(0LL, queued + v);
      n = static_cast<size_t>(v);
    }
    h2::Bytes out = conn_->data_to_send(n);
    return py::reinterpret_steal<py::bytes>(bytes_from(h2::as_string_view(out)));
  }

  void clear_outbound_data_buffer() {
    const CallGuard guard(busy_);
    conn_->clear_outbound_data_buffer();
  }

  // ---- receiving ----
  py::list receive_data(py::handle data) {
    const CallGuard guard(busy_);
    sync_config();
    Buffer buf(data);  // DATA views point into it: alive until the events are built
    const std::vector<h2::Event>& events = conn_->receive_data(buf.bytes());
    for (const h2::Event& e : events) {
      if (const auto* r = std::get_if<h2::RequestReceived>(&e))
        note_stream(r->stream_id);
      else if (const auto* p = std::get_if<h2::PushedStreamReceived>(&e))
        note_stream(p->pushed_stream_id);
    }
    PyObject* list = build_events(events, output_);
    if (!list) throw py::error_already_set();
    return py::reinterpret_steal<py::list>(list);
  }

  // ---- windows ----
  int64_t local_flow_control_window(py::object stream_id) const {
    return conn_->local_flow_control_window(stream_arg(stream_id));
  }
  int64_t remote_flow_control_window(py::object stream_id) const {
    return conn_->remote_flow_control_window(stream_arg(stream_id));
  }
  int64_t outbound_flow_control_window() const { return conn_->outbound_flow_control_window(); }
  void set_outbound_flow_control_window(int64_t w) { conn_->set_outbound_flow_control_window(w); }
  int64_t inbound_flow_control_window() const { return conn_->inbound_flow_control_window(); }

  // ---- state ----
  h2::H2Connection& core() { return *conn_; }
  const h2::H2Connection& core() const { return *conn_; }
  py::object connection_state() const {
    return py::reinterpret_borrow<py::object>(
        refs.connection_states[static_cast<int>(conn_->state())]);
  }
  py::object stream_state(uint32_t id) const {
    auto s = conn_->stream_state(id);
    if (!s) return py::none();
    return py::reinterpret_borrow<py::object>(refs.stream_states[static_cast<int>(*s)]);
  }
  // Ids of live streams, ascending (the core keeps no list; the binding remembers the ids it
  // saw opened and asks the core which are still live).
  std::vector<uint32_t> live_stream_ids() {
    prune_known();
    return known_;
  }

 private:
  // Python code runs inside our calls (the logger, a header item's encode(), __bool__ of an
  // argument): a call back into the same connection from there would find the core, and our
  // conversion buffers, half-way through a call. It is refused instead.
  class CallGuard {
   public:
    explicit CallGuard(bool& busy) : busy_(busy) {
      if (busy_) {
        PyErr_SetString(PyExc_RuntimeError, "H2Connection called from inside one of its own calls");
        throw py::error_already_set();
      }
      busy_ = true;
    }
    ~CallGuard() { busy_ = false; }
    CallGuard(const CallGuard&) = delete;
    CallGuard& operator=(const CallGuard&) = delete;

   private:
    bool& busy_;
  };

  // A contiguous byte buffer argument (bytes, bytearray, memoryview, ...).
  class Buffer {
   public:
    explicit Buffer(py::handle obj) {
      if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    }
    ~Buffer() { PyBuffer_Release(&view_); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    h2::Bytes bytes() const {
      return {static_cast<const uint8_t*>(view_.buf), static_cast<size_t>(view_.len)};
    }

   private:
    Py_buffer view_{};
  };

  static std::string buffer_string(py::handle obj, const char*) {
    if (PyUnicode_Check(obj.ptr())) return py::cast<std::string>(obj);
    Buffer b(obj);
    return std::string(h2::as_string_view(b.bytes()));
  }

  static bool truthy(py::handle v) {
    int r = PyObject_IsTrue(v.ptr());
    if (r < 0) throw py::error_already_set();
    return r == 1;
  }

  static bool config_bool(const py::object& config, const char* name) {
    return truthy(config.attr(name));
  }

  // Raises cls(*args) from h2.exceptions (for ids the core cannot even represent).
  [[noreturn]] static void raise_h2(PyObject* cls, py::tuple args) {
    PyObject* e = PyObject_CallObject(cls, args.ptr());
    if (e) {
      PyErr_SetObject(cls, e);
      Py_DECREF(e);
    }
    throw py::error_already_set();
  }

  // The id of an existing stream. Ints outside 0..2^32-1 name no stream: h2's lookup answers
  // StreamClosedError for ids below those used (negative ones) and NoSuchStreamError above.
  static uint32_t stream_arg(const py::object& v) {
    if (PyLong_Check(v.ptr())) {
      int overflow = 0;
      const long long id = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
      if (overflow < 0 || (!overflow && id < 0))
        raise_h2(refs.stream_closed_error, py::make_tuple(v));
      if (overflow > 0 || id > UINT32_MAX) raise_h2(refs.no_such_stream_error, py::make_tuple(v));
    }
    return to_u32(v, "stream_id");
  }

  // The id of a stream to open (send_headers, a promised stream): a negative id is below the
  // highest used (StreamIDTooLowError), one beyond 32 bits is not a valid id (h2's
  // ProtocolError).
  uint32_t new_stream_arg(const py::object& v) const {
    if (PyLong_Check(v.ptr())) {
      int overflow = 0;
      const long long id = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
      if (overflow < 0 || (!overflow && id < 0))
        raise_h2(refs.stream_id_too_low_error,
                 py::make_tuple(v, conn_->highest_outbound_stream_id()));
      if (overflow > 0 || id > UINT32_MAX)
        raise_h2(refs.protocol_error, py::make_tuple("Invalid stream ID for peer."));
    }
    return to_u32(v, "stream_id");
  }

  static h2::ErrorCode code_arg(py::handle v) {
    return static_cast<h2::ErrorCode>(to_u32(v, "error_code"));
  }

  static int64_t setting_value_arg(py::handle v) {
    if (!PyLong_Check(v.ptr())) throw py::type_error("setting values must be ints");
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    // Out of int64 range: any value the validation rejects with the same rule (too large /
    // negative) keeps h2's error.
    if (overflow > 0) return int64_t{1} << 40;
    if (overflow < 0) return -1;
    return x;
  }

  static h2::PriorityArgs priority_args(py::handle weight, py::handle depends_on,
                                        py::handle exclusive) {
    h2::PriorityArgs p;
    if (!weight.is_none()) {
      if (!PyLong_Check(weight.ptr())) throw py::type_error("priority weight must be an int");
      int overflow = 0;
      long v = PyLong_AsLongAndOverflow(weight.ptr(), &overflow);
      // Anything outside 1..256 is rejected by the core; keep huge values out of int range.
      p.weight = (overflow || v < INT_MIN || v > INT_MAX) ? 0 : static_cast<int>(v);
    }
    if (!depends_on.is_none()) p.depends_on = to_u32(depends_on, "depends_on");
    if (!exclusive.is_none()) p.exclusive = truthy(exclusive);
    return p;
  }

  // Re-reads the Python configuration when it changed (its _generation counter moved).
  void sync_config() {
    PyObject* gen = PyObject_GetAttr(config_.ptr(), names.generation);
    long g = -2;
    if (gen) {
      g = PyLong_AsLong(gen);
      Py_DECREF(gen);
      if (g == -1 && PyErr_Occurred()) PyErr_Clear();
    } else {
      PyErr_Clear();
    }
    if (g == seen_generation_ && g != -2) return;
    load_config();
    seen_generation_ = g;
  }

  void load_config() {
    h2::H2Configuration& c = conn_->config();
    c.validate_outbound_headers = config_bool(config_, "validate_outbound_headers");
    c.normalize_outbound_headers = config_bool(config_, "normalize_outbound_headers");
    c.split_outbound_cookies = config_bool(config_, "split_outbound_cookies");
    c.validate_inbound_headers = config_bool(config_, "validate_inbound_headers");
    c.normalize_inbound_headers = config_bool(config_, "normalize_inbound_headers");
    py::object enc = config_.attr("header_encoding");
    if (enc.is_none() || (PyBool_Check(enc.ptr()) && !truthy(enc))) {
      output_.mode = HeaderOutput::Mode::kBytes;
      c.header_encoding = h2::HeaderEncoding::kBytes;
    } else {
      std::string name = py::str(enc);
      std::string lower;
      for (char ch : name) lower.push_back(static_cast<char>(std::tolower(ch)));
      if (lower == "utf-8" || lower == "utf8" || lower == "utf_8") {
        output_.mode = HeaderOutput::Mode::kUtf8;
        c.header_encoding = h2::HeaderEncoding::kUtf8;
      } else {
        output_.mode = HeaderOutput::Mode::kCodec;
        output_.codec = name;
        c.header_encoding = h2::HeaderEncoding::kBytes;
      }
    }
    // The core's own options (keyword-only extras of our H2Configuration; absent on others).
    c.complete_streams_after_goaway =
        truthy(py::getattr(config_, "complete_streams_after_goaway", py::bool_(false)));
    c.refuse_excess_streams =
        truthy(py::getattr(config_, "refuse_excess_streams", py::bool_(false)));
    load_limits(c.limits, py::getattr(config_, "limits", py::none()));
    py::object logger = config_.attr("logger");
    if (logger.is_none() || py::hasattr(logger, "_h2_dummy_logger")) {
      c.logger = {};
    } else {
      c.logger.debug = [logger](std::string_view line) { log(logger, "debug", line); };
      c.logger.trace = [logger](std::string_view line) { log(logger, "trace", line); };
    }
  }

  // Limits by name; anything not named keeps the core's default.
  static void load_limits(h2::Limits& limits, py::handle overrides) {
    const h2::Limits defaults;
    limits.rapid_reset_burst = defaults.rapid_reset_burst;
    limits.rapid_reset_per_second = defaults.rapid_reset_per_second;
    limits.max_continuation_frames = defaults.max_continuation_frames;
    limits.max_header_block_bytes = defaults.max_header_block_bytes;
    limits.max_queued_ping_acks = defaults.max_queued_ping_acks;
    limits.max_queued_settings_acks = defaults.max_queued_settings_acks;
    limits.max_empty_frames = defaults.max_empty_frames;
    limits.max_priority_frames = defaults.max_priority_frames;
    limits.max_outbound_buffer = defaults.max_outbound_buffer;
    limits.max_closed_streams = defaults.max_closed_streams;
    if (overrides.is_none()) return;
    for (auto item : py::reinterpret_borrow<py::dict>(overrides)) {
      const std::string name = py::str(item.first);
      const uint32_t v = to_u32(item.second, name.c_str());
      if (name == "rapid_reset_burst")
        limits.rapid_reset_burst = v;
      else if (name == "rapid_reset_per_second")
        limits.rapid_reset_per_second = v;
      else if (name == "max_continuation_frames")
        limits.max_continuation_frames = v;
      else if (name == "max_header_block_bytes")
        limits.max_header_block_bytes = v;
      else if (name == "max_queued_ping_acks")
        limits.max_queued_ping_acks = v;
      else if (name == "max_queued_settings_acks")
        limits.max_queued_settings_acks = v;
      else if (name == "max_empty_frames")
        limits.max_empty_frames = v;
      else if (name == "max_priority_frames")
        limits.max_priority_frames = v;
      else if (name == "max_outbound_buffer")
        limits.max_outbound_buffer = v;
      else if (name == "max_closed_streams")
        limits.max_closed_streams = v;
      else
        throw py::value_error("unknown limit " + name);
    }
  }

  // A logger must not break the connection: its errors are reported as unraisable.
  static void log(const py::object& logger, const char* method, std::string_view line) {
    PyObject* text =
        PyUnicode_DecodeUTF8(line.data(), static_cast<Py_ssize_t>(line.size()), "replace");
    PyObject* r = text ? PyObject_CallMethod(logger.ptr(), method, "sO", "%s", text) : nullptr;
    if (!r) PyErr_WriteUnraisable(logger.ptr());
    Py_XDECREF(r);
    Py_XDECREF(text);
  }

  void note_stream(uint32_t id) {
    if (!known_.empty() && known_.back() == id) return;
    known_.push_back(id);
    if (known_.size() > 2 * conn_->live_streams() + 64) prune_known();
  }
  void prune_known() {
    std::sort(known_.begin(), known_.end());
    known_.erase(std::unique(known_.begin(), known_.end()), known_.end());
    std::erase_if(known_, [this](uint32_t id) { return !conn_->stream_state(id); });
  }

  std::unique_ptr<h2::H2Connection> conn_;
  bool busy_ = false;
  py::object config_;
  long seen_generation_ = -1;
  HeaderInput headers_;
  HeaderOutput output_;
  std::vector<uint32_t> known_;
};

}  // namespace

void bind_connection(py::module_& m) {
  using C = ConnectionBinding;
  auto none = py::none();
  py::class_<C>(m, "Connection")
      .def(py::init<py::object>(), py::arg("config") = none)
      .def_property("config", &C::config, &C::set_config)
      .def("initiate_connection", &C::initiate_connection)
      .def("initiate_upgrade_connection", &C::initiate_upgrade_connection,
           py::arg("settings_header") = none)
      .def("get_next_available_stream_id", &C::get_next_available_stream_id)
      .def("send_headers", &C::send_headers, py::arg("stream_id"), py::arg("headers"),
           py::arg("end_stream") = false, py::arg("priority_weight") = none,
           py::arg("priority_depends_on") = none, py::arg("priority_exclusive") = none)
      .def("send_data", &C::send_data, py::arg("stream_id"), py::arg("data"),
           py::arg("end_stream") = false, py::arg("pad_length") = none)
      .def("end_stream", &C::end_stream, py::arg("stream_id"))
      .def("push_stream", &C::push_stream, py::arg("stream_id"), py::arg("promised_stream_id"),
           py::arg("request_headers"))
      .def("reset_stream", &C::reset_stream, py::arg("stream_id"), py::arg("error_code") = 0)
      .def("increment_flow_control_window", &C::increment_flow_control_window, py::arg("increment"),
           py::arg("stream_id") = none)
      .def("acknowledge_received_data", &C::acknowledge_received_data, py::arg("acknowledged_size"),
           py::arg("stream_id"))
      .def("ping", &C::ping, py::arg("opaque_data"))
      .def("close_connection", &C::close_connection, py::arg("error_code") = 0,
           py::arg("additional_data") = none, py::arg("last_stream_id") = none)
      .def("begin_graceful_shutdown", &C::begin_graceful_shutdown, py::arg("last_stream_id") = none,
           py::arg("additional_data") = none)
      .def_property_readonly("draining", [](const C& c) { return c.core().draining(); })
      .def_property_readonly("drained", [](const C& c) { return c.core().drained(); })
      .def("update_settings", &C::update_settings, py::arg("new_settings"))
      .def("advertise_alternative_service", &C::advertise_alternative_service,
           py::arg("field_value"), py::arg("origin") = none, py::arg("stream_id") = none)
      .def("prioritize", &C::prioritize, py::arg("stream_id"), py::arg("weight") = none,
           py::arg("depends_on") = none, py::arg("exclusive") = none)
      .def("data_to_send", &C::data_to_send, py::arg("amount") = none)
      .def("clear_outbound_data_buffer", &C::clear_outbound_data_buffer)
      .def("receive_data", &C::receive_data, py::arg("data"))
      .def("local_flow_control_window", &C::local_flow_control_window, py::arg("stream_id"))
      .def("remote_flow_control_window", &C::remote_flow_control_window, py::arg("stream_id"))
      .def_property("outbound_flow_control_window", &C::outbound_flow_control_window,
                    &C::set_outbound_flow_control_window)
      .def_property_readonly("inbound_flow_control_window", &C::inbound_flow_control_window)
      .def_property(
          "max_outbound_frame_size", [](const C& c) { return c.core().max_outbound_frame_size(); },
          [](C& c, uint32_t v) { c.core().set_max_outbound_frame_size(v); })
      .def_property_readonly("max_inbound_frame_size",
                             [](const C& c) { return c.core().max_inbound_frame_size(); })
      .def_property_readonly("highest_inbound_stream_id",
                             [](const C& c) { return c.core().highest_inbound_stream_id(); })
      .def_property_readonly("highest_outbound_stream_id",
                             [](const C& c) { return c.core().highest_outbound_stream_id(); })
      .def_property_readonly("open_outbound_streams",
                             [](const C& c) { return c.core().open_outbound_streams(); })
      .def_property_readonly("open_inbound_streams",
                             [](const C& c) { return c.core().open_inbound_streams(); })
      .def_property_readonly("outbound_buffer_size",
                             [](const C& c) { return c.core().outbound_buffer_size(); })
      .def("_connection_state", &C::connection_state)
      .def("_stream_state", &C::stream_state)
      .def("_live_stream_count", [](const C& c) { return c.core().live_streams(); })
      .def("_live_stream_ids", &C::live_stream_ids)
      .def(
          "_settings_core",
          [](C& c, bool local) {
            const h2::Settings& s = local ? c.core().local_settings() : c.core().remote_settings();
            return SettingsCore::view(s);
          },
          py::keep_alive<0, 1>())
      .def("_hpack_state",
           [](const C& c, bool encoder) {
             py::dict d;
             if (encoder) {
               const auto& e = c.core().encoder();
               d["header_table_size"] = e.table_capacity();
               d["table_size"] = e.table_size();
               d["table_entries"] = e.table_entries();
             } else {
               const auto& dec = c.core().decoder();
               d["header_table_size"] = dec.table_capacity();
               d["max_allowed_table_size"] = dec.max_allowed_table_size();
               d["max_header_list_size"] = dec.max_header_list_size();
               d["table_size"] = dec.table_size();
               d["table_entries"] = dec.table_entries();
             }
             return d;
           })
      .def_readonly_static("HIGHEST_ALLOWED_STREAM_ID", &h2::H2Connection::kHighestAllowedStreamId)
      .def_readonly_static("MAX_WINDOW_INCREMENT", &h2::H2Connection::kMaxWindowIncrement)
      .def_readonly_static("DEFAULT_MAX_HEADER_LIST_SIZE",
                           &h2::H2Connection::kDefaultMaxHeaderListSize)
      .def_readonly_static("MAX_CLOSED_STREAMS", &h2::H2Connection::kMaxClosedStreams);
}

}  // namespace h2py
