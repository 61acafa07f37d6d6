#include "units.h"

#include <gtest/gtest.h>

namespace h2bench {
namespace {

TEST(ParseDuration, AcceptsH2loadUnits) {
  EXPECT_EQ(parse_duration("10s"), 10 * kSecond);
  EXPECT_EQ(parse_duration("500ms"), 500 * kMillisecond);
  EXPECT_EQ(parse_duration("1m"), 60 * kSecond);
  EXPECT_EQ(parse_duration("2h"), 7200 * kSecond);
  EXPECT_EQ(parse_duration("250us"), 250 * kMicrosecond);
  EXPECT_EQ(parse_duration("7ns"), 7);
}

TEST(ParseDuration, BareNumberIsSeconds) { EXPECT_EQ(parse_duration("3"), 3 * kSecond); }

TEST(ParseDuration, AcceptsDecimals) { EXPECT_EQ(parse_duration("1.5s"), 1500 * kMillisecond); }

TEST(ParseDuration, RefusesJunk) {
  for (const char* bad : {"", "s", "10x", "-1s", "1.2.3s", "ten", "10 s", "1e3"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(ParseSize, AcceptsPowersOf1024) {
  EXPECT_EQ(parse_size("16384"), 16384u);
  EXPECT_EQ(parse_size("16K"), 16384u);
  EXPECT_EQ(parse_size("1M"), 1048576u);
  EXPECT_EQ(parse_size("2G"), 2147483648u);
}

TEST(ParseSize, RefusesJunkAndOverflow) {
  for (const char* bad : {"", "K", "12Q", "-1", "1.5K", "99999999999999999999G"}) {
    EXPECT_FALSE(parse_size(bad).has_value()) << bad;
  }
}

TEST(FormatDuration, MatchesH2loadUnits) {
  EXPECT_EQ(format_duration(44'000), "44us");
  EXPECT_EQ(format_duration(44'900), "44us");  // h2load truncates microseconds
  EXPECT_EQ(format_duration(1'100'000), "1.10ms");
  EXPECT_EQ(format_duration(3'000'000'000.0), "3.00s");
  EXPECT_EQ(format_duration(0), "0us");
}

TEST(FormatBytes, MatchesH2loadUnits) {
  EXPECT_EQ(format_bytes(0), "0B");
  EXPECT_EQ(format_bytes(1023), "1023B");
  EXPECT_EQ(format_bytes(24324), "23.75KB");
  EXPECT_EQ(format_bytes(2060420), "1.96MB");
  EXPECT_EQ(format_bytes(3.5 * 1024 * 1024 * 1024), "3.50GB");
}

TEST(StringPrintf, GrowsPastItsStackBuffer) {
  const std::string long_text(1000, 'x');
  EXPECT_EQ(string_printf("<%s>", long_text.c_str()), "<" + long_text + ">");
}

}  // namespace
}  // namespace h2bench
