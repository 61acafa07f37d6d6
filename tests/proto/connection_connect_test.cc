// H2Connection CONNECT requests (RFC 9113 §8.5, RFC 8441 §4; BEHAVIOUR.md §2.10 rule 9, §3
// test_connect_pseudo_headers.py and test_connect_roundtrip_and_edges.py).
#include <gtest/gtest.h>

#include "h2/header_rules.h"
#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

const HeaderPairs kConnect = {{":method", "CONNECT"}, {":authority", "proxy.example.com:443"}};
const HeaderPairs kExtendedConnect = {{":method", "CONNECT"},
                                      {":protocol", "websocket"},
                                      {":scheme", "https"},
                                      {":path", "/chat"},
                                      {":authority", "example.com"}};

HeaderValidationFlags client_request_flags() {
  HeaderValidationFlags flags;
  flags.is_client = true;
  return flags;
}

HeaderPairs with(HeaderPairs base, const HeaderPairs& extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

// A client and a server that have exchanged preface, SETTINGS and ACKs.
struct Peers {
  H2Connection client;
  H2Connection server{server_config()};
  std::string wire;  // DATA views point into the bytes they arrived in

  Peers() {
    client.initiate_connection();
    server.initiate_connection();
    to_server();
    to_client();
    to_server();
  }
  std::vector<Event> to_server() {
    wire = drain(client);
    return receive(server, wire);
  }
  std::vector<Event> to_client() {
    wire = drain(server);
    return receive(client, wire);
  }
};

TEST(ConnectionConnectPseudoHeaders, OrdinaryConnectWithMethodAndAuthorityPasses) {
  auto headers = to_headers(kConnect);
  EXPECT_NO_THROW(validate_outbound_headers(headers, client_request_flags()));
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  EXPECT_NO_THROW(client.send_headers(1, headers));
  SentParser parser;
  auto frames = parser.parse(drain(client));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers, kConnect);
}

TEST(ConnectionConnectPseudoHeaders, OrdinaryConnectWithPathOrSchemeIsRejected) {
  for (const HeaderPairs& extra :
       {HeaderPairs{{":path", "/"}}, HeaderPairs{{":scheme", "https"}}}) {
    const HeaderPairs pairs = with(kConnect, extra);
    auto headers = to_headers(pairs);
    EXPECT_THROW(validate_outbound_headers(headers, client_request_flags()), ProtocolError);
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    EXPECT_THROW(client.send_headers(1, headers), ProtocolError);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
  }
}

TEST(ConnectionConnectPseudoHeaders, ExtendedConnectPassesWithoutEnableConnectProtocol) {
  auto headers = to_headers(kExtendedConnect);
  EXPECT_NO_THROW(validate_outbound_headers(headers, client_request_flags()));
  H2Connection client;
  FrameFactory f;
  open_client(client, f);  // the server's SETTINGS did not carry ENABLE_CONNECT_PROTOCOL
  EXPECT_FALSE(client.remote_settings().enable_connect_protocol());
  EXPECT_NO_THROW(client.send_headers(1, headers));
}

TEST(ConnectionConnectPseudoHeaders, GetWithoutSchemeAndPathIsRejected) {
  const HeaderPairs pairs = {{":method", "GET"}, {":authority", "example.com"}};
  auto headers = to_headers(pairs);
  EXPECT_THROW(validate_outbound_headers(headers, client_request_flags()), ProtocolError);
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  EXPECT_THROW(client.send_headers(1, headers), ProtocolError);
}

TEST(ConnectionConnectRoundtrip, OrdinaryConnectArrivesWithOnlyMethodAndAuthority) {
  Peers p;
  const HeaderPairs pairs = with(kConnect, {{"user-agent", "x"}});
  auto h = to_headers(pairs);
  p.client.send_headers(1, h);
  auto events = p.to_server();
  ASSERT_EQ(events.size(), 1u);
  auto& r = event_at<RequestReceived>(events, 0);
  EXPECT_EQ(to_pairs(r.headers), with(kConnect, {{"user-agent", "x"}}));
}

TEST(ConnectionConnectRoundtrip, ExtendedConnectArrivesWithAllFivePseudoHeaders) {
  Peers p;
  auto h = to_headers(kExtendedConnect);
  p.client.send_headers(1, h);
  auto events = p.to_server();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), kExtendedConnect);
}

