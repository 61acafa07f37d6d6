// The outbound header-block memo (proto/src/header_block_memo.h): a repeated header list is
// sent from the remembered block only when nothing that shapes the block changed. Each test
// decodes what the connection sent with an independent decoder: a stale block would decode to
// the wrong fields or break the decoder's table state.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "header_block_memo.h"
#include "proto/connection_test_util.h"

namespace {

using namespace h2test;

const HeaderPairs kRequest = {{":method", "GET"},         {":scheme", "http"},
                              {":authority", "example"},  {":path", "/same"},
                              {"user-agent", "memo-test"}, {"accept", "*/*"}};

// A client that has sent `n` copies of `request` on streams 1, 3, ...; returns what was sent.
std::vector<SentFrame> send_requests(h2::H2Connection& client, SentParser& parser,
                                     const std::vector<HeaderPairs>& requests) {
  uint32_t id = client.get_next_available_stream_id();
  for (const HeaderPairs& r : requests) {
    client.send_headers(id, to_headers(r), true);
    id += 2;
  }
  return parser.parse(drain(client));
}

TEST(HeaderBlockMemo, RepeatedRequestsDecodeToTheSameFields) {
  h2::H2Connection client;
  FrameFactory f;
  open_client(client, f);
  SentParser parser;
  auto frames = send_requests(client, parser, std::vector<HeaderPairs>(5, kRequest));
  ASSERT_EQ(frames.size(), 5u);
  for (const SentFrame& fr : frames) EXPECT_EQ(fr.headers, kRequest);
  // From the second block on, every field is indexed: the blocks are equal.
  EXPECT_NE(frames[0].payload, frames[1].payload);
  EXPECT_EQ(frames[1].payload, frames[2].payload);
  EXPECT_EQ(frames[4].payload, frames[2].payload);
}

TEST(HeaderBlockMemo, OffOrOnTheBytesAreTheSame) {
  h2::H2Configuration off;
  off.memoize_header_blocks = false;
  h2::H2Connection with, without(off);
  FrameFactory f1, f2;
  open_client(with, f1);
  open_client(without, f2);
  HeaderPairs other = kRequest;
  other[3].second = "/other";
  const std::vector<HeaderPairs> seq = {kRequest, kRequest, kRequest, other, kRequest, other};
  SentParser p1, p2;
  auto a = send_requests(with, p1, seq);
  auto b = send_requests(without, p2, seq);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].payload, b[i].payload) << i;
}

TEST(HeaderBlockMemo, ADifferentListInBetweenIsEncodedForItself) {
  h2::H2Connection client;
  FrameFactory f;
  open_client(client, f);
  HeaderPairs other = kRequest;
  other[3].second = "/other";
  SentParser parser;
  auto frames = send_requests(client, parser, {kRequest, kRequest, other, kRequest, other});
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_EQ(frames[0].headers, kRequest);
  EXPECT_EQ(frames[1].headers, kRequest);
  EXPECT_EQ(frames[2].headers, other);
  EXPECT_EQ(frames[3].headers, kRequest);
  EXPECT_EQ(frames[4].headers, other);
}

TEST(HeaderBlockMemo, ANeverIndexedMarkIsPartOfTheList) {
  h2::H2Connection client;
  FrameFactory f;
  open_client(client, f);
  std::vector<h2::Header> plain = to_headers(kRequest);
  std::vector<h2::Header> marked = plain;
  marked[5].never_indexed = true;  // accept: */*, never indexed
  client.send_headers(1, plain, true);
  client.send_headers(3, plain, true);
  client.send_headers(5, marked, true);
  SentParser parser;
  auto frames = parser.parse(drain(client));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[2].headers, kRequest);
  EXPECT_NE(frames[2].payload, frames[1].payload);  // the field went as a never-indexed literal
  // The 0x10 pattern (§6.2.3) appears in the third block only.
  auto has_never_indexed_literal = [](const std::string& block) {
    for (unsigned char b : block)
      if ((b & 0xf0) == 0x10) return true;
    return false;
  };
  EXPECT_FALSE(has_never_indexed_literal(frames[1].payload));
  EXPECT_TRUE(has_never_indexed_literal(frames[2].payload));
}

