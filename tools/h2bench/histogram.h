#pragma once
// A log-linear latency histogram in the manner of HdrHistogram: values 0..2^40-1 ns (about
// 18 minutes; larger values land in the top bucket, the exact maximum is kept apart) with a
// relative error below 1/1024 (three significant digits). Fixed memory (~250 KB, allocated
// once by the constructor), O(1) record, mergeable by adding buckets.
//
// Layout: values below 2048 have one bucket each. Above, every power-of-two range
// [2^k, 2^(k+1)) is cut into 1024 equal buckets of width 2^(k-10). The bucket index is
// shift * 1024 + (value >> shift) with shift = max(0, bit_width(value) - 11), which is
// continuous across ranges and needs one count-leading-zeros.
//
// Counters are relaxed atomics with a single writer (the thread that owns the histogram): on
// x86 a record is plain loads and stores, and another thread may read a snapshot at any time
// (the once-a-second progress line) without locks or data races. Readers may see a record
// half applied (count bumped, bucket not yet); the progress line tolerates that, and the final
// merge happens after the writers have stopped.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace h2bench {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 11;  // 2048 linear values, then 1024 per power of two
  static constexpr std::uint64_t kSubBucketHalf = std::uint64_t{1} << (kSubBucketBits - 1);
  static constexpr int kMaxValueBits = 40;
  static constexpr std::uint64_t kMaxTrackable = (std::uint64_t{1} << kMaxValueBits) - 1;
  static constexpr std::size_t kBucketCount =
      (kMaxValueBits - kSubBucketBits + 1) * kSubBucketHalf + kSubBucketHalf;

  LatencyHistogram();
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  static std::size_t bucket_of(std::uint64_t value) {
    value = std::min(value, kMaxTrackable);
    const int width = std::bit_width(value);
    const int shift = std::max(0, width - kSubBucketBits);
    return (static_cast<std::size_t>(shift) << (kSubBucketBits - 1)) + (value >> shift);
  }
  static std::uint64_t lowest_in(std::size_t bucket);
  static std::uint64_t highest_in(std::size_t bucket);

  // The hot path. Negative values (a clock that went backwards) count as 0.
  void record(std::int64_t signed_value) {
    const auto value = static_cast<std::uint64_t>(std::max<std::int64_t>(signed_value, 0));
    bump(buckets_[bucket_of(value)], 1);
    bump(count_, 1);
    bump(sum_, value);
    const auto as_double = static_cast<double>(value);
    sum_squares_.store(sum_squares_.load(std::memory_order_relaxed) + as_double * as_double,
                       std::memory_order_relaxed);
    if (value < min_.load(std::memory_order_relaxed)) min_.store(value, std::memory_order_relaxed);
    if (value > max_.load(std::memory_order_relaxed)) max_.store(value, std::memory_order_relaxed);
  }

  // Adds `other` into this one. Only this histogram's owner may call it.
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  std::uint64_t min() const { return count() == 0 ? 0 : min_.load(std::memory_order_relaxed); }
  std::uint64_t max() const { return max_.load(std::memory_order_relaxed); }
  double mean() const;
  double stddev() const;  // population standard deviation, as h2load prints
  // Percentage (0..100) of values within [mean - sd, mean + sd], h2load's "+/- sd" column,
  // to the histogram's precision.
  double percent_within_stddev() const;
  // The value at percentile `percent` (0..100]: the top of the bucket holding that rank,
  // clamped to the exact min and max, so it over-reports by less than 1/1024.
  std::uint64_t value_at_percentile(double percent) const;

  std::uint64_t count_in(std::size_t bucket) const {
    return buckets_[bucket].load(std::memory_order_relaxed);
  }

 private:
  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by) {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_{0};
  std::atomic<double> sum_squares_{0};
  std::atomic<std::uint64_t> min_{UINT64_MAX};
  std::atomic<std::uint64_t> max_{0};
};

}  // namespace h2bench
