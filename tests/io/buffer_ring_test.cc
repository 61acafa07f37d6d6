#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "h2io/buffer_ring.h"
#include "h2io/multishot_recv.h"
#include "h2io/ring.h"
#include "loop_helpers.h"

namespace {

using h2io::BufferRing;
using h2io::Completion;
using h2io::MultishotRecv;
using h2io::OpKind;
using h2io::OpTag;
using h2io::RecvEvent;
using h2io::Ring;
using namespace h2io_test;

struct SocketPair {
  h2io::Fd a, b;
  SocketPair() {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
      a.reset(sv[0]);
      b.reset(sv[1]);
    }
  }
};

TEST(BufferRing, RejectsCountsThatAreNotPowersOfTwo) {
  Ring ring;
  EXPECT_THROW({ BufferRing b(ring, 1, 3, 64); }, h2io::IoError);
  EXPECT_THROW({ BufferRing b(ring, 1, 0, 64); }, h2io::IoError);
}

TEST(BufferRing, DataOfACompletionIsTheBufferItNames) {
  Ring ring;
  BufferRing buffers(ring, 3, 8, 128);
  Completion c{OpTag{OpKind::kRecv, 0}, 10, (6u << IORING_CQE_BUFFER_SHIFT) | IORING_CQE_F_BUFFER};
  auto data = buffers.data(c);
  EXPECT_EQ(data.data(), buffers.buffer(6).data());
  EXPECT_EQ(data.size(), 10u);
  Completion no_buffer{OpTag{OpKind::kRecv, 0}, 10, 0};
  EXPECT_TRUE(buffers.data(no_buffer).empty());
}

TEST(MultishotRecv, RunsOutOfBuffersWithEnobufsAndRecoversAfterRecycling) {
  Ring ring;
  constexpr std::uint32_t kCount = 4, kSize = 64;
  BufferRing buffers(ring, 1, kCount, kSize);
  SocketPair pair;
  ASSERT_TRUE(pair.a && pair.b);

  // More than the whole pool holds, already waiting in the socket.
  auto payload = pattern(1000, 1);
  ASSERT_EQ(write(pair.b.get(), payload.data(), payload.size()),
            static_cast<ssize_t>(payload.size()));

  MultishotRecv recv(pair.a.get(), buffers.group_id());
  const OpTag tag{OpKind::kRecv, 1};
  recv.arm(ring, tag);

  std::vector<std::byte> received;
  std::vector<std::uint16_t> held;  // buffers the application still owns
  int enobufs = 0;
  std::size_t received_at_first_enobufs = 0;
  bool done = run_until(
      ring, [&] { return received.size() == payload.size(); },
      [&](const Completion& c) {
        ASSERT_EQ(c.tag, tag);
        RecvEvent ev = recv.on_completion(c, buffers);
        switch (ev.kind) {
          case RecvEvent::Kind::kData:
            EXPECT_LE(ev.data.size(), kSize);
            received.insert(received.end(), ev.data.begin(), ev.data.end());
            held.push_back(ev.bid);
            if (!recv.armed()) recv.arm(ring, tag);
            break;
          case RecvEvent::Kind::kNoBuffers:
            EXPECT_FALSE(recv.armed());
            EXPECT_EQ(buffers.available(), 0u);
            if (enobufs++ == 0) received_at_first_enobufs = received.size();
            for (auto bid : held) buffers.recycle(bid);
            held.clear();
            EXPECT_EQ(buffers.available(), kCount);
            recv.arm(ring, tag);
            break;
          default:
            ADD_FAILURE() << "unexpected recv event, res " << c.res;
        }
      });
  ASSERT_TRUE(done);
  EXPECT_GE(enobufs, 1);
  // The pool ran dry exactly when every buffer had been handed out.
  EXPECT_EQ(received_at_first_enobufs, std::size_t{kCount} * kSize);
  EXPECT_EQ(received, payload);
}

TEST(MultishotRecv, ReportsEofWhenThePeerCloses) {
  Ring ring;
  BufferRing buffers(ring, 1, 8, 256);
  SocketPair pair;
  MultishotRecv recv(pair.a.get(), buffers.group_id());
  const OpTag tag{OpKind::kRecv, 2};
  recv.arm(ring, tag);
  ASSERT_EQ(write(pair.b.get(), "hello", 5), 5);
  pair.b.reset();
  std::string got;
  bool eof = false;
  ASSERT_TRUE(run_until(
      ring, [&] { return eof; },
      [&](const Completion& c) {
        RecvEvent ev = recv.on_completion(c, buffers);
        if (ev.kind == RecvEvent::Kind::kData) {
          got.append(reinterpret_cast<const char*>(ev.data.data()), ev.data.size());
          buffers.recycle(ev.bid);
        } else {
          EXPECT_EQ(ev.kind, RecvEvent::Kind::kEof);
          eof = true;
        }
      }));
  EXPECT_EQ(got, "hello");
  EXPECT_FALSE(recv.armed());
}

TEST(MultishotRecv, CancelEndsTheRecvSoReadingCanPause) {
  Ring ring;
  BufferRing buffers(ring, 1, 8, 256);
  SocketPair pair;
  MultishotRecv recv(pair.a.get(), buffers.group_id());
  const OpTag tag{OpKind::kRecv, 3};
  recv.arm(ring, tag);
  ASSERT_EQ(ring.submit_and_wait(0), 0);
  recv.cancel(ring, tag, OpTag{OpKind::kCancel, 3});
  bool cancelled = false, cancel_done = false;
  ASSERT_TRUE(run_until(
      ring, [&] { return cancelled && cancel_done; },
      [&](const Completion& c) {
        if (c.tag.kind == OpKind::kCancel) {
          EXPECT_EQ(c.res, 1);  // one request matched
          cancel_done = true;
          return;
        }
        RecvEvent ev = recv.on_completion(c, buffers);
        EXPECT_EQ(ev.kind, RecvEvent::Kind::kCancelled);
        cancelled = true;
      }));
  EXPECT_FALSE(recv.armed());
}

}  // namespace
