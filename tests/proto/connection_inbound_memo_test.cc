// The inbound header-block memo (proto/src/inbound_block_memo.h): a received block equal byte
// for byte to the last one decoded takes its fields from the remembered decoding, but only
// while the HPACK decoder's state is unchanged; validation and content-length still apply per
// stream. The blocks here are written by hand, so each test controls exactly which bytes
// repeat and what they mean in the dynamic table of the moment.
#include <gtest/gtest.h>

#include <random>

#include "h2/exceptions.h"
#include "hpack/dynamic_table.h"
#include "inbound_block_memo.h"
#include "proto/connection_test_util.h"
#include "support/event_text.h"

namespace {

using namespace h2test;

// A HEADERS frame carrying `block` as is.
std::string headers_frame(uint32_t stream, const std::string& block, bool end_stream) {
  h2::ByteBuffer b;
  h2::frame::write_headers(b, stream, h2::as_bytes(block), end_stream, std::nullopt, std::nullopt,
                           16384);
  return std::string(b.string_view());
}

std::string bytes_of(std::initializer_list<int> bytes, std::string_view tail = {}) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s + std::string(tail);
}

// GET / over http, ":authority: example" and "x-a: 1" added to the dynamic table (literals
// with incremental indexing): afterwards index 62 is x-a, 63 is :authority.
const std::string kFillsTable = bytes_of({0x82, 0x86, 0x84, 0x41, 0x07}, "example") +
                                bytes_of({0x40, 0x03}, "x-a") + bytes_of({0x01}, "1");
// Indexed only: the static pseudo-headers, then dynamic 63 and 62. Decoding it changes nothing.
const std::string kIndexedOnly = bytes_of({0x82, 0x86, 0x84, 0xbf, 0xbe});
// Indexed only, other bytes: POST instead of GET, dynamic 63 only.
const std::string kOtherIndexedOnly = bytes_of({0x83, 0x86, 0x84, 0xbf});

const HeaderPairs kBase = {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}};
HeaderPairs with(HeaderPairs pairs, const HeaderPairs& more) {
  pairs.insert(pairs.end(), more.begin(), more.end());
  return pairs;
}

HeaderPairs request_headers(const std::vector<h2::Event>& events, size_t i) {
  return to_pairs(event_at<h2::RequestReceived>(events, i).headers);
}

TEST(InboundBlockMemo, ARepeatedBlockGivesTheSameFieldsAcrossAndWithinCalls) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, headers_frame(1, kFillsTable, true));
  const HeaderPairs expected = with(kBase, {{":authority", "example"}, {"x-a", "1"}});
  for (uint32_t id = 3; id <= 7; id += 2) {
    auto events = receive(server, headers_frame(id, kIndexedOnly, true));
    EXPECT_EQ(request_headers(events, 0), expected) << id;
  }
  auto events = receive(server, headers_frame(9, kIndexedOnly, true) +
                                    headers_frame(11, kIndexedOnly, true));
  EXPECT_EQ(request_headers(events, 0), expected);
  EXPECT_EQ(request_headers(events, 2), expected);
}

TEST(InboundBlockMemo, TheSameBytesAfterATableChangeAreDecodedAgain) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, headers_frame(1, kFillsTable, true));
  auto first = receive(server, headers_frame(3, kIndexedOnly, true));
  EXPECT_EQ(request_headers(first, 0), with(kBase, {{":authority", "example"}, {"x-a", "1"}}));
  // Inserts ":authority: other" and "x-b: 2": index 62 is now x-b, 63 that :authority.
  const std::string inserts = bytes_of({0x82, 0x86, 0x84, 0x41, 0x05}, "other") +
                              bytes_of({0x40, 0x03}, "x-b") + bytes_of({0x01}, "2");
  receive(server, headers_frame(5, inserts, true));
  auto again = receive(server, headers_frame(7, kIndexedOnly, true));
  EXPECT_EQ(request_headers(again, 0), with(kBase, {{":authority", "other"}, {"x-b", "2"}}));
}

