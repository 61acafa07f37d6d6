// H2Connection and invalid header blocks (BEHAVIOUR.md §2.9, §2.10, §2.6, §3
// test_invalid_headers.py, connection level): received invalid blocks are connection errors,
// invalid blocks we are asked to send are refused before anything is queued, and the
// validation switches deliver / send blocks unchanged. The validator functions themselves are
// covered by header_rules_test.cc.
#include <gtest/gtest.h>

#include "h2/arena.h"
#include "h2/header_rules.h"
#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

const HeaderPairs kBase = {
    {":method", "GET"}, {":path", "/"}, {":authority", "example.com"}, {":scheme", "https"}};

HeaderPairs with(const HeaderPairs& extra) {
  HeaderPairs out = kBase;
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// Every request block h2 rejects inbound (test_invalid_headers.py's list).
std::vector<HeaderPairs> invalid_request_blocks() {
  using namespace std::string_literals;
  std::vector<HeaderPairs> out = {
      with({{"User-Agent", "x"}}),                  // uppercase name
      with({{"user-agent", "x"}, {":late", "y"}}),  // pseudo-header after regular
      with({{":path", "/again"}}),                  // duplicated :path
      with({{"connection", "close"}}),
      with({{"proxy-connection", "close"}}),
      with({{"keep-alive", "timeout=5"}}),
      with({{"transfer-encoding", "chunked"}}),
      with({{"upgrade", "h2c"}}),
      with({{"te", "chunked"}}),
      {{":method", "GET"}, {":path", "/"}, {":scheme", "https"}, {"host", "a"}, {"host", "a"}},
      with({{"host", "other.example.com"}}),  // host != :authority
      with({{" name", "x"}}),
      with({{"name ", "x"}}),
      with({{"name", " x"}}),
      with({{"name", "x "}}),
      with({{"na:me", "x"}}),
      with({{"na\rme", "x"}}),
      with({{"na\nme", "x"}}),
      with({{"na\0me"s, "x"}}),
      with({{"na\x01me", "x"}}),
      with({{"name", "x\ry"}}),
      with({{"name", "x\ny"}}),
      with({{"name", "x\0y"s}}),
      {{":method", "GET"}, {":path", "/"}, {":scheme", "https"}},  // no :authority, no host
      with({{":protocol", "websocket"}}),                          // :protocol on a GET
  };
  // Pseudo-headers must come first: keep :protocol in the pseudo-header section.
  out.back() = {{":method", "GET"},
                {":path", "/"},
                {":authority", "example.com"},
                {":scheme", "https"},
                {":protocol", "websocket"}};
  return out;
}

std::string describe(const HeaderPairs& headers) {
  std::string out;
  for (const auto& [n, v] : headers) {
    out += n;
    out += ": ";
    out += v;
    out += " | ";
  }
  return out;
}

// The decoder checks a value's characters once, when it enters the dynamic table, and flags
// later references as checked. A value that fails the rule is never flagged: here it enters
// the table in a block nobody validates (a response on a stream we reset), and the block that
// refers to it by index is still rejected with the precise error.
TEST(ConnectionInvalidHeaders, InvalidValueIndexedInAnUnvalidatedBlockIsRejectedWhenReferenced) {
  using namespace std::string_literals;
  for (const std::string& bad : {"padded "s, " padded"s, "cr\rinside"s, "nul\0inside"s}) {
    H2Connection client;
    FrameFactory f;
    open_client_with_stream_1_reset(client, f);
    // The peer's encoder (python-hpack's choices) indexes x-bad here and refers to it next.
    const HeaderPairs resp = {{":status", "200"}, {"x-bad", bad}};
    EXPECT_TRUE(receive(client, f.headers(1, resp)).empty());
    try {
      receive(client, f.headers(3, resp));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const ProtocolError& e) {
      const std::string what = e.what();
      const bool whitespace = bad.front() == ' ' || bad.back() == ' ';
      EXPECT_NE(what.find(whitespace ? "surrounded by whitespace" : "illegal character"),
                std::string::npos)
          << what;
    }
  }
}

// The same value, valid, is flagged once checked and accepted every time it is referenced.
TEST(ConnectionInvalidHeaders, ValidIndexedValuesAreAcceptedBlockAfterBlock) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  const HeaderPairs req =
      with({{"x-ok", "inner space\tand tab"}, {"cookie", "a=1"}, {"cookie", "b=2"}});
  for (uint32_t id = 1; id <= 7; id += 2) {
    auto events = receive(server, f.headers(id, req, true));
    ASSERT_EQ(events.size(), 2u);
    const HeaderPairs expected = with({{"x-ok", "inner space\tand tab"}, {"cookie", "a=1; b=2"}});
    EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), expected);
  }
}

