// The events receive_data reports (BEHAVIOUR.md §1.3): plain data, one struct per kind, in a
// variant. Headers and DATA payload are views valid until the next receive_data call:
// headers point into the connection's arena, DATA into the caller's input where the frame
// arrived whole (else into the piece of input that carried it).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "h2/error_code.h"
#include "h2/frame.h"
#include "h2/header.h"
#include "h2/settings.h"

namespace h2 {

struct StreamEnded {
  uint32_t stream_id = 0;
};

struct PriorityUpdated {
  uint32_t stream_id = 0;
  uint16_t weight = 16;  // 1..256 (wire value + 1)
  uint32_t depends_on = 0;
  bool exclusive = false;
};

// Header events carry copies of the related StreamEnded / PriorityUpdated that follow them
// in the same event list (h2's related-event links).
struct RequestReceived {
  uint32_t stream_id = 0;
  HeaderList headers;
  std::optional<StreamEnded> stream_ended;
  std::optional<PriorityUpdated> priority_updated;
};

struct ResponseReceived {
  uint32_t stream_id = 0;
  HeaderList headers;
  std::optional<StreamEnded> stream_ended;
  std::optional<PriorityUpdated> priority_updated;
};

struct TrailersReceived {
  uint32_t stream_id = 0;
  HeaderList headers;
  std::optional<StreamEnded> stream_ended;
  std::optional<PriorityUpdated> priority_updated;
};

struct InformationalResponseReceived {
  uint32_t stream_id = 0;
  HeaderList headers;
  std::optional<PriorityUpdated> priority_updated;
};

struct DataReceived {
  uint32_t stream_id = 0;
  Bytes data;
  // What this event counts against flow control (payload + padding + pad-length octet);
  // acknowledge exactly this with acknowledge_received_data.
  uint32_t flow_controlled_length = 0;
  std::optional<StreamEnded> stream_ended;
};

struct WindowUpdated {
  uint32_t stream_id = 0;  // 0 = the connection
  uint32_t delta = 0;
};

struct RemoteSettingsChanged {
  ChangedSettings changed_settings;
};

struct SettingsAcknowledged {
  ChangedSettings changed_settings;
};

struct PingReceived {
  std::array<uint8_t, 8> ping_data{};
};

struct PingAckReceived {
  std::array<uint8_t, 8> ping_data{};
};

struct StreamReset {
  uint32_t stream_id = 0;
  ErrorCode error_code = ErrorCode::kNoError;  // may hold a code outside the enum
  bool remote_reset = true;                    // false: we reset it because of a peer error
};

struct PushedStreamReceived {
  uint32_t pushed_stream_id = 0;
  uint32_t parent_stream_id = 0;
  HeaderList headers;
};

struct ConnectionTerminated {
  ErrorCode error_code = ErrorCode::kNoError;
  uint32_t last_stream_id = 0;
  std::optional<Bytes> additional_data;  // nullopt when the GOAWAY had no debug data
};

struct AlternativeServiceAvailable {
  std::string_view origin;
  Bytes field_value;
};

struct UnknownFrameReceived {
  frame::UnknownFrame frame;
};

using Event =
    std::variant<RequestReceived, ResponseReceived, TrailersReceived, InformationalResponseReceived,
                 DataReceived, WindowUpdated, RemoteSettingsChanged, SettingsAcknowledged,
                 PingReceived, PingAckReceived, StreamEnded, StreamReset, PushedStreamReceived,
                 PriorityUpdated, ConnectionTerminated, AlternativeServiceAvailable,
                 UnknownFrameReceived>;

// The event's class name as h2 spells it ("RequestReceived", ...).
std::string_view event_name(const Event& event) noexcept;

}  // namespace h2
