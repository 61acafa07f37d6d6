// get_next_available_stream_id (BEHAVIOUR.md §1.2, §3 test_utility_functions.py). The
// method-extraction and closed-stream-map bullets are covered by header_rules_test.cc and
// closed_streams_test.cc.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

TEST(ConnectionUtility, ClientStreamIdsAreOddAndRunOut) {
  H2Connection client;
  H2Connection server(server_config());
  client.initiate_connection();
  server.initiate_connection();
  std::string wire = drain(client);
  receive(server, wire);
  wire = drain(server);
  receive(client, wire);
  auto req = to_headers(kRequest);
  auto resp = to_headers(kResponse);
  for (uint32_t i = 0; i < 4096; ++i) {
    const uint32_t id = client.get_next_available_stream_id();
    ASSERT_EQ(id, 2 * i + 1);
    client.send_headers(id, req, true);
    wire = drain(client);
    receive(server, wire);
    server.send_headers(id, resp, true);
    wire = drain(server);
    receive(client, wire);
  }
  client.send_headers(H2Connection::kHighestAllowedStreamId, req, true);
  EXPECT_THROW(client.get_next_available_stream_id(), NoAvailableStreamIDError);
}

TEST(ConnectionUtility, ServerStreamIdsAreEvenAndRunOut) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  auto req = to_headers(kRequest);
  auto resp = to_headers(kResponse);
  for (uint32_t i = 1; i < 4096; ++i) {
    const uint32_t id = server.get_next_available_stream_id();
    ASSERT_EQ(id, 2 * i);
    server.push_stream(1, id, req);
    server.send_headers(id, resp, true);
    drain(server);
  }
  server.push_stream(1, H2Connection::kHighestAllowedStreamId - 1, req);
  EXPECT_THROW(server.get_next_available_stream_id(), NoAvailableStreamIDError);
}

TEST(ConnectionUtility, NextStreamIdDoesNotAdvanceUntilUsed) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  EXPECT_EQ(client.get_next_available_stream_id(), 1u);
  EXPECT_EQ(client.get_next_available_stream_id(), 1u);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  EXPECT_EQ(client.get_next_available_stream_id(), 3u);
  EXPECT_EQ(client.get_next_available_stream_id(), 3u);
  H2Connection server(server_config());
  FrameFactory g;
  open_server(server, g);
  receive(server, g.headers(1, kRequest));
  EXPECT_EQ(server.get_next_available_stream_id(), 2u);
  EXPECT_EQ(server.get_next_available_stream_id(), 2u);
  server.push_stream(1, 2, req);
  EXPECT_EQ(server.get_next_available_stream_id(), 4u);
}

}  // namespace
}  // namespace h2
