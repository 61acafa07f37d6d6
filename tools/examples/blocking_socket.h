// Plain blocking TCP sockets for the examples: just enough POSIX to move the bytes that
// H2Connection asks for. Errors while setting up (bind, connect) throw std::system_error;
// once connected, reads and writes report failure as values.
#pragma once

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <utility>

namespace h2::examples {

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) noexcept : fd_(fd) {}
  ~Socket() { reset(); }
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Writes every byte; false when the peer is gone (MSG_NOSIGNAL: no SIGPIPE) or on timeout.
  bool write_all(std::span<const uint8_t> bytes) const noexcept {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes = bytes.subspan(static_cast<size_t>(n));
    }
    return true;
  }

  // Blocks until some bytes arrive: their count, 0 at end of stream, -1 on error or timeout.
  ssize_t read_some(std::span<uint8_t> buffer) const noexcept {
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  // HTTP/2 sends many small frames (WINDOW_UPDATE, PING ACK) that must not wait for Nagle.
  void set_no_delay() const noexcept {
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }

  // Bound blocking reads / writes; 0 = wait forever.
  void set_receive_timeout(double seconds) const noexcept { set_timeout(SO_RCVTIMEO, seconds); }
  void set_send_timeout(double seconds) const noexcept { set_timeout(SO_SNDTIMEO, seconds); }

 private:
  void set_timeout(int option, double seconds) const noexcept {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(seconds);
    tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
    ::setsockopt(fd_, SOL_SOCKET, option, &tv, sizeof tv);
  }

  int fd_ = -1;
};

// getaddrinfo for a TCP endpoint; the caller frees the list with freeaddrinfo.
inline addrinfo* resolve_tcp(const std::string& host, uint16_t port, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list); rc != 0) {
    throw std::system_error(std::make_error_code(std::errc::host_unreachable),
                            "resolve " + host + ": " + ::gai_strerror(rc));
  }
  return list;
}

// A listening socket on host:port (port 0 = any free port).
inline Socket listen_tcp(const std::string& host, uint16_t port) {
  addrinfo* list = resolve_tcp(host, port, /*passive=*/true);
  int last_errno = 0;
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol));
    if (s.fd() < 0) {
      last_errno = errno;
      continue;
    }
    const int one = 1;
    ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(s.fd(), ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(s.fd(), 128) == 0) {
      ::freeaddrinfo(list);
      return s;
    }
    last_errno = errno;
  }
  ::freeaddrinfo(list);
  throw std::system_error(last_errno, std::generic_category(), "listen on " + host);
}

// The port a bound socket actually got (for --port 0).
inline uint16_t local_port(const Socket& s) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::system_error(errno, std::generic_category(), "getsockname");
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

inline Socket connect_tcp(const std::string& host, uint16_t port) {
  addrinfo* list = resolve_tcp(host, port, /*passive=*/false);
  int last_errno = 0;
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol));
    if (s.fd() >= 0 && ::connect(s.fd(), ai->ai_addr, ai->ai_addrlen) == 0) {
      ::freeaddrinfo(list);
      return s;
    }
    last_errno = errno;
  }
  ::freeaddrinfo(list);
  throw std::system_error(last_errno, std::generic_category(),
                          "connect to " + host + ":" + std::to_string(port));
}

}  // namespace h2::examples
