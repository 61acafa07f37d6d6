#include "summary_text.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace h2bench {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The figures of a real h2load run (-n 2000 -c 4 -m 10 against nghttpd), on a 20 ms clock.
RunResults sample_results() {
  RunResults r;
  r.elapsed = 20 * kMillisecond;
  r.measured = 20 * kMillisecond;
  r.total = 2000;
  r.counts.started = 2000;
  r.counts.done = 2000;
  r.counts.succeeded = 2000;
  r.counts.status_class[2] = 2000;
  r.counts.bytes_total = 2060420;
  r.counts.header_bytes = 24324;
  r.counts.header_decoded_bytes = 354062;
  r.counts.body_bytes = 2000000;
  r.request_latency = std::make_unique<LatencyHistogram>();
  r.first_byte_latency = std::make_unique<LatencyHistogram>();
  r.service_time = std::make_unique<LatencyHistogram>();
  for (int i = 0; i < 1000; ++i) {
    r.request_latency->record(100'000);
    r.request_latency->record(200'000);
    r.request_latency->record(300'000);
  }
  r.connect_ns = {500'000, 600'000, 700'000};
  r.first_byte_ns = {1'100'000, 1'260'000};
  r.client_rps = {100, 200};
  return r;
}

TEST(H2loadSummary, LinesAreLaidOutAsH2loadPrintsThem) {
  const auto lines = lines_of(format_h2load_summary(sample_results()));
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[0], "finished in 20.00ms, 100000.00 req/s, 98.25MB/s");
  EXPECT_EQ(lines[1],
            "requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, "
            "0 timeout");
  EXPECT_EQ(lines[2], "status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx");
  EXPECT_EQ(lines[3],
            "traffic: 1.96MB (2060420) total, 23.75KB (24324) headers (space savings 93.13%), "
            "1.91MB (2000000) data");
  EXPECT_EQ(lines[4], "                     min         max         mean         sd        +/- sd");
  EXPECT_EQ(lines[5], "time for request:      100us       300us       200us        81us    33.33%");
  EXPECT_EQ(lines[6], "time for connect:      500us       700us       600us        81us    33.33%");
  EXPECT_EQ(lines[7], "time to 1st byte:     1.10ms      1.26ms      1.18ms        80us   100.00%");
  EXPECT_EQ(lines[8], "req/s           :     100.00      200.00      150.00       50.00   100.00%");
}

TEST(H2loadSummary, FailedCountsEverythingThatDidNotSucceed) {
  RunResults r = sample_results();
  r.counts.succeeded = 1990;
  r.counts.status_failed = 4;
  r.counts.errored = 6;
  r.counts.timed_out = 2;
  const auto lines = lines_of(format_h2load_summary(r));
  EXPECT_EQ(lines[1],
            "requests: 2000 total, 2000 started, 2000 done, 1990 succeeded, 10 failed, 6 errored, "
            "2 timeout");
}

TEST(Percentiles, BlockListsEachPercentileInOrder) {
  const auto lines = lines_of(format_percentiles(sample_results()));
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0], "");
  EXPECT_EQ(lines[1], "latency percentiles");
  EXPECT_EQ(lines[2],
            "                         p50         p90         p99       p99.9      p99.99         max");
  EXPECT_EQ(lines[3],
            // The top of the 200 us bucket (width 128 ns there), then clamped to the max.
            "time for request:   200.06us    300.00us    300.00us    300.00us    300.00us    300.00us");
  EXPECT_EQ(lines[4].rfind("time to headers :", 0), 0u);
  EXPECT_EQ(lines.size(), 5u);  // closed loop, no failures: nothing more
}

TEST(Percentiles, OpenLoopAddsServiceTimeAndSaysItIsCorrected) {
  RunResults r = sample_results();
  r.open_loop = true;
  r.rate = 1000;
  const std::string text = format_percentiles(r);
  EXPECT_NE(text.find("coordinated omission"), std::string::npos);
  EXPECT_NE(text.find("service time    : "), std::string::npos);
}

TEST(Percentiles, FailureReasonsAreListed) {
  RunResults r = sample_results();
  r.counts.by_reason[static_cast<std::size_t>(FailureReason::kStreamReset)] = 3;
  r.counts.by_reason[static_cast<std::size_t>(FailureReason::kGoaway)] = 1;
  r.counts.connection_errors[static_cast<std::size_t>(FailureReason::kConnectRefused)] = 2;
  const std::string text = format_percentiles(r);
  EXPECT_NE(text.find("errors: 1 goaway, 3 stream_reset\n"), std::string::npos);
  EXPECT_NE(text.find("connection errors: 2 connect_refused\n"), std::string::npos);
}

TEST(FormatLatency, KeepsThreeOrMoreDigits) {
  EXPECT_EQ(format_latency(999), "999ns");
  EXPECT_EQ(format_latency(44'520), "44.52us");
  EXPECT_EQ(format_latency(1'234'000), "1.23ms");
  EXPECT_EQ(format_latency(2.5e9), "2.50s");
}

}  // namespace
}  // namespace h2bench
