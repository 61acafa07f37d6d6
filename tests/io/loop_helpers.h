// Small helpers shared by the io/ tests: a bounded completion loop, loopback sockets, payloads.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "h2io/fd.h"
#include "h2io/listener.h"
#include "h2io/ring.h"

namespace h2io_test {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// Every wait in the tests is bounded by this; generous so a loaded CI machine never trips it.
inline constexpr auto kGenerousTimeout = 20s;

// Runs loop turns (one submit_and_wait + one completion sweep each) until done() or the deadline.
template <class Handler, class Done>
bool run_until(h2io::Ring& ring, Done&& done, Handler&& handle,
               std::chrono::nanoseconds limit = kGenerousTimeout) {
  auto deadline = SteadyClock::now() + limit;
  while (!done()) {
    if (SteadyClock::now() > deadline) return false;
    int rc = ring.submit_and_wait(1, 50ms);
    if (rc < 0 && rc != -EINTR) return false;
    ring.for_each_completion(handle);
  }
  return true;
}

inline void set_timeouts(int fd, std::chrono::seconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count());
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Waits for `events` on fd, retrying on EINTR, up to the generous timeout.
inline bool wait_for(int fd, short events) {
  auto deadline = SteadyClock::now() + kGenerousTimeout;
  while (SteadyClock::now() < deadline) {
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, 100);
    if (n == 1) return true;
    if (n < 0 && errno != EINTR) return false;
  }
  return false;
}

// A blocking client socket connected to 127.0.0.1:port (send/recv time out after 20 s).
// The connect itself is non-blocking + poll: the thread that owns a ring can see its blocking
// syscalls end in EINTR when io_uring queues task work to it, and connect cannot simply be retried.
inline h2io::Fd connect_blocking(std::uint16_t port, int rcvbuf = 0) {
  h2io::Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  if (rcvbuf > 0) setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  set_timeouts(fd.get(), 20s);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int err = 0;
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    err = errno;
    if (err == EINPROGRESS && wait_for(fd.get(), POLLOUT)) {
      socklen_t len = sizeof err;
      getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  if (err != 0) {
    ADD_FAILURE() << "connect to 127.0.0.1:" << port << ": " << std::strerror(err);
    fd.reset();
    return fd;
  }
  fcntl(fd.get(), F_SETFL, 0);  // back to blocking
  return fd;
}

// accept() on a non-blocking listener, polling up to the generous timeout.
inline h2io::Fd accept_blocking(const h2io::Listener& listener) {
  if (!wait_for(listener.fd(), POLLIN)) return h2io::Fd();
  return h2io::Fd(accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
}

// Reads exactly n bytes (or fewer at EOF/error), retrying on EINTR.
inline std::string read_exact(int fd, std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, out.data() + got, n - got, 0);
    if (r > 0) {
      got += static_cast<std::size_t>(r);
    } else if (r == 0 || errno != EINTR) {
      break;
    }
  }
  out.resize(got);
  return out;
}

// Deterministic, position-dependent bytes so a reordering or a lost chunk shows.
inline std::vector<std::byte> pattern(std::size_t size, std::uint32_t seed) {
  std::vector<std::byte> out(size);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::byte>(x);
  }
  return out;
}

}  // namespace h2io_test
