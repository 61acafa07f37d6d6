// Flow control (BEHAVIOUR.md §2.7, §2.8, §3 test_flow_control_window.py).
#include <gtest/gtest.h>

#include <random>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

constexpr uint32_t kMaxWindow = 0x7fffffff;

// A client with stream 1 open (request sent without END_STREAM).
void client_with_stream_1(H2Connection& client, FrameFactory& f) {
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  drain(client);
}

// A server that raised its MAX_FRAME_SIZE to 65535 (acked) and received request 1.
void server_with_big_frames(H2Connection& server, FrameFactory& f) {
  open_server(server, f);
  server.update_settings({{frame::setting_id::kMaxFrameSize, 65535}});
  receive(server, f.settings_ack());
  receive(server, f.headers(1, kRequest));
  drain(server);
}

// ---- Basic accounting ----

TEST(ConnectionFlowControl, NewStreamWindowsAreTheDefaultEvenBeforeInitiating) {
  H2Connection client;
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  EXPECT_EQ(client.local_flow_control_window(1), 65535);
  EXPECT_EQ(client.remote_flow_control_window(1), 65535);
}

TEST(ConnectionFlowControl, SendingDataReducesTheSendWindow) {
  struct Case {
    std::optional<int> pad;
    int64_t used;
  };
  for (Case c : {Case{std::nullopt, 9}, Case{5, 15}, Case{0, 10}}) {
    H2Connection client;
    FrameFactory f;
    client_with_stream_1(client, f);
    client.send_data(1, as_bytes("some data"), false, c.pad);
    EXPECT_EQ(client.local_flow_control_window(1), 65535 - c.used);
    EXPECT_EQ(client.outbound_flow_control_window(), 65535 - c.used);
  }
}

TEST(ConnectionFlowControl, ReceivingDataReducesTheReceiveWindow) {
  struct Case {
    std::optional<uint8_t> pad;
    int64_t used;
  };
  for (Case c : {Case{std::nullopt, 9}, Case{5, 15}, Case{0, 10}}) {
    H2Connection client;
    FrameFactory f;
    client_with_stream_1(client, f);
    receive(client, f.headers(1, kResponse));
    const std::string frame = f.data(1, "some data", false, c.pad);
    receive(client, frame);
    EXPECT_EQ(client.remote_flow_control_window(1), 65535 - c.used);
    EXPECT_EQ(client.inbound_flow_control_window(), 65535 - c.used);
  }
}

TEST(ConnectionFlowControl, EmptyEndStreamDataIsAllowedWithNegativeWindows) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  client.send_data(1, as_bytes("0123456789"));
  receive(client, f.settings({{frame::setting_id::kInitialWindowSize, 0}}));
  client.set_outbound_flow_control_window(-10);
  drain(client);
  EXPECT_EQ(client.local_flow_control_window(1), -10);
  EXPECT_NO_THROW(client.send_data(1, {}, true));
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.data(1, "", true));
}

TEST(ConnectionFlowControl, FreshStreamWindowIsCappedByTheConnectionWindow) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  client.send_data(1, as_bytes(std::string(16384, 'x')));
  receive(client, f.headers(1, kResponse));
  const std::string data = f.data(1, std::string(16000, 'y'));
  receive(client, data);
  auto req = to_headers(kRequest);
  client.send_headers(3, req);
  EXPECT_EQ(client.local_flow_control_window(3), 65535 - 16384);
  EXPECT_EQ(client.remote_flow_control_window(3), 65535 - 16000);
}

TEST(ConnectionFlowControl, SendingBeyondTheWindowIsRefusedUntilAWindowUpdate) {
  for (uint32_t update_stream : {0u, 1u}) {
    H2Connection client;
    FrameFactory f;
    client_with_stream_1(client, f);
    // Shrink the stream window so that either window can be the one that unblocks.
    receive(client, f.settings({{frame::setting_id::kInitialWindowSize, 100}}));
    if (update_stream == 0) {
      receive(client, f.window_update(1, 65535));  // stream big, connection the limit
      client.send_data(1, as_bytes(std::string(16384, 'x')));
      client.send_data(1, as_bytes(std::string(16384, 'x')));
      client.send_data(1, as_bytes(std::string(16384, 'x')));
      client.send_data(1, as_bytes(std::string(16383, 'x')));
    } else {
      client.send_data(1, as_bytes(std::string(100, 'x')));
    }
    drain(client);
    EXPECT_EQ(client.local_flow_control_window(1), 0);
    EXPECT_THROW(client.send_data(1, as_bytes("x")), FlowControlError);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
    receive(client, f.window_update(update_stream, 10));
    EXPECT_EQ(client.local_flow_control_window(1), 10);
    EXPECT_NO_THROW(client.send_data(1, as_bytes("0123456789")));
  }
}

