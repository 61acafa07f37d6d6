// Limits h2 lacks (issue 3 point 6; BEHAVIOUR.md §2.17): each ends the connection with
// GOAWAY(ENHANCE_YOUR_CALM) and a DenialOfServiceError, and stays quiet below its threshold.
// Also the graceful-shutdown drain mode (RFC 9113 §6.8).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

H2Configuration server_config(Limits limits = {}) {
  H2Configuration c;
  c.client_side = false;
  c.limits = std::move(limits);
  return c;
}

// The last frame queued must be GOAWAY(ENHANCE_YOUR_CALM).
void expect_calm_goaway(H2Connection& conn) {
  SentParser parser;
  auto frames = parser.parse(drain(conn));
  ASSERT_FALSE(frames.empty());
  const SentFrame& last = frames.back();
  ASSERT_EQ(last.header.type, static_cast<uint8_t>(frame::FrameType::kGoaway));
  const auto code = (uint32_t{static_cast<uint8_t>(last.payload[4])} << 24) |
                    (uint32_t{static_cast<uint8_t>(last.payload[5])} << 16) |
                    (uint32_t{static_cast<uint8_t>(last.payload[6])} << 8) |
                    static_cast<uint8_t>(last.payload[7]);
  EXPECT_EQ(code, static_cast<uint32_t>(ErrorCode::kEnhanceYourCalm));
  EXPECT_EQ(conn.state(), ConnectionState::kClosed);
}

TEST(ConnectionLimits, RapidResetBucketTripsAfterItsBurst) {
  uint64_t now = 1000;
  Limits limits;
  limits.rapid_reset_burst = 10;
  limits.rapid_reset_per_second = 1;
  limits.now_ms = [&now] { return now; };
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  std::string bytes;
  for (uint32_t i = 0; i < 10; ++i)
    bytes += f.headers(1 + 2 * i, kRequest) + f.rst_stream(1 + 2 * i, ErrorCode::kCancel);
  EXPECT_NO_THROW(receive(server, bytes));
  drain(server);
  EXPECT_THROW(receive(server, f.headers(21, kRequest) + f.rst_stream(21, ErrorCode::kCancel)),
               DenialOfServiceError);
  expect_calm_goaway(server);
}

TEST(ConnectionLimits, RapidResetBucketRefillsOverTime) {
  uint64_t now = 0;
  Limits limits;
  limits.rapid_reset_burst = 2;
  limits.rapid_reset_per_second = 1;
  limits.now_ms = [&now] { return now; };
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  for (uint32_t i = 0; i < 20; ++i) {
    now += 1000;  // one token per second: never runs dry
    const uint32_t id = 1 + 2 * i;
    EXPECT_NO_THROW(
        receive(server, f.headers(id, kRequest) + f.rst_stream(id, ErrorCode::kCancel)));
  }
}

TEST(ConnectionLimits, ResetsAfterOurResponseDoNotCount) {
  uint64_t now = 0;
  Limits limits;
  limits.rapid_reset_burst = 1;
  limits.rapid_reset_per_second = 1;
  limits.now_ms = [&now] { return now; };
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  auto response = to_headers(kResponse);
  for (uint32_t i = 0; i < 10; ++i) {
    const uint32_t id = 1 + 2 * i;
    receive(server, f.headers(id, kRequest));
    server.send_headers(id, response);
    EXPECT_NO_THROW(receive(server, f.rst_stream(id, ErrorCode::kCancel)));
  }
}

