#include "histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace h2bench {
namespace {

using H = LatencyHistogram;

TEST(LatencyHistogram, BucketsAreContiguousAndContainTheirValues) {
  // Every bucket starts right after the previous one ends: no gaps, no overlaps.
  for (std::size_t b = 1; b < H::kBucketCount; ++b) {
    ASSERT_EQ(H::lowest_in(b), H::highest_in(b - 1) + 1) << b;
  }
  EXPECT_EQ(H::lowest_in(0), 0u);
  EXPECT_EQ(H::highest_in(H::kBucketCount - 1), H::kMaxTrackable);
  for (const std::uint64_t v : std::initializer_list<std::uint64_t>{0, 1, 2047, 2048, 4095, 4096, 123456789,
                          H::kMaxTrackable}) {
    const auto b = H::bucket_of(v);
    EXPECT_LE(H::lowest_in(b), v);
    EXPECT_GE(H::highest_in(b), v);
  }
}

TEST(LatencyHistogram, BucketWidthIsUnderOnePartIn1024) {
  // Three significant digits: a bucket is never wider than 1/1024 of its lowest value.
  for (std::size_t b = 2048; b < H::kBucketCount; ++b) {
    const double width = static_cast<double>(H::highest_in(b) - H::lowest_in(b) + 1);
    ASSERT_LE(width / static_cast<double>(H::lowest_in(b)), 1.0 / 1024) << b;
  }
}

TEST(LatencyHistogram, ExactMinMaxMeanAndStddev) {
  H h;
  for (const std::int64_t v : {1000, 2000, 3000, 4000}) h.record(v);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_EQ(h.max(), 4000u);
  EXPECT_DOUBLE_EQ(h.mean(), 2500);
  EXPECT_NEAR(h.stddev(), std::sqrt(1250000.0), 1e-6);
}

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
  const H h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.value_at_percentile(99), 0u);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.stddev(), 0);
}

TEST(LatencyHistogram, PercentilesOfAUniformRangeAreWithinPrecision) {
  H h;
  for (std::int64_t v = 1; v <= 1'000'000; ++v) h.record(v * 1000);  // 1 us .. 1 s
  for (const double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
    const double expected = p / 100 * 1e9;
    const double got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_GE(got, expected * (1 - 1e-6)) << p;
    EXPECT_LE(got, expected * (1 + 1.0 / 1024)) << p;
  }
  EXPECT_EQ(h.value_at_percentile(100), 1'000'000'000u);
  EXPECT_EQ(h.value_at_percentile(0), 1000u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  H h;
  for (std::int64_t v = 0; v < 2048; ++v) h.record(v);
  EXPECT_EQ(h.value_at_percentile(50), 1023u);
  EXPECT_EQ(h.max(), 2047u);
}

TEST(LatencyHistogram, ValuesBeyondTheRangeKeepTheirExactMax) {
  H h;
  h.record(static_cast<std::int64_t>(H::kMaxTrackable) * 4);
  EXPECT_EQ(h.max(), H::kMaxTrackable * 4);
  EXPECT_EQ(h.count_in(H::kBucketCount - 1), 1u);
}

TEST(LatencyHistogram, NegativeValuesCountAsZero) {
  H h;
  h.record(-5);
  EXPECT_EQ(h.count_in(0), 1u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency(12, 1.5);
  H a, b, all;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::int64_t>(latency(random));
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (const double p : {50.0, 99.0, 99.99}) EXPECT_EQ(a.value_at_percentile(p), all.value_at_percentile(p));
  for (std::size_t i = 0; i < H::kBucketCount; ++i) ASSERT_EQ(a.count_in(i), all.count_in(i));
}

TEST(LatencyHistogram, ResetEmptiesEverything) {
  H h;
  h.record(5000);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value_at_percentile(50), 0u);
  h.record(7);
  EXPECT_EQ(h.min(), 7u);
}

TEST(LatencyHistogram, WithinStddevMatchesTheSamples) {
  H h;
  // 80 values at 1000 and 10 each at 0 and 2000: mean 1000, sd sqrt(200000) ~ 447.
  for (int i = 0; i < 80; ++i) h.record(1000);
  for (int i = 0; i < 10; ++i) {
    h.record(0);
    h.record(2000);
  }
  EXPECT_DOUBLE_EQ(h.percent_within_stddev(), 80.0);
}

}  // namespace
}  // namespace h2bench
