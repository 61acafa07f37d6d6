// h2._h2.FrameBufferCore: h2.frame_buffer.FrameBuffer's work on the core's frame::Reader.
//
// Whole frames are cut from the buffered input and checked by the Reader (preface, frame
// size, stream association, lengths, padding, setting values); header blocks are assembled
// here (CONTINUATION on the same stream only, at most the connection's frame limit). Python
// turns each frame's bytes into a hyperframe object, as h2's FrameBuffer yields.
#include <optional>
#include <string>

#include "bindings.h"
#include "h2/connection.h"
#include "h2/frame_reader.h"

namespace h2py {
namespace {

[[noreturn]] void throw_frame_error(const h2::frame::FrameError& e) {
  const std::string what(h2::frame::describe(e.kind));
  switch (e.kind) {
    case h2::frame::FrameErrorKind::kFrameTooLarge:
      throw h2::FrameTooLargeError(what);
    case h2::frame::FrameErrorKind::kBadLength:
    case h2::frame::FrameErrorKind::kPaddingMissing:
    case h2::frame::FrameErrorKind::kSettingsAckWithPayload:
      throw h2::FrameDataMissingError(what);
    case h2::frame::FrameErrorKind::kInvalidSettingValue:
      throw h2::InvalidSettingsValueError(what, e.code);
    case h2::frame::FrameErrorKind::kBadPreface:
      throw h2::ProtocolError("Invalid HTTP/2 preamble");
    default:
      throw h2::ProtocolError(what, e.code);
  }
}

h2::Bytes fragment_of(const h2::frame::Frame& f) {
  if (const auto* h = std::get_if<h2::frame::HeadersFrame>(&f)) return h->fragment;
  if (const auto* p = std::get_if<h2::frame::PushPromiseFrame>(&f)) return p->fragment;
  if (const auto* c = std::get_if<h2::frame::ContinuationFrame>(&f)) return c->fragment;
  return {};
}

class FrameBufferCore {
 public:
  // The frames of one header block: H2Configuration's CONTINUATION limit (h2: 64).
  static constexpr uint32_t kMaxBlockFrames = 64;

  explicit FrameBufferCore(bool server) {
    if (server) {
      reader_.expect_client_preface();
      preface_left_ = h2::frame::kClientPreface.size();
    }
  }

  void add_data(py::handle data) {
    Py_buffer view;
    if (PyObject_GetBuffer(data.ptr(), &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    std::string_view in(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
    try {
      if (preface_left_) {
        // The preface is checked as it arrives (any mismatch fails at once, as in h2).
        const size_t n = std::min(preface_left_, in.size());
        h2::Bytes part = h2::as_bytes(in.substr(0, n));
        auto r = reader_.next(part);
        if (r.status == h2::frame::Reader::Status::kConnectionError) throw_frame_error(r.error);
        preface_left_ -= n;
        in.remove_prefix(n);
      }
      if (pos_ == buffer_.size()) {
        buffer_.clear();
        pos_ = 0;
      }
      buffer_.append(in);
    } catch (...) {
      PyBuffer_Release(&view);
      throw;
    }
    PyBuffer_Release(&view);
  }

  // The next complete frame (a header block with its CONTINUATIONs) as (frame bytes,
  // CONTINUATION fragments or None), or None when more input is needed.
  py::object next_frame() {
    for (;;) {
      const size_t have = buffer_.size() - pos_;
      if (have < h2::frame::kFrameHeaderSize) return py::none();
      const auto* p = reinterpret_cast<const uint8_t*>(buffer_.data() + pos_);
      const h2::frame::FrameHeader header = h2::frame::decode_frame_header(p);
      const size_t size = h2::frame::kFrameHeaderSize + header.length;
      if (have < size) return py::none();
      const std::string raw = buffer_.substr(pos_, size);
      pos_ += size;

      reader_.set_max_frame_size(max_frame_size_);
      h2::Bytes in = h2::as_bytes(raw);
      auto r = reader_.next(in);
      if (r.status != h2::frame::Reader::Status::kFrame) throw_frame_error(r.error);
      const h2::Bytes fragment = fragment_of(r.frame);
      while (!in.empty()) {  // DATA padding: let the Reader finish the frame
        auto rest = reader_.next(in);
        if (rest.status == h2::frame::Reader::Status::kConnectionError ||
            rest.status == h2::frame::Reader::Status::kStreamError)
          throw_frame_error(rest.error);
      }

      const bool is_continuation =
          header.type == static_cast<uint8_t>(h2::frame::FrameType::kContinuation);
      if (block_) {
        if (!is_continuation || header.stream_id != block_stream_)
          throw h2::ProtocolError("Invalid frame during header block.");
        if (++block_frames_ > kMaxBlockFrames)
          throw h2::ProtocolError("Too many CONTINUATION frames received.");
        continuation_.append(h2::as_string_view(fragment));
        if (!header.has(h2::frame::flags::kEndHeaders)) continue;
        py::tuple out = py::make_tuple(py::bytes(*block_), py::bytes(continuation_));
        block_.reset();
        continuation_.clear();
        return out;
      }
      if (is_continuation) throw h2::ProtocolError("Received unexpected CONTINUATION frame.");
      const bool starts_block =
          (header.type == static_cast<uint8_t>(h2::frame::FrameType::kHeaders) ||
           header.type == static_cast<uint8_t>(h2::frame::FrameType::kPushPromise)) &&
          !header.has(h2::frame::flags::kEndHeaders);
      if (starts_block) {
        block_ = raw;
        block_stream_ = header.stream_id;
        block_frames_ = 1;
        continue;
      }
      return py::make_tuple(py::bytes(raw), py::none());
    }
  }

  uint32_t max_frame_size() const { return max_frame_size_; }
  void set_max_frame_size(uint32_t v) { max_frame_size_ = v; }
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  h2::frame::Reader reader_{0};
  size_t preface_left_ = 0;
  std::string buffer_;
  size_t pos_ = 0;
  uint32_t max_frame_size_ = 0;  // h2's FrameBuffer starts at 0 until its owner sets it
  std::optional<std::string> block_;
  uint32_t block_stream_ = 0;
  uint32_t block_frames_ = 0;
  std::string continuation_;
};

}  // namespace

void bind_frame_buffer(py::module_& m) {
  py::class_<FrameBufferCore>(m, "FrameBufferCore")
      .def(py::init<bool>(), py::arg("server") = false)
      .def("add_data", &FrameBufferCore::add_data)
      .def("next_frame", &FrameBufferCore::next_frame)
      .def_property("max_frame_size", &FrameBufferCore::max_frame_size,
                    &FrameBufferCore::set_max_frame_size)
      .def_property_readonly("buffered", &FrameBufferCore::buffered);
}

}  // namespace h2py
