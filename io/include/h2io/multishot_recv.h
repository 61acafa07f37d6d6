// The receive side of one connection: a multishot recv that picks its buffers from a BufferRing.
//
// One SQE posts a CQE per chunk received while IORING_CQE_F_MORE is set. A CQE without F_MORE
// means the request ended; why decides what to do next:
//   data without F_MORE  -> hand the data up, then arm() again
//   res == 0             -> peer closed its write side (EOF); do not re-arm
//   -ENOBUFS             -> the buffer ring ran dry; arm() again once BufferRing::available()
//                           is above zero (earlier would only earn another -ENOBUFS at once)
//   -ECANCELED           -> we cancelled it (backpressure: stop reading); arm() to resume
//   other -errno         -> connection error; close
#pragma once

#include <cstdint>
#include <span>

#include "h2io/buffer_ring.h"
#include "h2io/op_tag.h"
#include "h2io/ring.h"

namespace h2io {

struct RecvEvent {
  enum class Kind : std::uint8_t { kData, kEof, kNoBuffers, kCancelled, kError };
  Kind kind = Kind::kError;
  std::span<const std::byte> data;  // kData: valid until recycle(bid)
  std::uint16_t bid = 0;            // kData: the buffer to recycle when done with `data`
  int error = 0;                    // kError: positive errno
};

class MultishotRecv {
 public:
  MultishotRecv(int fd, std::uint16_t buffer_group) : fd_(fd), group_(buffer_group) {}

  // Queues the multishot recv. No-op if already armed.
  void arm(Ring& ring, OpTag tag);
  // Queues a cancel of the armed recv (its final CQE will be kCancelled). Used to stop reading a
  // connection whose consumer is full.
  void cancel(Ring& ring, OpTag recv_tag, OpTag cancel_tag);

  // Interprets one completion of this recv. Updates armed().
  RecvEvent on_completion(const Completion& c, BufferRing& buffers);

  bool armed() const { return armed_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::uint16_t group_;
  bool armed_ = false;
};

}  // namespace h2io
