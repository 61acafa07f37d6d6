// The 9-byte frame header and the checks it alone can decide.
#include "frame/wire.h"

namespace h2::frame {

void encode_frame_header(const FrameHeader& h, uint8_t* out) noexcept {
  out[0] = static_cast<uint8_t>(h.length >> 16);
  out[1] = static_cast<uint8_t>(h.length >> 8);
  out[2] = static_cast<uint8_t>(h.length);
  out[3] = h.type;
  out[4] = h.flags;
  wire::put32(out + 5, h.stream_id & kMaxStreamId);
}

namespace {

enum class StreamRule : uint8_t { kAny, kStreamOnly, kConnectionOnly };

StreamRule stream_rule(uint8_t type) noexcept {
  switch (static_cast<FrameType>(type)) {
    case FrameType::kData:
    case FrameType::kHeaders:
    case FrameType::kPriority:
    case FrameType::kRstStream:
    case FrameType::kPushPromise:
    case FrameType::kContinuation:
      return StreamRule::kStreamOnly;  // RFC 9113 §6.1-§6.4, §6.6, §6.10
    case FrameType::kSettings:
    case FrameType::kPing:
    case FrameType::kGoaway:
    case FrameType::kPriorityUpdate:
      return StreamRule::kConnectionOnly;  // §6.5, §6.7, §6.8; RFC 9218 §7.1
    default:
      return StreamRule::kAny;  // WINDOW_UPDATE, ALTSVC, ORIGIN (ignored off 0), unknown
  }
}

}  // namespace

FrameError check_frame_header(const FrameHeader& h, uint32_t max_frame_size) noexcept {
  using K = FrameErrorKind;
  if (h.length > max_frame_size)  // §4.2
    return FrameError::connection(K::kFrameTooLarge, ErrorCode::kFrameSizeError);
  // DATA and HEADERS on a stream, nearly every frame: nothing else to check from the header.
  if (h.type <= static_cast<uint8_t>(FrameType::kHeaders) && h.stream_id != 0) return {};

  switch (stream_rule(h.type)) {
    case StreamRule::kStreamOnly:
      if (h.stream_id == 0)
        return FrameError::connection(K::kStreamIdRequired, ErrorCode::kProtocolError);
      break;
    case StreamRule::kConnectionOnly:
      if (h.stream_id != 0)
        return FrameError::connection(K::kStreamIdForbidden, ErrorCode::kProtocolError);
      break;
    case StreamRule::kAny:
      break;
  }

  switch (static_cast<FrameType>(h.type)) {
    case FrameType::kPriority:  // §6.3: a stream error, the connection goes on
      if (h.length != 5)
        return FrameError::stream(K::kBadLength, ErrorCode::kFrameSizeError, h.stream_id);
      break;
    case FrameType::kRstStream:     // §6.4
    case FrameType::kWindowUpdate:  // §6.9
      if (h.length != 4) return FrameError::connection(K::kBadLength, ErrorCode::kFrameSizeError);
      break;
    case FrameType::kPing:  // §6.7
      if (h.length != 8) return FrameError::connection(K::kBadLength, ErrorCode::kFrameSizeError);
      break;
    case FrameType::kSettings:  // §6.5
      if (h.has(flags::kAck) && h.length != 0)
        return FrameError::connection(K::kSettingsAckWithPayload, ErrorCode::kFrameSizeError);
      if (h.length % 6 != 0)
        return FrameError::connection(K::kBadLength, ErrorCode::kFrameSizeError);
      break;
    case FrameType::kGoaway:  // §6.8: last-stream-id and error code are mandatory
      if (h.length < 8) return FrameError::connection(K::kBadLength, ErrorCode::kFrameSizeError);
      break;
    case FrameType::kPriorityUpdate:  // RFC 9218 §7.1
      if (h.length < 4) return FrameError::connection(K::kBadLength, ErrorCode::kFrameSizeError);
      break;
    case FrameType::kAltsvc:  // RFC 7838 §4: the origin length is mandatory
      if (h.length < 2) return FrameError::connection(K::kBadLength, ErrorCode::kFrameSizeError);
      break;
    default:
      break;
  }
  return {};
}

std::string_view frame_type_name(uint8_t type) noexcept {
  switch (static_cast<FrameType>(type)) {
    case FrameType::kData:
      return "DATA";
    case FrameType::kHeaders:
      return "HEADERS";
    case FrameType::kPriority:
      return "PRIORITY";
    case FrameType::kRstStream:
      return "RST_STREAM";
    case FrameType::kSettings:
      return "SETTINGS";
    case FrameType::kPushPromise:
      return "PUSH_PROMISE";
    case FrameType::kPing:
      return "PING";
    case FrameType::kGoaway:
      return "GOAWAY";
    case FrameType::kWindowUpdate:
      return "WINDOW_UPDATE";
    case FrameType::kContinuation:
      return "CONTINUATION";
    case FrameType::kAltsvc:
      return "ALTSVC";
    case FrameType::kOrigin:
      return "ORIGIN";
    case FrameType::kPriorityUpdate:
      return "PRIORITY_UPDATE";
  }
  return "UNKNOWN";
}

std::string_view describe(FrameErrorKind kind) noexcept {
  using K = FrameErrorKind;
  switch (kind) {
    case K::kNone:
      return "no error";
    case K::kBadPreface:
      return "invalid HTTP/2 connection preface";
    case K::kFrameTooLarge:
      return "frame larger than SETTINGS_MAX_FRAME_SIZE";
    case K::kStreamIdRequired:
      return "frame type requires a non-zero stream id";
    case K::kStreamIdForbidden:
      return "frame type requires stream id 0";
    case K::kBadLength:
      return "invalid payload length for frame type";
    case K::kSettingsAckWithPayload:
      return "SETTINGS ACK with a payload";
    case K::kInvalidSettingValue:
      return "invalid SETTINGS value";
    case K::kPaddingMissing:
      return "payload too short for its padding or fixed fields";
    case K::kPaddingTooLong:
      return "padding longer than the payload";
    case K::kZeroWindowIncrement:
      return "WINDOW_UPDATE with zero increment";
    case K::kInvalidPromisedStreamId:
      return "PUSH_PROMISE with an invalid promised stream id";
    case K::kSelfDependency:
      return "stream depends on itself";
    case K::kMalformedAltsvc:
      return "ALTSVC origin length exceeds payload";
    case K::kMalformedOrigin:
      return "ORIGIN entry length exceeds payload";
    case K::kInvalidPrioritizedStream:
      return "PRIORITY_UPDATE for stream 0";
  }
  return "unknown frame error";
}

}  // namespace h2::frame
