#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

#include "h2io/listener.h"
#include "h2io/ring.h"
#include "h2io/send_queue.h"
#include "loop_helpers.h"

namespace {

using h2io::Completion;
using h2io::OpKind;
using h2io::OpTag;
using h2io::Ring;
using h2io::SendQueue;
using namespace h2io_test;

std::span<const std::byte> bytes_of(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

Completion sent(int n) {
  return Completion{OpTag{OpKind::kSend, 0}, n, 0};
}

TEST(SendQueue, PushReturnsTheStreamOffsetPastEachRange) {
  SendQueue q(8);
  EXPECT_EQ(q.push(bytes_of("abc")), 3u);
  EXPECT_EQ(q.push(bytes_of("defgh")), 8u);
  EXPECT_EQ(q.push({}), 8u);
  EXPECT_EQ(q.queued_iovecs(), 2u);
  EXPECT_EQ(q.bytes_queued(), 8u);
}

TEST(SendQueue, RefusesPushesWhenTheIovecRingIsFull) {
  SendQueue q(2);
  EXPECT_NE(q.push(bytes_of("a")), 0u);
  EXPECT_NE(q.push(bytes_of("b")), 0u);
  EXPECT_TRUE(q.full());
  EXPECT_EQ(q.push(bytes_of("c")), 0u);
}

TEST(SendQueue, ShortWriteResumesInsideTheFirstUnsentRange) {
  SendQueue q(8);
  q.push(bytes_of("abc"));
  q.push(bytes_of("defgh"));
  q.push(bytes_of("ij"));
  auto r = q.on_completion(sent(5));  // "abc" + "de"
  EXPECT_EQ(r.bytes, 5u);
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(q.bytes_sent(), 5u);
  EXPECT_EQ(q.queued_iovecs(), 2u);  // "fgh", "ij"
  q.on_completion(sent(3));
  EXPECT_EQ(q.queued_iovecs(), 1u);
  q.on_completion(sent(2));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes_sent(), 10u);
}

TEST(SendQueue, EagainCountsAsNothingSentAndPipeErrorsAreReported) {
  SendQueue q(4);
  q.push(bytes_of("abc"));
  auto again = q.on_completion(sent(-EAGAIN));
  EXPECT_EQ(again.bytes, 0u);
  EXPECT_EQ(again.error, 0);
  EXPECT_EQ(q.bytes_queued(), 3u);
  EXPECT_EQ(q.on_completion(sent(-EPIPE)).error, EPIPE);
}

struct TcpPair {
  h2io::Listener listener;
  h2io::Fd client;  // blocking
  h2io::Fd server;  // non-blocking, driven by the ring
  explicit TcpPair(int client_rcvbuf = 0)
      : listener(h2io::ListenOptions{}),
        client(connect_blocking(listener.port(), client_rcvbuf)),
        server(accept_blocking(listener)) {}
};

TEST(SendQueue, ManyRangesLeaveInOneSendmsg) {
  Ring ring;
  TcpPair tcp;
  ASSERT_TRUE(tcp.client && tcp.server);
  const std::string_view parts[] = {"HEADERS", "|DATA-1", "|DATA-2", "|PING", "|WINDOW"};
  SendQueue q(16);
  std::string expected;
  for (auto p : parts) {
    q.push(bytes_of(p));
    expected += p;
  }
  const OpTag tag{OpKind::kSend, 9};
  ASSERT_TRUE(q.arm(ring, tcp.server.get(), tag));
  EXPECT_FALSE(q.arm(ring, tcp.server.get(), tag)) << "one send in flight at a time";
  EXPECT_EQ(q.last_batch_iovecs(), 5u);
  int completions = 0;
  ASSERT_TRUE(run_until(
      ring, [&] { return completions == 1; },
      [&](const Completion& c) {
        ++completions;
        EXPECT_EQ(c.res, static_cast<int>(expected.size()));
        q.on_completion(c);
      }));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(read_exact(tcp.client.get(), expected.size()), expected);
}

TEST(SendQueue, PartialSendsToASlowReaderResumeUntilEverythingArrives) {
  Ring ring;
  // Small buffers on both ends so the kernel takes only a little of each sendmsg.
  TcpPair tcp(/*client_rcvbuf=*/4096);
  ASSERT_TRUE(tcp.client && tcp.server);
  int small = 4096;
  setsockopt(tcp.server.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);

  constexpr std::size_t kChunks = 16, kChunk = 64 * 1024;
  auto payload = pattern(kChunks * kChunk, 7);
  SendQueue q(64);
  for (std::size_t i = 0; i < kChunks; ++i) {
    q.push(std::span<const std::byte>(payload).subspan(i * kChunk, kChunk));
  }

  std::vector<std::byte> received;
  received.reserve(payload.size());
  std::thread reader([&] {
    std::byte buf[997];  // odd size; a short pause now and then keeps the sender waiting
    int reads = 0;
    while (received.size() < payload.size()) {
      ssize_t n = recv(tcp.client.get(), buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // error or the 20 s receive timeout
      received.insert(received.end(), buf, buf + n);
      if (++reads % 64 == 0) std::this_thread::sleep_for(1ms);
    }
  });

  const OpTag tag{OpKind::kSend, 1};
  int sends = 0, short_sends = 0;
  std::size_t offered = 0;
  auto arm = [&] {
    offered = q.bytes_queued();
    if (q.arm(ring, tcp.server.get(), tag)) ++sends;
  };
  arm();
  bool done = run_until(
      ring, [&] { return q.empty() && !q.in_flight(); },
      [&](const Completion& c) {
        auto r = q.on_completion(c);
        ASSERT_EQ(r.error, 0) << std::strerror(r.error);
        if (r.bytes < offered) ++short_sends;
        arm();
      });
  reader.join();
  ASSERT_TRUE(done);
  EXPECT_GT(sends, 1);
  EXPECT_GE(short_sends, 1);
  EXPECT_EQ(q.bytes_sent(), payload.size());
  EXPECT_EQ(received, payload);
}

}  // namespace
