// libFuzzer target for H2Connection's receive path (and the API calls an application makes in
// reaction to events).
//
// The first byte picks the role (server after its own initiate_connection, or client that has
// sent a request on stream 1), config options (validate_inbound_headers, header_encoding,
// normalize_inbound_headers) and how the rest is split into receive_data calls. The rest is the
// peer's bytes. Between chunks the harness drains data_to_send and, depending on the input,
// acknowledges DATA, answers requests, resets streams (with the vector form of receive_data,
// after the call; with the visitor form, chosen per chunk, from inside the handler between
// frames). Invariants:
// - receive_data throws nothing but h2::ProtocolError (and subclasses), and after one the
//   connection is CLOSED;
// - API calls made correctly throw nothing but h2::H2Error (the connection may refuse a call in
//   its current state, never with std::invalid_argument or anything else);
// - outbound_buffer_size() stays bounded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <vector>

#include "h2/connection.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr size_t kMaxOutbound = size_t{64} << 20;

struct Action {
  enum Kind { kAck, kRespond, kReset } kind;
  uint32_t stream;
  uint32_t amount;
};

// Runs an API call; only h2's own errors are acceptable.
template <typename F>
void api(F&& f) {
  try {
    f();
  } catch (const h2::H2Error&) {
  } catch (...) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t opts = data[0];
  ++data;
  --size;

  h2::H2Configuration config;
  config.client_side = opts & 1;
  config.validate_inbound_headers = !(opts & 2);
  config.header_encoding = (opts & 4) ? h2::HeaderEncoding::kUtf8 : h2::HeaderEncoding::kBytes;
  config.normalize_inbound_headers = !(opts & 8);
  h2::H2Connection conn(config);
  conn.initiate_connection();
  if (config.client_side) {
    const h2::Header request[] = {{":method", "POST", false},
                                  {":scheme", "https", false},
                                  {":path", "/", false},
                                  {":authority", "example.com", false},
                                  {"cookie", "a=b", false}};
    conn.send_headers(1, request);
    static const uint8_t body[] = {'h', 'e', 'l', 'l', 'o'};
    conn.send_data(1, body);
  }
  conn.data_to_send();

  // Chunk sizes: whole input, fixed small pieces, or sizes from a generator seeded by opts.
  uint32_t lcg = opts * 2654435761u + 1;
  const unsigned mode = opts >> 4;
  size_t pos = 0;
  std::vector<Action> actions;
  while (pos < size) {
    size_t n;
    if (mode == 0) {
      n = size - pos;
    } else if (mode < 8) {
      n = mode;
    } else {
      lcg = lcg * 1103515245u + 12345u;
      n = 1 + (lcg >> 16) % (mode * 64);
    }
    n = std::min(n, size - pos);
    const h2::Bytes chunk(data + pos, n);
    pos += n;

    // What the harness does about an event: decided from the event and the generator.
    auto decide = [&](const h2::Event& e) {
      lcg = lcg * 1103515245u + 12345u;
      const unsigned r = lcg >> 24;
      if (const auto* d = std::get_if<h2::DataReceived>(&e)) {
        if (r % 4 != 0) actions.push_back({Action::kAck, d->stream_id, d->flow_controlled_length});
      } else if (const auto* q = std::get_if<h2::RequestReceived>(&e)) {
        if (r % 3 == 0) actions.push_back({Action::kRespond, q->stream_id, 0});
        if (r % 7 == 1) actions.push_back({Action::kReset, q->stream_id, 0});
      } else if (const auto* p = std::get_if<h2::ResponseReceived>(&e)) {
        if (r % 5 == 0) actions.push_back({Action::kReset, p->stream_id, 0});
      }
    };
    auto run_actions = [&] {
      for (const Action& a : actions) {
        // Events may describe a stream a later frame of the same read closed: only live ones.
        switch (a.kind) {
          case Action::kAck:
            api([&] { conn.acknowledge_received_data(a.amount, a.stream); });
            break;
          case Action::kRespond:
            if (conn.stream_state(a.stream)) {
              const h2::Header response[] = {{":status", "200", false}, {"server", "fuzz", false}};
              api([&] { conn.send_headers(a.stream, response, /*end_stream=*/true); });
            }
            break;
          case Action::kReset:
            if (conn.stream_state(a.stream))
              api([&] { conn.reset_stream(a.stream, h2::ErrorCode::kCancel); });
            break;
        }
      }
      actions.clear();
    };

    // Half the chunks go through the visitor form, whose handler acts at once, between
    // frames; the others through the vector form, acted on after the call.
    lcg = lcg * 1103515245u + 12345u;
    const bool visitor = ((lcg >> 20) & 1) != 0;
    actions.clear();
    try {
      if (visitor) {
        conn.receive_data(chunk, [&](const h2::Event& e) {
          decide(e);
          run_actions();
        });
      } else {
        for (const h2::Event& e : conn.receive_data(chunk)) decide(e);
      }
    } catch (const h2::ProtocolError&) {
      check(conn.state() == h2::ConnectionState::kClosed);
      check(conn.outbound_buffer_size() < kMaxOutbound);
      return 0;
    } catch (...) {
      std::abort();
    }
    run_actions();
    check(conn.outbound_buffer_size() < kMaxOutbound);
    conn.data_to_send();
  }
  return 0;
}