// Cookie crumbs joined into one value: an empty last crumb leaves "; " at the end, which the
// joined value must be checked for although each crumb passed.
TEST(ConnectionInvalidHeaders, JoinedCookieEndingInAnEmptyCrumbIsSurroundedByWhitespace) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  const HeaderPairs req = with({{"cookie", "a=1"}, {"cookie", ""}});
  receive(server, f.headers(1, with({{"cookie", "a=1"}})));  // a=1 now indexed (and checked)
  try {
    receive(server, f.headers(3, req, true));
    ADD_FAILURE() << "accepted a joined cookie ending in a space";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("surrounded by whitespace"), std::string::npos)
        << e.what();
  }
}

// Inbound validation runs on the summary gathered while the block's names are classified,
// and falls back to the full rule-by-rule check for any block with a field a per-field rule
// might refuse. Either way a received request must be refused (or delivered) exactly as the
// public validator judges the normalized block, with the same message. Each block arrives
// twice on one connection, so the second time its fields are indexed table entries.
TEST(ConnectionInvalidHeaders, ReceivedRequestsAreJudgedExactlyAsThePublicValidatorJudgesThem) {
  using namespace std::string_literals;
  std::vector<HeaderPairs> blocks = invalid_request_blocks();
  const std::vector<HeaderPairs> more = {
      kBase,
      with({{"te", "trailers"}}),
      with({{"host", "example.com"}}),
      with({{"x-custom", "v"}, {"cookie", "a=1"}, {"cookie", "b=2"}}),
      with({{"cookie", "a=1"}, {"cookie", " b=2"}}),
      with({{"user-agent", "trailing "}}),
      with({{"content-length", "0"}}),
      {{"cookie", "a=1"}, {":method", "GET"}, {":path", "/"}, {":authority", "a"},
       {":scheme", "https"}},
      {{":method", "GET"}, {"user-agent", "x"}, {":path", "/"}, {":authority", "a"},
       {":scheme", "https"}},
      {{":method", "GET"}, {":path", ""}, {":authority", "a"}, {":scheme", "https"}},
      {{":method", "GET"}, {":path", "/"}, {":scheme", "https"}, {"host", "a"}},
      {{":method", "GET"}, {":scheme", "https"}, {":authority", "a"}},
      {{":path", "/"}, {":scheme", "https"}, {":authority", "a"}},
      {{":method", "GET"}, {":path", "/"}, {":scheme", "https"}, {":authority", "a"},
       {":status", "200"}},
      {{":method", "CONNECT"}, {":authority", "a:443"}},
      {{":method", "CONNECT"}, {":authority", "a:443"}, {":path", "/"}},
      {{":method", "CONNECT"}, {":protocol", "websocket"}, {":path", "/"}, {":scheme", "https"},
       {":authority", "a"}},
  };
  blocks.insert(blocks.end(), more.begin(), more.end());
  HeaderValidationFlags flags;  // a request received by a server
  for (const HeaderPairs& block : blocks) {
    const auto h = to_headers(block);
    std::string expected;
    try {
      Arena arena;
      std::vector<Header> normalized;
      normalize_inbound_headers(h, arena, normalized);
      validate_inbound_headers(normalized, flags);
    } catch (const ProtocolError& e) {
      expected = e.what();
    }
    H2Configuration sc = server_config();
    sc.validate_inbound_headers = true;
    H2Connection server(sc);
    FrameFactory f;
    open_server(server, f);
    for (uint32_t id : {1u, 3u}) {
      std::string got;
      try {
        receive(server, f.headers(id, block, true));
      } catch (const ProtocolError& e) {
        got = e.what();
      }
      EXPECT_EQ(got, expected) << id << " " << describe(block);
      if (!got.empty()) break;  // the connection is closed
    }
  }
}

TEST(ConnectionInvalidHeaders, EachInvalidRequestBlockIsAConnectionProtocolError) {
  for (const HeaderPairs& block : invalid_request_blocks()) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    EXPECT_THROW(receive(server, f.headers(1, block)), ProtocolError) << describe(block);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError)) << describe(block);
    EXPECT_EQ(server.state(), ConnectionState::kClosed);
  }
}