TEST(ConnectionLimits, PingFloodWithoutDrainingTrips) {
  Limits limits;
  limits.max_queued_ping_acks = 5;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  std::string pings;
  for (int i = 0; i < 5; ++i) pings += f.ping({1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_NO_THROW(receive(server, pings));
  EXPECT_THROW(receive(server, f.ping({1, 2, 3, 4, 5, 6, 7, 8})), DenialOfServiceError);
  expect_calm_goaway(server);
}

TEST(ConnectionLimits, PingsAreFineWhileTheApplicationDrainsOutput) {
  Limits limits;
  limits.max_queued_ping_acks = 5;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  for (int i = 0; i < 100; ++i) {
    EXPECT_NO_THROW(receive(server, f.ping({1, 2, 3, 4, 5, 6, 7, 8})));
    drain(server);
  }
}

TEST(ConnectionLimits, SettingsFloodWithoutDrainingTrips) {
  Limits limits;
  limits.max_queued_settings_acks = 3;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  std::string frames;
  for (int i = 0; i < 4; ++i) frames += f.settings();
  EXPECT_THROW(receive(server, frames), DenialOfServiceError);
  expect_calm_goaway(server);
}

TEST(ConnectionLimits, EmptyDataFramesTrip) {
  Limits limits;
  limits.max_empty_frames = 10;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  std::string empties;
  for (int i = 0; i < 10; ++i) empties += f.data(1, "");
  EXPECT_NO_THROW(receive(server, empties));
  EXPECT_THROW(receive(server, f.data(1, "")), DenialOfServiceError);
  expect_calm_goaway(server);
}

TEST(ConnectionLimits, EmptyDataWithEndStreamIsNotCounted) {
  Limits limits;
  limits.max_empty_frames = 1;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  for (uint32_t i = 0; i < 5; ++i) {
    const uint32_t id = 1 + 2 * i;
    receive(server, f.headers(id, kRequest));
    EXPECT_NO_THROW(receive(server, f.data(id, "", /*end_stream=*/true)));
  }
}

TEST(ConnectionLimits, PriorityFloodTrips) {
  Limits limits;
  limits.max_priority_frames = 100;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  std::string frames;
  for (int i = 0; i < 100; ++i) frames += f.priority(3, 0, 15, false);
  EXPECT_NO_THROW(receive(server, frames));
  EXPECT_THROW(receive(server, f.priority(3, 0, 15, false)), DenialOfServiceError);
  expect_calm_goaway(server);
}

TEST(ConnectionLimits, ContinuationBytesBeyondTheLimitTrip) {
  Limits limits;
  limits.max_header_block_bytes = 1000;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  ByteBuffer b;
  frame::write_unknown(b, 0x1, 0, 1, as_bytes(std::string(600, '\x82')));  // no END_HEADERS
  frame::write_continuation(b, 1, as_bytes(std::string(600, '\x82')), false);
  EXPECT_THROW(server.receive_data(b.view()), DenialOfServiceError);
  expect_calm_goaway(server);
}

TEST(ConnectionLimits, ContinuationFramesBeyondSixtyFourAreAProtocolErrorAsInH2) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  ByteBuffer b;
  frame::write_unknown(b, 0x1, 0, 1, as_bytes(std::string(1, '\x82')));
  for (int i = 0; i < 64; ++i)
    frame::write_continuation(b, 1, as_bytes(std::string(1, '\x82')), false);
  try {
    server.receive_data(b.view());
    FAIL() << "65 frames in one block were accepted";
  } catch (const DenialOfServiceError&) {
    FAIL() << "h2 reports this as PROTOCOL_ERROR";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kProtocolError);
  }
}

TEST(ConnectionLimits, HpackBombIsStoppedByTheHeaderListLimit) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  // One 4000-byte header indexed once, then referenced 100 times: 400 KB decoded from a
  // block of about 4 KB, above the default 64 KiB list limit.
  std::string block = f.block({{":method", "GET"},
                               {":path", "/"},
                               {":scheme", "https"},
                               {":authority", "a"},
                               {"x-big", std::string(4000, 'a')}});
  block += std::string(100, '\xbe');  // index 62: the newest dynamic entry
  ByteBuffer b;
  frame::write_headers(b, 1, as_bytes(block), true);
  EXPECT_THROW(server.receive_data(b.view()), DenialOfServiceError);
  expect_calm_goaway(server);
}

TEST(ConnectionLimits, UndrainedOutputBacklogTrips) {
  Limits limits;
  limits.max_outbound_buffer = 4096;
  limits.max_queued_ping_acks = 0;  // isolate the backlog limit
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  std::string pings;
  for (int i = 0; i < 240; ++i) pings += f.ping({1, 2, 3, 4, 5, 6, 7, 8});  // 17 B ACK each
  EXPECT_NO_THROW(receive(server, pings));
  EXPECT_THROW(receive(server, pings), DenialOfServiceError);
}

TEST(ConnectionLimits, OversizedFrameIsRejectedBeforeItsPayloadArrives) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  std::string header = f.data(1, std::string(17000, 'x')).substr(0, 9);
  EXPECT_THROW(receive(server, header), FrameTooLargeError);
}

TEST(ConnectionLimits, ClosedStreamMemoryIsBoundedByConfiguration) {
  Limits limits;
  limits.max_closed_streams = 2;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  auto response = to_headers(kResponse);
  for (uint32_t id : {1u, 3u, 5u}) {  // three streams closed by END_STREAM both ways
    receive(server, f.headers(id, kRequest, true));
    server.send_headers(id, response, true);
  }
  drain(server);
  // Stream 3 is remembered: a late HEADERS is a STREAM_CLOSED connection error.
  EXPECT_THROW(receive(server, f.headers(3, kRequest)), StreamClosedError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(5, ErrorCode::kStreamClosed));
}

