// H2Connection basics (BEHAVIOUR.md §3, test_basic_logic.py): handshake, requests, responses,
// data, pings, settings, resets and GOAWAY, on both roles.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

TEST(ConnectionClient, InitiateConnectionQueuesPrefaceAndEveryLocalSetting) {
  H2Connection client;
  client.initiate_connection();
  std::string sent = drain(client);
  ASSERT_EQ(sent.substr(0, 24), std::string(frame::kClientPreface));
  SentParser parser;
  auto frames = parser.parse(sent.substr(24));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.type, static_cast<uint8_t>(frame::FrameType::kSettings));
  // HEADER_TABLE_SIZE, ENABLE_PUSH, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE,
  // ENABLE_CONNECT_PROTOCOL, MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE.
  EXPECT_EQ(frames[0].header.length, 7u * 6);
}

TEST(ConnectionServer, InitiateConnectionQueuesOnlySettings) {
  H2Connection server(server_config());
  server.initiate_connection();
  std::string sent = drain(server);
  SentParser parser;
  auto frames = parser.parse(sent);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.type, static_cast<uint8_t>(frame::FrameType::kSettings));
}

TEST(ConnectionClient, SendHeadersQueuesOneHeadersFrameWithTheBlock) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto headers = to_headers(kRequest);
  client.send_headers(1, headers);
  SentParser parser;
  auto frames = parser.parse(drain(client));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.type, static_cast<uint8_t>(frame::FrameType::kHeaders));
  EXPECT_EQ(frames[0].header.flags, frame::flags::kEndHeaders);
  EXPECT_EQ(frames[0].headers, kRequest);
  EXPECT_EQ(client.stream_state(1), StreamState::kOpen);
}

TEST(ConnectionServer, PrefaceAloneGivesNoEventsAndQueuesNothing) {
  H2Connection server(server_config());
  FrameFactory f;
  auto events = receive(server, f.preamble());
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionServer, PrefaceDrippedByteByByteIsAccepted) {
  for (size_t chunk = 1; chunk <= 23; ++chunk) {
    H2Connection server(server_config());
    FrameFactory f;
    std::string pre = f.preamble();
    for (size_t at = 0; at < pre.size(); at += chunk)
      EXPECT_TRUE(receive(server, pre.substr(at, chunk)).empty());
  }
}

TEST(ConnectionServer, ReceivesARequest) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.headers(1, kRequest));
  ASSERT_EQ(events.size(), 1u);
  auto& e = event_at<RequestReceived>(events, 0);
  EXPECT_EQ(e.stream_id, 1u);
  EXPECT_EQ(to_pairs(e.headers), kRequest);
  EXPECT_FALSE(e.stream_ended);
}

TEST(ConnectionServer, RequestWithEndStreamGivesRequestThenStreamEnded) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.headers(1, kRequest, true));
  ASSERT_EQ(events.size(), 2u);
  auto& e = event_at<RequestReceived>(events, 0);
  ASSERT_TRUE(e.stream_ended);
  EXPECT_EQ(e.stream_ended->stream_id, 1u);
  EXPECT_EQ(event_at<StreamEnded>(events, 1).stream_id, 1u);
}

TEST(ConnectionServer, DataReceivedCountsPaddingForFlowControl) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  const std::string frame = f.data(1, "hello", false, uint8_t{20});  // DATA views point here
  auto events = receive(server, frame);
  ASSERT_EQ(events.size(), 1u);
  auto& d = event_at<DataReceived>(events, 0);
  EXPECT_EQ(as_string_view(d.data), "hello");
  EXPECT_EQ(d.flow_controlled_length, 5u + 21u);
}

TEST(ConnectionServer, PingIsAnsweredWithAnAck) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  std::array<uint8_t, 8> data = {'1', '2', '3', '4', '5', '6', '7', '8'};
  auto events = receive(server, f.ping(data));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<PingReceived>(events, 0).ping_data, data);
  EXPECT_EQ(drain(server), f.ping(data, true));
}

TEST(ConnectionServer, RemoteSettingsAreAppliedAndAcknowledged) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.settings({{frame::setting_id::kHeaderTableSize, 4096},
                                            {frame::setting_id::kInitialWindowSize, 65535},
                                            {frame::setting_id::kMaxConcurrentStreams, 1000}}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<RemoteSettingsChanged>(events, 0).changed_settings.size(), 3u);
  EXPECT_EQ(drain(server), f.settings_ack());
  EXPECT_EQ(server.remote_settings().max_concurrent_streams(), 1000u);
}

TEST(ConnectionServer, PeerHeaderTableSizeResizesOurEncoderAtOnce) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.settings({{frame::setting_id::kHeaderTableSize, 80}}));
  EXPECT_EQ(server.encoder().table_capacity(), 80u);
}

