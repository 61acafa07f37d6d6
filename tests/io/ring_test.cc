#include <gtest/gtest.h>

#include <set>

#include "h2io/op_tag.h"
#include "h2io/ring.h"
#include "loop_helpers.h"

namespace {

using h2io::Completion;
using h2io::OpKind;
using h2io::OpTag;
using h2io::Ring;
using namespace h2io_test;

TEST(OpTag, EncodesKindInTheTopByteAndIdBelow) {
  OpTag tag{OpKind::kRecv, 0x123456789abcull};
  std::uint64_t ud = tag.encode();
  EXPECT_EQ(ud >> 56, static_cast<std::uint64_t>(OpKind::kRecv));
  EXPECT_EQ(OpTag::decode(ud), tag);
}

TEST(OpTag, IdIsTruncatedTo56Bits) {
  OpTag tag{OpKind::kSend, ~0ull};
  OpTag back = OpTag::decode(tag.encode());
  EXPECT_EQ(back.kind, OpKind::kSend);
  EXPECT_EQ(back.id, OpTag::kIdMask);
}

TEST(Completion, DecodesBufferIdAndMoreFromCqeFlags) {
  io_uring_cqe cqe{};
  cqe.user_data = OpTag{OpKind::kRecv, 7}.encode();
  cqe.res = 100;
  cqe.flags = (5u << IORING_CQE_BUFFER_SHIFT) | IORING_CQE_F_BUFFER | IORING_CQE_F_MORE;
  Completion c = Completion::from(cqe);
  EXPECT_EQ(c.tag, (OpTag{OpKind::kRecv, 7}));
  EXPECT_TRUE(c.has_buffer());
  EXPECT_TRUE(c.more());
  EXPECT_EQ(c.buffer_id(), 5);
  EXPECT_EQ(c.res, 100);
}

TEST(Ring, UsesSingleIssuerAndDeferTaskrunOnThisKernel) {
  Ring ring;
  EXPECT_TRUE(ring.defer_taskrun());
  EXPECT_TRUE(ring.setup_flags() & IORING_SETUP_SINGLE_ISSUER);
}

TEST(Ring, FallsBackWhenSingleIssuerIsNotWanted) {
  Ring ring(h2io::RingOptions{.entries = 8, .cq_entries = 0, .single_issuer = false});
  EXPECT_FALSE(ring.defer_taskrun());
}

TEST(Ring, GetSqeSubmitsWhenTheSubmissionQueueIsFull) {
  Ring ring(h2io::RingOptions{.entries = 4});
  constexpr int kOps = 50;  // far more than 4 SQ entries; the CQ (32) overflows into NODROP
  for (int i = 0; i < kOps; ++i) {
    io_uring_prep_nop(ring.get_sqe(OpTag{OpKind::kNop, static_cast<std::uint64_t>(i)}));
  }
  std::set<std::uint64_t> seen;
  bool done = run_until(
      ring, [&] { return seen.size() == kOps; },
      [&](const Completion& c) {
        EXPECT_EQ(c.tag.kind, OpKind::kNop);
        EXPECT_EQ(c.res, 0);
        EXPECT_TRUE(seen.insert(c.tag.id).second) << "duplicate completion " << c.tag.id;
      });
  EXPECT_TRUE(done);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kOps));
}

TEST(Ring, ManyCompletionsAreHandledInOneSweep) {
  Ring ring;
  for (int i = 0; i < 100; ++i) {
    io_uring_prep_nop(ring.get_sqe(OpTag{OpKind::kNop, static_cast<std::uint64_t>(i)}));
  }
  ASSERT_EQ(ring.submit_and_wait(100, 5s), 0);
  unsigned handled = ring.for_each_completion([](const Completion&) {});
  EXPECT_EQ(handled, 100u);
  EXPECT_EQ(ring.for_each_completion([](const Completion&) {}), 0u);
}

TEST(Ring, WaitWithTimeoutReturnsWhenNothingCompletes) {
  Ring ring;
  auto start = SteadyClock::now();
  EXPECT_EQ(ring.submit_and_wait(1, 20ms), 0);
  EXPECT_GE(SteadyClock::now() - start, 15ms);
  EXPECT_EQ(ring.for_each_completion([](const Completion&) {}), 0u);
}

TEST(Ring, ZeroWaitNeverBlocks) {
  Ring ring;
  EXPECT_EQ(ring.submit_and_wait(0), 0);
}

}  // namespace
