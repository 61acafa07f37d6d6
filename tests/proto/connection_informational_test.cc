// H2Connection informational (1xx) responses (BEHAVIOUR.md §2.10, §3
// test_informational_responses.py), received by a client and sent by a server.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

const HeaderPairs kContinue = {{":status", "100"}, {"server", "fake-serv/0.1.0"}};
const HeaderPairs kSwitching = {{":status", "101"}, {"server", "fake-serv/0.1.0"}};
const HeaderPairs kTrailers = {{"content-length", "0"}};
const uint8_t kHeadersType = static_cast<uint8_t>(frame::FrameType::kHeaders);

void open_request(H2Connection& client, FrameFactory& f, bool end_stream) {
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, end_stream);
  drain(client);
}

void open_server_request(H2Connection& server, FrameFactory& f, bool end_stream) {
  open_server(server, f);
  receive(server, f.headers(1, kRequest, end_stream));
}

TEST(ConnectionInformationalReceive, OneInformationalBlockGivesOneEvent) {
  for (bool end_request : {false, true}) {
    H2Connection client;
    FrameFactory f;
    open_request(client, f, end_request);
    auto events = receive(client, f.headers(1, kContinue));
    ASSERT_EQ(events.size(), 1u);
    auto& e = event_at<InformationalResponseReceived>(events, 0);
    EXPECT_EQ(e.stream_id, 1u);
    EXPECT_EQ(to_pairs(e.headers), kContinue);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
  }
}

TEST(ConnectionInformationalReceive, InformationalFinalAndTrailersInOneRead) {
  for (bool end_request : {false, true}) {
    H2Connection client;
    FrameFactory f;
    open_request(client, f, end_request);
    std::string bytes = f.headers(1, kContinue);  // one call per statement: the encoder
    bytes += f.headers(1, kResponse);             // is stateful
    bytes += f.headers(1, kTrailers, true);
    auto events = receive(client, bytes);
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(to_pairs(event_at<InformationalResponseReceived>(events, 0).headers), kContinue);
    EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 1).headers), kResponse);
    EXPECT_EQ(to_pairs(event_at<TrailersReceived>(events, 2).headers), kTrailers);
    EXPECT_EQ(event_at<StreamEnded>(events, 3).stream_id, 1u);
  }
}

TEST(ConnectionInformationalReceive, SeveralInformationalBlocksAreAllowed) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f, true);
  std::string bytes = f.headers(1, kContinue);
  bytes += f.headers(1, kSwitching);
  auto events = receive(client, bytes);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<InformationalResponseReceived>(events, 0).headers), kContinue);
  EXPECT_EQ(to_pairs(event_at<InformationalResponseReceived>(events, 1).headers), kSwitching);
}

TEST(ConnectionInformationalReceive, InformationalWithEndStreamIsAProtocolError) {
  for (bool end_request : {false, true}) {
    H2Connection client;
    FrameFactory f;
    open_request(client, f, end_request);
    EXPECT_THROW(receive(client, f.headers(1, kContinue, true)), ProtocolError);
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
  }
}

TEST(ConnectionInformationalReceive, InformationalAfterTheFinalResponseIsAProtocolError) {
  for (bool end_request : {false, true}) {
    H2Connection client;
    FrameFactory f;
    open_request(client, f, end_request);
    receive(client, f.headers(1, kResponse));
    EXPECT_THROW(receive(client, f.headers(1, kContinue)), ProtocolError);
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
  }
}

TEST(ConnectionInformationalSend, InformationalQueuesAPlainHeadersFrame) {
  for (bool end_request : {false, true}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server_request(server, f, end_request);
    auto h = to_headers(kContinue);
    server.send_headers(1, h);
    SentParser parser;
    auto frames = parser.parse(drain(server));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].header.type, kHeadersType);
    EXPECT_EQ(frames[0].header.flags, frame::flags::kEndHeaders);
    EXPECT_EQ(frames[0].headers, kContinue);
  }
}

TEST(ConnectionInformationalSend, InformationalFinalAndTrailers) {
  for (bool end_request : {false, true}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server_request(server, f, end_request);
    auto info = to_headers(kContinue);
    auto resp = to_headers(kResponse);
    auto trailers = to_headers(kTrailers);
    server.send_headers(1, info);
    server.send_headers(1, resp);
    server.send_headers(1, trailers, true);
    SentParser parser;
    auto frames = parser.parse(drain(server));
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0].headers, kContinue);
    EXPECT_EQ(frames[1].headers, kResponse);
    EXPECT_EQ(frames[2].headers, kTrailers);
    EXPECT_FALSE(frames[0].header.has(frame::flags::kEndStream));
    EXPECT_FALSE(frames[1].header.has(frame::flags::kEndStream));
    EXPECT_TRUE(frames[2].header.has(frame::flags::kEndStream));
  }
}

TEST(ConnectionInformationalSend, SeveralInformationalBlocksAreAllowed) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server_request(server, f, true);
  auto a = to_headers(kContinue);
  auto b = to_headers(kSwitching);
  server.send_headers(1, a);
  server.send_headers(1, b);
  SentParser parser;
  auto frames = parser.parse(drain(server));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].headers, kSwitching);
}

TEST(ConnectionInformationalSend, InformationalWithEndStreamIsRejected) {
  for (bool end_request : {false, true}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server_request(server, f, end_request);
    auto h = to_headers(kContinue);
    EXPECT_THROW(server.send_headers(1, h, true), ProtocolError);
    EXPECT_EQ(server.outbound_buffer_size(), 0u);
    // Local misuse leaves the stream as it was (deliberate difference from h2).
    EXPECT_EQ(server.stream_state(1),
              end_request ? StreamState::kHalfClosedRemote : StreamState::kOpen);
  }
}

TEST(ConnectionInformationalSend, InformationalAfterTheFinalResponseIsRejected) {
  for (bool end_request : {false, true}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server_request(server, f, end_request);
    auto resp = to_headers(kResponse);
    server.send_headers(1, resp);
    drain(server);
    auto h = to_headers(kContinue);
    EXPECT_THROW(server.send_headers(1, h), ProtocolError);
    EXPECT_EQ(server.outbound_buffer_size(), 0u);
  }
}

}  // namespace
}  // namespace h2
