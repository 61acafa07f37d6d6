// H2Configuration options and their effect on H2Connection (BEHAVIOUR.md §1.1, §3
// test_config.py). Python's type checks of option values are compile-time in C++.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

TEST(ConnectionConfig, Defaults) {
  H2Configuration c;
  EXPECT_TRUE(c.client_side);
  EXPECT_EQ(c.header_encoding, HeaderEncoding::kBytes);
  EXPECT_TRUE(c.validate_outbound_headers);
  EXPECT_TRUE(c.normalize_outbound_headers);
  EXPECT_FALSE(c.split_outbound_cookies);
  EXPECT_TRUE(c.validate_inbound_headers);
  EXPECT_TRUE(c.normalize_inbound_headers);
  EXPECT_EQ(c.encoder_strategy, hpack::EncoderStrategy::kDefault);
  EXPECT_FALSE(c.logger.debug);  // no-op logger
  EXPECT_FALSE(c.logger.trace);
  H2Connection conn;  // a default connection is a client
  EXPECT_TRUE(conn.config().client_side);
}

TEST(ConnectionConfig, OptionsRoundTripThroughTheConnection) {
  H2Configuration c;
  c.client_side = false;
  c.validate_outbound_headers = false;
  c.normalize_outbound_headers = false;
  c.split_outbound_cookies = true;
  c.validate_inbound_headers = false;
  c.normalize_inbound_headers = false;
  c.header_encoding = HeaderEncoding::kUtf8;
  H2Connection conn(c);
  EXPECT_FALSE(conn.config().client_side);
  EXPECT_FALSE(conn.config().validate_outbound_headers);
  EXPECT_FALSE(conn.config().normalize_outbound_headers);
  EXPECT_TRUE(conn.config().split_outbound_cookies);
  EXPECT_FALSE(conn.config().validate_inbound_headers);
  EXPECT_FALSE(conn.config().normalize_inbound_headers);
  EXPECT_EQ(conn.config().header_encoding, HeaderEncoding::kUtf8);
  conn.config().validate_inbound_headers = true;  // settable afterwards
  EXPECT_TRUE(conn.config().validate_inbound_headers);
}

TEST(ConnectionConfig, ClientSideSelectsPrefaceParityAndPushDefault) {
  H2Connection client;
  H2Connection server(server_config());
  EXPECT_TRUE(client.local_settings().enable_push());
  EXPECT_FALSE(server.local_settings().enable_push());
  EXPECT_EQ(client.get_next_available_stream_id(), 1u);
  EXPECT_EQ(server.get_next_available_stream_id(), 2u);
  client.initiate_connection();
  EXPECT_EQ(drain(client).substr(0, 24), frame::kClientPreface);
  // A server expects the preface before any frame.
  FrameFactory f;
  EXPECT_THROW(receive(server, f.settings()), ProtocolError);
}

TEST(ConnectionConfig, CustomLoggerIsKeptAsGiven) {
  std::vector<std::string> lines;
  H2Configuration c;
  c.logger.debug = [&lines](std::string_view s) { lines.emplace_back(s); };
  H2Connection conn(c);
  ASSERT_TRUE(conn.config().logger.debug);
  conn.config().logger.debug("hello");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "hello");
}

TEST(ConnectionConfig, HeaderEncodingBytesDeliversHeadersAsReceived) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  const HeaderPairs resp = {{":status", "200"}, {"x-latin1", "caf\xe9"}};  // not UTF-8
  auto events = receive(client, f.headers(1, resp));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), resp);
}

TEST(ConnectionConfig, HeaderEncodingUtf8DeliversValidUtf8) {
  H2Configuration c;
  c.header_encoding = HeaderEncoding::kUtf8;
  H2Connection client(c);
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  const HeaderPairs resp = {{":status", "200"},
                            {"x-text", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"}};
  auto events = receive(client, f.headers(1, resp));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), resp);
}

// h2 raises the codec's decode error (not a ProtocolError, no GOAWAY); we treat a header that
// cannot be surfaced as text as a malformed message: ProtocolError + GOAWAY(PROTOCOL_ERROR).
TEST(ConnectionConfig, HeaderEncodingUtf8RejectsInvalidUtf8) {
  const char* bad[] = {"caf\xe9",          "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80",
                       "\xf4\x90\x80\x80", "\xff"};
  for (const char* value : bad) {
    H2Configuration c;
    c.header_encoding = HeaderEncoding::kUtf8;
    H2Connection client(c);
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    drain(client);
    EXPECT_THROW(receive(client, f.headers(1, {{":status", "200"}, {"x-bad", value}})),
                 ProtocolError)
        << value;
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
  }
}

TEST(ConnectionConfig, ChangingHeaderEncodingAffectsLaterEvents) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  client.send_headers(3, req, true);
  const HeaderPairs resp = {{":status", "200"}, {"x-latin1", "caf\xe9"}};
  EXPECT_EQ(receive(client, f.headers(1, resp)).size(), 1u);
  client.config().header_encoding = HeaderEncoding::kUtf8;
  EXPECT_THROW(receive(client, f.headers(3, resp)), ProtocolError);
}

