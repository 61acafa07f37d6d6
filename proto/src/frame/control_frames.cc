// Connection and stream control frames: PRIORITY (§6.3), RST_STREAM (§6.4), SETTINGS (§6.5),
// PING (§6.7), GOAWAY (§6.8), WINDOW_UPDATE (§6.9).
#include "frame/parsers.h"
#include "frame/wire.h"

namespace h2::frame {

FrameError detail::parse_priority(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  PriorityFrame f{h.stream_id, wire::read_priority(payload.data())};
  if (f.priority.depends_on == h.stream_id)  // §5.3.1
    return FrameError::stream(FrameErrorKind::kSelfDependency, ErrorCode::kProtocolError,
                              h.stream_id);
  out = f;
  return {};
}

FrameError detail::parse_rst_stream(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  out = RstStreamFrame{h.stream_id, static_cast<ErrorCode>(wire::read32(payload.data()))};
  return {};
}

Setting SettingsView::Iterator::operator*() const noexcept {
  return Setting{wire::read16(p_), wire::read32(p_ + 2)};
}

ErrorCode check_setting_value(uint16_t id, uint32_t value) noexcept {
  switch (id) {
    case setting_id::kEnablePush:
    case setting_id::kEnableConnectProtocol:  // RFC 8441 §3
    case setting_id::kNoRfc7540Priorities:    // RFC 9218 §2.1
      return value <= 1 ? ErrorCode::kNoError : ErrorCode::kProtocolError;
    case setting_id::kInitialWindowSize:
      return value <= kMaxWindowIncrement ? ErrorCode::kNoError : ErrorCode::kFlowControlError;
    case setting_id::kMaxFrameSize:
      return value >= kDefaultMaxFrameSize && value <= kLargestMaxFrameSize
                 ? ErrorCode::kNoError
                 : ErrorCode::kProtocolError;
    default:
      return ErrorCode::kNoError;
  }
}

FrameError detail::parse_settings(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  SettingsFrame f{h.has(flags::kAck), SettingsView(payload)};
  for (Setting s : f.settings) {
    if (ErrorCode code = check_setting_value(s.id, s.value); code != ErrorCode::kNoError)
      return FrameError::connection(FrameErrorKind::kInvalidSettingValue, code);
  }
  out = f;
  return {};
}

FrameError detail::parse_ping(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  PingFrame f;
  f.ack = h.has(flags::kAck);
  std::memcpy(f.opaque_data.data(), payload.data(), 8);
  out = f;
  return {};
}

FrameError detail::parse_goaway(const FrameHeader&, Bytes payload, Frame& out) noexcept {
  out = GoawayFrame{wire::read31(payload.data()),
                    static_cast<ErrorCode>(wire::read32(payload.data() + 4)), payload.subspan(8)};
  return {};
}

FrameError detail::parse_window_update(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  uint32_t increment = wire::read31(payload.data());
  if (increment == 0) {
    // §6.9: a stream error on a stream, a connection error on the connection window.
    if (h.stream_id != 0)
      return FrameError::stream(FrameErrorKind::kZeroWindowIncrement, ErrorCode::kProtocolError,
                                h.stream_id);
    return FrameError::connection(FrameErrorKind::kZeroWindowIncrement, ErrorCode::kProtocolError);
  }
  out = WindowUpdateFrame{h.stream_id, increment};
  return {};
}

void write_priority(ByteBuffer& out, uint32_t stream_id, const PrioritySpec& priority) {
  uint8_t* p = wire::begin_frame(out, 5, FrameType::kPriority, 0, stream_id);
  wire::put_priority(p, priority);
}

void write_rst_stream(ByteBuffer& out, uint32_t stream_id, ErrorCode code) {
  uint8_t* p = wire::begin_frame(out, 4, FrameType::kRstStream, 0, stream_id);
  wire::put32(p, static_cast<uint32_t>(code));
}

void write_settings(ByteBuffer& out, std::span<const Setting> settings) {
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(settings.size() * 6),
                                 FrameType::kSettings, 0, 0);
  for (const Setting& s : settings) p = wire::put32(wire::put16(p, s.id), s.value);
}

void write_settings_ack(ByteBuffer& out) {
  wire::begin_frame(out, 0, FrameType::kSettings, flags::kAck, 0);
}

void write_ping(ByteBuffer& out, const std::array<uint8_t, 8>& opaque_data, bool ack) {
  uint8_t* p = wire::begin_frame(out, 8, FrameType::kPing, ack ? flags::kAck : 0, 0);
  std::memcpy(p, opaque_data.data(), 8);
}

void write_goaway(ByteBuffer& out, uint32_t last_stream_id, ErrorCode code, Bytes debug_data) {
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(8 + debug_data.size()),
                                 FrameType::kGoaway, 0, 0);
  p = wire::put32(wire::put32(p, last_stream_id & kMaxStreamId), static_cast<uint32_t>(code));
  if (!debug_data.empty()) std::memcpy(p, debug_data.data(), debug_data.size());
}

void write_window_update(ByteBuffer& out, uint32_t stream_id, uint32_t increment) {
  uint8_t* p = wire::begin_frame(out, 4, FrameType::kWindowUpdate, 0, stream_id);
  wire::put32(p, increment & kMaxWindowIncrement);
}

}  // namespace h2::frame
