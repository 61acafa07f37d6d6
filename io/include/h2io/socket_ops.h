// One-shot socket operations through the ring: close, shutdown, cancel, connect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "h2io/address.h"
#include "h2io/fd.h"
#include "h2io/op_tag.h"
#include "h2io/ring.h"

namespace h2io {

// Queues close(fd). The fd number may be reused as soon as the completion arrives.
void prep_close(Ring& ring, int fd, OpTag tag);
// Queues shutdown(fd, how) (SHUT_WR after the last GOAWAY is flushed, for instance).
void prep_shutdown(Ring& ring, int fd, int how, OpTag tag);
// Queues a cancel of every request whose user_data is `target`. The cancelled requests complete
// with -ECANCELED; this one with the number cancelled, or -ENOENT if none matched.
void prep_cancel(Ring& ring, OpTag target, OpTag tag);

// An outbound TCP connection being established: owns a non-blocking socket and the peer address
// (which must stay valid until the connect is submitted, hence kept here).
class ConnectOp {
 public:
  // Creates the socket (SOCK_NONBLOCK | SOCK_CLOEXEC, TCP_NODELAY; the congestion control when
  // one is named, see set_congestion_control). Throws IoError on failure.
  explicit ConnectOp(const SocketAddress& peer, std::string_view congestion_control = {});

  // Queues IORING_OP_CONNECT. The completion's res is 0 on success or -errno (-ECONNREFUSED,
  // -ETIMEDOUT, -ENETUNREACH, ...).
  void arm(Ring& ring, OpTag tag);

  int fd() const { return fd_.get(); }
  // Hands the connected socket to its next owner.
  Fd release() { return std::move(fd_); }

 private:
  Fd fd_;
  SocketAddress peer_;
};

// TCP_NODELAY on: HTTP/2 batches its own frames, Nagle would only add latency.
void set_tcp_nodelay(int fd);

// TCP_CONGESTION: the congestion control algorithm of this socket (on a listen socket: of the
// connections it accepts). Throws IoError naming the algorithm when the kernel refuses it:
// ENOENT (not available), EPERM (not in net.ipv4.tcp_allowed_congestion_control and no
// CAP_NET_ADMIN).
void set_congestion_control(int fd, std::string_view name);
// The algorithm a socket uses now (getsockopt TCP_CONGESTION). Throws IoError on failure.
std::string congestion_control_of(int fd);

}  // namespace h2io
