// Errors found while reading frames: what was wrong, its HTTP/2 error code, and whether it
// is a stream error (RST_STREAM the stream, go on) or a connection error (GOAWAY, stop).
#pragma once

#include <cstdint>
#include <string_view>

#include "h2/error_code.h"

namespace h2::frame {

enum class FrameErrorKind : uint8_t {
  kNone = 0,
  kBadPreface,                // client connection preface mismatch (§3.4)
  kFrameTooLarge,             // length above SETTINGS_MAX_FRAME_SIZE (§4.2)
  kStreamIdRequired,          // stream-bound frame type on stream 0
  kStreamIdForbidden,         // connection-level frame type on a stream
  kBadLength,                 // payload length wrong for the frame type
  kSettingsAckWithPayload,    // §6.5
  kInvalidSettingValue,       // §6.5.2 (code depends on the setting)
  kPaddingMissing,            // PADDED (or PRIORITY) set but the payload cannot hold the fields
  kPaddingTooLong,            // pad length not smaller than what follows it (§6.1)
  kZeroWindowIncrement,       // §6.9
  kInvalidPromisedStreamId,   // PUSH_PROMISE promising stream 0 or a client-side (odd) id
  kSelfDependency,            // a stream cannot depend on itself (§5.3.1)
  kMalformedAltsvc,           // origin length runs past the payload (RFC 7838 §4)
  kMalformedOrigin,           // origin entry runs past the payload (RFC 8336 §2)
  kInvalidPrioritizedStream,  // PRIORITY_UPDATE for stream 0 (RFC 9218 §7.1)
};

std::string_view describe(FrameErrorKind kind) noexcept;

struct FrameError {
  FrameErrorKind kind = FrameErrorKind::kNone;
  ErrorCode code = ErrorCode::kNoError;
  // True when only the stream is affected (RST_STREAM); false for a connection error.
  bool stream_level = false;
  uint32_t stream_id = 0;

  explicit operator bool() const noexcept { return kind != FrameErrorKind::kNone; }
  static FrameError connection(FrameErrorKind k, ErrorCode c) noexcept {
    return FrameError{k, c, false, 0};
  }
  static FrameError stream(FrameErrorKind k, ErrorCode c, uint32_t id) noexcept {
    return FrameError{k, c, true, id};
  }
};

}  // namespace h2::frame
