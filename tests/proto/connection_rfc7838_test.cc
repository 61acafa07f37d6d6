// H2Connection ALTSVC (RFC 7838; BEHAVIOUR.md §2.14, §3 test_rfc7838.py): a client reports
// usable alternative services, a server advertises them; nothing is ever an error on receipt.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

std::string altsvc(uint32_t stream, std::string_view origin, std::string_view field) {
  ByteBuffer b;
  frame::write_altsvc(b, stream, as_bytes(origin), as_bytes(field));
  return std::string(b.string_view());
}

constexpr std::string_view kField = "h2=\":8000\"; ma=60";

// A client with stream 1 requested (authority example.com), response not yet received.
void open_request(H2Connection& client, FrameFactory& f) {
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  drain(client);
}

TEST(ConnectionRfc7838Client, AltsvcOnStreamZeroWithOriginGivesAnEvent) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  const std::string bytes = altsvc(0, "example.com", kField);
  auto events = receive(client, bytes);
  ASSERT_EQ(events.size(), 1u);
  auto& a = event_at<AlternativeServiceAvailable>(events, 0);
  EXPECT_EQ(a.origin, "example.com");
  EXPECT_EQ(as_string_view(a.field_value), kField);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionRfc7838Client, AltsvcOnStreamZeroWithoutOriginIsIgnored) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  EXPECT_TRUE(receive(client, altsvc(0, "", kField)).empty());
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionRfc7838Client, AltsvcOnOurOpenStreamTakesTheAuthorityWeSent) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  const std::string bytes = altsvc(1, "", kField);
  auto events = receive(client, bytes);
  ASSERT_EQ(events.size(), 1u);
  auto& a = event_at<AlternativeServiceAvailable>(events, 0);
  EXPECT_EQ(a.origin, "example.com");
  EXPECT_EQ(as_string_view(a.field_value), kField);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

// Streams are pooled: a later stream must take its own authority, or none, never the one a
// finished stream sent.
TEST(ConnectionRfc7838Client, AltsvcOnALaterStreamTakesThatStreamsAuthority) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  const HeaderPairs status = {{":status", "200"}};
  auto send_and_finish = [&](uint32_t id, const HeaderPairs& request) {
    auto req = to_headers(request);
    client.send_headers(id, req, true);
    drain(client);
    receive(client, f.headers(id, status, true));
  };
  send_and_finish(1, kRequest);
  HeaderPairs other = kRequest;
  for (auto& [name, value] : other)
    if (name == ":authority") value = "other.example";
  client.send_headers(3, to_headers(other), true);
  auto events = receive(client, altsvc(3, "", kField));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<AlternativeServiceAvailable>(events, 0).origin, "other.example");
  receive(client, f.headers(3, status, true));
  // A request with Host instead of :authority: no origin (h2: None).
  HeaderPairs with_host;
  for (const auto& [name, value] : kRequest)
    if (name != ":authority") with_host.emplace_back(name, value);
  with_host.emplace_back("host", "host.example");
  client.send_headers(5, to_headers(with_host), true);
  events = receive(client, altsvc(5, "", kField));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<AlternativeServiceAvailable>(events, 0).origin, "");
}

TEST(ConnectionRfc7838Client, AltsvcOnAStreamWithAnOriginIsIgnored) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  EXPECT_TRUE(receive(client, altsvc(1, "example.com", kField)).empty());
}

TEST(ConnectionRfc7838Client, AltsvcOnNeverOpenedStreamsIsIgnored) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  EXPECT_TRUE(receive(client, altsvc(3, "", kField)).empty());
  EXPECT_TRUE(receive(client, altsvc(2, "", kField)).empty());
  EXPECT_NE(client.state(), ConnectionState::kClosed);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionRfc7838Client, AltsvcAfterTheResponseOrOnAClosedStreamIsIgnored) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  receive(client, f.headers(1, kResponse));
  EXPECT_TRUE(receive(client, altsvc(1, "", kField)).empty());
  receive(client, f.data(1, "", true));
  EXPECT_FALSE(client.stream_state(1));
  EXPECT_TRUE(receive(client, altsvc(1, "", kField)).empty());
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionRfc7838Client, AltsvcOnAPromisedStreamTakesThePushedAuthority) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  HeaderPairs pushed = {{":method", "GET"},
                        {":path", "/style.css"},
                        {":authority", "cdn.example.com"},
                        {":scheme", "https"}};
  receive(client, f.push_promise(1, 2, pushed));
  const std::string bytes = altsvc(2, "", kField);
  auto events = receive(client, bytes);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<AlternativeServiceAvailable>(events, 0).origin, "cdn.example.com");
}

TEST(ConnectionRfc7838Client, ClientCannotAdvertise) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  EXPECT_THROW(client.advertise_alternative_service(as_bytes(kField), as_bytes("example.com")),
               ProtocolError);
  EXPECT_THROW(client.advertise_alternative_service(as_bytes(kField), std::nullopt, 1u),
               ProtocolError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  // Local misuse leaves the connection usable (deliberate difference from h2, which closes).
  EXPECT_NE(client.state(), ConnectionState::kClosed);
}

TEST(ConnectionRfc7838Server, AltsvcReceivedIsIgnored) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  EXPECT_TRUE(receive(server, altsvc(0, "example.com", kField)).empty());
  EXPECT_TRUE(receive(server, altsvc(1, "", kField)).empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionRfc7838Server, AdvertiseWithOriginSendsAltsvcOnStreamZero) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.advertise_alternative_service(as_bytes(kField), as_bytes("example.com"));
  EXPECT_EQ(drain(server), altsvc(0, "example.com", kField));
}

TEST(ConnectionRfc7838Server, AdvertiseOnARequestStreamSendsAltsvcWithoutOrigin) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  server.advertise_alternative_service(as_bytes(kField), std::nullopt, 1u);
  EXPECT_EQ(drain(server), altsvc(1, "", kField));
}

TEST(ConnectionRfc7838Server, AdvertiseOnAnUnopenedStreamOrAfterTheResponseIsAnError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  EXPECT_THROW(server.advertise_alternative_service(as_bytes(kField), std::nullopt, 1u),
               ProtocolError);
  receive(server, f.headers(1, kRequest, true));
  auto resp = to_headers(kResponse);
  server.send_headers(1, resp);
  drain(server);
  EXPECT_THROW(server.advertise_alternative_service(as_bytes(kField), std::nullopt, 1u),
               ProtocolError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_EQ(server.stream_state(1), StreamState::kHalfClosedRemote);
}

TEST(ConnectionRfc7838Server, OriginAndStreamTogetherAreInvalidArguments) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  EXPECT_THROW(server.advertise_alternative_service(as_bytes(kField), as_bytes("example.com"), 1u),
               std::invalid_argument);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionRfc7838, ClientAndServerRoundTrip) {
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
  server.advertise_alternative_service(as_bytes(kField), std::nullopt, 1u);
  server.advertise_alternative_service(as_bytes("h3=\":443\""), as_bytes("other.example"));
  wire = drain(server);
  auto events = receive(client, wire);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(event_at<AlternativeServiceAvailable>(events, 0).origin, "example.com");
  EXPECT_EQ(event_at<AlternativeServiceAvailable>(events, 1).origin, "other.example");
  EXPECT_EQ(as_string_view(event_at<AlternativeServiceAvailable>(events, 1).field_value),
            "h3=\":443\"");
}

}  // namespace
}  // namespace h2