TEST(ConnectionInvalidHeaders, EachInvalidPushedRequestBlockIsAConnectionProtocolError) {
  for (const HeaderPairs& block : invalid_request_blocks()) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    drain(client);
    EXPECT_THROW(receive(client, f.push_promise(1, 2, block)), ProtocolError) << describe(block);
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError)) << describe(block);
  }
}

TEST(ConnectionInvalidHeaders, WithInboundValidationOffEveryBlockIsDelivered) {
  for (const HeaderPairs& block : invalid_request_blocks()) {
    H2Configuration sc = server_config();
    sc.validate_inbound_headers = false;
    H2Connection server(sc);
    FrameFactory f;
    open_server(server, f);
    auto events = receive(server, f.headers(1, block));
    ASSERT_EQ(events.size(), 1u) << describe(block);
    EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), block);

    H2Configuration cc;
    cc.validate_inbound_headers = false;
    H2Connection client(cc);
    FrameFactory g;
    open_client(client, g);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    events = receive(client, g.push_promise(1, 2, block));
    ASSERT_EQ(events.size(), 1u) << describe(block);
    EXPECT_EQ(to_pairs(event_at<PushedStreamReceived>(events, 0).headers), block);
  }
}

TEST(ConnectionInvalidHeaders, TeTrailersIsAcceptedAndDelivered) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  const HeaderPairs block = with({{"te", "trailers"}});
  auto events = receive(server, f.headers(1, block));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), block);
}

TEST(ConnectionInvalidHeaders, PseudoHeaderInReceivedTrailersIsAProtocolError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  try {
    receive(server, f.headers(1, {{":path", "/"}, {"x-trailer", "1"}}, true));
    ADD_FAILURE() << "no ProtocolError";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("pseudo-header in trailer"), std::string::npos)
        << e.what();
  }
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));
}

TEST(ConnectionInvalidHeaders, HpackLiteralWithAnEmptyNameIsAProtocolError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  ByteBuffer b;
  // Literal without indexing, new (empty) name, value "\x04" of length 1 (h2's test bytes).
  frame::write_headers(b, 1, as_bytes(std::string_view("\x00\x00\x01\x04", 4)), false);
  try {
    server.receive_data(b.view());
    ADD_FAILURE() << "no ProtocolError";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("Received header name with zero length."),
              std::string::npos)
        << e.what();
  }
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kProtocolError));  // stream 1 was opened
}

// Outbound: blocks validation refuses, both as a client request and as a server push.
std::vector<HeaderPairs> invalid_outbound_blocks() {
  return {
      with({{"user-agent", "x"}, {":late", "y"}}),
      with({{":path", "/again"}}),
      with({{"te", "chunked"}}),
      with({{"host", "other.example.com"}}),
      {{":method", "GET"}, {":path", "/"}, {":scheme", "https"}},
  };
}

TEST(ConnectionInvalidHeaders, SendingAnInvalidBlockIsRefusedAndQueuesNothing) {
  for (const HeaderPairs& block : invalid_outbound_blocks()) {
    auto h = to_headers(block);
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    EXPECT_THROW(client.send_headers(1, h), ProtocolError) << describe(block);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
    EXPECT_FALSE(client.stream_state(1));
    EXPECT_EQ(client.encoder().table_entries(), 0u);

    H2Connection server(server_config());
    FrameFactory g;
    open_server(server, g);
    receive(server, g.headers(1, kRequest));
    EXPECT_THROW(server.push_stream(1, 2, h), ProtocolError) << describe(block);
    EXPECT_EQ(server.outbound_buffer_size(), 0u);
    EXPECT_FALSE(server.stream_state(2));
    EXPECT_NE(server.state(), ConnectionState::kClosed);
  }
}

// Sends `block` as a request and as a push; returns the two decoded blocks.
std::pair<HeaderPairs, HeaderPairs> sent_blocks(const HeaderPairs& block, bool validate,
                                                bool normalize) {
  auto h = to_headers(block);
  H2Configuration cc;
  cc.validate_outbound_headers = validate;
  cc.normalize_outbound_headers = normalize;
  H2Connection client(cc);
  FrameFactory f;
  open_client(client, f);
  client.send_headers(1, h);
  SentParser p1;
  auto a = p1.parse(drain(client));

  H2Configuration sc = server_config();
  sc.validate_outbound_headers = validate;
  sc.normalize_outbound_headers = normalize;
  H2Connection server(sc);
  FrameFactory g;
  open_server(server, g);
  receive(server, g.headers(1, kRequest));
  server.push_stream(1, 2, h);
  SentParser p2;
  auto b = p2.parse(drain(server));
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(b.size(), 1u);
  if (a.empty() || b.empty()) return {};
  return {a[0].headers, b[0].headers};
}

