// H2Connection server push (RFC 9113 §8.4; BEHAVIOUR.md §2.16, §2.3): push_stream on the
// server, PUSH_PROMISE received by the client, and refused pushes.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

const HeaderPairs kPushed = {{":method", "GET"},
                             {":path", "/style.css"},
                             {":authority", "example.com"},
                             {":scheme", "https"}};
const uint8_t kPushPromiseType = static_cast<uint8_t>(frame::FrameType::kPushPromise);

// A server with request 1 received (not ended unless asked).
void open_request(H2Connection& server, FrameFactory& f, bool end_stream = false) {
  open_server(server, f);
  receive(server, f.headers(1, kRequest, end_stream));
}

// A client with request 1 sent (ended unless asked otherwise).
void send_request(H2Connection& client, FrameFactory& f, bool end_stream = true) {
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, end_stream);
  drain(client);
}

TEST(ConnectionPushServer, PushStreamQueuesAPushPromiseAndReservesTheStream) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  auto h = to_headers(kPushed);
  server.push_stream(1, 2, h);
  SentParser parser;
  auto frames = parser.parse(drain(server));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.type, kPushPromiseType);
  EXPECT_EQ(frames[0].header.stream_id, 1u);
  EXPECT_EQ(frames[0].header.flags, frame::flags::kEndHeaders);
  EXPECT_EQ(frames[0].payload.substr(0, 4), std::string("\0\0\0\2", 4));
  EXPECT_EQ(frames[0].headers, kPushed);
  EXPECT_EQ(server.stream_state(2), StreamState::kReservedLocal);
  EXPECT_EQ(server.open_outbound_streams(), 0u);  // reserved streams do not count
  EXPECT_EQ(server.get_next_available_stream_id(), 4u);
}

TEST(ConnectionPushServer, PushedStreamLifecycleCountsAsOpenOnlyAfterItsHeaders) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f, true);
  auto h = to_headers(kPushed);
  server.push_stream(1, 2, h);
  auto resp = to_headers(kResponse);
  server.send_headers(2, resp);
  EXPECT_EQ(server.stream_state(2), StreamState::kHalfClosedRemote);
  EXPECT_EQ(server.open_outbound_streams(), 1u);
  server.send_data(2, as_bytes("body{}"), true);
  EXPECT_FALSE(server.stream_state(2));
  EXPECT_EQ(server.open_outbound_streams(), 0u);
  // The client cannot send on the pushed stream: nothing of ours to check, but DATA from the
  // client on 2 now is on a closed stream.
}

TEST(ConnectionPushServer, PushIsRefusedWhenThePeerDisabledIt) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  receive(server, f.settings({{frame::setting_id::kEnablePush, 0}}));
  drain(server);
  auto h = to_headers(kPushed);
  EXPECT_THROW(server.push_stream(1, 2, h), ProtocolError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_FALSE(server.stream_state(2));
}

TEST(ConnectionPushClient, ClientCannotPush) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f, false);
  auto h = to_headers(kPushed);
  EXPECT_THROW(client.push_stream(1, 2, h), ProtocolError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_NE(client.state(), ConnectionState::kClosed);  // deliberate difference from h2
}

TEST(ConnectionPushServer, CannotPushOnAPushedStream) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  auto h = to_headers(kPushed);
  server.push_stream(1, 2, h);
  auto resp = to_headers(kResponse);
  server.send_headers(2, resp);
  drain(server);
  EXPECT_THROW(server.push_stream(2, 4, h), ProtocolError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_FALSE(server.stream_state(4));
}

TEST(ConnectionPushServer, PromisedIdsMustIncrease) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  auto h = to_headers(kPushed);
  server.push_stream(1, 4, h);
  drain(server);
  EXPECT_THROW(server.push_stream(1, 2, h), StreamIDTooLowError);
  EXPECT_THROW(server.push_stream(1, 4, h), StreamIDTooLowError);
  EXPECT_THROW(server.push_stream(1, 5, h), ProtocolError);  // odd
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionPushServer, PushOnAnUnknownOrClosedParentIsRejected) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f, true);
  auto h = to_headers(kPushed);
  EXPECT_THROW(server.push_stream(3, 2, h), NoSuchStreamError);
  auto resp = to_headers(kResponse);
  server.send_headers(1, resp, true);
  drain(server);
  EXPECT_THROW(server.push_stream(1, 2, h), StreamClosedError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionPushServer, PushAfterTheRequestEndedIsAllowed) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f, true);  // parent half-closed (remote)
  auto h = to_headers(kPushed);
  EXPECT_NO_THROW(server.push_stream(1, 2, h));
}

