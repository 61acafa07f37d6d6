// RFC 7541 Appendix C.2-C.6, byte for byte, in both directions.
//
// Which encoder reproduces which example:
//  - C.3 and C.5 use raw (non-Huffman) literals. kPythonHpack Huffman-codes everything and
//    kDefault Huffman-codes whenever it is shorter (always, for these strings), so neither
//    reproduces them; only decoding is checked.
//  - C.4 (requests, Huffman, incremental indexing) is reproduced by both strategies.
//  - C.6 (responses, Huffman, incremental indexing of every field, 256-byte table) is
//    reproduced by kPythonHpack. kDefault differs on purpose: it does not index `location`
//    and `set-cookie` (nghttp2's heuristics).
#include <gtest/gtest.h>

#include "hpack/static_table.h"
#include "proto/hpack_test_util.h"

namespace h2::hpack {
namespace {

using testing::from_hex;
using testing::OwnedHeaders;
using testing::to_hex;

struct Step {
  const char* hex;
  OwnedHeaders headers;
  // Dynamic table after the step, newest first, and its size.
  OwnedHeaders table;
  size_t table_size;
};

const std::string kCookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

std::vector<Step> c3_requests(bool huffman) {
  return {
      {huffman ? "828684418cf1e3c2e5f23a6ba0ab90f4ff" : "828684410f7777772e6578616d706c652e636f6d",
       {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"}},
       {{":authority", "www.example.com"}},
       57},
      {huffman ? "828684be5886a8eb10649cbf" : "828684be58086e6f2d6361636865",
       {{":method", "GET"},
        {":scheme", "http"},
        {":path", "/"},
        {":authority", "www.example.com"},
        {"cache-control", "no-cache"}},
       {{"cache-control", "no-cache"}, {":authority", "www.example.com"}},
       110},
      {huffman ? "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"
               : "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
       {{":method", "GET"},
        {":scheme", "https"},
        {":path", "/index.html"},
        {":authority", "www.example.com"},
        {"custom-key", "custom-value"}},
       {{"custom-key", "custom-value"},
        {"cache-control", "no-cache"},
        {":authority", "www.example.com"}},
       164},
  };
}

std::vector<Step> c5_responses(bool huffman) {
  const std::string date1 = "Mon, 21 Oct 2013 20:13:21 GMT";
  const std::string date2 = "Mon, 21 Oct 2013 20:13:22 GMT";
  const std::string location = "https://www.example.com";
  return {
      {huffman ? "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29"
                 "ad171863c78f0b97c8e9ae82ae43d3"
               : "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a3133"
                 "3a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
       {{":status", "302"}, {"cache-control", "private"}, {"date", date1}, {"location", location}},
       {{"location", location}, {"date", date1}, {"cache-control", "private"}, {":status", "302"}},
       222},
      {huffman ? "4883640effc1c0bf" : "4803333037c1c0bf",
       {{":status", "307"}, {"cache-control", "private"}, {"date", date1}, {"location", location}},
       {{":status", "307"}, {"location", location}, {"date", date1}, {"cache-control", "private"}},
       222},
      {huffman ? "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2"
                 "e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"
               : "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69"
                 "707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d6178"
                 "2d6167653d333630303b2076657273696f6e3d31",
       {{":status", "200"},
        {"cache-control", "private"},
        {"date", date2},
        {"location", location},
        {"content-encoding", "gzip"},
        {"set-cookie", kCookie}},
       {{"set-cookie", kCookie}, {"content-encoding", "gzip"}, {"date", date2}},
       215},
  };
}

void expect_decodes(Decoder& decoder, const std::vector<Step>& steps) {
  std::vector<HeaderField> out;
  for (const Step& step : steps) {
    SCOPED_TRACE(step.hex);
    const std::vector<uint8_t> wire = from_hex(step.hex);
    ASSERT_FALSE(decoder.decode(wire, out));
    EXPECT_EQ(testing::own(out), step.headers);
    EXPECT_EQ(decoder.table_size(), step.table_size);
    EXPECT_EQ(decoder.table_entries(), step.table.size());
  }
}

// A decoder whose table was set to 256 octets before the examples (C.5 / C.6).
Decoder decoder_with_256_table() {
  Decoder decoder;
  decoder.set_max_allowed_table_size(256);
  std::vector<HeaderField> out;
  const std::vector<uint8_t> update = from_hex("3fe101");  // size update to 256
  EXPECT_FALSE(decoder.decode(update, out));
  EXPECT_EQ(decoder.table_capacity(), 256u);
  return decoder;
}

TEST(HpackRfcExamples, C2_1LiteralWithIndexing) {
  Decoder decoder;
  expect_decodes(decoder, {{"400a637573746f6d2d6b65790d637573746f6d2d686561646572",
                            {{"custom-key", "custom-header"}},
                            {{"custom-key", "custom-header"}},
                            55}});
}

TEST(HpackRfcExamples, C2_2LiteralWithoutIndexing) {
  Decoder decoder;
  expect_decodes(decoder, {{"040c2f73616d706c652f70617468", {{":path", "/sample/path"}}, {}, 0}});
}

TEST(HpackRfcExamples, C2_3LiteralNeverIndexedKeepsFlag) {
  Decoder decoder;
  std::vector<HeaderField> out;
  const std::vector<uint8_t> wire = from_hex("100870617373776f726406736563726574");
  ASSERT_FALSE(decoder.decode(wire, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (HeaderField{"password", "secret", true}));
  EXPECT_EQ(decoder.table_entries(), 0u);
}

TEST(HpackRfcExamples, C2_4Indexed) {
  Decoder decoder;
  expect_decodes(decoder, {{"82", {{":method", "GET"}}, {}, 0}});
}

TEST(HpackRfcExamples, C3RequestsWithoutHuffmanDecode) {
  Decoder decoder;
  expect_decodes(decoder, c3_requests(false));
}

TEST(HpackRfcExamples, C4RequestsWithHuffmanDecode) {
  Decoder decoder;
  expect_decodes(decoder, c3_requests(true));
}

TEST(HpackRfcExamples, C5ResponsesWithoutHuffmanDecode) {
  Decoder decoder = decoder_with_256_table();
  expect_decodes(decoder, c5_responses(false));
}

TEST(HpackRfcExamples, C6ResponsesWithHuffmanDecode) {
  Decoder decoder = decoder_with_256_table();
  expect_decodes(decoder, c5_responses(true));
}

void expect_encodes(Encoder& encoder, const std::vector<Step>& steps) {
  for (const Step& step : steps) {
    ByteBuffer out;
    const std::vector<HeaderField> fields = testing::view(step.headers);
    encoder.encode(fields, out);
    EXPECT_EQ(to_hex(out.view()), step.hex);
    EXPECT_EQ(encoder.table_size(), step.table_size);
    EXPECT_EQ(encoder.table_entries(), step.table.size());
  }
}

TEST(HpackRfcExamples, C4RequestsReproducedByPythonHpackStrategy) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  expect_encodes(encoder, c3_requests(true));
}

TEST(HpackRfcExamples, C4RequestsReproducedByDefaultStrategy) {
  Encoder encoder(EncoderStrategy::kDefault);
  expect_encodes(encoder, c3_requests(true));
}

TEST(HpackRfcExamples, C6ResponsesReproducedByPythonHpackStrategy) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  encoder.set_max_table_size(256);
  // The RFC's table was 256 from the start; ours announces the change in its first block.
  std::vector<Step> steps = c5_responses(true);
  ByteBuffer out;
  const std::vector<HeaderField> first = testing::view(steps[0].headers);
  encoder.encode(first, out);
  EXPECT_EQ(to_hex(out.view()), std::string("3fe101") + steps[0].hex);
  steps.erase(steps.begin());
  expect_encodes(encoder, steps);
}

TEST(HpackRfcExamples, DefaultStrategyDoesNotIndexLocationOrSetCookie) {
  Encoder encoder(EncoderStrategy::kDefault);
  Decoder decoder;
  for (const Step& step : c5_responses(true)) {
    ByteBuffer out;
    const std::vector<HeaderField> fields = testing::view(step.headers);
    encoder.encode(fields, out);
    std::vector<HeaderField> decoded;
    ASSERT_FALSE(decoder.decode(out.view(), decoded));
    EXPECT_EQ(testing::own(decoded), step.headers);
  }
  // Indexed: :status 302 and 307, cache-control, date (twice), content-encoding (6 entries,
  // all fit in 4096). location and set-cookie never entered the table.
  EXPECT_EQ(encoder.table_entries(), 6u);
  EXPECT_EQ(encoder.table_size(), decoder.table_size());
  EXPECT_EQ(encoder.table_entries(), decoder.table_entries());
}

}  // namespace
}  // namespace h2::hpack