TEST(InboundBlockMemo, FieldsHandedOutEarlierInACallStayValid) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, headers_frame(1, kFillsTable, true));
  receive(server, headers_frame(3, kIndexedOnly, true));  // remembered
  // A hit, a different block (not remembered: the memo is lent), a hit again.
  auto events = receive(server, headers_frame(5, kIndexedOnly, true) +
                                    headers_frame(7, kOtherIndexedOnly, true) +
                                    headers_frame(9, kIndexedOnly, true));
  const HeaderPairs indexed = with(kBase, {{":authority", "example"}, {"x-a", "1"}});
  const HeaderPairs other = {
      {":method", "POST"}, {":scheme", "http"}, {":path", "/"}, {":authority", "example"}};
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(request_headers(events, 0), indexed);
  EXPECT_EQ(request_headers(events, 2), other);
  EXPECT_EQ(request_headers(events, 4), indexed);
  // The next call may replace the memo; its own fields are right either way.
  events = receive(server, headers_frame(11, kOtherIndexedOnly, true) +
                               headers_frame(13, kOtherIndexedOnly, true) +
                               headers_frame(15, kIndexedOnly, true));
  EXPECT_EQ(request_headers(events, 0), other);
  EXPECT_EQ(request_headers(events, 2), other);
  EXPECT_EQ(request_headers(events, 4), indexed);
}

TEST(InboundBlockMemo, ASmallerTableSettingStillRequiresTheSizeUpdate) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, headers_frame(1, kFillsTable, true) + headers_frame(3, kIndexedOnly, true));
  server.update_settings({{h2::frame::setting_id::kHeaderTableSize, 0}});
  drain(server);
  // After the ACK the next block must open with a size update (RFC 7541 §4.2); a remembered
  // decoding of the same bytes must not let it through.
  EXPECT_THROW(receive(server, f.settings_ack() + headers_frame(5, kIndexedOnly, true)),
               h2::ProtocolError);
}

TEST(InboundBlockMemo, ASmallerHeaderListLimitAppliesToARepeatedBlock) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, headers_frame(1, kFillsTable, true) + headers_frame(3, kIndexedOnly, true));
  server.update_settings({{h2::frame::setting_id::kMaxHeaderListSize, 100}});
  drain(server);
  EXPECT_THROW(receive(server, f.settings_ack() + headers_frame(5, kIndexedOnly, true)),
               h2::DenialOfServiceError);
}

TEST(InboundBlockMemo, ValidationFollowsTheStreamNotTheRememberedBlock) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, headers_frame(1, kFillsTable, true));
  // Valid as a request on stream 3 (and remembered as having passed as one) ...
  auto events = receive(server, headers_frame(3, kIndexedOnly, false));
  EXPECT_EQ(request_headers(events, 0), with(kBase, {{":authority", "example"}, {"x-a", "1"}}));
  // ... but the same bytes as stream 3's trailers carry pseudo-headers: refused.
  EXPECT_THROW(receive(server, headers_frame(3, kIndexedOnly, true)), h2::ProtocolError);
}

TEST(InboundBlockMemo, ARememberedContentLengthBindsEachStream) {
  h2::H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  // POST with "content-length: 5" added to the table (index 62), :authority at 63.
  const std::string fills = bytes_of({0x83, 0x86, 0x84, 0x41, 0x07}, "example") +
                            bytes_of({0x5c, 0x01}, "5");
  const std::string indexed = bytes_of({0x83, 0x86, 0x84, 0xbf, 0xbe});
  receive(server, headers_frame(1, fills, false) + f.data(1, "12345", true));
  receive(server, headers_frame(3, indexed, false) + f.data(3, "12345", true));
  receive(server, headers_frame(5, indexed, false));
  EXPECT_THROW(receive(server, f.data(5, "123456", true)), h2::InvalidBodyLengthError);
}

// The events of one call as text, one line each, for comparison.
std::string describe(const std::vector<h2::Event>& events) {
  std::string out;
  for (const h2::Event& e : events) out += h2test::describe(e) + "\n";
  return out;
}

