// A request/response exchange between a client and a server H2Connection allocates nothing
// once the connections are warm (issue 3 point 8): stream objects, header arenas, event
// vectors and output buffers are all reused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "h2/connection.h"
#include "support/counting_allocator.h"

namespace h2 {
namespace {

struct Pair {
  H2Connection client;
  H2Connection server{[] {
    H2Configuration c;
    c.client_side = false;
    return c;
  }()};
  std::vector<Header> request = {{":method", "GET", false},
                                 {":scheme", "https", false},
                                 {":authority", "www.example.com", false},
                                 {":path", "/index.html", false},
                                 {"user-agent", "test/1.0", false},
                                 {"accept", "*/*", false},
                                 {"accept-encoding", "gzip, deflate", false},
                                 {"cookie", "session=0123456789abcdef0123456789", false}};
  std::vector<Header> response = {{":status", "200", false},
                                  {"content-type", "text/plain", false},
                                  {"content-length", "100", false}};
  std::string body = std::string(100, 'b');
  std::string wire;
  size_t completed = 0;
  bool visitor = false;  // receive_data's visitor form instead of the vector form

  Pair() {
    wire.reserve(1 << 20);
    client.initiate_connection();
    server.initiate_connection();
    pump();
  }

  void on_server_event(const Event& e) {
    if (const auto* r = std::get_if<RequestReceived>(&e)) {
      server.send_headers(r->stream_id, response);
      server.send_data(r->stream_id, as_bytes(body), true);
    }
  }
  void on_client_event(const Event& e) {
    if (const auto* d = std::get_if<DataReceived>(&e)) {
      client.acknowledge_received_data(d->flow_controlled_length, d->stream_id);
    } else if (std::holds_alternative<StreamEnded>(e)) {
      ++completed;
    }
  }

  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      if (client.outbound_buffer_size()) {
        wire.assign(as_string_view(client.data_to_send()));
        if (visitor) {
          server.receive_data(as_bytes(wire), [this](const Event& e) { on_server_event(e); });
        } else {
          for (const Event& e : server.receive_data(as_bytes(wire))) on_server_event(e);
        }
        moved = true;
      }
      if (server.outbound_buffer_size()) {
        wire.assign(as_string_view(server.data_to_send()));
        if (visitor) {
          client.receive_data(as_bytes(wire), [this](const Event& e) { on_client_event(e); });
        } else {
          for (const Event& e : client.receive_data(as_bytes(wire))) on_client_event(e);
        }
        moved = true;
      }
    }
  }

  void round(int in_flight) {
    for (int i = 0; i < in_flight; ++i)
      client.send_headers(client.get_next_available_stream_id(), request, true);
    pump();
  }
};

TEST(ConnectionAllocations, NoneForAnExchangeInSteadyState) {
  Pair pair;
  // Warm-up past the closed-stream memory's capacity (65536), which grows until it is full.
  for (int i = 0; i < 700; ++i) pair.round(100);
  ASSERT_EQ(pair.completed, 70000u);
  h2test::AllocationCounter counter;
  for (int i = 0; i < 20; ++i) pair.round(100);
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(pair.completed, 72000u);
}

TEST(ConnectionAllocations, NoneForAnExchangeInSteadyStateVisitorForm) {
  Pair pair;
  pair.visitor = true;
  for (int i = 0; i < 700; ++i) pair.round(100);
  ASSERT_EQ(pair.completed, 70000u);
  h2test::AllocationCounter counter;
  for (int i = 0; i < 20; ++i) pair.round(100);
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(pair.completed, 72000u);
}

TEST(ConnectionAllocations, CounterSeesAllocations) {
  h2test::AllocationCounter counter;
  Pair pair;  // constructing connections allocates
  EXPECT_GT(counter.count(), 0u);
}

}  // namespace
}  // namespace h2
