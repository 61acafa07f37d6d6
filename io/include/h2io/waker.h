// Cross-thread wake-up of a worker sleeping in the ring: an eventfd with a read armed in the
// ring. Any thread calls wake(); the worker sees a completion tagged with the Waker's tag.
//
// Wakes coalesce: after the first wake() only one eventfd write happens until the worker calls
// on_completion(), however many producers call wake() meanwhile. The handshake that makes this
// lossless:
//   producer: post message to mailbox; wake()         (wake() is a seq_cst exchange)
//   worker:   on_completion() clears the flag and re-arms the read; THEN drain the mailboxes.
// A wake() that found the flag set is covered by the drain that follows the clear.
//
// Why eventfd rather than IORING_OP_MSG_RING: producers (actors) have no ring of their own, and a
// write(2) is callable from any thread. MSG_RING is the better choice between two rings (worker
// to worker) and needs no armed read.
#pragma once

#include <atomic>
#include <cstdint>

#include "h2io/fd.h"
#include "h2io/op_tag.h"
#include "h2io/ring.h"

namespace h2io {

class Waker {
 public:
  Waker();  // Throws IoError if eventfd fails.
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  // Worker thread: queue the read. Call once at start; on_completion() re-arms.
  void arm(Ring& ring, OpTag tag);
  // Worker thread: a completion tagged with this Waker's tag arrived. Re-arms the read and
  // clears the coalescing flag; drain mailboxes after this call.
  void on_completion(Ring& ring, const Completion& c);

  // Any thread. Returns true if this call wrote to the eventfd (false: coalesced with a pending
  // wake). Async-signal-safe and lock-free.
  bool wake();

  int fd() const { return fd_.get(); }

 private:
  Fd fd_;
  OpTag tag_;
  std::uint64_t value_ = 0;  // the armed read's destination; owned by the kernel while armed
  alignas(64) std::atomic<bool> pending_{false};  // own cache line: producers hammer it
};

}  // namespace h2io
