// H2Connection property tests: a client and a server connection joined by in-memory pipes,
// over many random request sets. Bytes move between them in random-sized pieces; bodies are
// sent within the flow-control windows and the applications acknowledge what they read, so
// windows reopen. Every request must reach the server intact (headers after h2's outbound
// normalization and inbound cookie joining, body, trailers), every response the client, with
// no errors, every stream closed at the end and both ends agreeing on the windows.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "h2/connection.h"
#include "support/owned_headers.h"

namespace h2 {
namespace {

using h2test::chance;
using h2test::lower;
using h2test::own;
using h2test::Owned;
using h2test::OwnedHeader;
using h2test::pick;
using h2test::random_token;
using h2test::random_value;
using h2test::Rng;
using h2test::view;

std::string strip(const std::string& s) {
  auto ws = [](char ch) {
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
  };
  size_t b = 0, e = s.size();
  while (b < e && ws(s[b])) ++b;
  while (e > b && ws(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool connection_specific(const std::string& name) {
  return name == "connection" || name == "proxy-connection" || name == "keep-alive" ||
         name == "transfer-encoding" || name == "upgrade";
}

// What the peer's events carry for a block we sent: h2's outbound normalization (lowercase,
// strip, drop connection-specific fields, sensitive fields never-indexed), then the receiver's
// inbound normalization (cookies joined with "; " into one never-indexed field at the end).
Owned expected_received(const Owned& sent) {
  Owned out;
  std::vector<std::string> cookies;
  for (const OwnedHeader& h : sent) {
    OwnedHeader n{strip(lower(h.name)), strip(h.value), h.never_indexed};
    if (connection_specific(n.name)) continue;
    if (n.name == "cookie") {
      cookies.push_back(n.value);
      continue;
    }
    if (n.name == "authorization" || n.name == "proxy-authorization") n.never_indexed = true;
    out.push_back(std::move(n));
  }
  if (!cookies.empty()) {
    std::string joined;
    for (size_t i = 0; i < cookies.size(); ++i) joined += (i ? "; " : "") + cookies[i];
    out.push_back({"cookie", joined, true});
  }
  return out;
}

// ---- random content --------------------------------------------------------------------------

std::string random_body(Rng& rng, size_t max) {
  size_t n;
  switch (pick(rng, 0, 5)) {
    case 0:
      n = 0;
      break;
    case 1:
      n = pick(rng, 1, 100);
      break;
    case 2:
      n = pick(rng, 1, 5000);
      break;
    case 3:
      n = pick(rng, 1, max / 4);
      break;
    default:
      n = pick(rng, 0, max);
      break;
  }
  std::string s(n, '\0');
  uint32_t x = static_cast<uint32_t>(rng());
  for (char& ch : s) {
    x = x * 1103515245u + 12345u;
    ch = static_cast<char>(x >> 24);
  }
  return s;
}

// Extra (regular) header fields: ordinary, never-indexed, sensitive, cookies, mixed-case
// names, padded values, connection-specific fields (dropped by normalization), occasionally a
// value big enough to need CONTINUATION frames.
void add_extra_headers(Rng& rng, Owned& h, bool allow_cookies, size_t& big_budget) {
  const size_t n = pick(rng, 0, 12);
  for (size_t i = 0; i < n; ++i) {
    switch (pick(rng, 0, 14)) {
      case 0:
        h.push_back({"x-" + random_token(rng, 1, 12), random_value(rng, 0, 40), true});
        break;
      case 1:
        h.push_back({"authorization", "Bearer " + random_token(rng, 5, 30), false});
        break;
      case 2:
        if (allow_cookies) {
          h.push_back(
              {"cookie", random_token(rng, 1, 8) + "=" + random_token(rng, 0, 30), chance(rng, 4)});
        }
        break;
      case 3:
        if (allow_cookies) {  // several crumbs in one field (split when configured)
          h.push_back({"cookie",
                       random_token(rng, 1, 5) + "=" + random_token(rng, 1, 5) + "; " +
                           random_token(rng, 1, 5) + "=" + random_token(rng, 1, 5),
                       false});
        }
        break;
      case 4:
        h.push_back({"X-Mixed-" + random_token(rng, 1, 6), random_value(rng, 1, 20), false});
        break;
      case 5:
        h.push_back({"x-padded", "  " + random_value(rng, 1, 20) + " \t", false});
        break;
      case 6:
        h.push_back({chance(rng, 2) ? "keep-alive" : "connection", "close", false});
        break;
      case 7:
        if (big_budget >= 1000) {
          const size_t size = pick(rng, 1000, std::min<size_t>(big_budget, 20000));
          big_budget -= size;
          h.push_back({"x-big", random_token(rng, size, size), false});
        }
        break;
      case 8:
        h.push_back({"accept-encoding", "gzip, deflate", false});
        break;
      case 9:
        h.push_back({"x-empty", "", false});
        break;
      default:
        h.push_back({"x-" + random_token(rng, 1, 10), random_value(rng, 0, 60), false});
        break;
    }
  }
}

// ---- the exchange -------------------------------------------------------------------------

struct Message {
  std::vector<Owned> informational;
  Owned headers;
  std::string body;
  Owned trailers;             // empty: none
  bool separate_end = false;  // end with end_stream() instead of END_STREAM on the last DATA
};

struct Received {
  std::vector<Owned> informational;
  Owned headers;
  std::string body;
  Owned trailers;
  bool headers_seen = false;
  bool ended = false;
  uint64_t flow_controlled = 0;
};

struct Outgoing {
  uint32_t stream;
  const Message* msg;
  size_t offset = 0;
};

struct Pipe {
  std::string buf;
  size_t pos = 0;
  size_t pending() const { return buf.size() - pos; }
  void push(Bytes b) {
    if (pos > 0 && pos == buf.size()) {
      buf.clear();
      pos = 0;
    }
    buf.append(as_string_view(b));
  }
  std::string take(size_t n) {
    n = std::min(n, pending());
    std::string out = buf.substr(pos, n);
    pos += n;
    if (pos > (1u << 20) && pos > buf.size() / 2) {
      buf.erase(0, pos);
      pos = 0;
    }
    return out;
  }
};

struct Side {
  explicit Side(H2Configuration config) : conn(std::move(config)) {}
  H2Connection conn;
  std::vector<std::pair<uint32_t, uint32_t>> unacked;  // (stream, flow-controlled bytes)
  std::deque<Outgoing> sending;
  std::map<uint32_t, Received> received;
  uint64_t data_frames_sent = 0;
  // Our SETTINGS frames not yet acknowledged. h2 applies pending values at the next ACK
  // whichever frame it acknowledges (Settings::acknowledge pops every pending key), so a
  // second SETTINGS in flight would be applied one ACK early; the tests keep one at a time.
  int settings_in_flight = 0;
};

class Exchange {
 public:
  explicit Exchange(uint32_t seed)
      : rng_(seed), client_(make_config(true)), server_(make_config(false)) {}

  void run() {
    setup();
    const size_t n_requests = pick(rng_, 1, 50);
    requests_.resize(n_requests);
    for (size_t i = 0; i < n_requests; ++i) make_request(requests_[i], i);
    max_chunk_ = std::array<size_t, 5>{7, 100, 3000, 20000, 200000}[pick(rng_, 0, 4)];
    size_t started = 0;
    // Some requests go out at once, the rest while the exchange runs.
    const size_t initial = pick(rng_, 1, n_requests);
    while (started < initial) start_request(started++);

    for (uint64_t step = 0;; ++step) {
      ASSERT_LT(step, 50'000'000u) << "no progress";
      c2s_.push(client_.conn.data_to_send());
      s2c_.push(server_.conn.data_to_send());
      if (c2s_.pending() == 0 && s2c_.pending() == 0) {
        // Quiet wire: both ends must agree on every window.
        check_windows();
        if (::testing::Test::HasFailure()) return;
        // Move things along: acknowledge, send what the windows allow, start requests.
        ack_all(client_);
        ack_all(server_);
        flush(client_);
        flush(server_);
        if (started < n_requests) start_request(started++);
        if (client_.conn.outbound_buffer_size() == 0 && server_.conn.outbound_buffer_size() == 0)
          break;
        continue;
      }
      const bool to_server = s2c_.pending() == 0 || (c2s_.pending() != 0 && chance(rng_, 2));
      Pipe& pipe = to_server ? c2s_ : s2c_;
      const std::string piece = pipe.take(pick(rng_, 1, max_chunk_));
      Side& receiver = to_server ? server_ : client_;
      const std::vector<Event>& events = receiver.conn.receive_data(as_bytes(piece));
      for (const Event& e : events) {
        if (to_server) {
          on_server_event(e);
        } else {
          on_client_event(e);
        }
        if (::testing::Test::HasFailure()) return;
      }
      // Random application activity between reads.
      if (chance(rng_, 3)) ack_some(receiver);
      if (chance(rng_, 2)) flush(receiver);
      if (started < n_requests && chance(rng_, 20)) start_request(started++);
      if (chance(rng_, 500)) ping(chance(rng_, 2) ? client_ : server_);
      if (chance(rng_, 200)) change_settings(chance(rng_, 2) ? client_ : server_);
    }
    check_end();
  }

 private:
  H2Configuration make_config(bool client) {
    H2Configuration c;
    c.client_side = client;
    c.split_outbound_cookies = chance(rng_, 2);
    c.encoder_strategy =
        chance(rng_, 3) ? hpack::EncoderStrategy::kPythonHpack : hpack::EncoderStrategy::kDefault;
    return c;
  }

  void setup() {
    for (Side* s : {&client_, &server_}) {
      s->conn.initiate_connection();
      s->settings_in_flight = 1;
      if (chance(rng_, 3))
        s->conn.increment_flow_control_window(static_cast<uint32_t>(pick(rng_, 1, 1 << 20)));
    }
  }

  void change_settings(Side& s) {
    std::vector<std::pair<uint16_t, int64_t>> settings;
    if (chance(rng_, 2))
      settings.emplace_back(frame::setting_id::kInitialWindowSize,
                            chance(rng_, 3) ? pick(rng_, 1, 2000) : pick(rng_, 1, 300000));
    if (chance(rng_, 2))
      settings.emplace_back(frame::setting_id::kMaxFrameSize, pick(rng_, 16384, 1 << 18));
    // python-hpack (kPythonHpack) replays every table size change it was given, stale larger
    // ones included, which a decoder whose limit has since dropped must reject (RFC 7541
    // §4.2, §6.3); only peers with the default strategy get HEADER_TABLE_SIZE changes.
    Side& peer = &s == &client_ ? server_ : client_;
    if (peer.conn.config().encoder_strategy == hpack::EncoderStrategy::kDefault && chance(rng_, 2))
      settings.emplace_back(frame::setting_id::kHeaderTableSize, pick(rng_, 0, 8192));
    if (settings.empty() || s.settings_in_flight > 0) return;
    s.conn.update_settings(settings);
    s.settings_in_flight++;
  }

  void ping(Side& s) {
    std::array<uint8_t, 8> data;
    for (uint8_t& b : data) b = static_cast<uint8_t>(rng_());
    s.conn.ping(data);
    pings_sent_++;
  }

  void make_request(Message& m, size_t index) {
    static constexpr std::string_view kMethods[] = {"GET",  "POST",  "PUT",    "DELETE",
                                                    "HEAD", "PATCH", "OPTIONS"};
    const std::string method(kMethods[pick(rng_, 0, 6)]);
    std::string path = "/";
    path += random_token(rng_, 0, 30);
    path += "?i=";
    path += std::to_string(index);
    m.headers = {{":method", method, false},
                 {":scheme", chance(rng_, 2) ? "https" : "http", false},
                 {":path", path, chance(rng_, 10)},
                 {":authority", "example.com", false}};
    if (chance(rng_, 5)) m.headers.push_back({"host", "example.com", false});
    size_t big = chance(rng_, 10) ? 30000 : 0;
    add_extra_headers(rng_, m.headers, /*allow_cookies=*/true, big);
    if (method != "HEAD" && method != "GET") m.body = random_body(rng_, 100 * 1024);
    if (chance(rng_, 3)) m.headers.push_back({"content-length", std::to_string(m.body.size())});
    if (chance(rng_, 5)) {
      m.trailers = {{"x-checksum", std::to_string(m.body.size()), false}};
      size_t none = 0;
      add_extra_headers(rng_, m.trailers, /*allow_cookies=*/false, none);
    }
    m.separate_end = chance(rng_, 6);
  }

  void make_response(Message& m, const Received& request) {
    std::string_view method;
    for (const OwnedHeader& h : request.headers)
      if (h.name == ":method") method = h.value;
    const size_t n_info = chance(rng_, 8) ? pick(rng_, 1, 2) : 0;
    for (size_t i = 0; i < n_info; ++i)
      m.informational.push_back({{":status", chance(rng_, 2) ? "100" : "103", false},
                                 {"link", "</style.css>; rel=preload", false}});
    static constexpr std::string_view kStatus[] = {"200", "201", "204", "301", "404", "500"};
    m.headers = {{":status", std::string(kStatus[pick(rng_, 0, 5)]), false}};
    size_t big = chance(rng_, 20) ? 20000 : 0;
    add_extra_headers(rng_, m.headers, /*allow_cookies=*/false, big);
    if (method != "HEAD") m.body = random_body(rng_, 100 * 1024);
    if (chance(rng_, 3)) {
      // For HEAD: the length the GET would have had.
      m.headers.push_back({"content-length",
                           std::to_string(method == "HEAD" ? pick(rng_, 0, 5000) : m.body.size())});
    }
    if (chance(rng_, 4)) {
      m.trailers = {{"grpc-status", "0", false}};
      size_t none = 0;
      add_extra_headers(rng_, m.trailers, /*allow_cookies=*/false, none);
    }
    m.separate_end = chance(rng_, 6);
  }

  void start_request(size_t i) {
    const Message& m = requests_[i];
    const uint32_t id = client_.conn.get_next_available_stream_id();
    stream_request_[id] = i;
    PriorityArgs prio;
    if (chance(rng_, 8)) {
      prio.weight = static_cast<int>(pick(rng_, 1, 256));
      if (chance(rng_, 2) && id > 1) prio.depends_on = static_cast<uint32_t>(id - 2);
      if (chance(rng_, 2)) prio.exclusive = true;
    }
    const bool ends = m.body.empty() && m.trailers.empty() && !m.separate_end;
    const std::vector<Header> headers = view(m.headers);
    client_.conn.send_headers(id, headers, ends, prio);
    if (!ends) client_.sending.push_back({id, &m});
  }

  void respond(uint32_t id) {
    auto [it, inserted] = responses_.try_emplace(id);
    ASSERT_TRUE(inserted);
    Message& m = it->second;
    make_response(m, server_.received[id]);
    for (const Owned& info : m.informational) server_.conn.send_headers(id, view(info));
    const bool ends = m.body.empty() && m.trailers.empty() && !m.separate_end;
    server_.conn.send_headers(id, view(m.headers), ends);
    if (!ends) server_.sending.push_back({id, &m});
  }

  // Sends as much of every pending body as the windows allow, then trailers / END_STREAM.
  void flush(Side& s) {
    for (auto it = s.sending.begin(); it != s.sending.end();) {
      Outgoing& o = *it;
      const std::string& body = o.msg->body;
      while (o.offset < body.size()) {
        const int64_t cap = std::min<int64_t>(s.conn.local_flow_control_window(o.stream),
                                              s.conn.max_outbound_frame_size());
        if (cap <= 0) break;
        size_t chunk = std::min<size_t>(body.size() - o.offset, static_cast<size_t>(cap));
        if (chance(rng_, 4)) chunk = pick(rng_, 1, chunk);
        std::optional<int> pad;
        if (cap >= 3 && chance(rng_, 10)) {
          pad = static_cast<int>(pick(rng_, 0, std::min<int64_t>(255, cap - 2)));
          chunk = std::min<size_t>(chunk, static_cast<size_t>(cap - *pad - 1));
        }
        const bool last = o.offset + chunk == body.size();
        const bool end = last && o.msg->trailers.empty() && !o.msg->separate_end;
        s.conn.send_data(o.stream, as_bytes(std::string_view(body).substr(o.offset, chunk)), end,
                         pad);
        s.data_frames_sent++;
        o.offset += chunk;
        if (chance(rng_, 3)) break;  // leave some for later
      }
      if (o.offset < body.size()) {
        ++it;
        continue;
      }
      if (!o.msg->trailers.empty()) {
        s.conn.send_headers(o.stream, view(o.msg->trailers), /*end_stream=*/true);
      } else if (o.msg->separate_end) {
        s.conn.end_stream(o.stream);
      }
      it = s.sending.erase(it);
    }
  }

  void ack_all(Side& s) {
    for (const auto& [id, n] : s.unacked) s.conn.acknowledge_received_data(n, id);
    s.unacked.clear();
  }
  void ack_some(Side& s) {
    if (s.unacked.empty()) return;
    const size_t n = pick(rng_, 1, s.unacked.size());
    for (size_t i = 0; i < n; ++i)
      s.conn.acknowledge_received_data(s.unacked[i].second, s.unacked[i].first);
    s.unacked.erase(s.unacked.begin(), s.unacked.begin() + static_cast<ptrdiff_t>(n));
  }

  void on_common(Side& s, const Event& e, bool server) {
    if (auto* d = std::get_if<DataReceived>(&e)) {
      Received& r = s.received[d->stream_id];
      ASSERT_TRUE(r.headers_seen) << "DATA before headers on " << d->stream_id;
      ASSERT_FALSE(r.ended);
      ASSERT_TRUE(r.trailers.empty());
      ASSERT_GE(d->flow_controlled_length, d->data.size());
      r.body.append(as_string_view(d->data));
      r.flow_controlled += d->flow_controlled_length;
      s.unacked.emplace_back(d->stream_id, d->flow_controlled_length);
    } else if (auto* t = std::get_if<TrailersReceived>(&e)) {
      Received& r = s.received[t->stream_id];
      ASSERT_TRUE(r.headers_seen);
      ASSERT_TRUE(t->stream_ended);
      r.trailers = own(t->headers);
    } else if (auto* se = std::get_if<StreamEnded>(&e)) {
      Received& r = s.received[se->stream_id];
      ASSERT_FALSE(r.ended);
      r.ended = true;
      if (server) respond(se->stream_id);
    } else if (std::holds_alternative<WindowUpdated>(e)) {
      if (chance(rng_, 2)) flush(s);
    } else if (std::holds_alternative<PingAckReceived>(e)) {
      ping_acks_++;
    } else if (std::holds_alternative<SettingsAcknowledged>(e)) {
      ASSERT_GT(s.settings_in_flight, 0);
      s.settings_in_flight--;
      if (chance(rng_, 4)) change_settings(s);
    } else if (std::holds_alternative<RemoteSettingsChanged>(e) ||
               std::holds_alternative<PingReceived>(e) ||
               std::holds_alternative<PriorityUpdated>(e)) {
      // fine
    } else {
      FAIL() << "unexpected event " << event_name(e) << " on the "
             << (server ? "server" : "client");
    }
  }

  void on_server_event(const Event& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) {
      Received& rec = server_.received[r->stream_id];
      ASSERT_FALSE(rec.headers_seen);
      rec.headers_seen = true;
      rec.headers = own(r->headers);
      return;
    }
    on_common(server_, e, true);
  }

  void on_client_event(const Event& e) {
    if (auto* r = std::get_if<ResponseReceived>(&e)) {
      Received& rec = client_.received[r->stream_id];
      ASSERT_FALSE(rec.headers_seen);
      rec.headers_seen = true;
      rec.headers = own(r->headers);
      return;
    }
    if (auto* i = std::get_if<InformationalResponseReceived>(&e)) {
      Received& rec = client_.received[i->stream_id];
      ASSERT_FALSE(rec.headers_seen);
      rec.informational.push_back(own(i->headers));
      return;
    }
    on_common(client_, e, false);
  }

  void check_windows() {
    EXPECT_EQ(client_.conn.outbound_flow_control_window(),
              server_.conn.inbound_flow_control_window());
    EXPECT_EQ(server_.conn.outbound_flow_control_window(),
              client_.conn.inbound_flow_control_window());
    // Streams both ends still know: the send window of one is the receive window of the other.
    for (const auto& [id, index] : stream_request_) {
      (void)index;
      if (!client_.conn.stream_state(id) || !server_.conn.stream_state(id)) continue;
      EXPECT_EQ(client_.conn.local_flow_control_window(id),
                server_.conn.remote_flow_control_window(id))
          << "stream " << id;
      EXPECT_EQ(server_.conn.local_flow_control_window(id),
                client_.conn.remote_flow_control_window(id))
          << "stream " << id;
    }
  }

  void check_end() {
    EXPECT_EQ(client_.conn.state(), ConnectionState::kClientOpen);
    EXPECT_EQ(server_.conn.state(), ConnectionState::kServerOpen);
    EXPECT_EQ(server_.received.size(), requests_.size());
    for (const auto& [id, index] : stream_request_) {
      const Message& sent = requests_[index];
      const Received& got = server_.received[id];
      EXPECT_TRUE(got.ended) << "request on " << id;
      EXPECT_EQ(got.headers, expected_received(sent.headers)) << "request on " << id;
      EXPECT_EQ(got.body.size(), sent.body.size()) << "request on " << id;
      EXPECT_TRUE(got.body == sent.body) << "request on " << id;
      EXPECT_EQ(got.trailers, expected_received(sent.trailers)) << "request on " << id;

      const Message& resp = responses_[id];
      const Received& back = client_.received[id];
      EXPECT_TRUE(back.ended) << "response on " << id;
      ASSERT_EQ(back.informational.size(), resp.informational.size());
      for (size_t i = 0; i < resp.informational.size(); ++i)
        EXPECT_EQ(back.informational[i], expected_received(resp.informational[i]));
      EXPECT_EQ(back.headers, expected_received(resp.headers)) << "response on " << id;
      EXPECT_EQ(back.body.size(), resp.body.size()) << "response on " << id;
      EXPECT_TRUE(back.body == resp.body) << "response on " << id;
      EXPECT_EQ(back.trailers, expected_received(resp.trailers)) << "response on " << id;
    }
    EXPECT_EQ(client_.conn.live_streams(), 0u);
    EXPECT_EQ(server_.conn.live_streams(), 0u);
    EXPECT_EQ(client_.conn.open_outbound_streams(), 0u);
    EXPECT_EQ(server_.conn.open_inbound_streams(), 0u);
    for (Side* side : {&client_, &server_}) {
      Side& peer = side == &client_ ? server_ : client_;
      for (const Outgoing& o : side->sending) {
        ADD_FAILURE() << (side == &client_ ? "client" : "server") << " stuck on stream " << o.stream
                      << " at " << o.offset << "/" << o.msg->body.size() << ": send window "
                      << side->conn.local_flow_control_window(o.stream) << " (connection "
                      << side->conn.outbound_flow_control_window() << "), peer receive window "
                      << (peer.conn.stream_state(o.stream)
                              ? peer.conn.remote_flow_control_window(o.stream)
                              : -1)
                      << " (connection " << peer.conn.inbound_flow_control_window() << ")";
      }
    }
    EXPECT_EQ(ping_acks_, pings_sent_);
    check_windows();
  }

  Rng rng_;
  Side client_;
  Side server_;
  Pipe c2s_, s2c_;
  size_t max_chunk_ = 1;
  std::vector<Message> requests_;
  std::map<uint32_t, size_t> stream_request_;
  std::map<uint32_t, Message> responses_;
  size_t pings_sent_ = 0;
  size_t ping_acks_ = 0;
};

TEST(ConnectionProperty, RandomRequestSetsArriveIntactBothWays) {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Exchange(seed).run();
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace h2
