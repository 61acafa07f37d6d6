// The visitor form of receive_data (issue 3 point 8): the same events as the vector form, in
// the same order, handed over frame by frame; handlers may send between frames; a connection
// error still ends the call with GOAWAY and the exception.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "connection_test_util.h"

namespace h2 {
namespace {

using h2test::drain;
using h2test::server_config;
using h2test::to_headers;

// Everything an event carries that tests compare, as text (copied: the visitor's events are
// gone once the handler returns).
std::string describe(const Event& e) {
  std::ostringstream out;
  out << event_name(e);
  std::visit(
      [&](const auto& ev) {
        if constexpr (requires { ev.stream_id; }) out << " stream=" << ev.stream_id;
        if constexpr (requires { ev.pushed_stream_id; }) out << " pushed=" << ev.pushed_stream_id;
        if constexpr (requires { ev.headers; })
          for (const Header& h : ev.headers)
            out << " [" << h.name << ": " << h.value << (h.never_indexed ? " NI" : "") << "]";
        if constexpr (requires { ev.data; }) out << " data=" << as_string_view(ev.data);
        if constexpr (requires { ev.flow_controlled_length; })
          out << " fcl=" << ev.flow_controlled_length;
        if constexpr (requires { ev.stream_ended; }) out << " ended=" << ev.stream_ended.has_value();
        if constexpr (requires { ev.delta; }) out << " delta=" << ev.delta;
        if constexpr (requires { ev.error_code; })
          out << " code=" << static_cast<uint32_t>(ev.error_code);
        if constexpr (requires { ev.changed_settings; })
          for (const ChangedSetting& c : ev.changed_settings)
            out << " setting " << c.setting << "=" << c.new_value;
        if constexpr (requires { ev.ping_data; }) out << " ping=" << int{ev.ping_data[0]};
      },
      e);
  return out.str();
}

std::vector<std::string> collect(H2Connection& c, const std::string& bytes) {
  std::vector<std::string> out;
  for (const Event& e : c.receive_data(as_bytes(bytes))) out.push_back(describe(e));
  return out;
}

std::vector<std::string> visit(H2Connection& c, const std::string& bytes) {
  std::vector<std::string> out;
  c.receive_data(as_bytes(bytes), [&](const Event& e) { out.push_back(describe(e)); });
  return out;
}

// What a client sends: preface, SETTINGS, requests with bodies and trailers, a ping, a window
// update, a priority change, a request whose cookie crumbs the server joins.
std::string client_script(H2Connection& client) {
  client.initiate_connection();
  std::string wire = drain(client);
  for (int i = 0; i < 12; ++i) {
    const uint32_t id = client.get_next_available_stream_id();
    const h2test::HeaderPairs pairs = {{":method", i % 3 == 0 ? "POST" : "GET"},
                                       {":scheme", "https"},
                                       {":authority", "example.com"},
                                       {":path", "/item/" + std::to_string(i)},
                                       {"user-agent", "visitor-test/1.0"},
                                       {"cookie", "a=1; b=" + std::to_string(i)}};
    const std::vector<Header> headers = to_headers(pairs);  // views into `pairs`
    if (i % 3 == 0) {
      client.send_headers(id, headers);
      client.send_data(id, as_bytes(std::string(static_cast<size_t>(10 + i), 'x')));
      client.send_headers(id, to_headers({{"x-trailer", "t" + std::to_string(i)}}), true);
    } else {
      client.send_headers(id, headers, true);
    }
    if (i == 4) client.ping(as_bytes(std::string("12345678")));
    if (i == 7) client.increment_flow_control_window(1000);
    if (i == 9) {
      PriorityArgs priority;
      priority.weight = 32;
      client.prioritize(id, priority);
    }
  }
  return wire + drain(client);
}

TEST(ConnectionVisitor, SameEventsAsTheVectorFormWholeOrByteByByte) {
  H2Connection client;
  const std::string wire = client_script(client);

  H2Connection collected(server_config()), visited(server_config());
  H2Connection collected_bytewise(server_config()), visited_bytewise(server_config());
  collected.initiate_connection();
  visited.initiate_connection();
  collected_bytewise.initiate_connection();
  visited_bytewise.initiate_connection();
  const std::vector<std::string> expected = collect(collected, wire);
  ASSERT_GT(expected.size(), 30u);
  EXPECT_EQ(visit(visited, wire), expected);
  // Frames cut anywhere: the reader buffers (and hands DATA out in pieces), the same way in
  // both forms.
  std::vector<std::string> collected_pieces, visited_pieces;
  for (char byte : wire) {
    const std::vector<std::string> a = collect(collected_bytewise, std::string(1, byte));
    collected_pieces.insert(collected_pieces.end(), a.begin(), a.end());
    const std::vector<std::string> b = visit(visited_bytewise, std::string(1, byte));
    visited_pieces.insert(visited_pieces.end(), b.begin(), b.end());
  }
  EXPECT_GT(collected_pieces.size(), expected.size());
  EXPECT_EQ(visited_pieces, collected_pieces);
  // Same state and same output afterwards (SETTINGS, SETTINGS ACK, PING ACK, ...).
  std::string server_out = drain(collected);
  EXPECT_EQ(drain(visited), server_out);
  EXPECT_EQ(visited.open_inbound_streams(), collected.open_inbound_streams());
  EXPECT_EQ(visited.highest_inbound_stream_id(), collected.highest_inbound_stream_id());

  // The client side: two clients that sent the same bytes get the server's responses, one
  // through each form.
  for (uint32_t id = 1; id <= 23; id += 2) {
    collected.send_headers(id, to_headers({{":status", "200"}, {"content-length", "3"}}));
    collected.send_data(id, as_bytes(std::string("abc")), true);
  }
  server_out += drain(collected);
  H2Connection client_a, client_b;
  ASSERT_EQ(client_script(client_a), wire);
  ASSERT_EQ(client_script(client_b), wire);
  const std::vector<std::string> responses = collect(client_a, server_out);
  ASSERT_GT(responses.size(), 36u);
  EXPECT_EQ(visit(client_b, server_out), responses);
}

TEST(ConnectionVisitor, HandlerMaySendBetweenFrames) {
  H2Connection client;
  H2Connection server(server_config());
  client.initiate_connection();
  server.initiate_connection();
  for (int i = 0; i < 5; ++i)
    client.send_headers(client.get_next_available_stream_id(),
                        to_headers({{":method", "GET"},
                                    {":scheme", "http"},
                                    {":authority", "a"},
                                    {":path", "/"}}),
                        true);
  size_t requests = 0;
  server.receive_data(client.data_to_send(), [&](const Event& e) {
    if (const auto* r = std::get_if<RequestReceived>(&e)) {
      ++requests;
      server.send_headers(r->stream_id, to_headers({{":status", "200"}}));
      server.send_data(r->stream_id, as_bytes(std::string("hello")), true);
    }
  });
  EXPECT_EQ(requests, 5u);
  EXPECT_EQ(server.open_inbound_streams(), 0u);  // every stream answered and closed
  size_t ended = 0;
  std::string body;
  client.receive_data(server.data_to_send(), [&](const Event& e) {
    if (const auto* d = std::get_if<DataReceived>(&e)) {
      body += as_string_view(d->data);
      client.acknowledge_received_data(d->flow_controlled_length, d->stream_id);
    }
    if (std::holds_alternative<StreamEnded>(e)) ++ended;
  });
  EXPECT_EQ(ended, 5u);
  EXPECT_EQ(body, "hellohellohellohellohello");
  EXPECT_EQ(client.open_outbound_streams(), 0u);
}

TEST(ConnectionVisitor, HandlerMayNotReenterReceiveData) {
  H2Connection client;
  H2Connection server(server_config());
  client.initiate_connection();
  server.initiate_connection();
  const std::string wire = drain(client);
  bool threw = false;
  EXPECT_THROW(server.receive_data(as_bytes(wire),
                                   [&](const Event&) {
                                     try {
                                       server.receive_data(as_bytes(std::string()));
                                     } catch (const std::logic_error&) {
                                       threw = true;
                                       throw;
                                     }
                                   }),
               std::logic_error);
  EXPECT_TRUE(threw);
  // The vector form works again afterwards (the guard was released).
  EXPECT_NO_THROW(server.receive_data(as_bytes(std::string())));
}

TEST(ConnectionVisitor, ConnectionErrorAfterEarlierFramesWereDelivered) {
  H2Connection client;
  H2Connection server(server_config());
  client.initiate_connection();
  server.initiate_connection();
  client.send_headers(1, to_headers({{":method", "GET"}, {":scheme", "http"}, {":authority", "a"},
                                     {":path", "/"}}),
                      true);
  // Then a DATA frame on stream 0: a connection error PROTOCOL_ERROR.
  const std::string wire = drain(client) + std::string("\0\0\0\0\0\0\0\0\0", 9);
  std::vector<std::string> seen;
  EXPECT_THROW(server.receive_data(as_bytes(wire),
                                   [&](const Event& e) { seen.push_back(describe(e)); }),
               ProtocolError);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().rfind("StreamEnded", 0), 0u) << seen.back();
  EXPECT_NE(std::find_if(seen.begin(), seen.end(),
                         [](const std::string& s) { return s.rfind("RequestReceived", 0) == 0; }),
            seen.end());
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
  const std::string out = drain(server);
  ASSERT_GE(out.size(), 9u);
  EXPECT_EQ(out[out.size() - 17 + 3], 0x07);  // the last frame queued is GOAWAY (8-byte payload)
}

}  // namespace
}  // namespace h2
