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
// - outbound_buffer_size() stays bounded;
// - a second connection with the header-block memos off (memoize_header_blocks = false), fed
//   the same chunks and the same calls at the same points, reports the same events, throws
//   the same errors and sends the same bytes: the memos change speed, never behaviour.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "h2/connection.h"
#include "support/event_text.h"

namespace {

using h2test::describe;

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

// Applies `a` to `conn` (only to live streams: events may describe a stream a later frame of
// the same read closed).
void run_action(h2::H2Connection& conn, const Action& a) {
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

std::string sent(h2::H2Connection& conn) {
  return std::string(h2::as_string_view(conn.data_to_send()));
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
  h2::H2Configuration plain_config = config;
  plain_config.memoize_header_blocks = false;
  h2::H2Connection plain(plain_config);  // the mirror: no memos
  for (h2::H2Connection* c : {&conn, &plain}) {
    c->initiate_connection();
    if (config.client_side) {
      const h2::Header request[] = {{":method", "POST", false},
                                    {":scheme", "https", false},
                                    {":path", "/", false},
                                    {":authority", "example.com", false},
                                    {"cookie", "a=b", false}};
      c->send_headers(1, request);
      static const uint8_t body[] = {'h', 'e', 'l', 'l', 'o'};
      c->send_data(1, body);
    }
  }
  check(sent(conn) == sent(plain));

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
      for (const Action& a : actions) run_action(conn, a);
      actions.clear();
    };

    // Half the chunks go through the visitor form, whose handler acts at once, between
    // frames; the others through the vector form, acted on after the call. The mirror gets
    // the same calls at the same points: after the same event (visitor) or after the call.
    lcg = lcg * 1103515245u + 12345u;
    const bool visitor = ((lcg >> 20) & 1) != 0;
    actions.clear();
    std::vector<std::string> seen;                       // the events, described
    std::vector<std::vector<Action>> acted_after_event;  // visitor form: per event
    std::string error;
    try {
      if (visitor) {
        conn.receive_data(chunk, [&](const h2::Event& e) {
          seen.push_back(describe(e));
          decide(e);
          acted_after_event.push_back(actions);
          run_actions();
        });
      } else {
        for (const h2::Event& e : conn.receive_data(chunk)) {
          seen.push_back(describe(e));
          decide(e);
        }
      }
    } catch (const h2::ProtocolError& e) {
      check(conn.state() == h2::ConnectionState::kClosed);
      check(conn.outbound_buffer_size() < kMaxOutbound);
      error = e.what();
    } catch (...) {
      std::abort();
    }

    std::vector<std::string> mirrored;
    std::string mirror_error;
    try {
      if (visitor) {
        plain.receive_data(chunk, [&](const h2::Event& e) {
          mirrored.push_back(describe(e));
          check(mirrored.size() <= acted_after_event.size());
          for (const Action& a : acted_after_event[mirrored.size() - 1]) run_action(plain, a);
        });
      } else {
        for (const h2::Event& e : plain.receive_data(chunk)) mirrored.push_back(describe(e));
      }
    } catch (const h2::ProtocolError& e) {
      mirror_error = e.what();
    }
    check(seen == mirrored);
    check(error == mirror_error);
    if (!error.empty()) {
      check(sent(conn) == sent(plain));
      return 0;
    }
    if (!visitor)
      for (const Action& a : actions) run_action(plain, a);
    run_actions();
    check(conn.outbound_buffer_size() < kMaxOutbound);
    check(sent(conn) == sent(plain));
  }
  return 0;
}