TEST(ConnectionLimits, ForgottenStreamsAreTreatedAsNeverSeen) {
  Limits limits;
  limits.max_closed_streams = 2;
  H2Connection server(server_config(limits));
  FrameFactory f;
  open_server(server, f);
  auto response = to_headers(kResponse);
  for (uint32_t id : {1u, 3u, 5u}) {
    receive(server, f.headers(id, kRequest, true));
    server.send_headers(id, response, true);
  }
  drain(server);
  // Stream 1 was evicted: the late HEADERS is a plain PROTOCOL_ERROR (BEHAVIOUR.md §2.2).
  try {
    receive(server, f.headers(1, kRequest));
    FAIL();
  } catch (const StreamClosedError&) {
    FAIL() << "stream 1 should have been forgotten";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kProtocolError);
  }
}

// ---- Graceful shutdown --------------------------------------------------------------------

TEST(ConnectionGracefulShutdown, ExistingStreamsFinishNewOnesAreRefused) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  server.begin_graceful_shutdown();
  EXPECT_TRUE(server.draining());
  EXPECT_FALSE(server.drained());
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kNoError));
  // A new stream after the GOAWAY is refused, but its block was decoded (HPACK stays in sync).
  auto events = receive(server, f.headers(3, kRequest, true));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(drain(server), expect.rst_stream(3, ErrorCode::kRefusedStream));
  // Stream 1 still completes.
  auto response = to_headers(kResponse);
  server.send_headers(1, response);
  server.send_data(1, as_bytes("done"), true);
  EXPECT_TRUE(server.drained());
  EXPECT_NE(server.state(), ConnectionState::kClosed);
  server.close_connection();
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
}

TEST(ConnectionGracefulShutdown, RefusedStreamKeepsTheDecoderInSync) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  server.begin_graceful_shutdown();
  drain(server);
  receive(server, f.headers(3, {{":method", "GET"},
                                {":path", "/x"},
                                {":scheme", "https"},
                                {":authority", "example.com"},
                                {"x-new", "indexed"}}));
  // Trailers on stream 1 reuse the entry the refused block added to the dynamic table.
  auto events = receive(server, f.headers(1, {{"x-new", "indexed"}}, true));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<TrailersReceived>(events, 0).headers),
            (HeaderPairs{{"x-new", "indexed"}}));
}

}  // namespace
}  // namespace h2

namespace h2 {
namespace {

using namespace h2test;

// RFC 9113 §6.5.3: an ACK acknowledges the SETTINGS frame it answers, in order. h2 applies
// every pending value on any ACK, so an update sent before the first SETTINGS is acknowledged
// took effect one ACK early (docs/behaviour-differences.md).
TEST(ConnectionSettingsAcks, EachAckAppliesOnlyTheFrameItAnswers) {
  H2Connection client;
  FrameFactory f;
  client.initiate_connection();
  client.update_settings({{frame::setting_id::kHeaderTableSize, 0}});
  drain(client);
  auto first = receive(client, f.settings() + f.settings_ack());
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(event_at<SettingsAcknowledged>(first, 1).changed_settings.empty());
  EXPECT_EQ(client.local_settings().header_table_size(), 4096u);
  // The server has not seen our update yet: a block without a size update is still fine.
  auto request = to_headers(kRequest);
  client.send_headers(1, request, true);
  const std::string response = f.headers(1, kResponse, true);
  EXPECT_NO_THROW(receive(client, response));
  auto second = receive(client, f.settings_ack());
  ASSERT_EQ(second.size(), 1u);
  const auto& changed = event_at<SettingsAcknowledged>(second, 0).changed_settings;
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].setting, frame::setting_id::kHeaderTableSize);
  EXPECT_EQ(changed[0].new_value, 0u);
  EXPECT_EQ(client.decoder().max_allowed_table_size(), 0u);
}

TEST(ConnectionSettingsAcks, TwoUpdatesInFlightAreAppliedOnePerAck) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.update_settings({{frame::setting_id::kMaxConcurrentStreams, 10}});
  server.update_settings({{frame::setting_id::kInitialWindowSize, 1000}});
  auto first = receive(server, f.settings_ack());
  const auto& c1 = event_at<SettingsAcknowledged>(first, 0).changed_settings;
  ASSERT_EQ(c1.size(), 1u);
  EXPECT_EQ(c1[0].setting, frame::setting_id::kMaxConcurrentStreams);
  EXPECT_EQ(server.local_settings().initial_window_size(), 65535u);
  auto second = receive(server, f.settings_ack());
  const auto& c2 = event_at<SettingsAcknowledged>(second, 0).changed_settings;
  ASSERT_EQ(c2.size(), 1u);
  EXPECT_EQ(c2[0].setting, frame::setting_id::kInitialWindowSize);
  EXPECT_EQ(server.local_settings().initial_window_size(), 1000u);
}

TEST(ConnectionSettingsAcks, SpuriousAckChangesNothing) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.settings_ack());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(event_at<SettingsAcknowledged>(events, 0).changed_settings.empty());
}

}  // namespace
}  // namespace h2
