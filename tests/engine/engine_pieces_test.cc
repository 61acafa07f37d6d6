// Small pieces of the engine on their own: RFC 9218 priority fields, header blobs.
#include <gtest/gtest.h>

#include "header_blob.h"
#include "lazy_queue.h"
#include "priority_signal.h"

namespace {

using h2engine::parse_priority_field;

TEST(PrioritySignal, DefaultsWhenAbsentOrEmpty) {
  auto p = parse_priority_field("");
  EXPECT_EQ(p.urgency, 3);
  EXPECT_FALSE(p.incremental);
}

TEST(PrioritySignal, ReadsUrgencyAndIncremental) {
  auto p = parse_priority_field("u=1, i");
  EXPECT_EQ(p.urgency, 1);
  EXPECT_TRUE(p.incremental);
  p = parse_priority_field("i=?0,u=7");
  EXPECT_EQ(p.urgency, 7);
  EXPECT_FALSE(p.incremental);
}

TEST(PrioritySignal, IgnoresOutOfRangeAndUnknownMembers) {
  auto p = parse_priority_field("u=9, x=3, i=?1;foo=bar");
  EXPECT_EQ(p.urgency, 3);  // 9 is not 0..7: keep the default (RFC 9218 §4.1)
  EXPECT_TRUE(p.incremental);
}

TEST(PrioritySignal, UpdateStartsFromTheCurrentValues) {
  // A PRIORITY_UPDATE that names only `i` keeps the stream's urgency (RFC 9218 §7).
  auto p = parse_priority_field("i", {5, false});
  EXPECT_EQ(p.urgency, 5);
  EXPECT_TRUE(p.incremental);
}

TEST(HeaderBlob, RoundTripsNamesValuesAndNeverIndexed) {
  h2::Header in[] = {{":status", "200", false}, {"set-cookie", "a=b", true}, {"empty", "", false}};
  std::string blob = h2engine::header_blob(in);
  std::vector<h2::Header> out;
  h2engine::decode_header_blob(blob, out);
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(out[i], in[i]);
}

}  // namespace

namespace {

TEST(LazyQueue, IsFifoAndHoldsNoStorageWhenEmpty) {
  h2engine::LazyQueue<std::string> q;
  EXPECT_TRUE(q.empty());
  q.push_back("a");
  q.push_back("b");
  EXPECT_EQ(q.front(), "a");
  q.pop_front();
  q.push_back("c");
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.front(), "b");
  q.pop_front();
  EXPECT_EQ(q.front(), "c");
  q.pop_front();
  EXPECT_TRUE(q.empty());
  q.push_back("d");  // usable again after draining
  EXPECT_EQ(q.front(), "d");
}

}  // namespace
