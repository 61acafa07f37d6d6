// An IPv4 or IPv6 socket address parsed from text ("127.0.0.1", "::1") and a port.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace h2io {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  // Throws IoError(EINVAL) if `host` is not a numeric IPv4/IPv6 address (no DNS here).
  static SocketAddress parse(std::string_view host, std::uint16_t port);
  // The address a socket is bound to (getsockname), e.g. to learn an ephemeral port.
  static SocketAddress local_of(int fd);

  int family() const { return storage.ss_family; }
  std::uint16_t port() const;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  std::string to_string() const;
};

}  // namespace h2io
