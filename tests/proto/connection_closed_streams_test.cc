// Frames on closed streams (BEHAVIOUR.md §2.2, §2.3, §3 test_closed_streams.py).
//
// h2 forgets closed streams only when open streams are counted; we forget them as soon as
// the call or frame that closed them is done, so "before cleanup" and "after cleanup" are
// the same situation here (both are exercised where h2 does, by sending more frames).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

// A server whose stream 1 is closed by END_STREAM both ways (request and response ended).
void close_stream_1_normally(H2Connection& server, FrameFactory& f) {
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  auto resp = to_headers(kResponse);
  server.send_headers(1, resp, true);
  drain(server);
}

TEST(ConnectionClosedStreams, OnlyTheFirstRstStreamGivesAnEvent) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  auto events =
      receive(server, f.rst_stream(1, ErrorCode::kCancel) + f.rst_stream(1, ErrorCode::kCancel));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<StreamReset>(events, 0).stream_id, 1u);
  // After the stream was forgotten.
  EXPECT_EQ(server.open_inbound_streams(), 0u);
  EXPECT_TRUE(receive(server, f.rst_stream(1, ErrorCode::kCancel)).empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionClosedStreams, HeadersForALowerIdThanTheHighestIsStreamIdTooLow) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(3, kRequest));
  try {
    receive(server, f.headers(1, kRequest));
    FAIL();
  } catch (const StreamIDTooLowError& e) {
    EXPECT_EQ(e.stream_id, 1u);
    EXPECT_EQ(e.max_stream_id, 3u);
  }
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(3, ErrorCode::kProtocolError));
}

TEST(ConnectionClosedStreams, ResetPushedStreamAndResetParentLeaveNoLiveStreams) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  receive(client, f.push_promise(1, 2, kRequest));
  receive(client, f.rst_stream(2, ErrorCode::kCancel));
  client.reset_stream(1);
  EXPECT_EQ(client.open_outbound_streams(), 0u);
  EXPECT_EQ(client.open_inbound_streams(), 0u);
  EXPECT_EQ(client.live_streams(), 0u);
}

TEST(ConnectionClosedStreams, RstStreamOnAStreamClosedByEndStreamIsIgnored) {
  H2Connection server(server_config());
  FrameFactory f;
  close_stream_1_normally(server, f);
  EXPECT_TRUE(receive(server, f.rst_stream(1, ErrorCode::kCancel)).empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_NE(server.state(), ConnectionState::kClosed);
}

TEST(ConnectionClosedStreams, WindowUpdateOnAStreamClosedByEndStreamIsIgnored) {
  H2Connection server(server_config());
  FrameFactory f;
  close_stream_1_normally(server, f);
  EXPECT_TRUE(receive(server, f.window_update(1, 100)).empty());
  EXPECT_EQ(server.open_inbound_streams(), 0u);
  EXPECT_TRUE(receive(server, f.window_update(1, 100)).empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionClosedStreams, HeadersAfterTheStreamWasEndedByThePeerIsStreamClosedGoaway) {
  for (bool end_stream : {false, true}) {
    H2Connection server(server_config());
    FrameFactory f;
    close_stream_1_normally(server, f);
    EXPECT_THROW(receive(server, f.headers(1, kRequest, end_stream)), ProtocolError);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kStreamClosed));
    EXPECT_EQ(server.state(), ConnectionState::kClosed);
  }
}

TEST(ConnectionClosedStreams, HeadersOnAClientStreamWeEndedFirstIsStreamClosedGoaway) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  receive(client, f.headers(1, kResponse, true));
  drain(client);
  EXPECT_THROW(receive(client, f.headers(1, kResponse)), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kStreamClosed));
}

TEST(ConnectionClosedStreams, WindowUpdateAndRstAfterEndStreamAreIgnored) {
  H2Connection server(server_config());
  FrameFactory f;
  close_stream_1_normally(server, f);
  EXPECT_TRUE(
      receive(server, f.window_update(1, 1) + f.rst_stream(1, ErrorCode::kNoError)).empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionClosedStreams, HeadersOnAStreamThePeerResetAreAnsweredWithRst) {
  for (int count : {1, 3}) {
    for (bool end_stream : {false, true}) {
      H2Connection server(server_config());
      FrameFactory f;
      open_server(server, f);
      receive(server, f.headers(1, kRequest));
      receive(server, f.rst_stream(1, ErrorCode::kCancel));
      drain(server);
      std::string bytes;
      for (int i = 0; i < count; ++i) bytes += f.headers(1, {{"x-trailer", "1"}}, end_stream);
      EXPECT_TRUE(receive(server, bytes).empty());
      FrameFactory expect;
      std::string rst;
      for (int i = 0; i < count; ++i) rst += expect.rst_stream(1, ErrorCode::kStreamClosed);
      EXPECT_EQ(drain(server), rst);
      // Again after the stream was counted out.
      EXPECT_EQ(server.open_inbound_streams(), 0u);
      EXPECT_TRUE(receive(server, f.headers(1, {{"x-trailer", "1"}}, true)).empty());
      EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kStreamClosed));
    }
  }
}