// Outbound validation runs on what the normalizing pass gathered (OutboundSummary) and falls
// back to the full rule-by-rule check for any block with a field a per-field rule might
// refuse. Either way a request must be refused (or sent) exactly as the public validator
// refuses the normalized block, with the same message.
TEST(ConnectionInvalidHeaders, SentRequestsAreRefusedExactlyAsThePublicValidatorRefusesThem) {
  std::vector<HeaderPairs> blocks = {
      kBase,
      with({{"te", "trailers"}}),
      with({{"te", "gzip"}}),
      with({{"host", "example.com"}}),
      with({{"host", "other.example.com"}}),
      with({{"host", "example.com"}, {"host", "example.com"}}),
      with({{"user-agent", "x"}, {":path", "/late"}}),
      {{":method", "GET"},
       {"user-agent", "x"},
       {":path", "/"},
       {":authority", "a"},
       {":scheme", "https"}},
      with({{":path", "/again"}}),
      with({{":custom", "x"}}),
      with({{":status", "200"}}),
      with({{":protocol", "websocket"}}),
      with({{"connection", "close"}}),
      with({{"Cookie", "a=1; b=2"}, {"X-Upper", " padded "}}),
      {{":method", "GET"}, {":path", ""}, {":authority", "a"}, {":scheme", "https"}},
      {{":method", "GET"}, {":path", "/"}, {":scheme", "https"}},
      {{":method", "GET"}, {":path", "/"}, {":scheme", "https"}, {"host", "a"}},
      {{":path", "/"}, {":authority", "a"}, {":scheme", "https"}},
      {{":method", "GET"}, {":authority", "a"}, {":scheme", "https"}},
      {{":method", "CONNECT"}, {":authority", "a:443"}},
      {{":method", "CONNECT"}, {":authority", "a:443"}, {":path", "/"}},
      {{":method", "CONNECT"}, {":path", "/"}, {":scheme", "https"}},
      {{":method", "CONNECT"},
       {":protocol", "websocket"},
       {":path", "/"},
       {":scheme", "https"},
       {":authority", "a"}},
  };
  HeaderValidationFlags flags;
  flags.is_client = true;
  for (const bool normalize : {true, false}) {
    for (const HeaderPairs& block : blocks) {
      const auto h = to_headers(block);
      std::string expected;
      try {
        Arena arena;
        std::vector<Header> normalized(h.begin(), h.end());
        if (normalize) normalize_outbound_headers(h, true, arena, normalized);
        validate_outbound_headers(normalized, flags);
      } catch (const ProtocolError& e) {
        expected = e.what();
      }
      H2Configuration cc;
      cc.normalize_outbound_headers = normalize;
      H2Connection client(cc);
      FrameFactory f;
      open_client(client, f);
      std::string got;
      try {
        client.send_headers(1, h, true);
      } catch (const ProtocolError& e) {
        got = e.what();
      }
      EXPECT_EQ(got, expected) << normalize << " " << describe(block);
    }
  }
}

