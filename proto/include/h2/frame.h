// HTTP/2 frames (RFC 9113 §4, §6) plus the extension frames ALTSVC (RFC 7838), ORIGIN
// (RFC 8336) and PRIORITY_UPDATE (RFC 9218). Unknown types are carried opaque (§5.5).
//
// Parsed frames are views: byte fields point into the buffer they were parsed from and are
// valid as long as it is. Serialization appends to a ByteBuffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "h2/byte_buffer.h"
#include "h2/frame_error.h"

namespace h2::frame {

enum class FrameType : uint8_t {
  kData = 0x0,
  kHeaders = 0x1,
  kPriority = 0x2,
  kRstStream = 0x3,
  kSettings = 0x4,
  kPushPromise = 0x5,
  kPing = 0x6,
  kGoaway = 0x7,
  kWindowUpdate = 0x8,
  kContinuation = 0x9,
  kAltsvc = 0xa,
  kOrigin = 0xc,
  kPriorityUpdate = 0x10,
};

std::string_view frame_type_name(uint8_t type) noexcept;

namespace flags {
inline constexpr uint8_t kEndStream = 0x1;
inline constexpr uint8_t kAck = 0x1;
inline constexpr uint8_t kEndHeaders = 0x4;
inline constexpr uint8_t kPadded = 0x8;
inline constexpr uint8_t kPriority = 0x20;
}  // namespace flags

inline constexpr size_t kFrameHeaderSize = 9;
inline constexpr uint32_t kDefaultMaxFrameSize = 16384;  // RFC 9113 §6.5.2
inline constexpr uint32_t kLargestMaxFrameSize = (1u << 24) - 1;
inline constexpr uint32_t kMaxStreamId = 0x7fffffff;
inline constexpr uint32_t kMaxWindowIncrement = 0x7fffffff;
// The client connection preface (RFC 9113 §3.4).
inline constexpr std::string_view kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// The 9-byte frame header (RFC 9113 §4.1). The reserved stream-id bit is masked on decode.
struct FrameHeader {
  uint32_t length = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream_id = 0;

  bool has(uint8_t flag) const noexcept { return (flags & flag) != 0; }
  friend bool operator==(const FrameHeader&, const FrameHeader&) = default;
};

inline FrameHeader decode_frame_header(const uint8_t* p) noexcept {
  return FrameHeader{
      (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2], p[3], p[4],
      ((uint32_t{p[5]} << 24) | (uint32_t{p[6]} << 16) | (uint32_t{p[7]} << 8) | p[8]) &
          kMaxStreamId};
}
void encode_frame_header(const FrameHeader& h, uint8_t* out) noexcept;

// Checks everything that the 9-byte header alone decides (size limit, stream association,
// fixed payload lengths), so a bad frame is rejected before its payload is buffered.
FrameError check_frame_header(const FrameHeader& h, uint32_t max_frame_size) noexcept;

// RFC 9113 §5.3 / §6.3 (deprecated priority scheme, still parsed and validated).
struct PrioritySpec {
  uint32_t depends_on = 0;
  uint8_t weight = 15;  // wire value: effective weight is weight + 1 (default 16)
  bool exclusive = false;
  friend bool operator==(const PrioritySpec&, const PrioritySpec&) = default;
};

struct DataFrame {
  uint32_t stream_id = 0;
  uint8_t flags = 0;
  Bytes data;
  // Padding bytes (excluding the pad-length octet); meaningful when PADDED is set.
  uint8_t pad_length = 0;
  // The whole payload length, which is what flow control counts (RFC 9113 §6.9.1).
  uint32_t flow_controlled_length = 0;
  // A DATA frame whose payload arrives in several reads is handed out as pieces, each a view
  // into the caller's input: `first` marks the piece that starts the frame, `last` the piece
  // that completes it (END_STREAM counts only there). Whole frames have both set.
  bool first = true;
  bool last = true;

  bool end_stream() const noexcept { return last && (flags & flags::kEndStream); }
  bool padded() const noexcept { return flags & flags::kPadded; }
};

struct HeadersFrame {
  uint32_t stream_id = 0;
  uint8_t flags = 0;
  Bytes fragment;
  uint8_t pad_length = 0;
  std::optional<PrioritySpec> priority;  // present iff the PRIORITY flag is set

