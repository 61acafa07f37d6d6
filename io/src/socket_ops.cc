#include "h2io/socket_ops.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "h2io/error.h"

namespace h2io {

void prep_close(Ring& ring, int fd, OpTag tag) {
  io_uring_prep_close(ring.get_sqe(tag), fd);
}

void prep_shutdown(Ring& ring, int fd, int how, OpTag tag) {
  io_uring_prep_shutdown(ring.get_sqe(tag), fd, how);
}

void prep_cancel(Ring& ring, OpTag target, OpTag tag) {
  io_uring_prep_cancel64(ring.get_sqe(tag), target.encode(), IORING_ASYNC_CANCEL_ALL);
}

void set_tcp_nodelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    throw_io_error(errno, "setsockopt(TCP_NODELAY)");
  }
}

void set_congestion_control(int fd, std::string_view name) {
  if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name.data(),
                 static_cast<socklen_t>(name.size())) != 0) {
    const std::string what = "setsockopt(TCP_CONGESTION, " + std::string(name) + ")";
    throw_io_error(errno, what.c_str());
  }
}

std::string congestion_control_of(int fd) {
  char name[16] = {};  // the kernel's TCP_CA_NAME_MAX
  socklen_t length = sizeof name;
  if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &length) != 0) {
    throw_io_error(errno, "getsockopt(TCP_CONGESTION)");
  }
  // The kernel pads the name with NULs up to the length it reports.
  return std::string(name, strnlen(name, length));
}

ConnectOp::ConnectOp(const SocketAddress& peer, std::string_view congestion_control) : peer_(peer) {
  fd_.reset(socket(peer.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!fd_) throw_io_error(errno, "socket");
  set_tcp_nodelay(fd_.get());
  if (!congestion_control.empty()) set_congestion_control(fd_.get(), congestion_control);
}

void ConnectOp::arm(Ring& ring, OpTag tag) {
  io_uring_prep_connect(ring.get_sqe(tag), fd_.get(), peer_.get(), peer_.length);
}

}  // namespace h2io
