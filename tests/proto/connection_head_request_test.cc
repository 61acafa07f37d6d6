// H2Connection HEAD requests (BEHAVIOUR.md §2.11, §3 test_head_request.py): the response to a
// HEAD request we sent has no body whatever its content-length says.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

const HeaderPairs kHeadRequest = {
    {":method", "HEAD"}, {":path", "/"}, {":authority", "example.com"}, {":scheme", "https"}};

void send_head(H2Connection& client, FrameFactory& f) {
  open_client(client, f);
  auto req = to_headers(kHeadRequest);
  client.send_headers(1, req, true);
  drain(client);
}

TEST(ConnectionHeadRequest, ResponseWithEndStreamIsAcceptedWhateverItsLength) {
  const HeaderPairs responses[] = {
      {{":status", "200"}},
      {{":status", "200"}, {"content-length", "0"}},
      {{":status", "200"}, {"content-length", "1000"}},
      {{":status", "204"}, {"content-length", "12"}},
  };
  for (const HeaderPairs& resp : responses) {
    H2Connection client;
    FrameFactory f;
    send_head(client, f);
    auto events = receive(client, f.headers(1, resp, true));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), resp);
    EXPECT_EQ(event_at<StreamEnded>(events, 1).stream_id, 1u);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
  }
}

TEST(ConnectionHeadRequest, AnyDataInTheResponseIsAnInvalidBodyLength) {
  for (const char* length : {"", "3", "1000"}) {
    H2Connection client;
    FrameFactory f;
    send_head(client, f);
    HeaderPairs resp = {{":status", "200"}};
    if (*length) resp.push_back({"content-length", length});
    receive(client, f.headers(1, resp));
    try {
      receive(client, f.data(1, "abc", true));
      ADD_FAILURE() << "no InvalidBodyLengthError for content-length '" << length << "'";
    } catch (const InvalidBodyLengthError& e) {
      EXPECT_EQ(e.expected_length, 0u);
      EXPECT_EQ(e.actual_length, 3u);
    }
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
  }
}

// The HEAD rule follows the request we sent: a GET response with END_STREAM on HEADERS and a
// non-zero content-length is an InvalidBodyLengthError (deliberate difference from h2, which
// does not check it; RFC 9113 §8.1.1).
TEST(ConnectionHeadRequest, GetResponseEndingWithHeadersAndANonZeroLengthIsRejected) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  drain(client);
  EXPECT_THROW(receive(client, f.headers(1, {{":status", "200"}, {"content-length", "5"}}, true)),
               InvalidBodyLengthError);
}

TEST(ConnectionHeadRequest, NotModifiedResponseEndingWithHeadersMayCarryALength) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  drain(client);
  auto events = receive(client, f.headers(1, {{":status", "304"}, {"content-length", "5"}}, true));
  ASSERT_EQ(events.size(), 2u);
}

}  // namespace
}  // namespace h2