TEST(HeaderBlockMemo, ATableSizeChangeFromThePeerIsAnnouncedNotSkipped) {
  h2::H2Connection client;
  FrameFactory f;
  open_client(client, f);
  SentParser parser;
  send_requests(client, parser, {kRequest, kRequest});
  // The server shrinks our encoder's table to 0: the next block must start with a size
  // update and carry every field as a literal, which the decoder (mirroring the server) checks.
  receive(client, f.settings({{h2::frame::setting_id::kHeaderTableSize, 0}}));
  auto frames = send_requests(client, parser, {kRequest, kRequest});
  ASSERT_GE(frames.size(), 2u);
  const SentFrame& h1 = frames[frames.size() - 2];
  EXPECT_EQ(h1.headers, kRequest);
  EXPECT_EQ(static_cast<unsigned char>(h1.payload[0]) & 0xe0, 0x20);  // §6.3 size update
  EXPECT_EQ(frames.back().headers, kRequest);
}

TEST(HeaderBlockMemo, TurningValidationOnAgainIsNotBypassed) {
  h2::H2Connection client;
  FrameFactory f;
  open_client(client, f);
  client.config().validate_outbound_headers = false;
  client.config().normalize_outbound_headers = false;
  HeaderPairs bad = kRequest;
  bad.push_back({"connection", "close"});  // connection-specific: invalid in HTTP/2
  client.send_headers(1, to_headers(bad), true);
  client.send_headers(3, to_headers(bad), true);  // remembered with validation off
  client.config().validate_outbound_headers = true;
  EXPECT_THROW(client.send_headers(5, to_headers(bad), true), h2::ProtocolError);
}

TEST(HeaderBlockMemo, TheSameFieldsAsTrailersAreCheckedAsTrailers) {
  h2::H2Connection client;
  FrameFactory f;
  open_client(client, f);
  client.send_headers(1, to_headers(kRequest), false);
  client.send_headers(3, to_headers(kRequest), false);
  // Pseudo-header fields are not allowed in trailers (RFC 9113 §8.1).
  EXPECT_THROW(client.send_headers(3, to_headers(kRequest), true), h2::ProtocolError);
}

TEST(HeaderBlockMemo, FindNeedsTheSameKeyGenerationAndFields) {
  h2::HeaderBlockMemo memo;
  std::vector<h2::Header> fields = to_headers(kRequest);
  const std::string block = "\x82\x86";
  h2::HeaderValidationFlags flags;
  flags.is_client = true;
  const uint32_t key = h2::HeaderBlockMemo::key(flags, true, false, true);
  EXPECT_EQ(memo.find(fields, key, 7), nullptr);
  memo.remember(fields, key, 7, h2::as_bytes(block));
  const h2::ByteBuffer* hit = memo.find(fields, key, 7);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->string_view(), block);
  EXPECT_EQ(memo.find(fields, key, 8), nullptr);
  EXPECT_EQ(memo.find(fields, h2::HeaderBlockMemo::key(flags, true, true, true), 7), nullptr);
  std::vector<h2::Header> shorter(fields.begin(), fields.end() - 1);
  EXPECT_EQ(memo.find(shorter, key, 7), nullptr);
  std::vector<h2::Header> changed = fields;
  changed[4].value = "memo-tesT";
  EXPECT_EQ(memo.find(changed, key, 7), nullptr);
  memo.forget();
  EXPECT_EQ(memo.find(fields, key, 7), nullptr);
}