TEST(ConnectionPushServer, RemoteConcurrencyLimitIsNotCheckedForPushes) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  receive(server, f.settings({{frame::setting_id::kMaxConcurrentStreams, 1}}));
  auto h = to_headers(kPushed);
  server.push_stream(1, 2, h);
  server.push_stream(1, 4, h);
  EXPECT_EQ(server.stream_state(4), StreamState::kReservedLocal);
}

TEST(ConnectionPushServer, InvalidPushedRequestHeadersAreRejectedAndNothingChanges) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  const size_t entries = server.encoder().table_entries();
  const HeaderPairs pairs = {
      {":method", "GET"}, {":path", "/"}, {":scheme", "https"}};  // no authority
  auto h = to_headers(pairs);
  EXPECT_THROW(server.push_stream(1, 2, h), ProtocolError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_EQ(server.encoder().table_entries(), entries);
  EXPECT_FALSE(server.stream_state(2));
  EXPECT_EQ(server.get_next_available_stream_id(), 2u);
}

TEST(ConnectionPushServer, ClientResetOfAPushedStreamIsReported) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  auto h = to_headers(kPushed);
  server.push_stream(1, 2, h);
  drain(server);
  auto events = receive(server, f.rst_stream(2, ErrorCode::kRefusedStream));
  ASSERT_EQ(events.size(), 1u);
  auto& r = event_at<StreamReset>(events, 0);
  EXPECT_EQ(r.stream_id, 2u);
  EXPECT_EQ(r.error_code, ErrorCode::kRefusedStream);
  EXPECT_TRUE(r.remote_reset);
  auto resp = to_headers(kResponse);
  // h2 raises StreamClosedError while the closed stream is still in its map and
  // StreamIDTooLowError once it was cleaned up; we forget closed streams at once.
  EXPECT_THROW(server.send_headers(2, resp), ProtocolError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionPushClient, PushPromiseGivesPushedStreamReceivedThenTheResponse) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f);
  receive(client, f.headers(1, kResponse));
  auto events = receive(client, f.push_promise(1, 2, kPushed));
  ASSERT_EQ(events.size(), 1u);
  auto& p = event_at<PushedStreamReceived>(events, 0);
  EXPECT_EQ(p.pushed_stream_id, 2u);
  EXPECT_EQ(p.parent_stream_id, 1u);
  EXPECT_EQ(to_pairs(p.headers), kPushed);
  EXPECT_EQ(client.stream_state(2), StreamState::kReservedRemote);
  EXPECT_EQ(client.open_inbound_streams(), 0u);
  events = receive(client, f.headers(2, kResponse));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<ResponseReceived>(events, 0).stream_id, 2u);
  EXPECT_EQ(client.stream_state(2), StreamState::kHalfClosedLocal);
  EXPECT_EQ(client.open_inbound_streams(), 1u);
  const std::string body = f.data(2, "body{}", true);
  events = receive(client, body);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(as_string_view(event_at<DataReceived>(events, 0).data), "body{}");
  EXPECT_EQ(client.open_inbound_streams(), 0u);
  EXPECT_FALSE(client.stream_state(2));
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionPushClient, PushPromiseBeforeTheResponseIsAccepted) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f, false);  // parent open
  auto events = receive(client, f.push_promise(1, 2, kPushed));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<PushedStreamReceived>(events[0]));
}

TEST(ConnectionPushClient, PushPromiseWithPushDisabledIsAProtocolError) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f);
  client.update_settings({{frame::setting_id::kEnablePush, 0}});
  receive(client, f.settings_ack());
  drain(client);
  EXPECT_THROW(receive(client, f.push_promise(1, 2, kPushed)), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
}

TEST(ConnectionPushClient, PushPromiseForAnOddOrLowerStreamIsAProtocolError) {
  {
    H2Connection client;
    FrameFactory f;
    send_request(client, f);
    EXPECT_THROW(receive(client, f.push_promise(1, 3, kPushed)), ProtocolError);
  }
  {
    H2Connection client;
    FrameFactory f;
    send_request(client, f);
    receive(client, f.push_promise(1, 4, kPushed));
    EXPECT_THROW(receive(client, f.push_promise(1, 2, kPushed)), ProtocolError);
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(4, ErrorCode::kProtocolError));
  }
}

TEST(ConnectionPushClient, PushPromiseOnAPushedStreamIsAProtocolError) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f);
  receive(client, f.push_promise(1, 2, kPushed));
  receive(client, f.headers(2, kResponse));
  EXPECT_THROW(receive(client, f.push_promise(2, 4, kPushed)), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(2, ErrorCode::kProtocolError));
}

TEST(ConnectionPushClient, PushPromiseOnAParentWeResetIsRefused) {
  for (bool forget : {false, true}) {
    H2Connection client;
    FrameFactory f;
    send_request(client, f);
    client.reset_stream(1, ErrorCode::kCancel);
    drain(client);
    if (forget) {
      EXPECT_EQ(client.open_outbound_streams(), 0u);
    }
    auto events = receive(client, f.push_promise(1, 2, kPushed));
    EXPECT_TRUE(events.empty());
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.rst_stream(2, ErrorCode::kRefusedStream));
    // The block was decoded: the next one referring to its table entries still decodes.
    events = receive(client, f.push_promise(1, 4, kPushed));
    EXPECT_TRUE(events.empty());
  }
}

