// H2Connection extended CONNECT (RFC 8441; BEHAVIOUR.md §3 test_rfc8441.py): neither side
// consults SETTINGS_ENABLE_CONNECT_PROTOCOL, as in h2.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

TEST(ConnectionRfc8441, ExtendedConnectFromADefaultClientReachesADefaultServerIntact) {
  const HeaderPairs request = {{":method", "CONNECT"},        {":protocol", "websocket"},
                               {":scheme", "https"},          {":path", "/chat"},
                               {":authority", "example.com"}, {"user-agent", "someua/0.0.1"}};
  H2Connection client;
  H2Configuration server_config;
  server_config.client_side = false;
  H2Connection server(server_config);
  client.initiate_connection();
  server.initiate_connection();
  std::string wire = drain(client);
  receive(server, wire);
  wire = drain(server);
  receive(client, wire);
  EXPECT_FALSE(client.remote_settings().enable_connect_protocol());
  EXPECT_FALSE(server.local_settings().enable_connect_protocol());

  auto headers = to_headers(request);
  client.send_headers(1, headers);
  wire = drain(client);
  auto events = receive(server, wire);
  ASSERT_EQ(events.size(), 2u);  // the client's SETTINGS ACK comes first
  EXPECT_TRUE(std::holds_alternative<SettingsAcknowledged>(events[0]));
  auto& r = event_at<RequestReceived>(events, 1);
  EXPECT_EQ(r.stream_id, 1u);
  EXPECT_EQ(to_pairs(r.headers), request);
}

TEST(ConnectionRfc8441, ServerAdvertisingEnableConnectProtocolIsAcceptedByTheClient) {
  H2Connection client;
  FrameFactory f;
  client.initiate_connection();
  auto events = receive(client, f.settings({{frame::setting_id::kEnableConnectProtocol, 1}}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(client.remote_settings().enable_connect_protocol());
}

}  // namespace
}  // namespace h2
