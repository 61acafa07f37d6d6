// H2Configuration::complete_streams_after_goaway: h2 closes the connection on any received
// GOAWAY; with the option on, a GOAWAY(NO_ERROR) lets streams up to its last-stream-id finish
// (RFC 9113 §6.8) and only refuses new ones. Off by default (h2's behaviour, kept for parity).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace {

using namespace h2test;

h2::H2Configuration client_config(bool complete) {
  h2::H2Configuration c;
  c.complete_streams_after_goaway = complete;
  return c;
}

const HeaderPairs kRequest = {
    {":method", "GET"}, {":scheme", "http"}, {":authority", "a"}, {":path", "/"}};

TEST(GoawayCompletion, ByDefaultAResponseAfterGoawayIsAProtocolError) {
  h2::H2Connection client(client_config(false));
  FrameFactory f;
  open_client(client, f);
  client.send_headers(1, to_headers(kRequest), true);
  drain(client);
  receive(client, f.goaway(1, h2::ErrorCode::kNoError));
  EXPECT_EQ(client.state(), h2::ConnectionState::kClosed);
  EXPECT_THROW(receive(client, f.headers(1, {{":status", "200"}}, true)), h2::ProtocolError);
}

TEST(GoawayCompletion, WhenOnStreamsBelowTheLastIdComplete) {
  h2::H2Connection client(client_config(true));
  FrameFactory f;
  open_client(client, f);
  client.send_headers(1, to_headers(kRequest), true);
  drain(client);
  auto events = receive(client, f.goaway(1, h2::ErrorCode::kNoError));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<h2::ConnectionTerminated>(events, 0).last_stream_id, 1u);
  EXPECT_NE(client.state(), h2::ConnectionState::kClosed);
  events = receive(client, f.headers(1, {{":status", "200"}}, true));
  EXPECT_EQ(event_at<h2::ResponseReceived>(events, 0).stream_id, 1u);
}

TEST(GoawayCompletion, WhenOnNewStreamsAreRefusedWithoutTouchingState) {
  h2::H2Connection client(client_config(true));
  FrameFactory f;
  open_client(client, f);
  receive(client, f.goaway(0, h2::ErrorCode::kNoError));
  EXPECT_THROW(client.send_headers(1, to_headers(kRequest), true), h2::ProtocolError);
  EXPECT_EQ(client.open_outbound_streams(), 0u);
  EXPECT_TRUE(drain(client).empty());
}

TEST(GoawayCompletion, WhenOnOutputQueuedBeforeTheGoawayIsKept) {
  h2::H2Connection client(client_config(true));
  FrameFactory f;
  open_client(client, f);
  client.send_headers(1, to_headers(kRequest), false);
  receive(client, f.goaway(1, h2::ErrorCode::kNoError));
  EXPECT_FALSE(drain(client).empty());  // h2 would have discarded the HEADERS frame
}

TEST(GoawayCompletion, AGoawayWithAnErrorClosesEvenWhenOn) {
  h2::H2Connection client(client_config(true));
  FrameFactory f;
  open_client(client, f);
  client.send_headers(1, to_headers(kRequest), true);
  receive(client, f.goaway(1, h2::ErrorCode::kProtocolError));
  EXPECT_EQ(client.state(), h2::ConnectionState::kClosed);
}

}  // namespace
