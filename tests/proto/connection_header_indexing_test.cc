// H2Connection and the HPACK "never indexed" mark (BEHAVIOUR.md §1.6, §3
// test_header_indexing.py): never-indexed fields survive sending and receiving, sensitive
// fields are forced never-indexed by outbound normalization, and nothing else is.
#include <gtest/gtest.h>

#include <tuple>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

// A header with its never-indexed mark, owning its strings.
using Marked = std::tuple<std::string, std::string, bool>;
using MarkedList = std::vector<Marked>;

MarkedList marked(HeaderList headers) {
  MarkedList out;
  for (const Header& h : headers) out.emplace_back(h.name, h.value, h.never_indexed);
  return out;
}

std::vector<Header> to_fields(const MarkedList& list) {
  std::vector<Header> out;
  for (const auto& [n, v, ni] : list) out.push_back({n, v, ni});
  return out;
}

// Decodes the header blocks a connection queued, keeping the never-indexed marks (one HPACK
// context, like the peer's).
class SentBlocks {
 public:
  std::vector<MarkedList> parse(const std::string& bytes) {
    std::vector<MarkedList> out;
    for (const SentFrame& f : parser_.parse(bytes)) {
      std::string_view block = f.payload;
      if (f.header.type == static_cast<uint8_t>(frame::FrameType::kPushPromise)) {
        block.remove_prefix(4);
      } else if (f.header.type != static_cast<uint8_t>(frame::FrameType::kHeaders)) {
        continue;
      }
      EXPECT_TRUE(f.header.has(frame::flags::kEndHeaders));
      EXPECT_FALSE(f.header.has(frame::flags::kPriority) || f.header.has(frame::flags::kPadded));
      std::vector<hpack::HeaderField> fields;
      EXPECT_FALSE(decoder_.decode(as_bytes(block), fields));
      out.push_back(marked(fields));
    }
    return out;
  }

 private:
  SentParser parser_;
  hpack::Decoder decoder_;
};

// Peer frames whose blocks carry never-indexed marks (python-hpack encoder, like FrameFactory).
class MarkedFactory {
 public:
  MarkedFactory() : encoder_(hpack::EncoderStrategy::kPythonHpack) {}
  std::string headers(uint32_t stream, const MarkedList& list, bool end_stream = false) {
    ByteBuffer blk = encode(list);
    ByteBuffer b;
    frame::write_headers(b, stream, blk.view(), end_stream);
    return std::string(b.string_view());
  }
  std::string push_promise(uint32_t stream, uint32_t promised, const MarkedList& list) {
    ByteBuffer blk = encode(list);
    ByteBuffer b;
    frame::write_push_promise(b, stream, promised, blk.view());
    return std::string(b.string_view());
  }

 private:
  ByteBuffer encode(const MarkedList& list) {
    auto fields = to_fields(list);
    ByteBuffer blk;
    encoder_.encode(fields, blk);
    return blk;
  }
  hpack::Encoder encoder_;
};

const MarkedList kMarkedRequest = {{":method", "GET", false},
                                   {":path", "/", false},
                                   {":authority", "example.com", false},
                                   {":scheme", "https", false},
                                   {"user-agent", "someua/0.0.1", false},
                                   {"x-secret", "s3cr3t", true},
                                   {"x-plain", "plain", false}};
const MarkedList kMarkedResponse = {
    {":status", "200", false}, {"x-secret", "s3cr3t", true}, {"server", "fake-serv/0.1.0", false}};

TEST(ConnectionHeaderIndexing, NeverIndexedFieldsAreSentNeverIndexedInHeaders) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto h = to_fields(kMarkedRequest);
  client.send_headers(1, h, true);
  client.send_headers(3, h, true);  // again, now that plain fields are in the table
  SentBlocks sent;
  auto blocks = sent.parse(drain(client));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0], kMarkedRequest);
  EXPECT_EQ(blocks[1], kMarkedRequest);
}

TEST(ConnectionHeaderIndexing, NeverIndexedFieldsAreSentNeverIndexedInPushPromise) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  auto h = to_fields(kMarkedRequest);
  server.push_stream(1, 2, h);
  auto r = to_fields(kMarkedResponse);
  server.send_headers(1, r);
  SentBlocks sent;
  auto blocks = sent.parse(drain(server));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0], kMarkedRequest);
  EXPECT_EQ(blocks[1], kMarkedResponse);
}

