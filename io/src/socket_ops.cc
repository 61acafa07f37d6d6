#include "h2io/socket_ops.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

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

ConnectOp::ConnectOp(const SocketAddress& peer) : peer_(peer) {
  fd_.reset(socket(peer.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!fd_) throw_io_error(errno, "socket");
  set_tcp_nodelay(fd_.get());
}

void ConnectOp::arm(Ring& ring, OpTag tag) {
  io_uring_prep_connect(ring.get_sqe(tag), fd_.get(), peer_.get(), peer_.length);
}

}  // namespace h2io