TEST(ConnectionPushClient, PushPromiseOnAParentClosedNormallyIsAProtocolError) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f);
  receive(client, f.headers(1, kResponse, true));
  EXPECT_FALSE(client.stream_state(1));
  EXPECT_THROW(receive(client, f.push_promise(1, 2, kPushed)), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
}

TEST(ConnectionPushClient, PushPromiseOnAHalfClosedRemoteParentRefusesThePush) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f, false);
  receive(client, f.headers(1, kResponse, true));
  EXPECT_EQ(client.stream_state(1), StreamState::kHalfClosedRemote);
  auto events = receive(client, f.push_promise(1, 2, kPushed));
  EXPECT_TRUE(events.empty());
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.rst_stream(2, ErrorCode::kRefusedStream));
  EXPECT_FALSE(client.stream_state(1));  // the parent is closed (by "reset")
}

TEST(ConnectionPushClient, ServerReceivingPushPromiseIsAProtocolError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_request(server, f);
  EXPECT_THROW(receive(server, f.push_promise(1, 2, kPushed)), ProtocolError);
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
}

TEST(ConnectionPushClient, RefusingAPushResetsItAndLaterFramesAreAnsweredWithRst) {
  H2Connection client;
  FrameFactory f;
  send_request(client, f);
  receive(client, f.push_promise(1, 2, kPushed));
  client.reset_stream(2, ErrorCode::kRefusedStream);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.rst_stream(2, ErrorCode::kRefusedStream));
  EXPECT_FALSE(client.stream_state(2));
  // Frames the server had in flight for the pushed stream.
  auto events = receive(client, f.headers(2, kResponse));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(drain(client), expect.rst_stream(2, ErrorCode::kStreamClosed));
  const std::string body = f.data(2, "x", true);
  events = receive(client, body);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(drain(client), expect.rst_stream(2, ErrorCode::kStreamClosed));
  // The parent's response is unaffected.
  events = receive(client, f.headers(1, kResponse, true));
  ASSERT_EQ(events.size(), 2u);
}

TEST(ConnectionPushClient, CookiesInAPushPromiseAreJoinedUnlessNormalizationIsOff) {
  HeaderPairs pushed = kPushed;
  pushed.push_back({"cookie", "a=b"});
  pushed.push_back({"cookie", "c=d"});
  pushed.push_back({"cookie", "e=f"});
  for (bool normalize : {true, false}) {
    H2Connection client;
    client.config().normalize_inbound_headers = normalize;
    FrameFactory f;
    send_request(client, f);
    auto events = receive(client, f.push_promise(1, 2, pushed));
    ASSERT_EQ(events.size(), 1u);
    auto& p = event_at<PushedStreamReceived>(events, 0);
    if (normalize) {
      HeaderPairs expected = kPushed;
      expected.push_back({"cookie", "a=b; c=d; e=f"});
      EXPECT_EQ(to_pairs(p.headers), expected);
      EXPECT_TRUE(p.headers.back().never_indexed);
    } else {
      EXPECT_EQ(to_pairs(p.headers), pushed);
    }
  }
}

TEST(ConnectionPushClient, PushesBetweenTwoStacks) {
  H2Connection client;
  H2Connection server(server_config());
  client.initiate_connection();
  server.initiate_connection();
  std::string wire = drain(client);
  receive(server, wire);
  wire = drain(server);
  receive(client, wire);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  wire = drain(client);
  receive(server, wire);
  auto h = to_headers(kPushed);
  auto resp = to_headers(kResponse);
  for (uint32_t id = 2; id <= 6; id += 2) server.push_stream(1, id, h);
  server.send_headers(1, resp, true);
  for (uint32_t id = 2; id <= 6; id += 2) {
    server.send_headers(id, resp);
    server.send_data(id, as_bytes("x"), true);
  }
  wire = drain(server);
  auto events = receive(client, wire);
  size_t pushed = 0, responses = 0, ended = 0;
  for (const Event& e : events) {
    pushed += std::holds_alternative<PushedStreamReceived>(e);
    responses += std::holds_alternative<ResponseReceived>(e);
    ended += std::holds_alternative<StreamEnded>(e);
  }
  EXPECT_EQ(pushed, 3u);
  EXPECT_EQ(responses, 4u);
  EXPECT_EQ(ended, 4u);
  EXPECT_EQ(client.live_streams(), 0u);
  EXPECT_EQ(server.live_streams(), 0u);
}

}  // namespace
}  // namespace h2
