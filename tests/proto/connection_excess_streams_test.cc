// H2Configuration::refuse_excess_streams: a HEADERS frame beyond our MAX_CONCURRENT_STREAMS is
// a connection error in h2 (TooManyStreamsError); RFC 9113 §5.1.2 requires a stream error, which
// the option gives (RST_STREAM REFUSED_STREAM, connection intact). Off by default (h2 parity).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace {

using namespace h2test;

const HeaderPairs kGet = {
    {":method", "GET"}, {":scheme", "http"}, {":authority", "a"}, {":path", "/"}};

h2::H2Configuration refusing_server() {
  h2::H2Configuration c = server_config();
  c.refuse_excess_streams = true;
  return c;
}

// A server whose MAX_CONCURRENT_STREAMS of 1 is acknowledged, with stream 1 open.
void open_with_one_stream(h2::H2Connection& server, FrameFactory& f) {
  open_server(server, f);
  server.update_settings({{0x3, 1}});
  receive(server, f.settings_ack());
  receive(server, f.headers(1, kGet, true));
  drain(server);
}

TEST(ExcessStreams, ByDefaultAStreamBeyondTheLimitIsAConnectionError) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_with_one_stream(server, f);
  EXPECT_THROW(receive(server, f.headers(3, kGet, true)), h2::TooManyStreamsError);
}

TEST(ExcessStreams, WhenRefusingTheStreamIsResetAndTheConnectionGoesOn) {
  h2::H2Connection server(refusing_server());
  FrameFactory f;
  open_with_one_stream(server, f);
  auto events = receive(server, f.headers(3, kGet, true));
  EXPECT_TRUE(events.empty());
  SentParser parser;
  auto frames = parser.parse(drain(server));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.type, 0x3);  // RST_STREAM
  EXPECT_EQ(frames[0].header.stream_id, 3u);
  EXPECT_EQ(server.highest_inbound_stream_id(), 3u);
  // HPACK stayed in step: the next request (same fields, now indexed) decodes fine.
  server.send_headers(1, to_headers({{":status", "200"}}), true);
  events = receive(server, f.headers(5, kGet, true));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(event_at<h2::RequestReceived>(events, 0).stream_id, 5u);
}

TEST(ExcessStreams, LateDataOnARefusedStreamIsAStreamError) {
  h2::H2Connection server(refusing_server());
  FrameFactory f;
  open_with_one_stream(server, f);
  receive(server, f.headers(3, kGet, false));
  drain(server);
  h2::ByteBuffer b;
  h2::frame::write_data(b, 3, h2::as_bytes(std::string_view("late")), true);
  EXPECT_NO_THROW(server.receive_data(b.view()));
  EXPECT_NE(server.state(), h2::ConnectionState::kClosed);
}

TEST(ExcessStreams, ALowerStreamIdIsStillAConnectionError) {
  h2::H2Connection server(refusing_server());
  FrameFactory f;
  open_with_one_stream(server, f);
  receive(server, f.headers(5, kGet, true));
  EXPECT_THROW(receive(server, f.headers(3, kGet, true)), h2::ProtocolError);
}

}  // namespace
