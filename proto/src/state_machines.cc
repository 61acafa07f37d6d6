#include "h2/state_machines.h"

#include <array>
#include <string>

#include "h2/exceptions.h"

namespace h2 {
namespace {

// ---- Connection (BEHAVIOUR.md §2.1) ------------------------------------------------------

using CS = ConnectionState;
using CI = ConnectionInput;

struct ConnectionTransition {
  CS from;
  CI input;
  CS to;
};

// Every allowed (state, input); anything else closes the connection with PROTOCOL_ERROR.
constexpr ConnectionTransition kConnectionTransitions[] = {
    // IDLE: only connection-level frames, and the first HEADERS / ALTSVC fix the role.
    {CS::kIdle, CI::kSendHeaders, CS::kClientOpen},
    {CS::kIdle, CI::kRecvHeaders, CS::kServerOpen},
    {CS::kIdle, CI::kSendSettings, CS::kIdle},
    {CS::kIdle, CI::kRecvSettings, CS::kIdle},
    {CS::kIdle, CI::kSendWindowUpdate, CS::kIdle},
    {CS::kIdle, CI::kRecvWindowUpdate, CS::kIdle},
    {CS::kIdle, CI::kSendPing, CS::kIdle},
    {CS::kIdle, CI::kRecvPing, CS::kIdle},
    {CS::kIdle, CI::kSendGoaway, CS::kClosed},
    {CS::kIdle, CI::kRecvGoaway, CS::kClosed},
    {CS::kIdle, CI::kSendPriority, CS::kIdle},
    {CS::kIdle, CI::kRecvPriority, CS::kIdle},
    {CS::kIdle, CI::kSendAlternativeService, CS::kServerOpen},
    {CS::kIdle, CI::kRecvAlternativeService, CS::kClientOpen},
    // CLIENT_OPEN: everything but sending PUSH_PROMISE or ALTSVC.
    {CS::kClientOpen, CI::kSendHeaders, CS::kClientOpen},
    {CS::kClientOpen, CI::kSendData, CS::kClientOpen},
    {CS::kClientOpen, CI::kSendGoaway, CS::kClosed},
    {CS::kClientOpen, CI::kSendWindowUpdate, CS::kClientOpen},
    {CS::kClientOpen, CI::kSendPing, CS::kClientOpen},
    {CS::kClientOpen, CI::kSendSettings, CS::kClientOpen},
    {CS::kClientOpen, CI::kSendPriority, CS::kClientOpen},
    {CS::kClientOpen, CI::kSendRstStream, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvHeaders, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvPushPromise, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvData, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvGoaway, CS::kClosed},
    {CS::kClientOpen, CI::kRecvWindowUpdate, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvPing, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvSettings, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvRstStream, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvPriority, CS::kClientOpen},
    {CS::kClientOpen, CI::kRecvAlternativeService, CS::kClientOpen},
    // SERVER_OPEN: everything but receiving PUSH_PROMISE.
    {CS::kServerOpen, CI::kSendHeaders, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendPushPromise, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendData, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendGoaway, CS::kClosed},
    {CS::kServerOpen, CI::kSendWindowUpdate, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendPing, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendSettings, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendPriority, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendRstStream, CS::kServerOpen},
    {CS::kServerOpen, CI::kSendAlternativeService, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvHeaders, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvData, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvGoaway, CS::kClosed},
    {CS::kServerOpen, CI::kRecvWindowUpdate, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvPing, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvSettings, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvRstStream, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvPriority, CS::kServerOpen},
    {CS::kServerOpen, CI::kRecvAlternativeService, CS::kServerOpen},
    // CLOSED: only further GOAWAYs.
    {CS::kClosed, CI::kSendGoaway, CS::kClosed},
    {CS::kClosed, CI::kRecvGoaway, CS::kClosed},
};

constexpr int kNoTransition = -1;

constexpr detail::ConnectionTable build_connection_table() {
  detail::ConnectionTable table{};
  for (auto& row : table.to)
    for (int8_t& cell : row) cell = kNoTransition;
  for (const auto& t : kConnectionTransitions)
    table.to[static_cast<int>(t.from)][static_cast<int>(t.input)] = static_cast<int8_t>(t.to);
  return table;
}

// ---- Stream (BEHAVIOUR.md §2.2, RFC 9113 §5.1) -------------------------------------------

using SS = StreamState;
using SI = StreamInput;

// What a transition does besides changing state (h2's transition side effects): the enum
// lives in the header, whose inline path applies the actions that cannot fail.
using Action = detail::StreamAction;
using enum detail::StreamAction;

struct StreamTransition {
  SS from;
  SI input;
  Action action;
  SS to;
};

constexpr StreamTransition kStreamTransitions[] = {
    // IDLE (§5.1: HEADERS opens, PUSH_PROMISE reserves).
    {SS::kIdle, SI::kSendHeaders, kRequestSent, SS::kOpen},
    {SS::kIdle, SI::kRecvHeaders, kRequestReceived, SS::kOpen},
    {SS::kIdle, SI::kRecvData, kResetStreamOnError, SS::kClosed},
    {SS::kIdle, SI::kSendPushPromise, kSendNewPushedStream, SS::kReservedLocal},
    {SS::kIdle, SI::kRecvPushPromise, kRecvNewPushedStream, SS::kReservedRemote},
    {SS::kIdle, SI::kRecvAlternativeService, kNoAction, SS::kIdle},
    {SS::kIdle, SI::kUpgradeClient, kRequestSent, SS::kHalfClosedLocal},
    {SS::kIdle, SI::kUpgradeServer, kRequestReceived, SS::kHalfClosedRemote},
    // RESERVED_LOCAL: we promised it; our HEADERS half-close it (§8.4).
    {SS::kReservedLocal, SI::kSendHeaders, kResponseSent, SS::kHalfClosedRemote},
    {SS::kReservedLocal, SI::kRecvData, kResetStreamOnError, SS::kClosed},
    {SS::kReservedLocal, SI::kSendWindowUpdate, kNoAction, SS::kReservedLocal},
    {SS::kReservedLocal, SI::kRecvWindowUpdate, kWindowUpdated, SS::kReservedLocal},
    {SS::kReservedLocal, SI::kSendRstStream, kSendResetStream, SS::kClosed},
    {SS::kReservedLocal, SI::kRecvRstStream, kStreamReset, SS::kClosed},
    {SS::kReservedLocal, SI::kSendAlternativeService, kSendAltsvc, SS::kReservedLocal},
    {SS::kReservedLocal, SI::kRecvAlternativeService, kNoAction, SS::kReservedLocal},
    // RESERVED_REMOTE: promised to us; the peer's HEADERS half-close it.
    {SS::kReservedRemote, SI::kRecvHeaders, kResponseReceived, SS::kHalfClosedLocal},
    {SS::kReservedRemote, SI::kRecvData, kResetStreamOnError, SS::kClosed},
    {SS::kReservedRemote, SI::kSendWindowUpdate, kNoAction, SS::kReservedRemote},
    {SS::kReservedRemote, SI::kRecvWindowUpdate, kWindowUpdated, SS::kReservedRemote},
    {SS::kReservedRemote, SI::kSendRstStream, kSendResetStream, SS::kClosed},
    {SS::kReservedRemote, SI::kRecvRstStream, kStreamReset, SS::kClosed},
    {SS::kReservedRemote, SI::kRecvAlternativeService, kRecvAltsvc, SS::kReservedRemote},
    // OPEN.
    {SS::kOpen, SI::kSendHeaders, kResponseSent, SS::kOpen},
    {SS::kOpen, SI::kRecvHeaders, kResponseReceived, SS::kOpen},
    {SS::kOpen, SI::kSendData, kNoAction, SS::kOpen},
    {SS::kOpen, SI::kRecvData, kDataReceived, SS::kOpen},
    {SS::kOpen, SI::kSendEndStream, kNoAction, SS::kHalfClosedLocal},
    {SS::kOpen, SI::kRecvEndStream, kStreamHalfClosed, SS::kHalfClosedRemote},
    {SS::kOpen, SI::kSendWindowUpdate, kNoAction, SS::kOpen},
    {SS::kOpen, SI::kRecvWindowUpdate, kWindowUpdated, SS::kOpen},
    {SS::kOpen, SI::kSendRstStream, kSendResetStream, SS::kClosed},
    {SS::kOpen, SI::kRecvRstStream, kStreamReset, SS::kClosed},
    {SS::kOpen, SI::kSendPushPromise, kSendPushPromise, SS::kOpen},
    {SS::kOpen, SI::kRecvPushPromise, kRecvPushPromise, SS::kOpen},
    {SS::kOpen, SI::kSendInformationalHeaders, kSendInformational, SS::kOpen},
    {SS::kOpen, SI::kRecvInformationalHeaders, kRecvInformational, SS::kOpen},
    {SS::kOpen, SI::kSendAlternativeService, kSendAltsvc, SS::kOpen},
    {SS::kOpen, SI::kRecvAlternativeService, kRecvAltsvc, SS::kOpen},
    // HALF_CLOSED_REMOTE: the peer is done sending; more from it is a stream error.
    {SS::kHalfClosedRemote, SI::kSendHeaders, kResponseSent, SS::kHalfClosedRemote},
    {SS::kHalfClosedRemote, SI::kRecvHeaders, kResetStreamOnError, SS::kClosed},
    {SS::kHalfClosedRemote, SI::kSendData, kNoAction, SS::kHalfClosedRemote},
    {SS::kHalfClosedRemote, SI::kRecvData, kResetStreamOnError, SS::kClosed},
    {SS::kHalfClosedRemote, SI::kSendEndStream, kSendEndStream, SS::kClosed},
    {SS::kHalfClosedRemote, SI::kSendWindowUpdate, kNoAction, SS::kHalfClosedRemote},
    {SS::kHalfClosedRemote, SI::kRecvWindowUpdate, kWindowUpdated, SS::kHalfClosedRemote},
    {SS::kHalfClosedRemote, SI::kSendRstStream, kSendResetStream, SS::kClosed},
    {SS::kHalfClosedRemote, SI::kRecvRstStream, kStreamReset, SS::kClosed},
    {SS::kHalfClosedRemote, SI::kSendPushPromise, kSendPushPromise, SS::kHalfClosedRemote},
    {SS::kHalfClosedRemote, SI::kRecvPushPromise, kResetStreamOnError, SS::kClosed},
    {SS::kHalfClosedRemote, SI::kRecvContinuation, kResetStreamOnError, SS::kClosed},
    {SS::kHalfClosedRemote, SI::kSendInformationalHeaders, kSendInformational,
     SS::kHalfClosedRemote},
    {SS::kHalfClosedRemote, SI::kSendAlternativeService, kSendAltsvc, SS::kHalfClosedRemote},
    {SS::kHalfClosedRemote, SI::kRecvAlternativeService, kRecvAltsvc, SS::kHalfClosedRemote},
    // HALF_CLOSED_LOCAL: we are done sending; the peer's END_STREAM closes it.
    {SS::kHalfClosedLocal, SI::kRecvHeaders, kResponseReceived, SS::kHalfClosedLocal},
    {SS::kHalfClosedLocal, SI::kRecvData, kDataReceived, SS::kHalfClosedLocal},
    {SS::kHalfClosedLocal, SI::kRecvEndStream, kStreamEnded, SS::kClosed},
    {SS::kHalfClosedLocal, SI::kSendWindowUpdate, kNoAction, SS::kHalfClosedLocal},
    {SS::kHalfClosedLocal, SI::kRecvWindowUpdate, kWindowUpdated, SS::kHalfClosedLocal},
    {SS::kHalfClosedLocal, SI::kSendRstStream, kSendResetStream, SS::kClosed},
    {SS::kHalfClosedLocal, SI::kRecvRstStream, kStreamReset, SS::kClosed},
    {SS::kHalfClosedLocal, SI::kRecvPushPromise, kRecvPushPromise, SS::kHalfClosedLocal},
    {SS::kHalfClosedLocal, SI::kRecvInformationalHeaders, kRecvInformational, SS::kHalfClosedLocal},
    {SS::kHalfClosedLocal, SI::kSendAlternativeService, kSendAltsvc, SS::kHalfClosedLocal},
    {SS::kHalfClosedLocal, SI::kRecvAlternativeService, kRecvAltsvc, SS::kHalfClosedLocal},
    // CLOSED: late frames are ignored or refused; sending is a StreamClosedError.
    {SS::kClosed, SI::kRecvEndStream, kNoAction, SS::kClosed},
    {SS::kClosed, SI::kRecvAlternativeService, kNoAction, SS::kClosed},
    {SS::kClosed, SI::kRecvHeaders, kRecvOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kRecvData, kRecvOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kRecvWindowUpdate, kNoAction, SS::kClosed},
    {SS::kClosed, SI::kRecvRstStream, kNoAction, SS::kClosed},
    {SS::kClosed, SI::kRecvPushPromise, kRecvPushOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kSendHeaders, kSendOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kSendPushPromise, kSendPushOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kSendRstStream, kSendOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kSendData, kSendOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kSendWindowUpdate, kSendOnClosedStream, SS::kClosed},
    {SS::kClosed, SI::kSendEndStream, kSendOnClosedStream, SS::kClosed},
};

using detail::StreamCell;
using detail::StreamTable;

constexpr StreamTable build_stream_table() {
  StreamTable table{};
  for (const auto& t : kStreamTransitions)
    table.cells[static_cast<int>(t.from)][static_cast<int>(t.input)] =
        StreamCell{true, t.action, t.to};
  return table;
}
static_assert(kNoAction == 0, "process_input's inline path reads action 0 as none");

}  // namespace

constinit const StreamTable detail::kStreamTable = build_stream_table();

constinit const detail::ConnectionTable detail::kConnectionTable = build_connection_table();

void ConnectionStateMachine::refuse(ConnectionInput input) {
  const ConnectionState old = state_;
  state_ = ConnectionState::kClosed;
  throw ProtocolError("Invalid input " + std::string(to_string(input)) + " in state " +
                      std::string(to_string(old)));
}

// Everything but the inline path of process_input: refused inputs and transitions with an
// action.
StreamOutcome StreamStateMachine::process_input_slow(StreamInput input) {
  const StreamCell cell = detail::kStreamTable.cells[static_cast<int>(state_)][static_cast<int>(input)];
  const StreamState previous = state_;
  if (!cell.allowed) {
    state_ = StreamState::kClosed;
    throw ProtocolError("Invalid input " + std::string(to_string(input)) + " in state " +
                        std::string(to_string(previous)));
  }
  state_ = cell.to;
  if (cell.action == kNoAction) return StreamOutcome::kNone;
  try {
    return run_action(cell.action, previous);
  } catch (const ProtocolError&) {
    state_ = StreamState::kClosed;
    throw;
  }
}

StreamOutcome StreamStateMachine::run_action(uint8_t action, StreamState) {
  switch (static_cast<Action>(action)) {
    case kNoAction:
      return StreamOutcome::kNone;
    case kRequestSent:
      client_ = true;
      headers_sent_ = true;
      return StreamOutcome::kRequestSent;
    case kResponseSent:
      if (!headers_sent_) {
        if (client_.value_or(true)) throw ProtocolError("Client cannot send responses.");
        headers_sent_ = true;
        return StreamOutcome::kResponseSent;
      }
      trailers_sent_ = true;
      return StreamOutcome::kTrailersSent;
    case kRequestReceived:
      client_ = false;
      headers_received_ = true;
      return StreamOutcome::kRequestReceived;
    case kResponseReceived:
      if (!headers_received_) {
        if (client_ != true) throw ProtocolError("Server cannot receive responses.");
        headers_received_ = true;
        return StreamOutcome::kResponseReceived;
      }
      if (trailers_received_) throw ProtocolError("Trailers already received.");
      trailers_received_ = true;
      return StreamOutcome::kTrailersReceived;
    case kDataReceived:
      if (!headers_received_) throw ProtocolError("cannot receive data before headers");
      return StreamOutcome::kDataReceived;
    case kWindowUpdated:
      return StreamOutcome::kWindowUpdated;
    case kStreamHalfClosed:
      return StreamOutcome::kStreamEnded;
    case kStreamEnded:
      closed_by_ = StreamClosedBy::kRecvEndStream;
      return StreamOutcome::kStreamEnded;
    case kStreamReset:
      closed_by_ = StreamClosedBy::kRecvRstStream;
      return StreamOutcome::kStreamReset;
    case kSendResetStream:
      closed_by_ = StreamClosedBy::kSendRstStream;
      return StreamOutcome::kNone;
    case kSendEndStream:
      closed_by_ = StreamClosedBy::kSendEndStream;
      return StreamOutcome::kNone;
    case kResetStreamOnError:
      // RFC 9113 §5.1: frames other than WINDOW_UPDATE, PRIORITY or RST_STREAM on a stream
      // the peer half-closed (or never opened properly) are a stream error STREAM_CLOSED.
      closed_by_ = StreamClosedBy::kSendRstStream;
      throw StreamClosedError(stream_id_, /*reset_required=*/true);
    case kRecvOnClosedStream:
    case kSendOnClosedStream:
      throw StreamClosedError(stream_id_);
    case kRecvPushOnClosedStream:
      if (closed_by_ == StreamClosedBy::kSendRstStream) throw StreamClosedError(stream_id_);
      throw ProtocolError("Attempted to push on closed stream.");
    case kSendPushOnClosedStream:
      throw ProtocolError("Attempted to push on closed stream.");
    case kSendPushPromise:
      if (client_ == true) throw ProtocolError("Cannot push streams from client peers.");
      return StreamOutcome::kPushedRequestSent;
    case kRecvPushPromise:
      if (client_ != true) {
        if (!client_) throw ProtocolError("Idle streams cannot receive pushes");
        throw ProtocolError("Cannot receive pushed streams as a server");
      }
      return StreamOutcome::kPushedStreamReceived;
    case kSendNewPushedStream:
      client_ = false;
      headers_received_ = true;  // the promised request counts as received
      return StreamOutcome::kNone;
    case kRecvNewPushedStream:
      client_ = true;
      headers_sent_ = true;  // the promised request counts as sent
      return StreamOutcome::kNone;
    case kSendInformational:
      if (headers_sent_) throw ProtocolError("Information response after final response");
      return StreamOutcome::kInformationalSent;
    case kRecvInformational:
      if (headers_received_) throw ProtocolError("Informational response after final response");
      return StreamOutcome::kInformationalReceived;
    case kSendAltsvc:
      if (headers_sent_) throw ProtocolError("Cannot send ALTSVC after sending response headers.");
      return StreamOutcome::kNone;
    case kRecvAltsvc:
      // RFC 7838 §4: only a client, before the response, has use for it; otherwise ignored.
      if (client_ == false || headers_received_) return StreamOutcome::kNone;
      return StreamOutcome::kAlternativeServiceAvailable;
  }
  return StreamOutcome::kNone;
}

std::string_view to_string(ConnectionState s) noexcept {
  switch (s) {
    case CS::kIdle:
      return "ConnectionState.IDLE";
    case CS::kClientOpen:
      return "ConnectionState.CLIENT_OPEN";
    case CS::kServerOpen:
      return "ConnectionState.SERVER_OPEN";
    case CS::kClosed:
      return "ConnectionState.CLOSED";
  }
  return "ConnectionState.?";
}

std::string_view to_string(ConnectionInput i) noexcept {
  constexpr std::string_view kNames[] = {"ConnectionInputs.SEND_HEADERS",
                                         "ConnectionInputs.SEND_PUSH_PROMISE",
                                         "ConnectionInputs.SEND_DATA",
                                         "ConnectionInputs.SEND_GOAWAY",
                                         "ConnectionInputs.SEND_WINDOW_UPDATE",
                                         "ConnectionInputs.SEND_PING",
                                         "ConnectionInputs.SEND_SETTINGS",
                                         "ConnectionInputs.SEND_RST_STREAM",
                                         "ConnectionInputs.SEND_PRIORITY",
                                         "ConnectionInputs.RECV_HEADERS",
                                         "ConnectionInputs.RECV_PUSH_PROMISE",
                                         "ConnectionInputs.RECV_DATA",
                                         "ConnectionInputs.RECV_GOAWAY",
                                         "ConnectionInputs.RECV_WINDOW_UPDATE",
                                         "ConnectionInputs.RECV_PING",
                                         "ConnectionInputs.RECV_SETTINGS",
                                         "ConnectionInputs.RECV_RST_STREAM",
                                         "ConnectionInputs.RECV_PRIORITY",
                                         "ConnectionInputs.SEND_ALTERNATIVE_SERVICE",
                                         "ConnectionInputs.RECV_ALTERNATIVE_SERVICE"};
  return kNames[static_cast<int>(i)];
}

std::string_view to_string(StreamState s) noexcept {
  constexpr std::string_view kNames[] = {
      "StreamState.IDLE",  "StreamState.RESERVED_REMOTE",    "StreamState.RESERVED_LOCAL",
      "StreamState.OPEN",  "StreamState.HALF_CLOSED_REMOTE", "StreamState.HALF_CLOSED_LOCAL",
      "StreamState.CLOSED"};
  return kNames[static_cast<int>(s)];
}

std::string_view to_string(StreamInput i) noexcept {
  constexpr std::string_view kNames[] = {"StreamInputs.SEND_HEADERS",
                                         "StreamInputs.SEND_PUSH_PROMISE",
                                         "StreamInputs.SEND_RST_STREAM",
                                         "StreamInputs.SEND_DATA",
                                         "StreamInputs.SEND_WINDOW_UPDATE",
                                         "StreamInputs.SEND_END_STREAM",
                                         "StreamInputs.RECV_HEADERS",
                                         "StreamInputs.RECV_PUSH_PROMISE",
                                         "StreamInputs.RECV_RST_STREAM",
                                         "StreamInputs.RECV_DATA",
                                         "StreamInputs.RECV_WINDOW_UPDATE",
                                         "StreamInputs.RECV_END_STREAM",
                                         "StreamInputs.RECV_CONTINUATION",
                                         "StreamInputs.SEND_INFORMATIONAL_HEADERS",
                                         "StreamInputs.RECV_INFORMATIONAL_HEADERS",
                                         "StreamInputs.SEND_ALTERNATIVE_SERVICE",
                                         "StreamInputs.RECV_ALTERNATIVE_SERVICE",
                                         "StreamInputs.UPGRADE_CLIENT",
                                         "StreamInputs.UPGRADE_SERVER"};
  return kNames[static_cast<int>(i)];
}

}  // namespace h2
