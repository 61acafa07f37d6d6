// h2::ClosedStreamMemory, the bounded FIFO memory of closed streams (BEHAVIOUR.md §2.2).
#include "closed_streams.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <stdexcept>
#include <unordered_map>

namespace h2 {
namespace {

using By = StreamClosedBy;

TEST(ClosedStreamMemory, DefaultCapacityIsH2sMaxClosedStreams) {
  const ClosedStreamMemory m;
  EXPECT_EQ(m.capacity(), 65536u);
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.memory_bytes(), 0u);  // nothing allocated before the first stream closes
}

TEST(ClosedStreamMemory, RemembersHowEachStreamClosed) {
  ClosedStreamMemory m;
  m.insert(1, By::kSendEndStream);
  m.insert(3, By::kRecvEndStream);
  m.insert(5, By::kSendRstStream);
  m.insert(2, By::kRecvRstStream);
  EXPECT_EQ(m.find(1), By::kSendEndStream);
  EXPECT_EQ(m.find(3), By::kRecvEndStream);
  EXPECT_EQ(m.find(5), By::kSendRstStream);
  EXPECT_EQ(m.find(2), By::kRecvRstStream);
  EXPECT_EQ(m.size(), 4u);
}

TEST(ClosedStreamMemory, UnknownStreamIsNotFound) {
  ClosedStreamMemory m;
  EXPECT_EQ(m.find(1), std::nullopt);
  m.insert(1, By::kSendEndStream);
  EXPECT_EQ(m.find(3), std::nullopt);
  EXPECT_EQ(m.find(0), std::nullopt);
  EXPECT_EQ(m.find(0x7fffffff), std::nullopt);
}

TEST(ClosedStreamMemory, StreamZeroCannotBeInserted) {
  ClosedStreamMemory m;
  EXPECT_THROW(m.insert(0, By::kSendEndStream), std::invalid_argument);
  EXPECT_EQ(m.size(), 0u);
}

TEST(ClosedStreamMemory, ReinsertingUpdatesInPlace) {
  ClosedStreamMemory m(4);
  m.insert(1, By::kRecvEndStream);
  m.insert(3, By::kRecvEndStream);
  m.insert(1, By::kSendRstStream);
  EXPECT_EQ(m.find(1), By::kSendRstStream);
  EXPECT_EQ(m.size(), 2u);
}

TEST(ClosedStreamMemory, EvictsTheOldestWhenFull) {
  ClosedStreamMemory m(3);
  m.insert(1, By::kSendEndStream);
  m.insert(3, By::kRecvEndStream);
  m.insert(5, By::kSendRstStream);
  m.insert(7, By::kRecvRstStream);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.find(1), std::nullopt);  // forgotten: treated like a never-opened stream
  EXPECT_EQ(m.find(3), By::kRecvEndStream);
  EXPECT_EQ(m.find(7), By::kRecvRstStream);
  m.insert(9, By::kSendEndStream);
  EXPECT_EQ(m.find(3), std::nullopt);
  EXPECT_EQ(m.find(5), By::kSendRstStream);
}

TEST(ClosedStreamMemory, UpdateKeepsTheOriginalAge) {  // like an OrderedDict assignment
  ClosedStreamMemory m(2);
  m.insert(1, By::kSendEndStream);
  m.insert(3, By::kSendEndStream);
  m.insert(1, By::kRecvRstStream);  // does not make 1 the newest
  m.insert(5, By::kSendEndStream);
  EXPECT_EQ(m.find(1), std::nullopt);
  EXPECT_EQ(m.find(3), By::kSendEndStream);
  EXPECT_EQ(m.find(5), By::kSendEndStream);
}

TEST(ClosedStreamMemory, EvictedIdCanBeRememberedAgain) {
  ClosedStreamMemory m(1);
  m.insert(1, By::kSendEndStream);
  m.insert(3, By::kSendEndStream);
  m.insert(1, By::kRecvRstStream);
  EXPECT_EQ(m.find(1), By::kRecvRstStream);
  EXPECT_EQ(m.find(3), std::nullopt);
  EXPECT_EQ(m.size(), 1u);
}

TEST(ClosedStreamMemory, UnknownCauseIsRememberedButNotReported) {
  ClosedStreamMemory m(2);
  m.insert(1, By::kSendEndStream);
  m.insert(3, std::nullopt);  // h2: closed_by None after a ProtocolError on the stream
  EXPECT_TRUE(m.contains(3));
  EXPECT_EQ(m.find(3), std::nullopt);
  EXPECT_EQ(m.size(), 2u);
  m.insert(5, By::kRecvEndStream);  // the None entry took a place: 1 is evicted
  EXPECT_FALSE(m.contains(1));
  EXPECT_TRUE(m.contains(3));
  m.insert(3, By::kRecvRstStream);
  EXPECT_EQ(m.find(3), By::kRecvRstStream);
}

TEST(ClosedStreamMemory, ZeroCapacityRemembersNothing) {
  ClosedStreamMemory m(0);
  m.insert(1, By::kSendEndStream);
  EXPECT_EQ(m.find(1), std::nullopt);
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.memory_bytes(), 0u);
}

TEST(ClosedStreamMemory, AbsurdCapacityIsRejected) {
  EXPECT_THROW(ClosedStreamMemory(ClosedStreamMemory::kLargestCapacity + 1), std::invalid_argument);
}

