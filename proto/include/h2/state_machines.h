// The connection and stream state machines (BEHAVIOUR.md §2.1, §2.2; RFC 9113 §5.1) as
// explicit transition tables that can be read top to bottom against the RFC.
//
// Both follow h2: an input the table does not allow moves the machine to CLOSED and throws
// ProtocolError. The stream machine reports what the transition means (an Outcome) and lets
// the connection build the event, because only the connection has the frame's contents.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "h2/stream_closed_by.h"

namespace h2 {

enum class ConnectionState : uint8_t { kIdle, kClientOpen, kServerOpen, kClosed };

enum class ConnectionInput : uint8_t {
  kSendHeaders,
  kSendPushPromise,
  kSendData,
  kSendGoaway,
  kSendWindowUpdate,
  kSendPing,
  kSendSettings,
  kSendRstStream,
  kSendPriority,
  kRecvHeaders,
  kRecvPushPromise,
  kRecvData,
  kRecvGoaway,
  kRecvWindowUpdate,
  kRecvPing,
  kRecvSettings,
  kRecvRstStream,
  kRecvPriority,
  kSendAlternativeService,
  kRecvAlternativeService,
};
inline constexpr int kConnectionInputCount = 20;

namespace detail {
// The connection transition table state_machines.cc builds from its rows: the state each
// (state, input) leads to, -1 where the input is refused.
struct ConnectionTable {
  int8_t to[4][kConnectionInputCount];
};
extern const ConnectionTable kConnectionTable;
}  // namespace detail

class ConnectionStateMachine {
 public:
  ConnectionState state() const noexcept { return state_; }
  // Applies `input`; throws ProtocolError (and moves to CLOSED) if it is not allowed.
  ConnectionState process_input(ConnectionInput input) {
    const int8_t to = detail::kConnectionTable.to[static_cast<int>(state_)][static_cast<int>(input)];
    if (to < 0) [[unlikely]]
      refuse(input);
    state_ = static_cast<ConnectionState>(to);
    return state_;
  }
  // Whether `input` is allowed in `state` (the table itself, for tests and tools).
  static bool allowed(ConnectionState state, ConnectionInput input) noexcept {
    return detail::kConnectionTable.to[static_cast<int>(state)][static_cast<int>(input)] >= 0;
  }

 private:
  [[noreturn]] void refuse(ConnectionInput input);

  ConnectionState state_ = ConnectionState::kIdle;
};

enum class StreamState : uint8_t {
  kIdle,
  kReservedRemote,
  kReservedLocal,
  kOpen,
  kHalfClosedRemote,
  kHalfClosedLocal,
  kClosed,
};

enum class StreamInput : uint8_t {
  kSendHeaders,
  kSendPushPromise,
  kSendRstStream,
  kSendData,
  kSendWindowUpdate,
  kSendEndStream,
  kRecvHeaders,
  kRecvPushPromise,
  kRecvRstStream,
  kRecvData,
  kRecvWindowUpdate,
  kRecvEndStream,
  kRecvContinuation,
  kSendInformationalHeaders,
  kRecvInformationalHeaders,
  kSendAlternativeService,
  kRecvAlternativeService,
  kUpgradeClient,
  kUpgradeServer,
};
inline constexpr int kStreamInputCount = 19;

// What a stream transition means for the connection (which event to build, if any).
enum class StreamOutcome : uint8_t {
  kNone,
  kRequestSent,
  kResponseSent,
  kTrailersSent,
  kInformationalSent,
  kPushedRequestSent,
  kRequestReceived,
  kResponseReceived,
  kTrailersReceived,
  kInformationalReceived,
  kDataReceived,
  kWindowUpdated,
  kStreamEnded,
  kStreamReset,
  kPushedStreamReceived,
  kAlternativeServiceAvailable,
};

namespace detail {
// What a stream transition does besides changing state (h2's transition side effects).
enum StreamAction : uint8_t {
  kNoAction,
  kRequestSent,
  kResponseSent,
  kRequestReceived,
  kResponseReceived,
  kDataReceived,
  kWindowUpdated,
  kStreamHalfClosed,
  kStreamEnded,
  kStreamReset,
  kSendResetStream,
  kSendEndStream,
  kResetStreamOnError,
  kRecvOnClosedStream,
  kSendOnClosedStream,
  kRecvPushOnClosedStream,
  kSendPushOnClosedStream,
  kSendPushPromise,
  kRecvPushPromise,
  kSendNewPushedStream,
  kRecvNewPushedStream,
  kSendInformational,
  kRecvInformational,
  kSendAltsvc,
  kRecvAltsvc,
};

// One cell of the stream transition table that state_machines.cc builds from its rows: the
// common transitions (allowed, with an action that cannot fail) are applied inline.
struct StreamCell {
  bool allowed = false;
  uint8_t action = 0;  // state_machines.cc's Action; 0: none
  StreamState to = StreamState::kClosed;
};
struct StreamTable {
  StreamCell cells[7][kStreamInputCount];  // [state][input]
};
extern const StreamTable kStreamTable;
}  // namespace detail

class StreamStateMachine {
 public:
  explicit StreamStateMachine(uint32_t stream_id) : stream_id_(stream_id) {}

