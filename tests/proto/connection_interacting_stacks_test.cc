// Two H2Connections talking to each other (BEHAVIOUR.md §3 test_interacting_stacks.py).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

const ChangedSetting* find(const ChangedSettings& changes, uint16_t code) {
  for (const ChangedSetting& c : changes)
    if (c.setting == code) return &c;
  return nullptr;
}

TEST(ConnectionInteractingStacks, ClientAndServerCompleteARequestResponseExchange) {
  H2Connection client;
  H2Configuration server_config;
  server_config.client_side = false;
  H2Connection server(server_config);
  std::string to_server, to_client;  // each side's last read: DATA views point into it

  client.initiate_connection();
  to_server = drain(client);
  auto events = receive(server, to_server);
  server.initiate_connection();  // after the client's SETTINGS: ACK first, then ours
  ASSERT_EQ(events.size(), 1u);
  auto& settings = event_at<RemoteSettingsChanged>(events, 0);
  const ChangedSetting* mcs =
      find(settings.changed_settings, frame::setting_id::kMaxConcurrentStreams);
  ASSERT_NE(mcs, nullptr);
  EXPECT_EQ(mcs->new_value, 100u);
  EXPECT_EQ(server.remote_settings().max_concurrent_streams(), 100u);

  to_client = drain(server);  // server SETTINGS + ACK of the client's
  events = receive(client, to_client);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<SettingsAcknowledged>(events[0]));
  EXPECT_TRUE(std::holds_alternative<RemoteSettingsChanged>(events[1]));

  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  to_server = drain(client);  // ACK + request
  events = receive(server, to_server);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<SettingsAcknowledged>(events[0]));
  auto& r = event_at<RequestReceived>(events, 1);
  EXPECT_EQ(to_pairs(r.headers), kRequest);
  EXPECT_EQ(event_at<StreamEnded>(events, 2).stream_id, 1u);

  auto resp = to_headers(kResponse);
  server.send_headers(1, resp);
  server.send_data(1, as_bytes("hello, world"), true);
  to_client = drain(server);
  events = receive(client, to_client);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), kResponse);
  EXPECT_EQ(as_string_view(event_at<DataReceived>(events, 1).data), "hello, world");
  EXPECT_EQ(event_at<StreamEnded>(events, 2).stream_id, 1u);
  EXPECT_EQ(client.open_outbound_streams(), 0u);
  EXPECT_EQ(server.open_inbound_streams(), 0u);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionInteractingStacks, ManyStreamsInterleavedBothWaysWithFlowControl) {
  H2Connection client;
  H2Configuration server_config;
  server_config.client_side = false;
  H2Connection server(server_config);
  std::string wire;
  client.initiate_connection();
  server.initiate_connection();
  wire = drain(client);
  receive(server, wire);
  wire = drain(server);
  receive(client, wire);

  auto req = to_headers(kRequest);
  for (uint32_t id = 1; id <= 9; id += 2) client.send_headers(id, req, true);
  wire = drain(client);
  auto events = receive(server, wire);
  size_t requests = 0;
  for (const Event& e : events) requests += std::holds_alternative<RequestReceived>(e);
  EXPECT_EQ(requests, 5u);

  const std::string body(10000, 'b');
  auto resp = to_headers(kResponse);
  for (uint32_t id = 1; id <= 9; id += 2) {
    server.send_headers(id, resp);
    server.send_data(id, as_bytes(body), true);
  }
  wire = drain(server);
  events = receive(client, wire);
  size_t bytes = 0, ended = 0;
  for (const Event& e : events) {
    if (auto* d = std::get_if<DataReceived>(&e)) {
      bytes += d->data.size();
      client.acknowledge_received_data(d->flow_controlled_length, d->stream_id);
    }
    ended += std::holds_alternative<StreamEnded>(e);
  }
  EXPECT_EQ(bytes, 5u * body.size());
  EXPECT_EQ(ended, 5u);
  // The client's WINDOW_UPDATEs reopen the server's connection window.
  const int64_t before = server.outbound_flow_control_window();
  wire = drain(client);
  receive(server, wire);
  EXPECT_GT(server.outbound_flow_control_window(), before);
  EXPECT_EQ(client.live_streams(), 0u);
  EXPECT_EQ(server.live_streams(), 0u);
}

}  // namespace
}  // namespace h2
