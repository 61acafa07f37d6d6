// A non-blocking TCP listen socket and its multishot accept.
//
// One IORING_OP_ACCEPT with IORING_ACCEPT_MULTISHOT posts a CQE per accepted connection
// (res = new fd) while IORING_CQE_F_MORE is set. When a CQE arrives without F_MORE the accept is
// no longer armed (error, cancel, CQ overflow) and must be armed again: on_completion() tracks
// that and rearm_if_needed() does it.
#pragma once

#include <cstdint>
#include <string>

#include "h2io/address.h"
#include "h2io/fd.h"
#include "h2io/op_tag.h"
#include "h2io/ring.h"

namespace h2io {

struct ListenOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks a free port; read it back with port()
  int backlog = 1024;
  bool reuse_port = false;  // SO_REUSEPORT: one listener per worker, the kernel spreads accepts
  // TCP congestion control of the accepted connections (TCP_CONGESTION on the listen socket,
  // which accepted sockets inherit), e.g. "cubic" or "reno"; empty: the system default. Like
  // HAProxy's `cc` bind option: pacing congestion controls (bbr) cost much kernel CPU on
  // loopback and gain nothing there (docs/io.md).
  std::string congestion_control = {};
};

class Listener {
 public:
  // Throws IoError on socket/bind/listen failure.
  explicit Listener(const ListenOptions& options);

  int fd() const { return fd_.get(); }
  std::uint16_t port() const { return local_.port(); }
  const SocketAddress& local_address() const { return local_; }

  // Queues a multishot accept tagged `tag`. Accepted sockets are SOCK_NONBLOCK | SOCK_CLOEXEC.
  void arm_accept(Ring& ring, OpTag tag);
  bool armed() const { return armed_; }

  // Call for each completion of the accept. Returns the accepted fd (caller owns it), or -errno
  // if this completion reports an error (the listener itself stays usable).
  int on_completion(const Completion& c) {
    if (!c.more()) armed_ = false;
    return c.res;
  }
  // Re-queues the accept if the last completion ended it. Returns whether it did.
  bool rearm_if_needed(Ring& ring, OpTag tag) {
    if (armed_) return false;
    arm_accept(ring, tag);
    return true;
  }

 private:
  Fd fd_;
  SocketAddress local_;
  bool armed_ = false;
};

}  // namespace h2io
