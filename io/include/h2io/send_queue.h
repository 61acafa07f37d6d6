// The send side of one connection: queued byte ranges leave in one sendmsg per loop turn.
//
// The engine pushes many frames (views into its own buffers; nothing is copied) and arms one
// IORING_OP_SENDMSG whose iovec array covers all of them. A stream socket may take fewer bytes
// than offered; on_completion() drops what was sent (whole iovecs, and a prefix of the first
// unsent one) and the next arm() resumes exactly there.
//
// Buffer lifetime: the caller keeps each pushed range alive until bytes_sent() has passed the
// offset push() returned for it. That offset accounting is how the engine recycles its buffers
// (e.g. a provided buffer echoed back, or a frame arena) without a callback per range.
//
// The iovec array is a fixed ring allocated once; while a send is in flight only iovecs after it
// are written, so the kernel's view never moves under it.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "h2io/op_tag.h"
#include "h2io/ring.h"

namespace h2io {

struct SendResult {
  std::size_t bytes = 0;  // sent by this completion
  int error = 0;          // positive errno if the connection failed (EPIPE, ECONNRESET, ...)
};

class SendQueue {
 public:
  // max_iovecs: rounded up to a power of two; at most IOV_MAX (1024) go in one sendmsg.
  explicit SendQueue(std::size_t max_iovecs = 256);

  // Queues `bytes` to go after everything already queued. Returns the stream offset just past
  // them (compare with bytes_sent()), or 0 if the iovec ring is full (backpressure: try later).
  // An empty range is accepted and returns the current end offset.
  std::uint64_t push(std::span<const std::byte> bytes);

  // Queues one sendmsg for as many queued iovecs as are contiguous in the ring. Returns false if
  // nothing is queued or a send is already in flight.
  bool arm(Ring& ring, int fd, OpTag tag);
  // Accounts the completion of the armed send. A short write leaves the rest queued; EAGAIN or
  // EINTR count as zero bytes. Call arm() again while !empty().
  SendResult on_completion(const Completion& c);

  bool in_flight() const { return in_flight_; }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == iov_.size(); }
  std::size_t queued_iovecs() const { return count_; }
  std::uint64_t bytes_pushed() const { return pushed_; }
  std::uint64_t bytes_sent() const { return sent_; }
  std::uint64_t bytes_queued() const { return pushed_ - sent_; }
  // Iovecs in the last armed send (to observe batching).
  std::size_t last_batch_iovecs() const { return msg_.msg_iovlen; }

 private:
  void consume(std::size_t n);

  std::vector<iovec> iov_;  // ring of pending ranges; size is a power of two
  std::size_t mask_ = 0;
  std::size_t head_ = 0;   // first unsent iovec
  std::size_t count_ = 0;  // unsent iovecs
  std::uint64_t pushed_ = 0;
  std::uint64_t sent_ = 0;
  msghdr msg_{};
  bool in_flight_ = false;
};

}  // namespace h2io