  bool end_stream() const noexcept { return flags & flags::kEndStream; }
  bool end_headers() const noexcept { return flags & flags::kEndHeaders; }
  bool padded() const noexcept { return flags & flags::kPadded; }
};

struct PriorityFrame {
  uint32_t stream_id = 0;
  PrioritySpec priority;
};

struct RstStreamFrame {
  uint32_t stream_id = 0;
  ErrorCode error_code = ErrorCode::kNoError;  // may hold a code this library does not know
};

struct Setting {
  uint16_t id = 0;
  uint32_t value = 0;
  friend bool operator==(const Setting&, const Setting&) = default;
};

// SETTINGS identifiers (RFC 9113 §6.5.2, RFC 8441 §3).
namespace setting_id {
inline constexpr uint16_t kHeaderTableSize = 0x1;
inline constexpr uint16_t kEnablePush = 0x2;
inline constexpr uint16_t kMaxConcurrentStreams = 0x3;
inline constexpr uint16_t kInitialWindowSize = 0x4;
inline constexpr uint16_t kMaxFrameSize = 0x5;
inline constexpr uint16_t kMaxHeaderListSize = 0x6;
inline constexpr uint16_t kEnableConnectProtocol = 0x8;
inline constexpr uint16_t kNoRfc7540Priorities = 0x9;  // RFC 9218 §2.1
}  // namespace setting_id

// The error a received setting value causes (RFC 9113 §6.5.2), or kNoError. Unknown
// identifiers are accepted (§6.5.2: "MUST ignore").
ErrorCode check_setting_value(uint16_t id, uint32_t value) noexcept;

// The payload of a SETTINGS frame, read 6 bytes at a time without copying.
class SettingsView {
 public:
  class Iterator {
   public:
    using value_type = Setting;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(const uint8_t* p) : p_(p) {}
    Setting operator*() const noexcept;
    Iterator& operator++() noexcept {
      p_ += 6;
      return *this;
    }
    Iterator operator++(int) noexcept {
      Iterator old = *this;
      p_ += 6;
      return old;
    }
    friend bool operator==(const Iterator&, const Iterator&) = default;

   private:
    const uint8_t* p_ = nullptr;
  };

  SettingsView() = default;
  explicit SettingsView(Bytes payload) : payload_(payload) {}
  Iterator begin() const noexcept { return Iterator(payload_.data()); }
  Iterator end() const noexcept { return Iterator(payload_.data() + payload_.size()); }
  size_t size() const noexcept { return payload_.size() / 6; }
  bool empty() const noexcept { return payload_.empty(); }
  Bytes bytes() const noexcept { return payload_; }

 private:
  Bytes payload_;
};

struct SettingsFrame {
  bool ack = false;
  SettingsView settings;
};

struct PushPromiseFrame {
  uint32_t stream_id = 0;
  uint8_t flags = 0;
  uint32_t promised_stream_id = 0;
  Bytes fragment;
  uint8_t pad_length = 0;

  bool end_headers() const noexcept { return flags & flags::kEndHeaders; }
  bool padded() const noexcept { return flags & flags::kPadded; }
};

struct PingFrame {
  bool ack = false;
  std::array<uint8_t, 8> opaque_data{};
};

struct GoawayFrame {
  uint32_t last_stream_id = 0;
  ErrorCode error_code = ErrorCode::kNoError;
  Bytes debug_data;
};

struct WindowUpdateFrame {
  uint32_t stream_id = 0;
  uint32_t increment = 0;
};

struct ContinuationFrame {
  uint32_t stream_id = 0;
  uint8_t flags = 0;
  Bytes fragment;

  bool end_headers() const noexcept { return flags & flags::kEndHeaders; }
};

// RFC 7838 §4. Whether an ALTSVC frame is to be ignored (origin on a non-zero stream, or
// no origin on stream 0) is the connection's call; the codec only checks its structure.
struct AltsvcFrame {
  uint32_t stream_id = 0;
  Bytes origin;
  Bytes field_value;
};

// RFC 8336 §2: a sequence of (16-bit length, ASCII origin) entries.
class OriginView {
 public:
  class Iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(const uint8_t* p) : p_(p) {}
    std::string_view operator*() const noexcept;
    Iterator& operator++() noexcept;
    Iterator operator++(int) noexcept {
      Iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const Iterator&, const Iterator&) = default;

   private:
    const uint8_t* p_ = nullptr;
  };

  OriginView() = default;
  explicit OriginView(Bytes payload) : payload_(payload) {}  // payload must be well formed
  Iterator begin() const noexcept { return Iterator(payload_.data()); }
  Iterator end() const noexcept { return Iterator(payload_.data() + payload_.size()); }
  bool empty() const noexcept { return payload_.empty(); }
  Bytes bytes() const noexcept { return payload_; }

