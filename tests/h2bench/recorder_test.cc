#include "recorder.h"

#include <gtest/gtest.h>

namespace h2bench {
namespace {

RecorderConfig config(Nanos measure_start = 0) {
  RecorderConfig c;
  c.first_client = 10;
  c.client_count = 2;
  c.measure_start = measure_start;
  c.timeline_seconds = 4;
  return c;
}

TEST(Recorder, CompletedRequestWithSuccessStatus) {
  Recorder r(config());
  r.request_started(100);
  r.response_headers(100, 400, 200, 10, 40);
  r.request_completed(10, 100, 150, 1100, 200, 512);
  const auto c = r.counts();
  EXPECT_EQ(c.started, 1u);
  EXPECT_EQ(c.done, 1u);
  EXPECT_EQ(c.succeeded, 1u);
  EXPECT_EQ(c.status_failed, 0u);
  EXPECT_EQ(c.status_class[2], 1u);
  EXPECT_EQ(c.header_bytes, 10u);
  EXPECT_EQ(c.header_decoded_bytes, 40u);
  EXPECT_EQ(c.body_bytes, 512u);
  EXPECT_EQ(r.request_latency().max(), 1000u);    // from the intended start
  EXPECT_EQ(r.service_time().max(), 950u);        // from sending
  EXPECT_EQ(r.first_byte_latency().max(), 300u);  // to the response headers
  EXPECT_EQ(r.clients()[0].succeeded, 1u);
}

// Closed loop: a request starts when it is sent, so one histogram serves as both.
TEST(Recorder, ClosedLoopServiceTimeIsTheRequestLatency) {
  RecorderConfig c = config();
  c.open_loop = false;
  Recorder r(c);
  r.request_completed(10, 100, 100, 1100, 200, 0);
  r.request_completed(10, 200, 200, 400, 200, 0);
  EXPECT_EQ(&r.service_time(), &r.request_latency());
  EXPECT_EQ(r.service_time().count(), 2u);
  EXPECT_EQ(r.service_time().max(), 1000u);
  EXPECT_EQ(r.service_time().min(), 200u);
}

TEST(Recorder, RedirectCountsAsSuccess) {
  Recorder r(config());
  r.response_headers(0, 1, 302, 1, 1);
  r.request_completed(10, 0, 0, 1, 302, 0);
  EXPECT_EQ(r.counts().succeeded, 1u);
  EXPECT_EQ(r.counts().status_class[3], 1u);
}

TEST(Recorder, ClientErrorStatusIsFailedButNotErrored) {
  Recorder r(config());
  r.response_headers(0, 1, 404, 1, 1);
  r.request_completed(10, 0, 0, 1, 404, 0);
  const auto c = r.counts();
  EXPECT_EQ(c.succeeded, 0u);
  EXPECT_EQ(c.status_failed, 1u);
  EXPECT_EQ(c.errored, 0u);
  EXPECT_EQ(c.status_class[4], 1u);
}

TEST(Recorder, ResetIsDoneAndErroredWithItsReason) {
  Recorder r(config());
  r.request_started(0);
  r.request_failed(0, 5, FailureReason::kStreamReset);
  const auto c = r.counts();
  EXPECT_EQ(c.done, 1u);
  EXPECT_EQ(c.errored, 1u);
  EXPECT_EQ(c.timed_out, 0u);
  EXPECT_EQ(c.by_reason[static_cast<std::size_t>(FailureReason::kStreamReset)], 1u);
}

TEST(Recorder, TimeoutsAreCountedAsTimeouts) {
  Recorder r(config());
  r.request_failed(0, 5, FailureReason::kInactivityTimeout);
  r.requests_not_sent(3, FailureReason::kConnectTimeout);
  const auto c = r.counts();
  EXPECT_EQ(c.timed_out, 4u);
  EXPECT_EQ(c.errored, 4u);
  EXPECT_EQ(c.not_sent, 3u);
  EXPECT_EQ(c.done, 1u);  // never-sent requests are not done
}

TEST(Recorder, WarmUpRequestsAreNotCounted) {
  Recorder r(config(1000));
  r.request_started(999);
  r.response_headers(999, 1500, 200, 1, 1);
  r.request_completed(10, 999, 999, 1500, 200, 10);
  r.request_failed(999, 1500, FailureReason::kStreamReset);
  r.request_abandoned(999);
  r.bytes_received(999, 100);
  const auto c = r.counts();
  EXPECT_EQ(c.started + c.done + c.succeeded + c.errored + c.abandoned + c.bytes_total, 0u);
  EXPECT_EQ(r.request_latency().count(), 0u);
  r.request_started(1000);
  EXPECT_EQ(r.counts().started, 1u);
}

TEST(Recorder, TimelineHasOneSlotPerSecondAndClampsTheTail) {
  Recorder r(config());
  r.request_completed(10, 0, 0, kSecond / 2, 200, 7);
  r.request_completed(10, 0, 0, 2 * kSecond + 1, 500, 0);
  r.request_failed(0, 2 * kSecond + 2, FailureReason::kStreamReset);
  r.request_completed(10, 0, 0, 60 * kSecond, 200, 0);  // past the 4 slots: in the last one
  const auto t = r.timeline();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].completed, 1u);
  EXPECT_EQ(t[0].succeeded, 1u);
  EXPECT_EQ(t[0].body_bytes, 7u);
  EXPECT_EQ(t[1].completed, 0u);
  EXPECT_EQ(t[2].completed, 1u);
  EXPECT_EQ(t[2].errors, 2u);
  EXPECT_EQ(t[3].completed, 1u);
}

// The recorder remembers the second of the last completion; times that jump back and forth
// across second boundaries (threads' clocks are read per input chunk) still land in their own
// slot, exactly at the boundaries too.
TEST(Recorder, TimelineSlotsHoldTimesInAnyOrder) {
  const Nanos start = 5 * kSecond;
  Recorder r(config(start));
  const Nanos done[] = {start + kSecond / 2,       start + 2 * kSecond + 100, start + kSecond,
                        start + kSecond - 1,       start + 10 * kSecond,      start + 3 * kSecond,
                        start + 3 * kSecond - 1,   start + 3 * kSecond / 2,   start};
  for (Nanos at : done) r.request_completed(10, start, start, at, 200, 1);
  const auto t = r.timeline();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].completed, 3u);  // +0.5 s, +1 s - 1 ns, +0
  EXPECT_EQ(t[1].completed, 2u);  // +1 s, +1.5 s
  EXPECT_EQ(t[2].completed, 2u);  // +2 s, +3 s - 1 ns
  EXPECT_EQ(t[3].completed, 2u);  // +3 s, and +10 s clamped into the last slot
}

TEST(Recorder, ClientRecordsKeepTheFirstByteOnly) {
  Recorder r(config());
  r.connect_started(11, 100);
  r.connected(11, 300);
  r.first_byte(11, 500);
  r.first_byte(11, 900);
  r.client_finished(11, 2000);
  const ClientRecord& c = r.clients()[1];
  EXPECT_EQ(c.connect_start, 100);
  EXPECT_EQ(c.connected, 300);
  EXPECT_EQ(c.first_byte, 500);
  EXPECT_EQ(c.finished, 2000);
}

TEST(Recorder, ConnectFailureIsAConnectionErrorNotARequest) {
  Recorder r(config());
  r.connect_failed(10, 50, FailureReason::kConnectRefused);
  const auto c = r.counts();
  EXPECT_EQ(c.connection_errors[static_cast<std::size_t>(FailureReason::kConnectRefused)], 1u);
  EXPECT_EQ(c.errored, 0u);
}

}  // namespace
}  // namespace h2bench
