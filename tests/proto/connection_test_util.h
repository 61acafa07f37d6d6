// A frame factory and helpers for H2Connection tests: frames are built with the frame writer
// and an independent HPACK encoder (the python-hpack strategy, as h2's tests use hpack), and
// what a connection queued is parsed back into frames and decoded header lists.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "h2/connection.h"
#include "h2/frame.h"
#include "h2/frame_reader.h"
#include "h2/hpack.h"

namespace h2test {

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

inline std::vector<h2::Header> to_headers(const HeaderPairs& pairs) {
  std::vector<h2::Header> out;
  for (const auto& [n, v] : pairs) out.push_back({n, v, false});
  return out;
}

inline HeaderPairs to_pairs(h2::HeaderList headers) {
  HeaderPairs out;
  for (const h2::Header& h : headers) out.emplace_back(std::string(h.name), std::string(h.value));
  return out;
}

inline const HeaderPairs kRequest = {{":method", "GET"},
                                     {":path", "/"},
                                     {":authority", "example.com"},
                                     {":scheme", "https"},
                                     {"user-agent", "someua/0.0.1"}};
inline const HeaderPairs kResponse = {{":status", "200"}, {"server", "fake-serv/0.1.0"}};

// Builds peer frames. One encoder per factory: like a real peer's compression context.
class FrameFactory {
 public:
  FrameFactory() : encoder_(h2::hpack::EncoderStrategy::kPythonHpack) {}

  std::string preamble() const { return std::string(h2::frame::kClientPreface); }

  std::string settings(const std::vector<h2::frame::Setting>& s = {}) {
    h2::ByteBuffer b;
    h2::frame::write_settings(b, s);
    return str(b);
  }
  std::string settings_ack() {
    h2::ByteBuffer b;
    h2::frame::write_settings_ack(b);
    return str(b);
  }
  std::string block(const HeaderPairs& headers) {
    h2::ByteBuffer b;
    auto fields = to_headers(headers);
    encoder_.encode(fields, b);
    return str(b);
  }
  std::string headers(uint32_t stream, const HeaderPairs& headers, bool end_stream = false,
                      uint32_t max_frame = 16384) {
    std::string blk = block(headers);
    h2::ByteBuffer b;
    h2::frame::write_headers(b, stream, h2::as_bytes(blk), end_stream, std::nullopt, std::nullopt,
                             max_frame);
    return str(b);
  }
  std::string push_promise(uint32_t stream, uint32_t promised, const HeaderPairs& headers) {
    std::string blk = block(headers);
    h2::ByteBuffer b;
    h2::frame::write_push_promise(b, stream, promised, h2::as_bytes(blk));
    return str(b);
  }
  std::string data(uint32_t stream, std::string_view payload, bool end_stream = false,
                   std::optional<uint8_t> pad = std::nullopt) {
    h2::ByteBuffer b;
    h2::frame::write_data(b, stream, h2::as_bytes(payload), end_stream, pad);
    return str(b);
  }
  std::string window_update(uint32_t stream, uint32_t increment) {
    h2::ByteBuffer b;
    h2::frame::write_window_update(b, stream, increment);
    return str(b);
  }
  std::string rst_stream(uint32_t stream, h2::ErrorCode code) {
    h2::ByteBuffer b;
    h2::frame::write_rst_stream(b, stream, code);
    return str(b);
  }
  std::string ping(std::array<uint8_t, 8> data, bool ack = false) {
    h2::ByteBuffer b;
    h2::frame::write_ping(b, data, ack);
    return str(b);
  }
  std::string goaway(uint32_t last, h2::ErrorCode code, std::string_view debug = {}) {
    h2::ByteBuffer b;
    h2::frame::write_goaway(b, last, code, h2::as_bytes(debug));
    return str(b);
  }
  std::string priority(uint32_t stream, uint32_t depends_on, uint8_t weight, bool exclusive) {
    h2::ByteBuffer b;
    h2::frame::write_priority(b, stream, {depends_on, weight, exclusive});
    return str(b);
  }