TEST(ConnectionConnectRoundtrip, ExtendedConnectMissingSchemeOrPathIsRejected) {
  for (const char* drop : {":scheme", ":path"}) {
    HeaderPairs headers;
    for (const auto& kv : kExtendedConnect)
      if (kv.first != drop) headers.push_back(kv);
    Peers p;
    auto h = to_headers(headers);
    EXPECT_THROW(p.client.send_headers(1, h), ProtocolError) << drop;
    // The same block received by a server is a connection error.
    FrameFactory f;
    H2Connection server(server_config());
    open_server(server, f);
    EXPECT_THROW(receive(server, f.headers(1, headers)), ProtocolError) << drop;
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
  }
}

TEST(ConnectionConnectRoundtrip, OrdinaryConnectWithPathOrSchemeIsRejectedBothWays) {
  for (const HeaderPairs& extra :
       {HeaderPairs{{":path", "/"}}, HeaderPairs{{":scheme", "https"}}}) {
    Peers p;
    const HeaderPairs pairs = with(kConnect, extra);
    auto h = to_headers(pairs);
    EXPECT_THROW(p.client.send_headers(1, h), ProtocolError);
    FrameFactory f;
    H2Connection server(server_config());
    open_server(server, f);
    EXPECT_THROW(receive(server, f.headers(1, with(kConnect, extra))), ProtocolError);
  }
}

TEST(ConnectionConnectRoundtrip, RegularHeaderBeforePseudoHeaderOrDuplicateMethodIsRejected) {
  const HeaderPairs bad[] = {
      {{"user-agent", "x"}, {":method", "CONNECT"}, {":authority", "example.com:443"}},
      {{":method", "CONNECT"}, {":method", "CONNECT"}, {":authority", "example.com:443"}},
  };
  for (const HeaderPairs& headers : bad) {
    Peers p;
    auto h = to_headers(headers);
    EXPECT_THROW(p.client.send_headers(1, h), ProtocolError);
    EXPECT_EQ(p.client.outbound_buffer_size(), 0u);
    FrameFactory f;
    H2Connection server(server_config());
    open_server(server, f);
    EXPECT_THROW(receive(server, f.headers(1, headers)), ProtocolError);
  }
}

TEST(ConnectionConnectRoundtrip, LargeConnectHeaderBlockCrossesAsContinuations) {
  Peers p;
  HeaderPairs headers = kConnect;
  for (int i = 0; i < 200; ++i)
    headers.push_back(
        {"x-h" + std::to_string(i), std::string(200, static_cast<char>('a' + i % 26))});
  auto h = to_headers(headers);
  p.client.send_headers(1, h);
  std::string sent = drain(p.client);
  SentParser parser;
  auto frames = parser.parse(sent);
  ASSERT_GT(frames.size(), 1u);
  EXPECT_EQ(frames.back().header.type, static_cast<uint8_t>(frame::FrameType::kContinuation));
  auto events = receive(p.server, sent);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), headers);
}

TEST(ConnectionConnectRoundtrip, TeTrailersPassesTeGzipIsRejected) {
  Peers p;
  const HeaderPairs ok_pairs = with(kConnect, {{"te", "trailers"}});
  auto ok = to_headers(ok_pairs);
  p.client.send_headers(1, ok);
  auto events = p.to_server();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers),
            with(kConnect, {{"te", "trailers"}}));
  const HeaderPairs bad_pairs = with(kConnect, {{"te", "gzip"}});
  auto bad = to_headers(bad_pairs);
  EXPECT_THROW(p.client.send_headers(3, bad), ProtocolError);
}

TEST(ConnectionConnectRoundtrip, TwoConcurrentConnectStreamsBothArrive) {
  Peers p;
  auto h = to_headers(kConnect);
  p.client.send_headers(1, h);
  p.client.send_headers(3, h);
  auto events = p.to_server();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(event_at<RequestReceived>(events, 0).stream_id, 1u);
  EXPECT_EQ(event_at<RequestReceived>(events, 1).stream_id, 3u);
  EXPECT_EQ(p.server.open_inbound_streams(), 2u);
  // A tunnel carries DATA both ways.
  p.server.send_headers(1, to_headers({{":status", "200"}}));
  p.client.send_data(1, as_bytes("ping"));
  events = p.to_server();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(as_string_view(event_at<DataReceived>(events, 0).data), "ping");
  events = p.to_client();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<ResponseReceived>(events, 0).stream_id, 1u);
}

}  // namespace
}  // namespace h2
