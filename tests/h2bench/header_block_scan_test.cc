// HeaderBlockScan: wire sizes of received header blocks, read from frame headers only, fed in
// arbitrary pieces.
#include "header_block_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::string frame(uint8_t type, uint8_t flags, uint32_t stream, size_t length) {
  std::string f;
  f += static_cast<char>(length >> 16);
  f += static_cast<char>(length >> 8);
  f += static_cast<char>(length);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  f += static_cast<char>(stream >> 24);
  f += static_cast<char>(stream >> 16);
  f += static_cast<char>(stream >> 8);
  f += static_cast<char>(stream);
  f += std::string(length, '\x5a');  // payload bytes that look like nothing in particular
  return f;
}

constexpr uint8_t kData = 0x0, kHeaders = 0x1, kSettings = 0x4, kContinuation = 0x9;
constexpr uint8_t kEndStream = 0x1, kEndHeaders = 0x4;

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A server's output: SETTINGS, a response on 1 split over CONTINUATION, data, a response on 3.
std::string sample() {
  return frame(kSettings, 0, 0, 12) + frame(kHeaders, 0, 1, 20) +
         frame(kContinuation, kEndHeaders, 1, 7) + frame(kData, kEndStream, 1, 100) +
         frame(kHeaders, kEndHeaders | kEndStream, 3, 13);
}

TEST(HeaderBlockScan, SumsHeadersAndContinuationPerBlock) {
  h2bench::HeaderBlockScan scan;
  scan.feed(bytes(sample()));
  EXPECT_EQ(scan.pending_blocks(), 2u);
  EXPECT_EQ(scan.take(1), 27u);
  EXPECT_EQ(scan.take(3), 13u);
  EXPECT_EQ(scan.take(5), 0u);
}

TEST(HeaderBlockScan, AnySplitOfTheInputGivesTheSameBlocks) {
  const std::string all = sample() + sample();
  for (size_t piece = 1; piece <= all.size(); piece += 3) {
    h2bench::HeaderBlockScan scan;
    for (size_t at = 0; at < all.size(); at += piece)
      scan.feed(bytes(all.substr(at, piece)));
    ASSERT_EQ(scan.pending_blocks(), 4u) << piece;
    EXPECT_EQ(scan.take(1), 27u) << piece;
    EXPECT_EQ(scan.take(3), 13u) << piece;
    EXPECT_EQ(scan.take(1), 27u) << piece;
    EXPECT_EQ(scan.take(3), 13u) << piece;
  }
}

TEST(HeaderBlockScan, BlocksNobodyTookAreSkipped) {
  // Stream 1's block belongs to a stream the application never heard of (reset): asking for
  // stream 3 passes over it.
  h2bench::HeaderBlockScan scan;
  scan.feed(bytes(sample()));
  EXPECT_EQ(scan.take(3), 13u);
  EXPECT_EQ(scan.pending_blocks(), 0u);
}

}  // namespace