TEST(ConnectionFlowControl, PeerInitialWindowSizeMovesExistingAndNewStreams) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  receive(client, f.settings({{frame::setting_id::kInitialWindowSize, 1280}}));
  EXPECT_EQ(client.local_flow_control_window(1), 1280);
  receive(client, f.settings({{frame::setting_id::kInitialWindowSize, 128000}}));
  EXPECT_EQ(client.local_flow_control_window(1), 65535);  // the connection window limits
  auto req = to_headers(kRequest);
  client.send_headers(3, req);
  EXPECT_EQ(client.local_flow_control_window(3), 65535);
  receive(client, f.window_update(0, 128000 - 65535));
  EXPECT_EQ(client.local_flow_control_window(1), 128000);
  EXPECT_EQ(client.local_flow_control_window(3), 128000);  // opened after the change
}

TEST(ConnectionFlowControl, WindowUpdateGivesWindowUpdatedForConnectionAndStream) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  auto events = receive(client, f.window_update(0, 1000));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<WindowUpdated>(events, 0).stream_id, 0u);
  EXPECT_EQ(event_at<WindowUpdated>(events, 0).delta, 1000u);
  events = receive(client, f.window_update(1, 2000));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<WindowUpdated>(events, 0).stream_id, 1u);
  EXPECT_EQ(event_at<WindowUpdated>(events, 0).delta, 2000u);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionFlowControl, IncrementFlowControlWindowQueuesWindowUpdate) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  client.increment_flow_control_window(5, 1);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.window_update(1, 5));
  client.increment_flow_control_window(5);
  EXPECT_EQ(drain(client), expect.window_update(0, 5));
}

TEST(ConnectionFlowControl, PeerOverrunningOurAckedInitialWindowIsAFlowControlError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.update_settings({{frame::setting_id::kInitialWindowSize, 80}});
  receive(server, f.settings_ack() + f.headers(1, kRequest));
  drain(server);
  EXPECT_THROW(receive(server, f.data(1, std::string(100, 'x'))), FlowControlError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kFlowControlError));
}

TEST(ConnectionFlowControl, OurInitialWindowSizeChangesStreamsOnlyOnceAcked) {
  for (uint32_t size : {1280u, 128000u}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    receive(server, f.headers(1, kRequest));
    server.increment_flow_control_window(200000);  // keep the connection out of the way
    server.update_settings({{frame::setting_id::kInitialWindowSize, size}});
    EXPECT_EQ(server.remote_flow_control_window(1), 65535);
    receive(server, f.headers(3, kRequest));
    EXPECT_EQ(server.remote_flow_control_window(3), 65535);
    receive(server, f.settings_ack());
    EXPECT_EQ(server.remote_flow_control_window(1), size);
    EXPECT_EQ(server.remote_flow_control_window(3), size);
    receive(server, f.headers(5, kRequest));
    EXPECT_EQ(server.remote_flow_control_window(5), size);
  }
}

TEST(ConnectionFlowControl, IncrementOutsideOneTo2Pow31Minus1IsInvalid) {
  for (int64_t bad : {int64_t{0}, int64_t{-15}, int64_t{1} << 31}) {
    H2Connection client;
    FrameFactory f;
    client_with_stream_1(client, f);
    const auto increment = static_cast<uint32_t>(bad);
    EXPECT_THROW(client.increment_flow_control_window(increment, 1), std::invalid_argument);
    EXPECT_THROW(client.increment_flow_control_window(increment), std::invalid_argument);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
  }
}

// h2: a zero increment is a connection PROTOCOL_ERROR on any stream. Ours (RFC 9113 §6.9,
// docs/behaviour-differences.md): connection error on stream 0, stream error on a stream.
TEST(ConnectionFlowControl, ZeroWindowIncrementFromThePeer) {
  {
    H2Connection client;
    FrameFactory f;
    client_with_stream_1(client, f);
    EXPECT_THROW(receive(client, f.window_update(0, 0)), ProtocolError);
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
  }
  {
    H2Connection client;
    FrameFactory f;
    client_with_stream_1(client, f);
    auto events = receive(client, f.window_update(1, 0));
    ASSERT_EQ(events.size(), 1u);
    auto& r = event_at<StreamReset>(events, 0);
    EXPECT_EQ(r.error_code, ErrorCode::kProtocolError);
    EXPECT_FALSE(r.remote_reset);
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.rst_stream(1, ErrorCode::kProtocolError));
    EXPECT_NE(client.state(), ConnectionState::kClosed);
  }
}

TEST(ConnectionFlowControl, PeerOverflowingTheConnectionWindowIsAConnectionError) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  EXPECT_THROW(receive(client, f.window_update(0, kMaxWindow - 65535 + 1)), FlowControlError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kFlowControlError));
}