TEST(ConnectionServer, OurHeaderTableSizeAckedOnlyChangesTheDecodersAllowedMaximum) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.update_settings({{frame::setting_id::kHeaderTableSize, 80}});
  receive(server, f.settings_ack());
  EXPECT_EQ(server.decoder().table_capacity(), 4096u);
  EXPECT_EQ(server.decoder().max_allowed_table_size(), 80u);
}

TEST(ConnectionClient, FullExchangeWithAServer) {
  H2Connection client;
  H2Connection server(server_config());
  client.initiate_connection();
  server.initiate_connection();
  std::string wire;  // DATA events point into the bytes they came from: keep them alive
  auto pump = [&wire](H2Connection& from, H2Connection& to) {
    wire = drain(from);
    return receive(to, wire);
  };
  pump(client, server);
  pump(server, client);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  auto events = pump(client, server);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 1).headers), kRequest);  // after ACK
  auto resp = to_headers(kResponse);
  server.send_headers(1, resp);
  server.send_data(1, as_bytes("body"), true);
  events = pump(server, client);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), kResponse);
  EXPECT_EQ(as_string_view(event_at<DataReceived>(events, 1).data), "body");
  EXPECT_EQ(event_at<StreamEnded>(events, 2).stream_id, 1u);
  EXPECT_EQ(client.live_streams(), 0u);
  EXPECT_EQ(server.live_streams(), 0u);
  EXPECT_EQ(client.open_outbound_streams(), 0u);
}

TEST(ConnectionServer, GoawayReceivedTerminatesAndEmptiesTheOutboundBuffer) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.ping(as_bytes("abcdefgh"));
  // Kept: the event's debug data views the received bytes.
  const std::string goaway = f.goaway(0, ErrorCode::kNoError, "bye");
  auto events = receive(server, goaway);
  ASSERT_EQ(events.size(), 1u);
  auto& t = event_at<ConnectionTerminated>(events, 0);
  EXPECT_EQ(t.error_code, ErrorCode::kNoError);
  ASSERT_TRUE(t.additional_data);
  EXPECT_EQ(as_string_view(*t.additional_data), "bye");
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionServer, FrameOnStreamZeroThatNeedsAStreamIsAConnectionError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  std::string bad = f.data(1, "x");
  bad[8] = 0;  // stream 0
  EXPECT_THROW(receive(server, bad), ProtocolError);
  SentParser parser;
  auto frames = parser.parse(drain(server));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.type, static_cast<uint8_t>(frame::FrameType::kGoaway));
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
}

TEST(ConnectionServer, OversizedDataIsAFrameSizeErrorGoaway) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  EXPECT_THROW(receive(server, f.data(1, std::string(17000, 'x'))), FrameTooLargeError);
  std::string sent = drain(server);
  FrameFactory expect;
  EXPECT_EQ(sent, expect.goaway(1, ErrorCode::kFrameSizeError));
}

TEST(ConnectionServer, TrailersWithoutEndStreamAreAProtocolError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  EXPECT_THROW(receive(server, f.headers(1, {{"x-trailer", "1"}})), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
}

TEST(ConnectionServer, TrailersWithEndStream) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  auto events = receive(server, f.headers(1, {{"x-trailer", "1"}}, true));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<TrailersReceived>(events, 0).headers),
            (HeaderPairs{{"x-trailer", "1"}}));
  EXPECT_TRUE(std::holds_alternative<StreamEnded>(events[1]));
}

TEST(ConnectionServer, UnknownFrameTypesGiveOneEventAndQueueNothing) {
  for (int type = 12; type <= 255; ++type) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    ByteBuffer b;
    frame::write_unknown(b, static_cast<uint8_t>(type), 0, 0, as_bytes("payload"));
    // ORIGIN (0xc) and PRIORITY_UPDATE (0x10) included: unsupported extensions are unknown.
    auto events = server.receive_data(b.view());
    ASSERT_EQ(events.size(), 1u) << type;
    EXPECT_EQ(event_at<UnknownFrameReceived>(events, 0).frame.type, type);
    EXPECT_EQ(server.outbound_buffer_size(), 0u);
  }
}

TEST(ConnectionServer, TooManyStreamsAfterOurLimitIsAcked) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.update_settings({{frame::setting_id::kMaxConcurrentStreams, 1}});
  receive(server, f.settings_ack());
  drain(server);
  receive(server, f.headers(1, kRequest));
  EXPECT_THROW(receive(server, f.headers(3, kRequest)), TooManyStreamsError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
}

TEST(ConnectionServer, DataAfterEndStreamIsAStreamErrorThatCreditsTheConnectionWindow) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  auto events = receive(server, f.data(1, std::string(100, 'x')));
  ASSERT_EQ(events.size(), 1u);
  auto& r = event_at<StreamReset>(events, 0);
  EXPECT_FALSE(r.remote_reset);
  EXPECT_EQ(r.error_code, ErrorCode::kStreamClosed);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kStreamClosed));
}

