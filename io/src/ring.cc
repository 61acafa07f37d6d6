#include "h2io/ring.h"

#include <cerrno>

#include "h2io/error.h"

namespace h2io {

namespace {

int try_init(const RingOptions& options, unsigned flags, io_uring* ring, unsigned* features) {
  io_uring_params params{};
  params.flags = flags | IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  params.cq_entries = options.cq_entries != 0 ? options.cq_entries : options.entries * 8;
  int rc = io_uring_queue_init_params(options.entries, ring, &params);
  if (rc == 0) *features = params.features;
  return rc;
}

}  // namespace

Ring::Ring(RingOptions options) {
  // Most capable first. EINVAL means "flag unknown to this kernel": step down. Any other error
  // (ENOMEM, EPERM from io_uring_disabled or seccomp, ENOSYS) will not improve by dropping flags.
  unsigned candidates[3] = {
      IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN |
          IORING_SETUP_TASKRUN_FLAG,
      IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
      0,
  };
  int rc = -EINVAL;
  for (unsigned flags : candidates) {
    if (!options.single_issuer && (flags & IORING_SETUP_SINGLE_ISSUER)) continue;
    rc = try_init(options, flags, &ring_, &features_);
    if (rc == 0) {
      setup_flags_ = flags;
      return;
    }
    if (rc != -EINVAL) break;
  }
  throw_io_error(-rc, "io_uring_queue_init_params");
}

Ring::~Ring() {
  io_uring_queue_exit(&ring_);
}

io_uring_sqe* Ring::get_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    int rc = io_uring_submit(&ring_);
    // EAGAIN/EBUSY: the kernel is short of memory or the CQ is overflowing; retrying after it
    // has had a chance to post completions is all we can do.
    if (rc < 0 && rc != -EAGAIN && rc != -EBUSY && rc != -EINTR) {
      throw_io_error(-rc, "io_uring_submit (SQ full)");
    }
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

int Ring::submit() {
  return io_uring_submit(&ring_);
}

int Ring::submit_and_wait(unsigned min_complete, std::optional<std::chrono::nanoseconds> timeout) {
  int rc;
  if (min_complete == 0) {
    // Enters with GETEVENTS even when nothing is queued, so DEFER_TASKRUN work is reaped.
    rc = io_uring_submit_and_get_events(&ring_);
  } else if (timeout) {
    auto ns = timeout->count() < 0 ? 0 : timeout->count();
    __kernel_timespec ts{};
    ts.tv_sec = ns / 1'000'000'000;
    ts.tv_nsec = ns % 1'000'000'000;
    io_uring_cqe* cqe = nullptr;
    rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, min_complete, &ts, nullptr);
  } else {
    rc = io_uring_submit_and_wait(&ring_, min_complete);
  }
  if (rc == -ETIME || rc == -EAGAIN || rc == -EBUSY) return 0;
  return rc < 0 ? rc : 0;
}

}  // namespace h2io
