// content-length against the body (BEHAVIOUR.md §2.11, §3 test_invalid_content_lengths.py).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

HeaderPairs request_with_length(const std::vector<std::string>& lengths) {
  HeaderPairs h = {{":method", "POST"},
                   {":path", "/"},
                   {":authority", "example.com"},
                   {":scheme", "https"},
                   {"user-agent", "someua/0.0.1"}};
  for (const std::string& l : lengths) h.emplace_back("content-length", l);
  return h;
}

void expect_goaway_1(H2Connection& server) {
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
}

TEST(ConnectionInvalidContentLength, RepeatedIdenticalValuesAreFine) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  const std::string bytes =
      f.headers(1, request_with_length({"15", "15"})) + f.data(1, std::string(15, 'x'), true);
  auto events = receive(server, bytes);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<RequestReceived>(events[0]));
  EXPECT_EQ(event_at<DataReceived>(events, 1).data.size(), 15u);
  EXPECT_TRUE(std::holds_alternative<StreamEnded>(events[2]));
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionInvalidContentLength, MalformedValuesAreRejected) {
  std::vector<std::string> bad = {"15a",    "15.0", "-15",
                                  "+15",    " 15",  "15 ",
                                  "1e2",    "0xF",  "15_000",
                                  "15,000", "NaN",  std::string(1, '\0'),
                                  "0b1111", "0o17", std::string(5000, '9')};
  for (const std::string& value : bad) {
    // Checked before header validation (h2), so " 15" and NUL fail here too.
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    try {
      receive(server, f.headers(1, request_with_length({value})));
      ADD_FAILURE() << value;
    } catch (const ProtocolError& e) {
      EXPECT_NE(std::string(e.what()).find("Invalid content-length header"), std::string::npos)
          << e.what();
    }
    expect_goaway_1(server);
  }
}

TEST(ConnectionInvalidContentLength, ConflictingValuesAreRejected) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  try {
    receive(server, f.headers(1, request_with_length({"15", "16"})));
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("Conflicting content-length headers: 15 and 16"),
              std::string::npos)
        << e.what();
  }
  expect_goaway_1(server);
}

TEST(ConnectionInvalidContentLength, TooMuchDataIsAnInvalidBodyLength) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, request_with_length({"15"})));
  const std::string first = f.data(1, std::string(15, 'x'));
  receive(server, first);
  try {
    receive(server, f.data(1, "y"));
    FAIL();
  } catch (const InvalidBodyLengthError& e) {
    EXPECT_EQ(e.expected_length, 15u);
    EXPECT_EQ(e.actual_length, 16u);
    EXPECT_EQ(std::string(e.what()), "InvalidBodyLengthError: Expected 15 bytes, received 16");
  }
  expect_goaway_1(server);
}

TEST(ConnectionInvalidContentLength, TooLittleDataAtEndStreamIsAnInvalidBodyLength) {
  for (bool empty_end : {false, true}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    receive(server, f.headers(1, request_with_length({"15"})));
    std::string bytes;
    if (empty_end) {
      bytes = f.data(1, std::string(14, 'x')) + f.data(1, "", true);
    } else {
      bytes = f.data(1, std::string(13, 'x')) + f.data(1, "x", true);
    }
    try {
      receive(server, bytes);
      FAIL();
    } catch (const InvalidBodyLengthError& e) {
      EXPECT_EQ(e.expected_length, 15u);
      EXPECT_EQ(e.actual_length, 14u);
    }
    expect_goaway_1(server);
  }
}

// Ours (docs/behaviour-differences.md; RFC 9113 §8.1.1): HEADERS with END_STREAM announcing a
// body is an InvalidBodyLengthError. h2 does not check it.
TEST(ConnectionInvalidContentLength, EndStreamOnHeadersWithANonZeroLengthIsRejected) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  EXPECT_THROW(receive(server, f.headers(1, request_with_length({"15"}), true)),
               InvalidBodyLengthError);
  expect_goaway_1(server);
  H2Connection ok(server_config());
  FrameFactory g;
  open_server(ok, g);
  EXPECT_EQ(receive(ok, g.headers(1, request_with_length({"0"}), true)).size(), 2u);
}

}  // namespace
}  // namespace h2
