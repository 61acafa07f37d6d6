#include "histogram.h"

#include <cmath>

namespace h2bench {

LatencyHistogram::LatencyHistogram()
    : buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(kBucketCount)) {}

std::uint64_t LatencyHistogram::lowest_in(std::size_t bucket) {
  if (bucket < 2 * kSubBucketHalf) return bucket;
  const std::size_t shift = bucket / kSubBucketHalf - 1;
  const std::uint64_t sub = bucket - shift * kSubBucketHalf;
  return sub << shift;
}

std::uint64_t LatencyHistogram::highest_in(std::size_t bucket) {
  if (bucket < 2 * kSubBucketHalf) return bucket;
  const std::size_t shift = bucket / kSubBucketHalf - 1;
  const std::uint64_t sub = bucket - shift * kSubBucketHalf;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count() == 0) return;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    if (const auto n = other.count_in(i); n != 0) bump(buckets_[i], n);
  }
  bump(count_, other.count());
  bump(sum_, other.sum_.load(std::memory_order_relaxed));
  sum_squares_.store(sum_squares_.load(std::memory_order_relaxed) +
                         other.sum_squares_.load(std::memory_order_relaxed),
                     std::memory_order_relaxed);
  min_.store(std::min(min_.load(std::memory_order_relaxed), other.min_.load(std::memory_order_relaxed)),
             std::memory_order_relaxed);
  max_.store(std::max(max(), other.max()), std::memory_order_relaxed);
}

void LatencyHistogram::reset() {
  for (std::size_t i = 0; i < kBucketCount; ++i) buckets_[i].store(0, std::memory_order_relaxed);
  count_.store(0, std::memory_order_relaxed);
  sum_.store(0, std::memory_order_relaxed);
  sum_squares_.store(0, std::memory_order_relaxed);
  min_.store(UINT64_MAX, std::memory_order_relaxed);
  max_.store(0, std::memory_order_relaxed);
}

double LatencyHistogram::mean() const {
  const auto n = count();
  return n == 0 ? 0.0
               : static_cast<double>(sum_.load(std::memory_order_relaxed)) / static_cast<double>(n);
}

double LatencyHistogram::stddev() const {
  const auto n = count();
  if (n == 0) return 0.0;
  const double m = mean();
  const double variance =
      sum_squares_.load(std::memory_order_relaxed) / static_cast<double>(n) - m * m;
  return variance > 0 ? std::sqrt(variance) : 0.0;
}

double LatencyHistogram::percent_within_stddev() const {
  std::uint64_t total = 0;
  std::uint64_t within = 0;
  const double m = mean();
  const double sd = stddev();
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    const auto n = count_in(i);
    if (n == 0) continue;
    total += n;
    // The bucket's middle stands for its values; buckets are narrower than 1/1024 of them.
    const double middle =
        (static_cast<double>(lowest_in(i)) + static_cast<double>(highest_in(i))) / 2;
    if (middle >= m - sd && middle <= m + sd) within += n;
  }
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(within) / static_cast<double>(total);
}

std::uint64_t LatencyHistogram::value_at_percentile(double percent) const {
  // Count from the buckets, not count_: a concurrent reader may see them disagree.
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) total += count_in(i);
  if (total == 0) return 0;
  percent = std::clamp(percent, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(total)));
  rank = std::clamp<std::uint64_t>(rank, 1, total);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += count_in(i);
    if (seen >= rank) return std::clamp(highest_in(i), min(), std::max(min(), max()));
  }
  return max();
}

}  // namespace h2bench