TEST(ConnectionFlowControl, PeerOverflowingAStreamWindowResetsTheStream) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  auto events = receive(client, f.window_update(1, kMaxWindow - 65535 + 1));
  ASSERT_EQ(events.size(), 1u);
  auto& r = event_at<StreamReset>(events, 0);
  EXPECT_EQ(r.stream_id, 1u);
  EXPECT_EQ(r.error_code, ErrorCode::kFlowControlError);
  EXPECT_FALSE(r.remote_reset);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.rst_stream(1, ErrorCode::kFlowControlError));
}

TEST(ConnectionFlowControl, PeerInitialWindowIncreaseDoesNotTouchAFullConnectionWindow) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  receive(client, f.window_update(0, kMaxWindow - 65535 - 1));
  EXPECT_EQ(client.outbound_flow_control_window(), int64_t{kMaxWindow} - 1);
  auto events = receive(client, f.settings({{frame::setting_id::kInitialWindowSize, 70000}}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<RemoteSettingsChanged>(events[0]));
  EXPECT_EQ(drain(client), f.settings_ack());
  EXPECT_EQ(client.outbound_flow_control_window(), int64_t{kMaxWindow} - 1);
}

TEST(ConnectionFlowControl, PeerInitialWindowIncreaseOverflowingAStreamIsAConnectionError) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  receive(client, f.window_update(1, kMaxWindow - 65535));
  EXPECT_THROW(receive(client, f.settings({{frame::setting_id::kInitialWindowSize, 65536}})),
               FlowControlError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kFlowControlError));
}

TEST(ConnectionFlowControl, LocalIncrementOverflowingIsAFlowControlError) {
  H2Connection client;
  FrameFactory f;
  client_with_stream_1(client, f);
  EXPECT_THROW(client.increment_flow_control_window(kMaxWindow), FlowControlError);
  EXPECT_THROW(client.increment_flow_control_window(kMaxWindow, 1), FlowControlError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_EQ(client.inbound_flow_control_window(), 65535);
  EXPECT_EQ(client.remote_flow_control_window(1), 65535);
}

TEST(ConnectionFlowControl, DataOnAResetStreamStillCreditsTheConnectionWindow) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  server.reset_stream(1);
  EXPECT_EQ(server.open_inbound_streams(), 0u);
  drain(server);
  FrameFactory expect;
  const std::string rst = expect.rst_stream(1, ErrorCode::kStreamClosed);
  const std::string chunk(13500, 'x');
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(receive(server, f.data(1, chunk)).empty());
    EXPECT_EQ(drain(server), rst);
  }
  EXPECT_TRUE(receive(server, f.data(1, chunk)).empty());
  EXPECT_EQ(drain(server), expect.window_update(0, 40500) + rst);
  EXPECT_TRUE(receive(server, f.data(1, "")).empty());
  EXPECT_EQ(drain(server), rst);
}

// Ours (docs/behaviour-differences.md): a DATA frame split across reads is reported piece by
// piece; flow control counts the whole frame once, and the pieces' flow-controlled lengths add
// up to it.
TEST(ConnectionFlowControl, DataSplitAcrossReadsIsCountedOnce) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  HeaderPairs req = kRequest;
  req.emplace_back("content-length", "100");
  receive(server, f.headers(1, req));
  const std::string frame = f.data(1, std::string(100, 'x'), true, uint8_t{10});
  uint32_t counted = 0;
  std::string payload;
  size_t ended = 0;
  for (size_t at = 0; at < frame.size(); at += 7) {
    const std::string piece = frame.substr(at, 7);
    auto events = receive(server, piece);
    for (const Event& e : events) {
      if (auto* d = std::get_if<DataReceived>(&e)) {
        counted += d->flow_controlled_length;
        payload += as_string_view(d->data);
      }
      if (std::holds_alternative<StreamEnded>(e)) ++ended;
    }
  }
  EXPECT_EQ(payload, std::string(100, 'x'));
  EXPECT_EQ(counted, 100u + 10 + 1);
  EXPECT_EQ(ended, 1u);
  EXPECT_EQ(server.inbound_flow_control_window(), 65535 - 111);
  server.acknowledge_received_data(counted, 1);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);  // below the update threshold
}

TEST(ConnectionFlowControl, SplitDataOverrunningContentLengthIsCaughtOnALaterPiece) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  HeaderPairs req = kRequest;
  req.emplace_back("content-length", "10");
  receive(server, f.headers(1, req));
  const std::string frame = f.data(1, std::string(20, 'x'));
  receive(server, frame.substr(0, 15));
  EXPECT_THROW(receive(server, frame.substr(15)), InvalidBodyLengthError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
}