TEST(ConnectionInvalidHeaders, ConnectionSpecificFieldsAreStrippedSilently) {
  for (const char* name :
       {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"}) {
    const HeaderPairs block = with({{name, "x"}, {"user-agent", "ua"}});
    auto [headers, push] = sent_blocks(block, true, true);
    EXPECT_EQ(headers, with({{"user-agent", "ua"}})) << name;
    EXPECT_EQ(push, with({{"user-agent", "ua"}})) << name;
  }
}

TEST(ConnectionInvalidHeaders, ValidationOffNormalizationOnSendsTheNormalizedBlock) {
  for (const HeaderPairs& block : invalid_outbound_blocks()) {
    auto [headers, push] = sent_blocks(block, false, true);
    EXPECT_EQ(headers, block) << describe(block);
    EXPECT_EQ(push, block) << describe(block);
  }
  const HeaderPairs strippable = with({{"Connection", "close"}, {"X-Name", " v "}});
  auto [headers, push] = sent_blocks(strippable, false, true);
  EXPECT_EQ(headers, with({{"x-name", "v"}}));
  EXPECT_EQ(push, with({{"x-name", "v"}}));
}

TEST(ConnectionInvalidHeaders, ValidationAndNormalizationOffSendBlocksByteForByte) {
  std::vector<HeaderPairs> blocks = invalid_outbound_blocks();
  blocks.push_back(with({{"Connection", "close"}, {"X-Name", " v "}}));
  for (const HeaderPairs& block : blocks) {
    auto [headers, push] = sent_blocks(block, false, false);
    EXPECT_EQ(headers, block) << describe(block);
    EXPECT_EQ(push, block) << describe(block);
  }
}

// ---- HPACK limits ----

const HeaderPairs kBombRequest = {
    {":method", "GET"}, {":authority", "example.com"}, {":scheme", "https"}, {":path", "/"}};
const std::string kBombEntry(4063, 'a');  // "a" + 4063 bytes + 32 = the whole 4096-byte table

std::string bomb_frame(uint32_t stream, bool push) {
  ByteBuffer b;
  if (push) {
    frame::write_push_promise(b, stream, 2, as_bytes(std::string((1 << 14) - 4, '\xbe')));
  } else {
    frame::write_headers(b, stream, as_bytes(std::string(1 << 14, '\xbe')), false);
  }
  return std::string(b.string_view());
}

TEST(ConnectionInvalidHeaders, HpackBombRequestIsEnhanceYourCalm) {
  H2Connection server(server_config());
  FrameFactory f;
  receive(server, f.preamble());
  HeaderPairs first = kBombRequest;
  first.push_back({"a", kBombEntry});
  receive(server, f.headers(1, first));
  server.clear_outbound_data_buffer();
  EXPECT_THROW(receive(server, bomb_frame(3, false)), DenialOfServiceError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kEnhanceYourCalm));
}

TEST(ConnectionInvalidHeaders, HpackBombResponseOrPushIsEnhanceYourCalm) {
  for (bool push : {false, true}) {
    H2Connection client;
    client.initiate_connection();
    auto req = to_headers(kBombRequest);
    client.send_headers(1, req);
    client.send_headers(3, req);
    client.clear_outbound_data_buffer();
    FrameFactory f;
    receive(client, f.headers(1, {{":status", "200"}, {"a", kBombEntry}}));
    EXPECT_THROW(receive(client, bomb_frame(3, push)), DenialOfServiceError) << push;
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kEnhanceYourCalm));
  }
}

TEST(ConnectionInvalidHeaders, HeaderListLimitAppliesOnceAcknowledged) {
  H2Connection server(server_config());
  FrameFactory f;
  receive(server, f.preamble());
  receive(server, f.headers(1, kBombRequest));
  server.update_settings({{frame::setting_id::kMaxHeaderListSize, 50}});
  server.clear_outbound_data_buffer();
  EXPECT_EQ(receive(server, f.headers(3, kBombRequest)).size(), 1u);  // not yet acked
  receive(server, f.settings_ack());
  EXPECT_THROW(receive(server, f.headers(5, kBombRequest)), DenialOfServiceError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(3, ErrorCode::kEnhanceYourCalm));
}

// Deliberate difference: HPACK table-size violations are COMPRESSION_ERROR (RFC 9113 §4.3),
// h2 sends PROTOCOL_ERROR.
TEST(ConnectionInvalidHeaders, ShrunkTableSizeMustBeSignalledOnceAcknowledged) {
  H2Connection server(server_config());
  FrameFactory f;
  receive(server, f.preamble());
  receive(server, f.headers(1, kBombRequest));
  server.update_settings({{frame::setting_id::kHeaderTableSize, 128}});
  server.clear_outbound_data_buffer();
  EXPECT_EQ(receive(server, f.headers(3, kBombRequest)).size(), 1u);
  receive(server, f.settings_ack());
  try {
    receive(server, f.headers(5, kBombRequest));
    ADD_FAILURE() << "no ProtocolError";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kCompressionError);
  }
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(3, ErrorCode::kCompressionError));
}

TEST(ConnectionInvalidHeaders, TableSizeUpdateAboveOurSettingIsRejected) {
  H2Connection server(server_config());
  FrameFactory f;
  receive(server, f.preamble());
  receive(server, f.headers(1, kBombRequest));
  server.clear_outbound_data_buffer();
  // Dynamic table size update to 4097 (5-bit prefix: 31 + 4066), then a request block.
  std::string blk = "\x3f\xe2\x1f" + f.block(kBombRequest);
  ByteBuffer b;
  frame::write_headers(b, 5, as_bytes(blk), false);
  try {
    server.receive_data(b.view());
    ADD_FAILURE() << "no ProtocolError";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kCompressionError);
  }
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(1, ErrorCode::kCompressionError));
}

}  // namespace
}  // namespace h2
