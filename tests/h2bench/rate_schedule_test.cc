#include "rate_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace h2bench {
namespace {

std::vector<DueRequest> drain(RateSchedule& schedule, Nanos now) {
  std::vector<DueRequest> due;
  while (auto next = schedule.next_due(now)) due.push_back(*next);
  return due;
}

TEST(RateSchedule, FirstRequestIsDueAtTheStart) {
  RateSchedule schedule(1000, 5 * kSecond, 1, 0, 1);
  EXPECT_TRUE(drain(schedule, 5 * kSecond - 1).empty());
  const auto due = drain(schedule, 5 * kSecond);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].sequence, 0u);
  EXPECT_EQ(due[0].intended_start, 5 * kSecond);
}

TEST(RateSchedule, DueCountFollowsTheRate) {
  RateSchedule schedule(1000, 0, 1, 0, 1);  // one every millisecond
  EXPECT_EQ(drain(schedule, 10 * kMillisecond).size(), 11u);  // t = 0, 1, ..., 10 ms
  EXPECT_EQ(drain(schedule, 10 * kMillisecond).size(), 0u);   // nothing twice
  EXPECT_EQ(drain(schedule, 1 * kSecond).size(), 990u);
  EXPECT_EQ(schedule.next_time(), 1 * kSecond + kMillisecond);
}

TEST(RateSchedule, IntendedStartsAreEvenlySpacedWithoutDrift) {
  RateSchedule schedule(3, 0, 1, 0, 1);  // period 333333333.33 ns: rounding must not add up
  EXPECT_EQ(schedule.intended_start_of(3), kSecond);
  EXPECT_EQ(schedule.intended_start_of(3'000'000'000ull), 1'000'000'000 * kSecond);
}

TEST(RateSchedule, RequestsRotateOverConnections) {
  RateSchedule schedule(100, 0, 4, 0, 4);
  const auto due = drain(schedule, kSecond - 1);
  ASSERT_EQ(due.size(), 100u);
  for (const auto& d : due) EXPECT_EQ(d.connection, d.sequence % 4);
}

TEST(RateSchedule, ThreadSchedulesTogetherMakeTheGlobalOne) {
  // 5 connections over 2 threads (3 + 2): the union is exactly the single-thread schedule.
  RateSchedule whole(500, 0, 5, 0, 5, 1000);
  RateSchedule first(500, 0, 5, 0, 3, 1000);
  RateSchedule second(500, 0, 5, 3, 2, 1000);
  const auto expected = drain(whole, 10 * kSecond);
  auto parts = drain(first, 10 * kSecond);
  const auto more = drain(second, 10 * kSecond);
  parts.insert(parts.end(), more.begin(), more.end());
  std::sort(parts.begin(), parts.end(),
            [](const DueRequest& a, const DueRequest& b) { return a.sequence < b.sequence; });
  ASSERT_EQ(parts.size(), expected.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].sequence, expected[i].sequence);
    EXPECT_EQ(parts[i].intended_start, expected[i].intended_start);
    EXPECT_EQ(parts[i].connection, expected[i].connection);
  }
  EXPECT_TRUE(first.exhausted());
  EXPECT_TRUE(second.exhausted());
}

TEST(RateSchedule, EachThreadSeesItsRequestsInTimeOrder) {
  RateSchedule part(1000, 0, 8, 2, 3);
  const auto due = drain(part, kSecond);
  for (std::size_t i = 1; i < due.size(); ++i) {
    EXPECT_GT(due[i].intended_start, due[i - 1].intended_start);
    EXPECT_GE(due[i].connection, 2u);
    EXPECT_LT(due[i].connection, 5u);
  }
}

TEST(RateSchedule, LimitEndsTheSchedule) {
  RateSchedule schedule(1e6, 0, 2, 0, 2, 10);
  EXPECT_EQ(drain(schedule, kSecond).size(), 10u);
  EXPECT_TRUE(schedule.exhausted());
  EXPECT_FALSE(schedule.next_time().has_value());
  EXPECT_EQ(schedule.issued(), 10u);
}

TEST(RateSchedule, EndTimeEndsTheSchedule) {
  RateSchedule schedule(1000, 0, 1, 0, 1, RateSchedule::kUnlimited, 100 * kMillisecond);
  EXPECT_EQ(drain(schedule, 10 * kSecond).size(), 100u);  // 0 .. 99 ms; 100 ms is excluded
  EXPECT_TRUE(schedule.exhausted());
}

TEST(RateSchedule, NoConnectionsMeansNothingDue) {
  RateSchedule schedule(1000, 0, 4, 4, 0);
  EXPECT_TRUE(schedule.exhausted());
  EXPECT_TRUE(drain(schedule, kSecond).empty());
}

}  // namespace
}  // namespace h2bench