// ---- Automatic window management ----

TEST(ConnectionFlowControl, AcknowledgeWithInvalidArgumentsIsRejected) {
  H2Connection server(server_config());
  FrameFactory f;
  server_with_big_frames(server, f);
  EXPECT_THROW(server.acknowledge_received_data(10, 0), std::invalid_argument);
  for (int64_t size : {int64_t{-1}, int64_t{-1000}, -(int64_t{1} << 40)})
    EXPECT_THROW(server.acknowledge_received_data(size, 1), std::invalid_argument);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionFlowControl, AcknowledgingLittleOrNothingQueuesNothing) {
  for (int64_t size : {9, 0}) {
    H2Connection server(server_config());
    FrameFactory f;
    server_with_big_frames(server, f);
    const std::string data = f.data(1, "some data");
    receive(server, data);
    server.acknowledge_received_data(size, 1);
    EXPECT_EQ(server.outbound_buffer_size(), 0u);
  }
}

TEST(ConnectionFlowControl, AcknowledgingOnAResetStreamOnlyCreditsTheConnection) {
  for (bool count_first : {false, true}) {
    H2Connection server(server_config());
    FrameFactory f;
    server_with_big_frames(server, f);
    const std::string data = f.data(1, std::string(65535, 'x'));
    receive(server, data);
    receive(server, f.rst_stream(1, ErrorCode::kCancel));
    if (count_first) {
      EXPECT_EQ(server.open_inbound_streams(), 0u);
    }
    server.acknowledge_received_data(2048, 1);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.window_update(0, 2048));
  }
}

TEST(ConnectionFlowControl, AcknowledgingOnANeverSeenStreamIsNoSuchStream) {
  H2Connection server(server_config());
  FrameFactory f;
  server_with_big_frames(server, f);
  EXPECT_THROW(server.acknowledge_received_data(2048, 101), NoSuchStreamError);
  try {
    server.acknowledge_received_data(2048, 101);
  } catch (const StreamClosedError&) {
    ADD_FAILURE() << "a never-seen higher id is not a closed stream";
  } catch (const NoSuchStreamError& e) {
    EXPECT_EQ(e.stream_id, 101u);
  }
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionFlowControl, AcknowledgingWithBothWindowsEmptyUpdatesBoth) {
  std::mt19937 rng(7);
  std::vector<uint32_t> sizes = {1025, 65535};
  for (int i = 0; i < 6; ++i) sizes.push_back(1025 + rng() % (65535 - 1025));
  for (uint32_t n : sizes) {
    H2Connection server(server_config());
    FrameFactory f;
    server_with_big_frames(server, f);
    const std::string data = f.data(1, std::string(65535, 'x'));
    receive(server, data);
    server.acknowledge_received_data(n, 1);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.window_update(0, n) + expect.window_update(1, n)) << n;
  }
}

TEST(ConnectionFlowControl, AcknowledgingWithOnlyTheConnectionWindowEmptyUpdatesIt) {
  std::mt19937 rng(8);
  std::vector<uint32_t> sizes = {1025, 16382};
  for (int i = 0; i < 6; ++i) sizes.push_back(1025 + rng() % (16382 - 1025));
  for (uint32_t n : sizes) {
    H2Connection server(server_config());
    FrameFactory f;
    server_with_big_frames(server, f);
    std::string bytes;
    for (uint32_t id : {3u, 5u, 7u}) bytes += f.headers(id, kRequest);
    receive(server, bytes);
    std::vector<std::string> data = {
        f.data(1, std::string(16384, 'x')), f.data(3, std::string(16384, 'x')),
        f.data(5, std::string(16384, 'x')), f.data(7, std::string(16383, 'x'))};
    for (const std::string& d : data) receive(server, d);
    EXPECT_EQ(server.inbound_flow_control_window(), 0);
    drain(server);
    server.acknowledge_received_data(n, 1);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.window_update(0, n)) << n;
  }
}

TEST(ConnectionFlowControl, AcknowledgingWithOnlyTheStreamWindowEmptyUpdatesIt) {
  std::mt19937 rng(9);
  std::vector<uint32_t> sizes = {1025, 32766};
  for (int i = 0; i < 6; ++i) sizes.push_back(1025 + rng() % (32766 - 1025));
  for (uint32_t n : sizes) {
    H2Connection server(server_config());
    FrameFactory f;
    server_with_big_frames(server, f);
    const std::string data = f.data(1, std::string(65535, 'x'));
    receive(server, data);
    server.increment_flow_control_window(65535);
    drain(server);
    server.acknowledge_received_data(n, 1);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.window_update(1, n)) << n;
  }
}

}  // namespace
}  // namespace h2