// Random request lists from a small pool (so blocks repeat, with and without table changes,
// some invalid), HPACK-encoded by one encoder, fed in random chunks to a server with the memo
// and one without: the same events, the same errors.
TEST(InboundBlockMemo, OnOrOffTheEventsAreTheSame) {
  std::mt19937 rng(20261126);
  const std::vector<HeaderPairs> pool = {
      with(kBase, {{":authority", "a.example"}, {"accept", "*/*"}}),
      with(kBase, {{":authority", "a.example"}, {"accept", "text/html"}}),
      with(kBase, {{":authority", "b.example"}, {"cookie", "a=1"}, {"cookie", "b=2"}}),
      with(kBase, {{":authority", "a.example"}, {"x-n", "0"}}),
      with(kBase, {{":authority", "a.example"}, {"connection", "close"}}),  // invalid
      with(kBase, {{":authority", "a.example"}, {"Upper", "x"}}),           // invalid
  };
  for (int round = 0; round < 60; ++round) {
    h2::H2Configuration on = server_config(), off = server_config();
    off.memoize_header_blocks = false;
    h2::H2Connection with_memo(on), without_memo(off);
    FrameFactory f1, f2;
    open_server(with_memo, f1);
    open_server(without_memo, f2);
    h2::hpack::Encoder encoder;
    std::string wire;
    int fresh = 0;
    for (uint32_t id = 1; id < 80; id += 2) {
      HeaderPairs h = pool[rng() % pool.size()];
      if (rng() % 8 == 0) h.back().second = std::to_string(++fresh);  // a new value: indexed
      h2::ByteBuffer block;
      auto fields = to_headers(h);
      encoder.encode(fields, block);
      wire += headers_frame(id, std::string(block.string_view()), true);
    }
    size_t pos = 0;
    while (pos < wire.size()) {
      const size_t n = std::min<size_t>(wire.size() - pos, 1 + rng() % 120);
      const std::string chunk = wire.substr(pos, n);
      pos += n;
      std::string a, b;
      try {
        a = describe(receive(with_memo, chunk));
      } catch (const h2::H2Error& e) {
        a = std::string("error: ") + e.what();
      }
      try {
        b = describe(receive(without_memo, chunk));
      } catch (const h2::H2Error& e) {
        b = std::string("error: ") + e.what();
      }
      ASSERT_EQ(a, b) << "round " << round << " at byte " << pos;
      ASSERT_EQ(drain(with_memo), drain(without_memo));
      if (a.starts_with("error: ")) break;
    }
  }
}

// The memo class itself.
TEST(InboundBlockMemo, FindsOnlyTheSameBytesAtTheSameGeneration) {
  h2::InboundBlockMemo memo;
  const std::vector<uint8_t> block = {0x82, 0x86, 0x84};
  const std::vector<h2::Header> fields = {{":method", "GET", false}, {":scheme", "http", false}};
  const uint8_t tokens[2] = {2, 6};
  memo.remember(block, 7, fields, tokens, 0x3, {});
  const auto* hit = memo.find(block, 7);
  ASSERT_NE(hit, nullptr);
  ASSERT_EQ(hit->fields.size(), 2u);
  EXPECT_EQ(hit->fields[1].value, "http");
  EXPECT_NE(hit->fields[1].value.data(), fields[1].value.data());  // a copy, not a view
  EXPECT_EQ(hit->tokens[1], 6);
  EXPECT_EQ(hit->checked_values, 0x3u);
  EXPECT_EQ(memo.find(block, 8), nullptr);
  const std::vector<uint8_t> other = {0x82, 0x86, 0x85};
  EXPECT_EQ(memo.find(other, 7), nullptr);
  memo.forget();
  EXPECT_EQ(memo.find(block, 7), nullptr);
}

TEST(InboundBlockMemo, IsNotReplacedWhileLent) {
  h2::InboundBlockMemo memo;
  const std::vector<uint8_t> block = {0x82};
  const std::vector<h2::Header> fields = {{":method", "GET", false}};
  const uint8_t token = 2;
  EXPECT_TRUE(memo.may_remember(block.size()));
  EXPECT_FALSE(memo.may_remember(h2::InboundBlockMemo::kMaxBlock + 1));
  memo.remember(block, 1, fields, &token, 0, {});
  ASSERT_NE(memo.find(block, 1), nullptr);
  EXPECT_FALSE(memo.may_remember(block.size()));
  memo.end_loans();
  EXPECT_TRUE(memo.may_remember(block.size()));
}