 private:
  static std::string str(const h2::ByteBuffer& b) { return std::string(b.string_view()); }
  h2::hpack::Encoder encoder_;
};

// What a connection sent, parsed back. Header blocks are decoded with one Decoder per parser,
// like the peer's context.
struct SentFrame {
  h2::frame::FrameHeader header;
  std::string payload;
  HeaderPairs headers;  // decoded, for HEADERS/PUSH_PROMISE with END_HEADERS
};

class SentParser {
 public:
  explicit SentParser(bool expect_preface = false) {
    if (expect_preface) reader_.expect_client_preface();
  }
  std::vector<SentFrame> parse(std::string_view bytes) {
    std::vector<SentFrame> out;
    h2::Bytes input = h2::as_bytes(bytes);
    for (;;) {
      auto r = reader_.next(input);
      if (r.status == h2::frame::Reader::Status::kNeedMore) break;
      EXPECT_EQ(r.status, h2::frame::Reader::Status::kFrame);
      if (r.status != h2::frame::Reader::Status::kFrame) break;
      SentFrame f;
      f.header = r.header;
      h2::ByteBuffer b;
      h2::frame::serialize(r.frame, b);
      f.payload = std::string(b.string_view().substr(9));
      h2::Bytes fragment;
      bool end_headers = false;
      if (auto* h = std::get_if<h2::frame::HeadersFrame>(&r.frame)) {
        fragment = h->fragment;
        end_headers = h->end_headers();
      } else if (auto* p = std::get_if<h2::frame::PushPromiseFrame>(&r.frame)) {
        fragment = p->fragment;
        end_headers = p->end_headers();
      } else if (auto* c = std::get_if<h2::frame::ContinuationFrame>(&r.frame)) {
        fragment = c->fragment;
        end_headers = c->end_headers();
      }
      if (!fragment.empty() || end_headers) {
        block_.append(h2::as_string_view(fragment));
        if (end_headers) {
          std::vector<h2::hpack::HeaderField> fields;
          EXPECT_FALSE(decoder_.decode(h2::as_bytes(block_), fields));
          f.headers = to_pairs(fields);
          block_.clear();
        }
      }
      out.push_back(std::move(f));
    }
    return out;
  }

 private:
  h2::frame::Reader reader_{h2::frame::kLargestMaxFrameSize};
  h2::hpack::Decoder decoder_;
  std::string block_;
};

// The configuration of a server-role connection (everything else default).
inline h2::H2Configuration server_config() {
  h2::H2Configuration c;
  c.client_side = false;
  return c;
}

inline std::string drain(h2::H2Connection& c) {
  return std::string(h2::as_string_view(c.data_to_send()));
}

template <typename T>
const T& event_at(const std::vector<h2::Event>& events, size_t i) {
  EXPECT_LT(i, events.size());
  EXPECT_TRUE(std::holds_alternative<T>(events.at(i))) << h2::event_name(events.at(i));
  return std::get<T>(events.at(i));
}

inline std::vector<h2::Event> receive(h2::H2Connection& c, const std::string& bytes) {
  return c.receive_data(h2::as_bytes(bytes));
}

// A server that has read the client preface and SETTINGS and the ACK of its own SETTINGS,
// with its own output drained (a real peer acknowledges our first SETTINGS right away).
inline h2::H2Connection& open_server(h2::H2Connection& server, FrameFactory& f) {
  server.initiate_connection();
  receive(server, f.preamble() + f.settings() + f.settings_ack());
  drain(server);
  return server;
}

// A client with its preface and SETTINGS sent, the server's SETTINGS received and ours
// acknowledged.
inline h2::H2Connection& open_client(h2::H2Connection& client, FrameFactory& f) {
  client.initiate_connection();
  receive(client, f.settings() + f.settings_ack());
  drain(client);
  return client;
}

// An open client that requested kRequest on streams 1 and 3 and then reset stream 1, its
// output drained: the peer's answer on 1 is refused, the one on 3 expected.
inline h2::H2Connection& open_client_with_stream_1_reset(h2::H2Connection& client,
                                                         FrameFactory& f) {
  open_client(client, f);
  const auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  client.send_headers(3, req, true);
  client.reset_stream(1);
  drain(client);
  return client;
}

}  // namespace h2test
