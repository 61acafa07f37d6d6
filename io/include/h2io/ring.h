// One io_uring, owned by one worker thread.
//
// Created with SINGLE_ISSUER | DEFER_TASKRUN | COOP_TASKRUN | TASKRUN_FLAG when the kernel takes
// them (6.1+), falling back to COOP_TASKRUN, then to no flags; `setup_flags()` says what was
// granted. With SINGLE_ISSUER the thread that constructs the Ring is the only one allowed to
// submit to it: construct it on the worker thread. Other threads wake it through a `Waker`.
//
// The loop of a worker is:
//   prepare SQEs (get_sqe) -> submit_and_wait(1, timeout) -> for_each_completion(handle)
// which is one io_uring_enter per turn: submission, waiting and (with DEFER_TASKRUN) running the
// deferred completion work all happen in that single call.
#pragma once

#include <liburing.h>

#include <chrono>
#include <cstdint>
#include <optional>

#include "h2io/error.h"
#include "h2io/op_tag.h"

namespace h2io {

struct RingOptions {
  unsigned entries = 256;     // SQ size (power of two; the kernel rounds up)
  unsigned cq_entries = 0;    // 0 = 8 x entries: multishot requests post many CQEs per SQE
  bool single_issuer = true;  // try SINGLE_ISSUER | DEFER_TASKRUN first
};

class Ring {
 public:
  // Throws IoError (with the kernel's reason) if no ring can be created at all.
  explicit Ring(RingOptions options = {});
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // A fresh SQE; when the SQ is full, submits what is queued and retries. Never null: throws
  // IoError if the kernel refuses the submission that would free room.
  io_uring_sqe* get_sqe();
  // get_sqe() with the user_data already set.
  io_uring_sqe* get_sqe(OpTag tag) {
    io_uring_sqe* sqe = get_sqe();
    io_uring_sqe_set_data64(sqe, tag.encode());
    return sqe;
  }

  // Submits everything queued and waits until at least `min_complete` completions are ready or
  // `timeout` has passed. min_complete == 0 never blocks but still reaps deferred completions.
  // Returns 0 on success or timeout (-ETIME, and the transient -EAGAIN/-EBUSY of a full CQ, are
  // folded into 0: look at the completions instead), -EINTR when a signal interrupted the wait,
  // other -errno on failure.
  int submit_and_wait(unsigned min_complete,
                      std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
  // Submits without waiting. Returns the number submitted or -errno.
  int submit();

  // Calls fn(const Completion&) for every ready completion, batch by batch
  // (io_uring_peek_batch_cqe + one cq_advance per batch). CQ slots are released before the
  // handlers run, so handlers may queue new SQEs freely. Returns how many were handled.
  template <class Fn>
  unsigned for_each_completion(Fn&& fn);

  unsigned setup_flags() const { return setup_flags_; }
  unsigned features() const { return features_; }
  bool defer_taskrun() const { return (setup_flags_ & IORING_SETUP_DEFER_TASKRUN) != 0; }
  unsigned cq_entries() const { return ring_.cq.ring_entries; }
  io_uring* raw() { return &ring_; }

 private:
  static constexpr unsigned kBatch = 64;
  io_uring ring_{};
  unsigned setup_flags_ = 0;
  unsigned features_ = 0;
};

template <class Fn>
unsigned Ring::for_each_completion(Fn&& fn) {
  unsigned handled = 0;
  // Bounded by one CQ's worth so a handler that keeps producing work cannot starve the caller.
  while (handled < ring_.cq.ring_entries) {
    io_uring_cqe* cqes[kBatch];
    unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, kBatch);
    if (n == 0) break;
    Completion batch[kBatch];
    unsigned m = 0;
    for (unsigned i = 0; i < n; ++i) {
      // liburing's own timeout SQE (used only on kernels without EXT_ARG) is not ours.
      if (cqes[i]->user_data == LIBURING_UDATA_TIMEOUT) continue;
      batch[m++] = Completion::from(*cqes[i]);
    }
    io_uring_cq_advance(&ring_, n);
    for (unsigned i = 0; i < m; ++i) fn(static_cast<const Completion&>(batch[i]));
    handled += m;
  }
  return handled;
}

}  // namespace h2io
