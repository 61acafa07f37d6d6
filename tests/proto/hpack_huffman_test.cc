// RFC 7541 §5.2 / Appendix B Huffman coding.
#include <random>

#include <gtest/gtest.h>

#include "hpack/huffman.h"
#include "proto/hpack_test_util.h"

namespace h2::hpack::detail {
namespace {

using testing::from_hex;
using testing::to_hex;

std::string encode(std::string_view s) {
  std::vector<uint8_t> out(huffman_encoded_size(s));
  uint8_t* end = huffman_encode(s, out.data());
  EXPECT_EQ(static_cast<size_t>(end - out.data()), out.size());
  return to_hex(out);
}

HuffmanStatus decode(const std::vector<uint8_t>& in, std::string& out) {
  std::string buf(huffman_max_decoded_size(in.size()), '\0');
  size_t n = 0;
  const HuffmanStatus status = huffman_decode(in.data(), in.size(), buf.data(), n);
  if (status == HuffmanStatus::kOk) out.assign(buf.data(), n);
  return status;
}

struct Example {
  const char* text;
  const char* hex;
};

// Strings of RFC 7541 Appendix C.4 and C.6.
constexpr Example kExamples[] = {
    {"www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"},
    {"no-cache", "a8eb10649cbf"},
    {"custom-key", "25a849e95ba97d7f"},
    {"custom-value", "25a849e95bb8e8b4bf"},
    {"302", "6402"},
    {"private", "aec3771a4b"},
    {"Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff"},
    {"https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3"},
    {"307", "640eff"},
    {"Mon, 21 Oct 2013 20:13:22 GMT", "d07abe941054d444a8200595040b8166e084a62d1bff"},
    {"gzip", "9bd9ab"},
    {"foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
     "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"},
};

TEST(HpackHuffman, EncodesRfcAppendixCStrings) {
  for (const Example& e : kExamples) EXPECT_EQ(encode(e.text), e.hex) << e.text;
}

TEST(HpackHuffman, DecodesRfcAppendixCStrings) {
  for (const Example& e : kExamples) {
    std::string out;
    ASSERT_EQ(decode(from_hex(e.hex), out), HuffmanStatus::kOk) << e.text;
    EXPECT_EQ(out, e.text);
  }
}

TEST(HpackHuffman, EmptyStringIsEmpty) {
  EXPECT_EQ(encode(""), "");
  std::string out = "x";
  EXPECT_EQ(decode({}, out), HuffmanStatus::kOk);
  EXPECT_EQ(out, "");
}

TEST(HpackHuffman, RejectsEosSymbol) {
  // EOS is 30 ones; padded with two more ones to fill four bytes.
  std::string out;
  EXPECT_EQ(decode({0xff, 0xff, 0xff, 0xff}, out), HuffmanStatus::kInvalid);
  // EOS after a valid symbol ('a' = 00011, then 30 ones, then padding).
  EXPECT_EQ(decode({0x1f, 0xff, 0xff, 0xff, 0xff}, out), HuffmanStatus::kInvalid);
}

TEST(HpackHuffman, RejectsPaddingLongerThanSevenBits) {
  std::string out;
  // "a" (00011) followed by a whole byte of ones: 11 bits of padding.
  EXPECT_EQ(decode({0x1f, 0xff}, out), HuffmanStatus::kBadPadding);
  // A lone byte of ones is 8 bits of padding.
  EXPECT_EQ(decode({0xff}, out), HuffmanStatus::kBadPadding);
}

TEST(HpackHuffman, RejectsPaddingThatIsNotOnes) {
  std::string out;
  // "a" = 00011 then padding 000 (a prefix of '0'=00000, not of EOS).
  EXPECT_EQ(decode({0x18}, out), HuffmanStatus::kBadPadding);
  // "a" then 110: not all ones.
  EXPECT_EQ(decode({0x1e}, out), HuffmanStatus::kBadPadding);
}

TEST(HpackHuffman, AcceptsShortOnesPadding) {
  std::string out;
  EXPECT_EQ(decode({0x1f}, out), HuffmanStatus::kOk);  // "a" + 111
  EXPECT_EQ(out, "a");
}

TEST(HpackHuffman, EncodedSizeMatchesLongestCodes) {
  // Byte 0x0a ('\n') has a 30-bit code: one symbol takes four bytes.
  EXPECT_EQ(huffman_encoded_size(std::string_view("\n", 1)), 4u);
  EXPECT_EQ(huffman_encoded_size("aaaaaaaa"), 5u);  // 8 * 5 bits
}

TEST(HpackHuffman, RandomByteStringsRoundTrip) {
  for (uint32_t seed : {1u, 7u, 2024u}) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> length(0, 300);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int i = 0; i < 2000; ++i) {
      std::string s(static_cast<size_t>(length(rng)), '\0');
      for (char& c : s) c = static_cast<char>(byte(rng));
      std::vector<uint8_t> encoded(huffman_encoded_size(s));
      huffman_encode(s, encoded.data());
      std::string decoded;
      ASSERT_EQ(decode(encoded, decoded), HuffmanStatus::kOk) << "seed " << seed << " case " << i;
      ASSERT_EQ(decoded, s) << "seed " << seed << " case " << i;
    }
  }
}

