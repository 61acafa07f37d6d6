// Small helpers shared by the io/ tests: a bounded completion loop, loopback sockets, payloads.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
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

// A blocking client socket connected to 127.0.0.1:port (send/recv time out after 20 s).
inline h2io::Fd connect_blocking(std::uint16_t port, int rcvbuf = 0) {
  h2io::Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  if (rcvbuf > 0) setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  set_timeouts(fd.get(), 20s);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) fd.reset();
  return fd;
}

// accept() on a non-blocking listener, polling up to the generous timeout.
inline h2io::Fd accept_blocking(const h2io::Listener& listener) {
  pollfd p{listener.fd(), POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kGenerousTimeout).count())) != 1) {
    return h2io::Fd();
  }
  return h2io::Fd(accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
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