// Blocks that do not repeat: the memo goes cold (no compares, no copies) and tries again one
// block in RememberPolicy::kRetryEvery; a block found again makes it hot.
TEST(InboundBlockMemo, GoesColdWhenBlocksDoNotRepeat) {
  h2::InboundBlockMemo memo;
  const std::vector<h2::Header> fields = {{":status", "200", false}};
  const uint8_t token = 8;
  const std::vector<uint8_t> first = {0x88};
  ASSERT_TRUE(memo.may_remember(first.size()));
  memo.remember(first, 1, fields, &token, 0, {});
  const std::vector<uint8_t> different = {0x89};
  EXPECT_EQ(memo.find(different, 1), nullptr);  // the miss that uses up the first's credit
  for (uint32_t i = 1; i < h2::RememberPolicy::kRetryEvery; ++i) {
    EXPECT_FALSE(memo.may_remember(2)) << i;
    EXPECT_EQ(memo.find(first, 1), nullptr) << i;  // cold: not even the kept block is looked up
  }
  // The retry: remembered on trial and looked for next.
  const std::vector<uint8_t> repeated = {0x89, 0x01};
  ASSERT_TRUE(memo.may_remember(repeated.size()));
  memo.remember(repeated, 1, fields, &token, 0, {});
  EXPECT_NE(memo.find(repeated, 1), nullptr);
  memo.end_loans();
  EXPECT_TRUE(memo.may_remember(repeated.size()));  // hot again
}

TEST(RememberPolicy, MissesMakeItColdARetriedHitMakesItHot) {
  h2::RememberPolicy p;
  EXPECT_TRUE(p.worth_looking());  // the first block is remembered and looked for
  EXPECT_TRUE(p.worth_remembering());
  p.looked(false);
  EXPECT_FALSE(p.worth_looking());
  int remembered = 0;
  for (uint32_t i = 1; i < h2::RememberPolicy::kRetryEvery; ++i)
    remembered += p.worth_remembering() ? 1 : 0;
  EXPECT_EQ(remembered, 0);
  EXPECT_TRUE(p.worth_remembering());  // the retry ...
  EXPECT_TRUE(p.worth_looking());      // ... is looked for once
  p.looked(false);
  EXPECT_FALSE(p.worth_looking());
  for (uint32_t i = 1; i < h2::RememberPolicy::kRetryEvery; ++i) p.worth_remembering();
  EXPECT_TRUE(p.worth_remembering());
  p.looked(true);  // found: hot, with kCredit misses to spare
  for (int i = 0; i < h2::RememberPolicy::kCredit; ++i) {
    EXPECT_TRUE(p.worth_looking()) << i;
    EXPECT_TRUE(p.worth_remembering()) << i;
    p.looked(false);
  }
  EXPECT_FALSE(p.worth_looking());
}

// What the memo's generation check stands on.
TEST(InboundBlockMemo, DecoderGenerationMovesWithEveryStateChangeOnly) {
  h2::hpack::Decoder decoder;
  std::vector<h2::Header> out;
  auto decode = [&](const std::string& block) {
    return decoder.decode(h2::as_bytes(block), out).kind == h2::hpack::DecodeErrorKind::kNone;
  };
  uint64_t g = decoder.state_generation();
  ASSERT_TRUE(decode(kFillsTable));
  EXPECT_NE(decoder.state_generation(), g);
  g = decoder.state_generation();
  ASSERT_TRUE(decode(kIndexedOnly));
  EXPECT_EQ(decoder.state_generation(), g);
  ASSERT_TRUE(decode(bytes_of({0x3f, 0xe1, 0x1f}) + kIndexedOnly));  // size update to 4096
  EXPECT_NE(decoder.state_generation(), g);
  g = decoder.state_generation();
  decoder.set_max_header_list_size(1000);
  EXPECT_NE(decoder.state_generation(), g);
  g = decoder.state_generation();
  decoder.set_max_allowed_table_size(4096);
  EXPECT_NE(decoder.state_generation(), g);
  // An entry larger than the table empties it without adding anything: still a change.
  ASSERT_TRUE(decode(bytes_of({0x3f, 0x11})));  // size update to 48: x-a (36 bytes) stays
  ASSERT_EQ(decoder.table_entries(), 1u);
  g = decoder.state_generation();
  ASSERT_TRUE(decode(bytes_of({0x40, 0x01}, "k") + bytes_of({0x28}, std::string(40, 'v'))));
  EXPECT_EQ(decoder.table_entries(), 0u);
  EXPECT_NE(decoder.state_generation(), g);
}

}  // namespace