TEST(ConnectionServer, InterleavedFrameDuringHeaderBlockIsAProtocolError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  std::string blk = f.block(kRequest);
  ByteBuffer b;
  frame::write_unknown(b, 0x1, 0, 1, as_bytes(blk));  // HEADERS without END_HEADERS
  frame::write_ping(b, {}, false);
  EXPECT_THROW(server.receive_data(b.view()), ProtocolError);
}

TEST(ConnectionServer, HeaderBlockSplitIntoContinuationsIsAssembled) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  HeaderPairs big = kRequest;
  big.push_back({"x-big", std::string(300, 'v')});
  std::string bytes = f.headers(1, big, true, 48);
  // Fed one byte at a time to cross every frame boundary.
  std::vector<Event> all;
  for (char ch : bytes) {
    auto events = receive(server, std::string(1, ch));
    for (auto& e : events) {
      if (auto* r = std::get_if<RequestReceived>(&e)) {
        EXPECT_EQ(to_pairs(r->headers), big);
      }
      all.push_back(e);
    }
  }
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<RequestReceived>(all[0]));
}

TEST(ConnectionClient, AcknowledgingDataSendsWindowUpdates) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  drain(client);
  receive(client, f.headers(1, kResponse));
  auto events =
      receive(client, f.data(1, std::string(16384, 'x')) + f.data(1, std::string(16384, 'x')));
  ASSERT_EQ(events.size(), 2u);
  client.acknowledge_received_data(16384, 1);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);  // below half the window: no update yet
  client.acknowledge_received_data(16384, 1);
  SentParser parser;
  auto frames = parser.parse(drain(client));
  ASSERT_EQ(frames.size(), 2u);  // connection first, then the stream
  EXPECT_EQ(frames[0].header.stream_id, 0u);
  EXPECT_EQ(frames[1].header.stream_id, 1u);
}

TEST(ConnectionClient, SendDataBeyondTheWindowIsAFlowControlError) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  std::string chunk(16384, 'x');
  for (int i = 0; i < 3; ++i) client.send_data(1, as_bytes(chunk));
  client.send_data(1, as_bytes(std::string(16383, 'x')));
  EXPECT_EQ(client.local_flow_control_window(1), 0);
  EXPECT_THROW(client.send_data(1, as_bytes("x")), FlowControlError);
  EXPECT_NO_THROW(client.send_data(1, {}));  // empty frames are always allowed
}

TEST(ConnectionClient, ValidationFailureLeavesTheEncoderAndStreamUntouched) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  HeaderPairs bad = kRequest;
  bad.push_back({"connection", "close"});
  H2Configuration& cfg = client.config();
  cfg.normalize_outbound_headers = false;
  auto headers = to_headers(bad);
  const size_t table_before = client.encoder().table_entries();
  EXPECT_THROW(client.send_headers(1, headers), ProtocolError);
  EXPECT_EQ(client.encoder().table_entries(), table_before);
  EXPECT_FALSE(client.stream_state(1));
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_EQ(client.get_next_available_stream_id(), 1u);
}

TEST(ConnectionClient, NextStreamIdAdvancesOnlyWhenUsed) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  EXPECT_EQ(client.get_next_available_stream_id(), 1u);
  EXPECT_EQ(client.get_next_available_stream_id(), 1u);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  EXPECT_EQ(client.get_next_available_stream_id(), 3u);
}

TEST(ConnectionLogger, TraceSeesEveryFrameAndDebugSeesTheTermination) {
  std::vector<std::string> trace, debug;
  H2Configuration config = server_config();
  config.logger.trace = [&trace](std::string_view line) { trace.emplace_back(line); };
  config.logger.debug = [&debug](std::string_view line) { debug.emplace_back(line); };
  H2Connection server(config);
  FrameFactory f;
  server.initiate_connection();
  receive(server, f.preamble() + f.settings() + f.ping({}));
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_NE(trace[0].find("SETTINGS"), std::string::npos);
  EXPECT_NE(trace[1].find("PING"), std::string::npos);
  EXPECT_TRUE(debug.empty());
  EXPECT_THROW(receive(server, f.data(1, "x")), ProtocolError);  // DATA on an idle stream
  ASSERT_EQ(debug.size(), 1u);
  EXPECT_NE(debug[0].find("PROTOCOL_ERROR"), std::string::npos);
}

TEST(ConnectionLogger, NoLoggerMeansNoWork) {
  H2Connection server(server_config());  // empty sinks: nothing is formatted
  FrameFactory f;
  open_server(server, f);
  EXPECT_TRUE(receive(server, f.settings()).size() == 1);
}

}  // namespace
}  // namespace h2
