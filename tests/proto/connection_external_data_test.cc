// H2Connection::send_data_external: a DATA frame whose payload the caller supplies (zero-copy
// bodies). The frame header, the windows and the stream state must be exactly what send_data
// gives for the same payload; only the payload bytes are left out of the output.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace {

using namespace h2test;

const HeaderPairs kRequest = {
    {":method", "GET"}, {":scheme", "http"}, {":authority", "a"}, {":path", "/"}};

// A server with stream 1 open and its response headers sent and drained.
void open_stream_1(h2::H2Connection& server, FrameFactory& f) {
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  server.send_headers(1, to_headers({{":status", "200"}}));
  drain(server);
}

TEST(ExternalData, HeaderPlusPayloadEqualsSendData) {
  const std::string body(1000, 'z');
  h2::H2Connection a(server_config()), b(server_config());
  FrameFactory fa, fb;
  open_stream_1(a, fa);
  open_stream_1(b, fb);

  a.send_data(1, h2::as_bytes(body));
  b.send_data_external(1, body.size());
  std::string header_only = drain(b);
  ASSERT_EQ(header_only.size(), 9u);
  EXPECT_EQ(header_only + body, drain(a));
  EXPECT_EQ(b.local_flow_control_window(1), 65535 - 1000);
  EXPECT_EQ(a.local_flow_control_window(1), b.local_flow_control_window(1));
  EXPECT_EQ(b.outbound_flow_control_window(), 65535 - 1000);

  a.send_data(1, h2::as_bytes(body), true);
  b.send_data_external(1, body.size(), true);
  header_only = drain(b);
  ASSERT_EQ(header_only.size(), 9u);
  EXPECT_EQ(header_only + body, drain(a));
  EXPECT_EQ(a.stream_state(1), b.stream_state(1));
  EXPECT_EQ(b.open_inbound_streams(), 0u);  // both halves closed
}

TEST(ExternalData, PayloadGoesBetweenWhatWasQueuedBeforeAndAfter) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_stream_1(server, f);
  server.send_data_external(1, 4);
  h2::ByteBuffer first;
  server.take_data_to_send(first);
  server.send_data(1, h2::as_bytes(std::string_view("tail")), true);
  std::string wire = std::string(first.string_view()) + "BODY" + drain(server);

  SentParser parser;
  auto frames = parser.parse(wire);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].header.type, static_cast<uint8_t>(h2::frame::FrameType::kData));
  EXPECT_EQ(frames[0].payload, "BODY");
  EXPECT_EQ(frames[0].header.flags, 0);
  EXPECT_EQ(frames[1].payload, "tail");
  EXPECT_EQ(frames[1].header.flags, h2::frame::flags::kEndStream);
}

TEST(ExternalData, RefusedBeyondTheWindowWithoutChangingAnything) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_stream_1(server, f);
  EXPECT_THROW(server.send_data_external(1, 65536), h2::FlowControlError);
  EXPECT_EQ(server.local_flow_control_window(1), 65535);
  EXPECT_TRUE(drain(server).empty());
}

TEST(ExternalData, RefusedBeyondTheMaxFrameSize) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_stream_1(server, f);
  receive(server, f.window_update(0, 100000) + f.window_update(1, 100000));
  EXPECT_THROW(server.send_data_external(1, 16385), h2::FrameTooLargeError);
  EXPECT_TRUE(drain(server).empty());
  server.send_data_external(1, 16384);
  EXPECT_EQ(drain(server).size(), 9u);
}

TEST(ExternalData, RefusedOnAClosedStream) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_stream_1(server, f);
  server.send_data(1, {}, true);
  drain(server);
  EXPECT_THROW(server.send_data_external(1, 10), h2::StreamClosedError);
  EXPECT_TRUE(drain(server).empty());
}

}  // namespace