TEST(ConnectionHeaderIndexing, ReceivedRequestKeepsThePeersMarks) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  MarkedFactory m;
  auto events = receive(server, m.headers(1, kMarkedRequest));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(marked(event_at<RequestReceived>(events, 0).headers), kMarkedRequest);
}

TEST(ConnectionHeaderIndexing, ReceivedInformationalResponseAndTrailersKeepThePeersMarks) {
  for (HeaderEncoding encoding : {HeaderEncoding::kBytes, HeaderEncoding::kUtf8}) {
    H2Configuration c;
    c.header_encoding = encoding;
    H2Connection client(c);
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    MarkedFactory m;
    const MarkedList info = {{":status", "100", false}, {"x-secret", "a", true}};
    const MarkedList trailers = {{"x-digest", "abc", true}, {"x-plain", "p", false}};
    std::string bytes = m.headers(1, info);
    bytes += m.headers(1, kMarkedResponse);
    bytes += m.headers(1, trailers, true);
    auto events = receive(client, bytes);
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(marked(event_at<InformationalResponseReceived>(events, 0).headers), info);
    EXPECT_EQ(marked(event_at<ResponseReceived>(events, 1).headers), kMarkedResponse);
    EXPECT_EQ(marked(event_at<TrailersReceived>(events, 2).headers), trailers);
  }
}

TEST(ConnectionHeaderIndexing, ReceivedPushPromiseKeepsThePeersMarks) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  MarkedFactory m;
  auto events = receive(client, m.push_promise(1, 2, kMarkedRequest));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(marked(event_at<PushedStreamReceived>(events, 0).headers), kMarkedRequest);
}