  StreamState state() const noexcept { return state_; }
  uint32_t stream_id() const noexcept { return stream_id_; }
  // Whether we are the client on this stream; unknown until the first headers either way.
  std::optional<bool> client() const noexcept { return client_; }
  bool headers_sent() const noexcept { return headers_sent_; }
  bool trailers_sent() const noexcept { return trailers_sent_; }
  bool headers_received() const noexcept { return headers_received_; }
  bool trailers_received() const noexcept { return trailers_received_; }
  std::optional<StreamClosedBy> closed_by() const noexcept { return closed_by_; }
  // Open for concurrency counting: OPEN or either HALF_CLOSED (RFC 9113 §5.1.2).
  bool counts_as_open() const noexcept {
    return state_ == StreamState::kOpen || state_ == StreamState::kHalfClosedLocal ||
           state_ == StreamState::kHalfClosedRemote;
  }

  // Applies `input`. Throws StreamClosedError (with reset_required() telling whether the
  // connection must answer with RST_STREAM) or ProtocolError; either way the stream is then
  // CLOSED.
  [[gnu::always_inline]] StreamOutcome process_input(StreamInput input) {
    const detail::StreamCell cell =
        detail::kStreamTable.cells[static_cast<int>(state_)][static_cast<int>(input)];
    if (cell.allowed) [[likely]] {
      // The actions of an ordinary request and response, where they cannot fail; the same
      // effects as run_action's. Everything else (refusals, pushes, guards that throw) goes
      // out of line.
      switch (cell.action) {
        case detail::kNoAction:
          state_ = cell.to;
          return StreamOutcome::kNone;
        case detail::kRequestSent:
          state_ = cell.to;
          client_ = true;
          headers_sent_ = true;
          return StreamOutcome::kRequestSent;
        case detail::kRequestReceived:
          state_ = cell.to;
          client_ = false;
          headers_received_ = true;
          return StreamOutcome::kRequestReceived;
        case detail::kResponseSent:
          if (headers_sent_ || client_ != false) break;
          state_ = cell.to;
          headers_sent_ = true;
          return StreamOutcome::kResponseSent;
        case detail::kResponseReceived:
          if (headers_received_ || client_ != true) break;
          state_ = cell.to;
          headers_received_ = true;
          return StreamOutcome::kResponseReceived;
        case detail::kDataReceived:
          if (!headers_received_) break;
          state_ = cell.to;
          return StreamOutcome::kDataReceived;
        case detail::kWindowUpdated:
          state_ = cell.to;
          return StreamOutcome::kWindowUpdated;
        case detail::kStreamHalfClosed:
          state_ = cell.to;
          return StreamOutcome::kStreamEnded;
        case detail::kStreamEnded:
          state_ = cell.to;
          closed_by_ = StreamClosedBy::kRecvEndStream;
          return StreamOutcome::kStreamEnded;
        case detail::kSendEndStream:
          state_ = cell.to;
          closed_by_ = StreamClosedBy::kSendEndStream;
          return StreamOutcome::kNone;
        default:
          break;
      }
    }
    return process_input_slow(input);
  }

 private:
  StreamOutcome process_input_slow(StreamInput input);
  StreamOutcome run_action(uint8_t action, StreamState previous);

  uint32_t stream_id_;
  StreamState state_ = StreamState::kIdle;
  std::optional<bool> client_;
  bool headers_sent_ = false;
  bool trailers_sent_ = false;
  bool headers_received_ = false;
  bool trailers_received_ = false;
  std::optional<StreamClosedBy> closed_by_;
};

std::string_view to_string(ConnectionState s) noexcept;
std::string_view to_string(ConnectionInput i) noexcept;
std::string_view to_string(StreamState s) noexcept;
std::string_view to_string(StreamInput i) noexcept;

}  // namespace h2
