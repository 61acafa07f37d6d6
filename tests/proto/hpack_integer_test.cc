// RFC 7541 §5.1 integer representation.
#include <gtest/gtest.h>

#include "hpack/integer.h"
#include "proto/hpack_test_util.h"

namespace h2::hpack::detail {
namespace {

using testing::from_hex;
using testing::to_hex;

std::string encode(uint8_t flags, unsigned prefix, uint32_t value) {
  uint8_t buf[kMaxIntegerBytes];
  uint8_t* end = encode_integer(buf, flags, prefix, value);
  EXPECT_EQ(static_cast<size_t>(end - buf), encoded_integer_size(prefix, value));
  return to_hex({buf, static_cast<size_t>(end - buf)});
}

IntegerStatus decode(std::string_view hex, unsigned prefix, uint32_t& value, size_t& used) {
  const std::vector<uint8_t> bytes = from_hex(hex);
  const uint8_t* p = bytes.data();
  const IntegerStatus status = decode_integer(p, bytes.data() + bytes.size(), prefix, value);
  used = static_cast<size_t>(p - bytes.data());
  return status;
}

TEST(HpackInteger, EncodesRfcC1Examples) {
  EXPECT_EQ(encode(0, 5, 10), "0a");        // C.1.1
  EXPECT_EQ(encode(0, 5, 1337), "1f9a0a");  // C.1.2
  EXPECT_EQ(encode(0, 8, 42), "2a");        // C.1.3
}

TEST(HpackInteger, DecodesRfcC1Examples) {
  uint32_t v = 0;
  size_t used = 0;
  ASSERT_EQ(decode("ea", 5, v, used), IntegerStatus::kOk);  // flag bits ignored
  EXPECT_EQ(v, 10u);
  ASSERT_EQ(decode("1f9a0a", 5, v, used), IntegerStatus::kOk);
  EXPECT_EQ(v, 1337u);
  EXPECT_EQ(used, 3u);
  ASSERT_EQ(decode("2a", 8, v, used), IntegerStatus::kOk);
  EXPECT_EQ(v, 42u);
}

TEST(HpackInteger, KeepsFlagBitsAbovePrefix) {
  EXPECT_EQ(encode(0x80, 7, 2), "82");
}

TEST(HpackInteger, PrefixBoundaryNeedsContinuationByte) {
  EXPECT_EQ(encode(0, 5, 30), "1e");
  EXPECT_EQ(encode(0, 5, 31), "1f00");
  EXPECT_EQ(encode(0, 5, 31 + 127), "1f7f");
  EXPECT_EQ(encode(0, 5, 31 + 128), "1f8001");
}

TEST(HpackInteger, RoundTripsAcrossPrefixesAndMagnitudes) {
  for (unsigned prefix = 1; prefix <= 8; ++prefix) {
    for (uint64_t v : {0ull, 1ull, 126ull, 127ull, 128ull, 255ull, 16383ull, 16384ull, 65535ull,
                       1ull << 21, (1ull << 28) + 5, 0xfffffffeull, 0xffffffffull}) {
      uint8_t buf[kMaxIntegerBytes];
      uint8_t* end = encode_integer(buf, 0, prefix, static_cast<uint32_t>(v));
      const uint8_t* p = buf;
      uint32_t out = 0;
      ASSERT_EQ(decode_integer(p, end, prefix, out), IntegerStatus::kOk) << prefix << " " << v;
      EXPECT_EQ(out, v);
      EXPECT_EQ(p, end);
    }
  }
}

TEST(HpackInteger, MaxValueWithOnePrefixBitFitsSixBytes) {
  EXPECT_EQ(encode(0, 1, 0xffffffffu).size(), 2 * kMaxIntegerBytes);
}

TEST(HpackInteger, RejectsValueAbove32Bits) {
  uint32_t v = 0;
  size_t used = 0;
  // 31 + 2^32 - 31 = 2^32: one past the largest value.
  EXPECT_EQ(decode("1fe1ffffff0f", 5, v, used), IntegerStatus::kOverflow);
  EXPECT_EQ(decode("1fe0ffffff0f", 5, v, used), IntegerStatus::kOk);
  EXPECT_EQ(v, 0xffffffffu);
}

TEST(HpackInteger, RejectsTooManyContinuationBytes) {
  uint32_t v = 0;
  size_t used = 0;
  // Value 31 padded with zero-valued continuation bytes beyond the 6-byte maximum.
  EXPECT_EQ(decode("1f808080808000", 5, v, used), IntegerStatus::kOverflow);
}

TEST(HpackInteger, ReportsTruncation) {
  uint32_t v = 0;
  size_t used = 0;
  EXPECT_EQ(decode("1f", 5, v, used), IntegerStatus::kTruncated);
  EXPECT_EQ(decode("1f9a", 5, v, used), IntegerStatus::kTruncated);
}

}  // namespace
}  // namespace h2::hpack::detail
