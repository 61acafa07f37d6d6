#include "h2io/listener.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "h2io/error.h"
#include "h2io/socket_ops.h"

namespace h2io {

namespace {

void set_flag(int fd, int level, int option, const char* what) {
  int one = 1;
  if (setsockopt(fd, level, option, &one, sizeof one) != 0) throw_io_error(errno, what);
}

}  // namespace

Listener::Listener(const ListenOptions& options) {
  SocketAddress want = SocketAddress::parse(options.address, options.port);
  fd_.reset(socket(want.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!fd_) throw_io_error(errno, "socket");
  set_flag(fd_.get(), SOL_SOCKET, SO_REUSEADDR, "setsockopt(SO_REUSEADDR)");
  if (options.reuse_port) set_flag(fd_.get(), SOL_SOCKET, SO_REUSEPORT, "setsockopt(SO_REUSEPORT)");
  if (!options.congestion_control.empty()) {
    set_congestion_control(fd_.get(), options.congestion_control);
  }
  if (bind(fd_.get(), want.get(), want.length) != 0) throw_io_error(errno, "bind");
  if (listen(fd_.get(), options.backlog) != 0) throw_io_error(errno, "listen");
  local_ = SocketAddress::local_of(fd_.get());
}

void Listener::arm_accept(Ring& ring, OpTag tag) {
  io_uring_sqe* sqe = ring.get_sqe(tag);
  // The peer address is not collected: getpeername() on demand is cheaper than a sockaddr per
  // accept, and a multishot accept could only share one buffer between all of them anyway.
  io_uring_prep_multishot_accept(sqe, fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  armed_ = true;
}

}  // namespace h2io