// A server whose responses differ every time (sizes, dates) would compare and copy each list
// and never hit: after a run of misses the memo goes cold and only retries now and then.
TEST(HeaderBlockMemo, GoesColdWhenListsDoNotRepeat) {
  h2::HeaderBlockMemo memo;
  // (The pairs own the strings the header views point at.)
  const HeaderPairs first_pairs = {{":status", "200"}};
  const std::vector<h2::Header> first = to_headers(first_pairs);
  const uint8_t block[] = {0x88};
  memo.remember(first, 1, 7, block);
  HeaderPairs other_pairs = {{":status", "200"}, {"x", "0"}};
  std::vector<h2::Header> other = to_headers(other_pairs);
  EXPECT_EQ(memo.find(other, 1, 7), nullptr);  // a miss: cold from here
  for (uint32_t i = 1; i < h2::RememberPolicy::kRetryEvery; ++i) {
    other_pairs[1].second = std::to_string(i);
    other = to_headers(other_pairs);
    memo.remember(other, 1, 7, block);                // not copied in
    EXPECT_EQ(memo.find(first, 1, 7), nullptr) << i;  // and not looked up
  }
  memo.remember(other, 1, 7, block);  // the retry: copied in, looked for once
  ASSERT_NE(memo.find(other, 1, 7), nullptr);
  EXPECT_EQ(memo.find(other, 1, 8), nullptr);  // another generation: never
  EXPECT_NE(memo.find(other, 1, 7), nullptr);  // hot again
}

// send_headers encodes the block straight into the output after room for the frame header
// (one HEADERS frame without priority: the usual call) and otherwise writes the frames the
// general way. Either way the bytes must be exactly the frames a reference encoder, fed the
// same normalized lists, gives through frame::write_headers; a refused list leaves neither
// output nor HPACK state behind. Memo on and off, blocks that fit one frame and blocks that
// need CONTINUATION, with and without priority.
TEST(SendHeadersOutput, EqualsTheReferenceFramesForEveryPath) {
  for (const bool memo : {true, false}) {
    h2::H2Configuration config;
    config.memoize_header_blocks = memo;
    h2::H2Connection client(config);
    FrameFactory f;
    open_client(client, f);
    drain(client);
    h2::hpack::Encoder reference;
    std::mt19937 rng(99);
    uint32_t id = 1;
    for (int round = 0; round < 300; ++round) {
      HeaderPairs pairs = kRequest;
      if (rng() % 3 == 0) pairs.push_back({"x-round", std::to_string(round % 7)});
      if (rng() % 5 == 0) pairs.push_back({"Cookie", " a=1; b=2 "});
      if (rng() % 17 == 0) pairs.push_back({"x-large", std::string(20000 + rng() % 100, 'v')});
      const bool refused = rng() % 13 == 0;
      if (refused) pairs.erase(pairs.begin());  // no :method
      const bool end_stream = rng() % 2 == 0;
      const bool prioritized = rng() % 6 == 0;
      const auto headers = to_headers(pairs);
      h2::PriorityArgs priority;
      if (prioritized) priority.weight = 1 + static_cast<int>(rng() % 256);
      if (refused) {
        EXPECT_THROW(client.send_headers(id, headers, end_stream, priority), h2::ProtocolError);
        EXPECT_EQ(drain(client), "") << "round " << round;
        continue;
      }
      client.send_headers(id, headers, end_stream, priority);
      h2::Arena arena;
      std::vector<h2::Header> normalized;
      h2::normalize_outbound_headers(headers, /*split_cookies=*/false, arena, normalized);
      h2::ByteBuffer block;
      reference.encode(normalized, block);
      h2::ByteBuffer expected;
      std::optional<h2::frame::PrioritySpec> spec;
      if (prioritized) spec = h2::frame::PrioritySpec{0, static_cast<uint8_t>(*priority.weight - 1), false};
      h2::frame::write_headers(expected, id, block.view(), end_stream, spec, std::nullopt,
                               client.max_outbound_frame_size());
      ASSERT_EQ(drain(client), std::string(expected.string_view()))
          << "memo " << memo << " round " << round;
      id += 2;
      if (end_stream) continue;
      client.end_stream(id - 2);
      drain(client);
    }
  }
}

}  // namespace