TEST(ClosedStreamMemory, DefaultCapacityKeepsTheLast65536Streams) {
  ClosedStreamMemory m;
  const uint32_t total = 65536 + 1000;
  for (uint32_t i = 0; i < total; ++i) m.insert(2 * i + 1, By::kRecvEndStream);
  EXPECT_EQ(m.size(), 65536u);
  EXPECT_EQ(m.find(1), std::nullopt);
  EXPECT_EQ(m.find(2 * 999 + 1), std::nullopt);
  EXPECT_EQ(m.find(2 * 1000 + 1), By::kRecvEndStream);
  EXPECT_EQ(m.find(2 * (total - 1) + 1), By::kRecvEndStream);
}

TEST(ClosedStreamMemory, MemoryStopsGrowingOnceFull) {
  for (size_t capacity : {1u, 5u, 16u, 17u, 1000u, 65536u}) {
    SCOPED_TRACE(capacity);
    ClosedStreamMemory m(capacity);
    uint32_t id = 1;
    for (size_t i = 0; i < capacity; ++i, id += 2) m.insert(id, By::kSendEndStream);
    const size_t full = m.memory_bytes();
    // Ring of `capacity` ids plus a table of at most 4 * capacity (>= 16) slots of 5 bytes.
    EXPECT_LE(full, capacity * 4 + std::max<size_t>(16, 4 * capacity) * 5);
    for (size_t i = 0; i < 3 * capacity + 100; ++i, id += 2) {
      m.insert(id, By::kRecvRstStream);
      ASSERT_LE(m.size(), m.capacity());
    }
    EXPECT_EQ(m.memory_bytes(), full);
  }
}

// The reference: h2's SizeLimitDict (an OrderedDict that pops its oldest key past the limit).
struct Model {
  size_t limit;
  std::deque<uint32_t> order;
  std::unordered_map<uint32_t, std::optional<By>> values;  // nullopt: h2's closed_by None

  void insert(uint32_t id, std::optional<By> by) {
    if (limit == 0) return;
    auto [it, added] = values.insert_or_assign(id, by);
    if (!added) return;
    order.push_back(id);
    if (order.size() > limit) {
      values.erase(order.front());
      order.pop_front();
    }
  }
};

std::optional<By> random_by(std::mt19937& rng) {
  const unsigned r = rng() % 5;
  return r == 4 ? std::nullopt : std::optional(static_cast<By>(r));
}

std::optional<By> expected(const Model& model, uint32_t id) {
  const auto it = model.values.find(id);
  return it == model.values.end() ? std::nullopt : it->second;
}

void run_random(size_t capacity, uint32_t id_range, int steps, uint32_t seed) {
  SCOPED_TRACE(::testing::Message() << "capacity " << capacity << " ids " << id_range);
  std::mt19937 rng(seed);
  ClosedStreamMemory m(capacity);
  Model model{capacity, {}, {}};
  uint32_t next = 1;
  for (int step = 0; step < steps; ++step) {
    // Mostly fresh, increasing ids (as streams really close), sometimes an old or random one.
    uint32_t id = 0;
    switch (rng() % 4) {
      case 0:
        id = 1 + rng() % id_range;
        break;
      case 1:
        id = next > 64 ? next - rng() % 64 : next;
        break;
      default:
        id = next++;
        break;
    }
    const std::optional<By> by = random_by(rng);
    m.insert(id, by);
    model.insert(id, by);
    ASSERT_EQ(m.size(), model.order.size());
    ASSERT_LE(m.size(), m.capacity());
    const uint32_t probe = 1 + rng() % (next + 10);
    ASSERT_EQ(m.find(probe), expected(model, probe)) << "probe " << probe << " at step " << step;
    ASSERT_EQ(m.contains(probe), model.values.count(probe) == 1);
  }
  for (uint32_t id = 1; id <= next; ++id) {
    ASSERT_EQ(m.find(id), expected(model, id));
    ASSERT_EQ(m.contains(id), model.values.count(id) == 1);
  }
}

TEST(ClosedStreamMemoryProperty, SmallCapacitiesMatchModel) {
  for (size_t capacity : {1u, 2u, 3u, 7u, 8u, 9u, 31u, 100u}) {
    run_random(capacity, 300, 20000, static_cast<uint32_t>(capacity));
  }
}

TEST(ClosedStreamMemoryProperty, LargeRandomSequenceMatchesModel) {
  run_random(4096, 1u << 20, 300000, 42);
}

TEST(ClosedStreamMemoryProperty, CollidingIdsMatchModel) {
  // Ids that are multiples of a large power of two land on few home slots (Fibonacci hashing
  // spreads them, but long probe runs and wrap-around deletions still get exercised).
  std::mt19937 rng(5);
  ClosedStreamMemory m(50);
  Model model{50, {}, {}};
  for (int step = 0; step < 50000; ++step) {
    const uint32_t id = (1 + rng() % 200) << 16;
    const std::optional<By> by = random_by(rng);
    m.insert(id, by);
    model.insert(id, by);
    for (uint32_t k = 1; k <= 200; k += 13) ASSERT_EQ(m.find(k << 16), expected(model, k << 16));
  }
}

}  // namespace
}  // namespace h2