MarkedList request_with(const MarkedList& extra) {
  MarkedList out = {{":method", "GET", false},
                    {":path", "/", false},
                    {":authority", "example.com", false},
                    {":scheme", "https", false}};
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// Sends `given` as a request (client) and as a PUSH_PROMISE (server); returns both blocks as
// the peer decodes them.
std::pair<MarkedList, MarkedList> send_both_ways(
    const MarkedList& given, bool normalize = true,
    hpack::EncoderStrategy strategy = hpack::EncoderStrategy::kDefault) {
  H2Configuration cc;
  cc.normalize_outbound_headers = normalize;
  cc.encoder_strategy = strategy;
  H2Connection client(cc);
  FrameFactory f;
  open_client(client, f);
  auto h = to_fields(given);
  client.send_headers(1, h);
  SentBlocks client_sent;
  auto a = client_sent.parse(drain(client));

  H2Configuration sc = server_config();
  sc.normalize_outbound_headers = normalize;
  sc.encoder_strategy = strategy;
  H2Connection server(sc);
  FrameFactory g;
  open_server(server, g);
  receive(server, g.headers(1, kRequest));
  server.push_stream(1, 2, h);
  SentBlocks server_sent;
  auto b = server_sent.parse(drain(server));
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(b.size(), 1u);
  if (a.empty() || b.empty()) return {};
  return {a[0], b[0]};
}

TEST(ConnectionHeaderIndexing, AuthorizationHeadersAreAlwaysSentNeverIndexedAndLowercased) {
  for (const char* name : {"authorization", "Authorization", "AUTHORIZATION", "proxy-authorization",
                           "Proxy-Authorization"}) {
    for (const std::string& value : {std::string("Basic Zm9vOmJhcg=="), std::string(100, 'x')}) {
      for (bool given_never : {false, true}) {
        std::string lower(name);
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const MarkedList given = request_with({{name, value, given_never}});
        const MarkedList expected = request_with({{lower, value, true}});
        auto [headers, push] = send_both_ways(given);
        EXPECT_EQ(headers, expected) << name;
        EXPECT_EQ(push, expected) << name;
      }
    }
  }
}

TEST(ConnectionHeaderIndexing, ShortCookiesAndNeverIndexedCookiesAreSentNeverIndexed) {
  const std::string long_value(40, 'c');
  const MarkedList cases[] = {
      {{"cookie", "a=b", false}},
      {{"Cookie", "short=value", false}},
      {{"COOKIE", "nineteen_bytes_long", false}},  // 19 bytes
      {{"cookie", long_value, true}},
  };
  for (const MarkedList& extra : cases) {
    MarkedList expected_extra = extra;
    for (auto& [n, v, ni] : expected_extra) {
      n = "cookie";
      ni = true;
    }
    auto [headers, push] = send_both_ways(request_with(extra));
    EXPECT_EQ(headers, request_with(expected_extra)) << std::get<1>(extra[0]);
    EXPECT_EQ(push, request_with(expected_extra)) << std::get<1>(extra[0]);
  }
}

TEST(ConnectionHeaderIndexing, LongPlainCookiesStayIndexable) {
  for (const char* value : {"twenty_bytes_long_xx", "a_much_longer_cookie_value=1234567890"}) {
    const MarkedList given = request_with({{"cookie", value, false}});
    auto [headers, push] = send_both_ways(given);
    EXPECT_EQ(headers, given) << value;
    EXPECT_EQ(push, given) << value;
  }
}

TEST(ConnectionHeaderIndexing, NamesThatOnlyContainCookieStayIndexable) {
  for (const char* name : {"cook", "okie", "oo", "cooki", "ookie", "set-cookie-x"}) {
    const MarkedList given = request_with({{name, "v", false}});
    auto [headers, push] = send_both_ways(given);
    EXPECT_EQ(headers, given) << name;
    EXPECT_EQ(push, given) << name;
  }
}

TEST(ConnectionHeaderIndexing, WithoutNormalizationNothingIsForcedNeverIndexed) {
  const MarkedList given = request_with(
      {{"authorization", "Basic x", false}, {"cookie", "a=b", false}, {"x-secret", "kept", true}});
  // The python-hpack strategy encodes exactly the marks it is given, as h2 does.
  auto [headers, push] =
      send_both_ways(given, /*normalize=*/false, hpack::EncoderStrategy::kPythonHpack);
  EXPECT_EQ(headers, given);
  EXPECT_EQ(push, given);
}

// Deliberate difference (docs/behaviour-differences.md): our default HPACK strategy never
// indexes credentials and short cookies by itself (nghttp2's rule), so they stay out of the
// tables even with outbound normalization off.
TEST(ConnectionHeaderIndexing, DefaultEncoderNeverIndexesCredentialsEvenWithoutNormalization) {
  const MarkedList given = request_with({{"authorization", "Basic x", false},
                                         {"cookie", "a=b", false},
                                         {"x-secret", "kept", true},
                                         {"x-plain", "p", false}});
  const MarkedList expected = request_with({{"authorization", "Basic x", true},
                                            {"cookie", "a=b", true},
                                            {"x-secret", "kept", true},
                                            {"x-plain", "p", false}});
  auto [headers, push] = send_both_ways(given, /*normalize=*/false);
  EXPECT_EQ(headers, expected);
  EXPECT_EQ(push, expected);
}

TEST(ConnectionHeaderIndexing, NeverIndexedMarkSurvivesCookieSplitting) {
  H2Configuration c;
  c.split_outbound_cookies = true;
  H2Connection client(c);
  FrameFactory f;
  open_client(client, f);
  const std::string long_a(30, 'a');
  const MarkedList given = request_with({{"cookie", long_a + "; " + long_a + "b", true}});
  auto h = to_fields(given);
  client.send_headers(1, h);
  SentBlocks sent;
  auto blocks = sent.parse(drain(client));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0], request_with({{"cookie", long_a, true}, {"cookie", long_a + "b", true}}));
}

TEST(ConnectionHeaderIndexing, NeverIndexedFieldsRoundTripBetweenTwoStacks) {
  H2Connection client;
  H2Connection server(server_config());
  client.initiate_connection();
  std::string wire = drain(client);
  receive(server, wire);
  server.initiate_connection();
  wire = drain(server);
  receive(client, wire);
  auto h = to_fields(kMarkedRequest);
  client.send_headers(1, h, true);
  wire = drain(client);
  auto events = receive(server, wire);
  ASSERT_EQ(events.size(), 3u);  // SettingsAcknowledged, RequestReceived, StreamEnded
  EXPECT_EQ(marked(event_at<RequestReceived>(events, 1).headers), kMarkedRequest);
}

}  // namespace
}  // namespace h2