TEST(ConnectionConfig, ValidateOutboundHeadersControlsOutboundValidation) {
  const HeaderPairs bad = {
      {":method", "GET"}, {":path", "/"}, {":scheme", "https"}};  // no authority
  {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto h = to_headers(bad);
    EXPECT_THROW(client.send_headers(1, h), ProtocolError);
  }
  H2Configuration c;
  c.validate_outbound_headers = false;
  H2Connection client(c);
  FrameFactory f;
  open_client(client, f);
  auto h = to_headers(bad);
  client.send_headers(1, h);
  SentParser parser;
  auto frames = parser.parse(drain(client));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers, bad);
}

TEST(ConnectionConfig, NormalizeOutboundHeadersControlsLowercasingAndStripping) {
  const HeaderPairs given = {
      {":method", "GET"},   {":path", "/"},          {":authority", "example.com"},
      {":scheme", "https"}, {"X-Custom", " value "}, {"connection", "close"}};
  {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto h = to_headers(given);
    client.send_headers(1, h);
    SentParser parser;
    auto frames = parser.parse(drain(client));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].headers, (HeaderPairs{{":method", "GET"},
                                              {":path", "/"},
                                              {":authority", "example.com"},
                                              {":scheme", "https"},
                                              {"x-custom", "value"}}));
  }
  H2Configuration c;
  c.normalize_outbound_headers = false;
  c.validate_outbound_headers = false;
  H2Connection client(c);
  FrameFactory f;
  open_client(client, f);
  auto h = to_headers(given);
  client.send_headers(1, h);
  SentParser parser;
  auto frames = parser.parse(drain(client));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers, given);  // byte for byte
}

TEST(ConnectionConfig, SplitOutboundCookiesSplitsOnSemicolonSpace) {
  HeaderPairs req = kRequest;
  req.push_back({"cookie", "a=1; b=2; c=3"});
  for (bool split : {false, true}) {
    H2Configuration c;
    c.split_outbound_cookies = split;
    H2Connection client(c);
    FrameFactory f;
    open_client(client, f);
    auto h = to_headers(req);
    client.send_headers(1, h);
    SentParser parser;
    auto frames = parser.parse(drain(client));
    ASSERT_EQ(frames.size(), 1u);
    HeaderPairs expected = kRequest;
    if (split) {
      expected.insert(expected.end(), {{"cookie", "a=1"}, {"cookie", "b=2"}, {"cookie", "c=3"}});
    } else {
      expected.push_back({"cookie", "a=1; b=2; c=3"});
    }
    EXPECT_EQ(frames[0].headers, expected);
  }
}

TEST(ConnectionConfig, ValidateInboundHeadersOffDeliversInvalidBlocks) {
  const HeaderPairs bad = {{":method", "GET"},
                           {":path", "/"},
                           {":scheme", "https"},
                           {"Upper", "x"},
                           {"connection", "close"}};
  {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    EXPECT_THROW(receive(server, f.headers(1, bad)), ProtocolError);
  }
  H2Configuration c = server_config();
  c.validate_inbound_headers = false;
  H2Connection server(c);
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.headers(1, bad));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), bad);
}

TEST(ConnectionConfig, NormalizeInboundHeadersJoinsCookies) {
  HeaderPairs req = kRequest;
  req.insert(req.end(), {{"cookie", "a=1"}, {"accept", "*/*"}, {"cookie", "b=2"}});
  for (bool normalize : {true, false}) {
    H2Configuration c = server_config();
    c.normalize_inbound_headers = normalize;
    H2Connection server(c);
    FrameFactory f;
    open_server(server, f);
    auto events = receive(server, f.headers(1, req));
    ASSERT_EQ(events.size(), 1u);
    auto& r = event_at<RequestReceived>(events, 0);
    if (normalize) {
      HeaderPairs expected = kRequest;
      expected.insert(expected.end(), {{"accept", "*/*"}, {"cookie", "a=1; b=2"}});
      EXPECT_EQ(to_pairs(r.headers), expected);
      EXPECT_TRUE(r.headers.back().never_indexed);
    } else {
      EXPECT_EQ(to_pairs(r.headers), req);
    }
  }
}

TEST(ConnectionConfig, PythonHpackEncoderStrategyIsByteExactWithTheReferenceEncoder) {
  H2Configuration c;
  c.encoder_strategy = hpack::EncoderStrategy::kPythonHpack;
  H2Connection client(c);
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  client.send_headers(3, req, true);
  FrameFactory expect;
  std::string expected = expect.headers(1, kRequest);  // in order: the encoder is stateful
  expected += expect.headers(3, kRequest, true);
  EXPECT_EQ(drain(client), expected);
  EXPECT_EQ(client.encoder().strategy(), hpack::EncoderStrategy::kPythonHpack);
  H2Connection other;
  EXPECT_EQ(other.encoder().strategy(), hpack::EncoderStrategy::kDefault);
}

}  // namespace
}  // namespace h2
