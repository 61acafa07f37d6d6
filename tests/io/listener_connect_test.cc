#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "h2io/listener.h"
#include "h2io/ring.h"
#include "h2io/socket_ops.h"
#include "loop_helpers.h"

namespace {

using h2io::Completion;
using h2io::ConnectOp;
using h2io::Listener;
using h2io::ListenOptions;
using h2io::OpKind;
using h2io::OpTag;
using h2io::Ring;
using h2io::SocketAddress;
using namespace h2io_test;

TEST(Listener, BindsAnEphemeralPortWhenAskedForPortZero) {
  Listener listener(ListenOptions{});
  EXPECT_NE(listener.port(), 0);
  EXPECT_EQ(listener.local_address().to_string(), "127.0.0.1:" + std::to_string(listener.port()));
}

TEST(Listener, TwoListenersShareAPortWithReusePort) {
  Listener first(ListenOptions{.reuse_port = true});
  Listener second(ListenOptions{.port = first.port(), .reuse_port = true});
  EXPECT_EQ(first.port(), second.port());
}

TEST(Listener, BindingATakenPortWithoutReusePortThrows) {
  Listener first(ListenOptions{});
  EXPECT_THROW(Listener(ListenOptions{.port = first.port()}), h2io::IoError);
}

TEST(Listener, OneMultishotAcceptTakesManyConnections) {
  Ring ring;
  Listener listener(ListenOptions{});
  const OpTag tag{OpKind::kAccept, 0};
  listener.arm_accept(ring, tag);
  ASSERT_EQ(ring.submit_and_wait(0), 0);
  constexpr int kClients = 5;
  std::vector<h2io::Fd> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(connect_blocking(listener.port()));
  std::vector<h2io::Fd> accepted;
  int arms = 0;
  ASSERT_TRUE(run_until(
      ring, [&] { return accepted.size() == kClients; },
      [&](const Completion& c) {
        int fd = listener.on_completion(c);
        ASSERT_GE(fd, 0) << std::strerror(-fd);
        EXPECT_TRUE(c.more());
        accepted.emplace_back(fd);
        if (listener.rearm_if_needed(ring, tag)) ++arms;
      }));
  EXPECT_EQ(arms, 0) << "a multishot accept stays armed";
  EXPECT_TRUE(listener.armed());
}

TEST(Listener, AcceptEndedWithoutMoreIsRearmed) {
  Ring ring;
  Listener listener(ListenOptions{});
  const OpTag tag{OpKind::kAccept, 0};
  listener.arm_accept(ring, tag);
  h2io::prep_cancel(ring, tag, OpTag{OpKind::kCancel, 0});
  bool ended = false;
  ASSERT_TRUE(run_until(
      ring, [&] { return ended; },
      [&](const Completion& c) {
        if (c.tag.kind != OpKind::kAccept) return;
        EXPECT_EQ(listener.on_completion(c), -ECANCELED);
        EXPECT_FALSE(c.more());
        ended = true;
      }));
  EXPECT_FALSE(listener.armed());
  EXPECT_TRUE(listener.rearm_if_needed(ring, tag));
  ASSERT_EQ(ring.submit_and_wait(0), 0);
  auto client = connect_blocking(listener.port());
  h2io::Fd accepted;
  ASSERT_TRUE(run_until(
      ring, [&] { return accepted.valid(); },
      [&](const Completion& c) {
        if (c.tag.kind == OpKind::kAccept) accepted.reset(listener.on_completion(c));
      }));
}

// reno is built into every kernel and always allowed; when it is the default, name cubic so
// that the test still sees a change.
std::string congestion_control_other_than_default() {
  h2io::Fd probe(socket(AF_INET, SOCK_STREAM, 0));
  return h2io::congestion_control_of(probe.get()) == "reno" ? "cubic" : "reno";
}

TEST(Listener, AcceptedConnectionsInheritTheNamedCongestionControl) {
  const std::string want = congestion_control_other_than_default();
  Listener listener(ListenOptions{.congestion_control = want});
  EXPECT_EQ(h2io::congestion_control_of(listener.fd()), want);
  h2io::Fd client = connect_blocking(listener.port());
  h2io::Fd accepted = accept_blocking(listener);
  EXPECT_EQ(h2io::congestion_control_of(accepted.get()), want);
}

TEST(Listener, AnUnknownCongestionControlThrowsNamingIt) {
  try {
    Listener listener(ListenOptions{.congestion_control = "no-such-cc"});
    FAIL() << "accepted an unknown congestion control";
  } catch (const h2io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-cc"), std::string::npos) << e.what();
    EXPECT_EQ(e.code().value(), ENOENT);
  }
}

TEST(ConnectOp, UsesTheNamedCongestionControl) {
  Listener listener(ListenOptions{});
  const std::string want = congestion_control_other_than_default();
  ConnectOp op(SocketAddress::parse("127.0.0.1", listener.port()), want);
  EXPECT_EQ(h2io::congestion_control_of(op.fd()), want);
  EXPECT_THROW(ConnectOp(SocketAddress::parse("127.0.0.1", listener.port()), "no-such-cc"),
               h2io::IoError);
}

TEST(ConnectOp, ConnectingToAClosedPortCompletesWithEconnrefused) {
  std::uint16_t port;
  {
    Listener gone(ListenOptions{});  // a port that was free a moment ago, now closed
    port = gone.port();
  }
  Ring ring;
  ConnectOp connect(SocketAddress::parse("127.0.0.1", port));
  const OpTag tag{OpKind::kConnect, 42};
  connect.arm(ring, tag);
  int res = 1;
  ASSERT_TRUE(run_until(
      ring, [&] { return res != 1; },
      [&](const Completion& c) {
        EXPECT_EQ(c.tag, tag);
        res = c.res;
      }));
  EXPECT_EQ(res, -ECONNREFUSED);
}

TEST(ConnectOp, ConnectsToALiveListenerAndIsAccepted) {
  Ring ring;
  Listener listener(ListenOptions{});
  listener.arm_accept(ring, OpTag{OpKind::kAccept, 0});
  ConnectOp connect(SocketAddress::parse("127.0.0.1", listener.port()));
  connect.arm(ring, OpTag{OpKind::kConnect, 1});
  int connect_res = 1;
  h2io::Fd accepted;
  ASSERT_TRUE(run_until(
      ring, [&] { return connect_res != 1 && accepted.valid(); },
      [&](const Completion& c) {
        if (c.tag.kind == OpKind::kConnect) connect_res = c.res;
        if (c.tag.kind == OpKind::kAccept) accepted.reset(listener.on_completion(c));
      }));
  EXPECT_EQ(connect_res, 0);
  h2io::Fd connected = connect.release();
  EXPECT_TRUE(connected.valid());
  EXPECT_FALSE(connect.release().valid());
}

TEST(SocketOps, CloseAndShutdownCompleteThroughTheRing) {
  Ring ring;
  Listener listener(ListenOptions{});
  auto client = connect_blocking(listener.port());
  auto server = accept_blocking(listener);
  ASSERT_TRUE(client && server);
  h2io::prep_shutdown(ring, server.get(), SHUT_WR, OpTag{OpKind::kShutdown, 1});
  int shutdown_res = 1;
  ASSERT_TRUE(run_until(
      ring, [&] { return shutdown_res != 1; }, [&](const Completion& c) { shutdown_res = c.res; }));
  EXPECT_EQ(shutdown_res, 0);
  EXPECT_EQ(read_exact(client.get(), 1), "") << "the peer sees EOF after SHUT_WR";
  h2io::prep_close(ring, server.release(), OpTag{OpKind::kClose, 1});
  int close_res = 1;
  ASSERT_TRUE(run_until(
      ring, [&] { return close_res != 1; }, [&](const Completion& c) { close_res = c.res; }));
  EXPECT_EQ(close_res, 0);
}

}  // namespace