 private:
  Bytes payload_;
};

// ORIGIN on stream 0. On any other stream RFC 8336 §2.1 says it MUST be ignored, so the
// parser hands such a frame out as an UnknownFrame.
struct OriginFrame {
  uint8_t flags = 0;
  OriginView origins;
};

// RFC 9218 §7.1.
struct PriorityUpdateFrame {
  uint32_t prioritized_stream_id = 0;
  Bytes field_value;  // the Priority Field Value, e.g. "u=3, i"
};

// Any type without a parser here (RFC 9113 §5.5: ignore and discard unless negotiated).
struct UnknownFrame {
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream_id = 0;
  Bytes payload;
};

using Frame =
    std::variant<DataFrame, HeadersFrame, PriorityFrame, RstStreamFrame, SettingsFrame,
                 PushPromiseFrame, PingFrame, GoawayFrame, WindowUpdateFrame, ContinuationFrame,
                 AltsvcFrame, OriginFrame, PriorityUpdateFrame, UnknownFrame>;

// Parses a complete payload whose header passed check_frame_header (it is checked again
// here, except for the size limit). On error `out` is unspecified.
FrameError parse_frame(const FrameHeader& h, Bytes payload, Frame& out) noexcept;

// Serialization. Each call appends one frame (or a HEADERS/PUSH_PROMISE followed by its
// CONTINUATIONs) to `out`. Padding is `pad_length` zero bytes plus the pad-length octet.
void write_data(ByteBuffer& out, uint32_t stream_id, Bytes data, bool end_stream,
                std::optional<uint8_t> pad_length = std::nullopt);
// Only the 9-byte header of a DATA frame of `length` payload bytes, which the caller puts on
// the wire right after it (zero-copy bodies: sendfile, scatter-gather from its own memory).
void write_data_header(ByteBuffer& out, uint32_t stream_id, uint32_t length, bool end_stream);
// Splits `block` into HEADERS + CONTINUATION frames of at most `max_frame_size` payload;
// END_STREAM and priority go on the first frame, END_HEADERS on the last.
void write_headers(ByteBuffer& out, uint32_t stream_id, Bytes block, bool end_stream,
                   std::optional<PrioritySpec> priority = std::nullopt,
                   std::optional<uint8_t> pad_length = std::nullopt,
                   uint32_t max_frame_size = kDefaultMaxFrameSize);
// The same without priority or padding (the usual call): no optional arguments to pass.
void write_headers_unprioritized(ByteBuffer& out, uint32_t stream_id, Bytes block,
                                 bool end_stream, uint32_t max_frame_size = kDefaultMaxFrameSize);
void write_push_promise(ByteBuffer& out, uint32_t stream_id, uint32_t promised_stream_id,
                        Bytes block, std::optional<uint8_t> pad_length = std::nullopt,
                        uint32_t max_frame_size = kDefaultMaxFrameSize);
void write_continuation(ByteBuffer& out, uint32_t stream_id, Bytes fragment, bool end_headers);
void write_priority(ByteBuffer& out, uint32_t stream_id, const PrioritySpec& priority);
void write_rst_stream(ByteBuffer& out, uint32_t stream_id, ErrorCode code);
void write_settings(ByteBuffer& out, std::span<const Setting> settings);
void write_settings_ack(ByteBuffer& out);
void write_ping(ByteBuffer& out, const std::array<uint8_t, 8>& opaque_data, bool ack);
void write_goaway(ByteBuffer& out, uint32_t last_stream_id, ErrorCode code, Bytes debug_data = {});
void write_window_update(ByteBuffer& out, uint32_t stream_id, uint32_t increment);
void write_altsvc(ByteBuffer& out, uint32_t stream_id, Bytes origin, Bytes field_value);
void write_origin(ByteBuffer& out, std::span<const std::string_view> origins);
void write_priority_update(ByteBuffer& out, uint32_t prioritized_stream_id, Bytes field_value);
void write_unknown(ByteBuffer& out, uint8_t type, uint8_t flags, uint32_t stream_id, Bytes payload);

// Writes any parsed frame back in its wire form (header blocks are written as one frame,
// with the frame's own flags). Used by tests and tools; the connection uses the calls above.
void serialize(const Frame& frame, ByteBuffer& out);

}  // namespace h2::frame