TEST(ConnectionClosedStreams, DataOnAStreamThePeerResetIsAnsweredWithRst) {
  for (int count : {1, 3}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    receive(server, f.headers(1, kRequest));
    receive(server, f.rst_stream(1, ErrorCode::kCancel));
    drain(server);
    std::string bytes;
    for (int i = 0; i < count; ++i) bytes += f.data(1, "some data");
    EXPECT_TRUE(receive(server, bytes).empty());
    FrameFactory expect;
    std::string rst;
    for (int i = 0; i < count; ++i) rst += expect.rst_stream(1, ErrorCode::kStreamClosed);
    EXPECT_EQ(drain(server), rst);  // small frames: no WINDOW_UPDATE
  }
}

TEST(ConnectionClosedStreams, HeadersAndDataOnAStreamWeResetAreAnsweredWithRst) {
  for (int count : {1, 3}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    receive(server, f.headers(1, kRequest));
    server.reset_stream(1, ErrorCode::kInternalError);
    drain(server);
    std::string bytes;
    for (int i = 0; i < count; ++i)
      bytes += f.headers(1, {{"x-trailer", "1"}}, true) + f.data(1, "some data");
    EXPECT_TRUE(receive(server, bytes).empty());
    FrameFactory expect;
    std::string rst;
    for (int i = 0; i < 2 * count; ++i) rst += expect.rst_stream(1, ErrorCode::kStreamClosed);
    EXPECT_EQ(drain(server), rst);
    EXPECT_EQ(server.open_inbound_streams(), 0u);
    EXPECT_TRUE(receive(server, f.data(1, "x")).empty());
    EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kStreamClosed));
  }
}

// §2.3: HEADERS on a half-closed(remote) stream is a stream error (auto-reset), once.
TEST(ConnectionClosedStreams, HeadersAfterThePeerEndedAnOpenStreamResetsIt) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  drain(server);
  std::string bytes = f.headers(1, {{"x-trailer", "1"}}, true);
  bytes += f.headers(1, {{"x-trailer", "2"}}, true);
  auto events = receive(server, bytes);
  ASSERT_EQ(events.size(), 1u);
  auto& r = event_at<StreamReset>(events, 0);
  EXPECT_EQ(r.error_code, ErrorCode::kStreamClosed);
  EXPECT_FALSE(r.remote_reset);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kStreamClosed) +
                               expect.rst_stream(1, ErrorCode::kStreamClosed));
  EXPECT_EQ(server.live_streams(), 0u);
}

// §2.3: frames for a stream id above the highest seen.
TEST(ConnectionClosedStreams, DataAndWindowUpdateOnIdleStreamsAreConnectionErrors) {
  for (int kind = 0; kind < 2; ++kind) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    receive(server, f.headers(1, kRequest));
    drain(server);
    const std::string frame = kind == 0 ? f.data(3, "x") : f.window_update(3, 10);
    EXPECT_THROW(receive(server, frame), NoSuchStreamError) << kind;
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
  }
}

TEST(ConnectionClosedStreams, PriorityOnAnIdleStreamIsOnlyAnEvent) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  drain(server);
  auto events = receive(server, f.priority(7, 0, 15, false));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<PriorityUpdated>(events, 0).stream_id, 7u);
  EXPECT_FALSE(server.stream_state(7));
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionClosedStreams, RstStreamOnAnIdleStreamIsAConnectionError) {
  // RFC 9113 §5.1 (h2 ignores it; see docs/behaviour-differences.md).
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  drain(server);
  EXPECT_THROW(receive(server, f.rst_stream(5, ErrorCode::kCancel)), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
}

TEST(ConnectionClosedStreams, RstStreamOnAForgottenStreamIsIgnored) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  auto response = to_headers(kResponse);
  server.send_headers(1, response, true);
  drain(server);
  EXPECT_TRUE(receive(server, f.rst_stream(1, ErrorCode::kCancel)).empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

}  // namespace
}  // namespace h2
