// The connection and stream state machines (BEHAVIOUR.md §3, test_state_machines.py).
#include <gtest/gtest.h>

#include <vector>

#include "h2/exceptions.h"
#include "h2/state_machines.h"

namespace h2 {
namespace {

// ---- Connection ---------------------------------------------------------------------------

ConnectionStateMachine connection_in(ConnectionState state) {
  ConnectionStateMachine m;
  switch (state) {
    case ConnectionState::kIdle:
      break;
    case ConnectionState::kClientOpen:
      m.process_input(ConnectionInput::kSendHeaders);
      break;
    case ConnectionState::kServerOpen:
      m.process_input(ConnectionInput::kRecvHeaders);
      break;
    case ConnectionState::kClosed:
      m.process_input(ConnectionInput::kSendGoaway);
      break;
  }
  EXPECT_EQ(m.state(), state);
  return m;
}

constexpr ConnectionState kConnectionStates[] = {
    ConnectionState::kIdle, ConnectionState::kClientOpen, ConnectionState::kServerOpen,
    ConnectionState::kClosed};

TEST(ConnectionStateMachine, EveryInputIsALegalTransitionOrAProtocolErrorThatCloses) {
  for (ConnectionState state : kConnectionStates) {
    for (int i = 0; i < kConnectionInputCount; ++i) {
      auto input = static_cast<ConnectionInput>(i);
      ConnectionStateMachine m = connection_in(state);
      if (ConnectionStateMachine::allowed(state, input)) {
        EXPECT_NO_THROW(m.process_input(input)) << to_string(state) << " " << to_string(input);
      } else {
        EXPECT_THROW(m.process_input(input), ProtocolError)
            << to_string(state) << " " << to_string(input);
        EXPECT_EQ(m.state(), ConnectionState::kClosed);
      }
    }
  }
}

TEST(ConnectionStateMachine, PriorityIsLegalInIdleAndOpenStates) {
  for (ConnectionState state :
       {ConnectionState::kIdle, ConnectionState::kClientOpen, ConnectionState::kServerOpen}) {
    for (ConnectionInput input : {ConnectionInput::kSendPriority, ConnectionInput::kRecvPriority}) {
      ConnectionStateMachine m = connection_in(state);
      EXPECT_NO_THROW(m.process_input(input));
      EXPECT_EQ(m.state(), state);
    }
  }
}

TEST(ConnectionStateMachine, FirstHeadersFixTheRole) {
  EXPECT_EQ(connection_in(ConnectionState::kIdle).process_input(ConnectionInput::kSendHeaders),
            ConnectionState::kClientOpen);
  EXPECT_EQ(connection_in(ConnectionState::kIdle).process_input(ConnectionInput::kRecvHeaders),
            ConnectionState::kServerOpen);
}

TEST(ConnectionStateMachine, ClientCannotPushOrAdvertiseServerCannotReceivePushes) {
  EXPECT_FALSE(ConnectionStateMachine::allowed(ConnectionState::kClientOpen,
                                               ConnectionInput::kSendPushPromise));
  EXPECT_FALSE(ConnectionStateMachine::allowed(ConnectionState::kClientOpen,
                                               ConnectionInput::kSendAlternativeService));
  EXPECT_FALSE(ConnectionStateMachine::allowed(ConnectionState::kServerOpen,
                                               ConnectionInput::kRecvPushPromise));
}

TEST(ConnectionStateMachine, ClosedAcceptsOnlyGoaway) {
  for (int i = 0; i < kConnectionInputCount; ++i) {
    auto input = static_cast<ConnectionInput>(i);
    const bool goaway =
        input == ConnectionInput::kSendGoaway || input == ConnectionInput::kRecvGoaway;
    EXPECT_EQ(ConnectionStateMachine::allowed(ConnectionState::kClosed, input), goaway)
        << to_string(input);
  }
}

// ---- Stream -------------------------------------------------------------------------------

constexpr StreamState kStreamStates[] = {
    StreamState::kIdle,  StreamState::kReservedRemote,   StreamState::kReservedLocal,
    StreamState::kOpen,  StreamState::kHalfClosedRemote, StreamState::kHalfClosedLocal,
    StreamState::kClosed};

// Every way into a state that the connection uses (client side and server side).
std::vector<std::vector<StreamInput>> paths_to(StreamState state) {
  using I = StreamInput;
  switch (state) {
    case StreamState::kIdle:
      return {{}};
    case StreamState::kReservedRemote:
      return {{I::kRecvPushPromise}};
    case StreamState::kReservedLocal:
      return {{I::kSendPushPromise}};
    case StreamState::kOpen:
      return {{I::kSendHeaders}, {I::kRecvHeaders}};
    case StreamState::kHalfClosedRemote:
      return {{I::kRecvHeaders, I::kRecvEndStream}, {I::kSendPushPromise, I::kSendHeaders}};
    case StreamState::kHalfClosedLocal:
      return {{I::kSendHeaders, I::kSendEndStream}, {I::kRecvPushPromise, I::kRecvHeaders}};
    case StreamState::kClosed:
      return {{I::kSendHeaders, I::kSendRstStream}, {I::kRecvHeaders, I::kRecvRstStream}};
  }
  return {};
}

StreamStateMachine stream_via(const std::vector<StreamInput>& path) {
  StreamStateMachine m(1);
  for (StreamInput input : path) m.process_input(input);
  return m;
}

bool closed_error_expected(StreamState from, StreamInput input) {
  using I = StreamInput;
  if (from == StreamState::kClosed) return true;  // (or a plain ProtocolError, see below)
  if (input == I::kRecvData && from != StreamState::kOpen && from != StreamState::kHalfClosedLocal)
    return true;
  return from == StreamState::kHalfClosedRemote &&
         (input == I::kRecvHeaders || input == I::kRecvPushPromise || input == I::kRecvData ||
          input == I::kRecvContinuation);
}

TEST(StreamStateMachine, StreamClosedErrorsOnlyWhereTheRfcSaysAndErrorsAlwaysClose) {
  for (StreamState state : kStreamStates) {
    for (const auto& path : paths_to(state)) {
      for (int i = 0; i < kStreamInputCount; ++i) {
        auto input = static_cast<StreamInput>(i);
        StreamStateMachine m = stream_via(path);
        ASSERT_EQ(m.state(), state);
        SCOPED_TRACE(std::string(to_string(state)) + " + " + std::string(to_string(input)));
        try {
          m.process_input(input);
        } catch (const StreamClosedError&) {
          EXPECT_TRUE(closed_error_expected(state, input));
          EXPECT_EQ(m.state(), StreamState::kClosed);
        } catch (const ProtocolError&) {
          EXPECT_EQ(m.state(), StreamState::kClosed);
        }
      }
    }
  }
}

TEST(StreamStateMachine, ServerSideStreamRejectsReceivedPushPromise) {
  StreamStateMachine m = stream_via({StreamInput::kRecvHeaders});
  EXPECT_THROW(m.process_input(StreamInput::kRecvPushPromise), ProtocolError);
}

TEST(StreamStateMachine, ClientSideStreamRejectsSendingPushPromise) {
  StreamStateMachine m = stream_via({StreamInput::kSendHeaders});
  EXPECT_THROW(m.process_input(StreamInput::kSendPushPromise), ProtocolError);
}

TEST(StreamStateMachine, SendingOnAClosedStreamIsStreamClosedErrorButPushIsProtocolError) {
  using I = StreamInput;
  for (I input : {I::kSendHeaders, I::kSendRstStream, I::kSendData, I::kSendWindowUpdate,
                  I::kSendEndStream}) {
    StreamStateMachine m = stream_via({I::kSendHeaders, I::kSendRstStream});
    EXPECT_THROW(m.process_input(input), StreamClosedError) << to_string(input);
  }
  StreamStateMachine m = stream_via({I::kSendHeaders, I::kSendRstStream});
  try {
    m.process_input(I::kSendPushPromise);
    FAIL() << "push on a closed stream was accepted";
  } catch (const StreamClosedError&) {
    FAIL() << "expected a plain ProtocolError";
  } catch (const ProtocolError&) {
  }
}

TEST(StreamStateMachine, DataOnAHalfClosedRemoteStreamRequiresAReset) {
  StreamStateMachine m = stream_via({StreamInput::kRecvHeaders, StreamInput::kRecvEndStream});
  try {
    m.process_input(StreamInput::kRecvData);
    FAIL();
  } catch (const StreamClosedError& e) {
    EXPECT_TRUE(e.reset_required());
    EXPECT_EQ(e.error_code(), ErrorCode::kStreamClosed);
  }
  EXPECT_EQ(m.closed_by(), StreamClosedBy::kSendRstStream);
}

TEST(StreamStateMachine, ClosedByRecordsWhoClosedTheStream) {
  using I = StreamInput;
  EXPECT_EQ(stream_via({I::kSendHeaders, I::kSendEndStream, I::kRecvHeaders, I::kRecvEndStream})
                .closed_by(),
            StreamClosedBy::kRecvEndStream);
  EXPECT_EQ(stream_via({I::kRecvHeaders, I::kRecvEndStream, I::kSendHeaders, I::kSendEndStream})
                .closed_by(),
            StreamClosedBy::kSendEndStream);
  EXPECT_EQ(stream_via({I::kSendHeaders, I::kRecvRstStream}).closed_by(),
            StreamClosedBy::kRecvRstStream);
  EXPECT_EQ(stream_via({I::kSendHeaders, I::kSendRstStream}).closed_by(),
            StreamClosedBy::kSendRstStream);
}

TEST(StreamStateMachine, OutcomesNameTheEventToBuild) {
  using I = StreamInput;
  StreamStateMachine client(1);
  EXPECT_EQ(client.process_input(I::kSendHeaders), StreamOutcome::kRequestSent);
  EXPECT_EQ(client.process_input(I::kRecvInformationalHeaders),
            StreamOutcome::kInformationalReceived);
  EXPECT_EQ(client.process_input(I::kRecvHeaders), StreamOutcome::kResponseReceived);
  EXPECT_EQ(client.process_input(I::kRecvData), StreamOutcome::kDataReceived);
  EXPECT_EQ(client.process_input(I::kRecvHeaders), StreamOutcome::kTrailersReceived);
  EXPECT_EQ(client.process_input(I::kRecvEndStream), StreamOutcome::kStreamEnded);
  EXPECT_THROW(client.process_input(I::kRecvInformationalHeaders), ProtocolError);

  StreamStateMachine server(1);
  EXPECT_EQ(server.process_input(I::kRecvHeaders), StreamOutcome::kRequestReceived);
  EXPECT_EQ(server.process_input(I::kSendInformationalHeaders), StreamOutcome::kInformationalSent);
  EXPECT_EQ(server.process_input(I::kSendHeaders), StreamOutcome::kResponseSent);
  EXPECT_EQ(server.process_input(I::kSendHeaders), StreamOutcome::kTrailersSent);
  EXPECT_THROW(server.process_input(I::kSendInformationalHeaders), ProtocolError);
}

TEST(StreamStateMachine, UpgradeOpensStreamOneHalfClosed) {
  StreamStateMachine client(1), server(1);
  client.process_input(StreamInput::kUpgradeClient);
  server.process_input(StreamInput::kUpgradeServer);
  EXPECT_EQ(client.state(), StreamState::kHalfClosedLocal);
  EXPECT_EQ(server.state(), StreamState::kHalfClosedRemote);
  EXPECT_TRUE(client.counts_as_open());
}

TEST(StreamStateMachine, ReservedStreamsDoNotCountAsOpen) {
  EXPECT_FALSE(stream_via({StreamInput::kSendPushPromise}).counts_as_open());
  EXPECT_FALSE(stream_via({StreamInput::kRecvPushPromise}).counts_as_open());
  EXPECT_TRUE(
      stream_via({StreamInput::kSendPushPromise, StreamInput::kSendHeaders}).counts_as_open());
}

}  // namespace
}  // namespace h2