TEST(HpackHuffman, RandomPrintableStringsRoundTrip) {
  // Header-like text exercises the one-lookup path, random bytes the long-code path.
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> length(0, 300);
  std::uniform_int_distribution<int> byte(0x20, 0x7e);
  for (int i = 0; i < 2000; ++i) {
    std::string s(static_cast<size_t>(length(rng)), '\0');
    for (char& c : s) c = static_cast<char>(byte(rng));
    std::vector<uint8_t> encoded(huffman_encoded_size(s));
    huffman_encode(s, encoded.data());
    std::string decoded;
    ASSERT_EQ(decode(encoded, decoded), HuffmanStatus::kOk);
    ASSERT_EQ(decoded, s);
  }
}

TEST(HpackHuffman, BytesReadablePastTheStringAreIgnored) {
  // Inside a header block the decoder may load past the string; what follows must not leak
  // into the result nor hide bad padding.
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> length(0, 40);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 3000; ++i) {
    std::string s(static_cast<size_t>(length(rng)), '\0');
    for (char& c : s) c = static_cast<char>(byte(rng));
    std::vector<uint8_t> encoded(huffman_encoded_size(s));
    huffman_encode(s, encoded.data());
    const size_t size = encoded.size();
    for (int k = 0; k < 8; ++k) encoded.push_back(static_cast<uint8_t>(byte(rng)));
    std::string buf(huffman_max_decoded_size(size), '\0');
    size_t n = 0;
    ASSERT_EQ(huffman_decode(encoded.data(), size, encoded.size(), buf.data(), n),
              HuffmanStatus::kOk);
    ASSERT_EQ(std::string_view(buf.data(), n), s);
  }
  // "a" + 000 padding followed by ones: still bad padding.
  const std::vector<uint8_t> bad{0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  std::string buf(8, '\0');
  size_t n = 0;
  EXPECT_EQ(huffman_decode(bad.data(), 1, bad.size(), buf.data(), n), HuffmanStatus::kBadPadding);
}

TEST(HpackHuffman, EverySingleByteRoundTrips) {
  for (int b = 0; b < 256; ++b) {
    const std::string s(1, static_cast<char>(b));
    std::vector<uint8_t> encoded(huffman_encoded_size(s));
    huffman_encode(s, encoded.data());
    std::string decoded;
    ASSERT_EQ(decode(encoded, decoded), HuffmanStatus::kOk) << b;
    EXPECT_EQ(decoded, s);
  }
}

}  // namespace
}  // namespace h2::hpack::detail
