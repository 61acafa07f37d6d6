#include "h2io/waker.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "h2io/error.h"

namespace h2io {

Waker::Waker() {
  // Blocking on purpose: io_uring completes a read on an O_NONBLOCK file with -EAGAIN instead of
  // waiting for it. wake() cannot block: the counter never nears its 2^64-2 limit.
  fd_.reset(eventfd(0, EFD_CLOEXEC));
  if (!fd_) throw_io_error(errno, "eventfd");
}

void Waker::arm(Ring& ring, OpTag tag) {
  tag_ = tag;
  io_uring_prep_read(ring.get_sqe(tag), fd_.get(), &value_, sizeof value_, 0);
}

void Waker::on_completion(Ring& ring, const Completion& c) {
  pending_.store(false, std::memory_order_seq_cst);
  // res is 8 (the counter was read) or -errno. Only an explicit cancel (shutdown) stops it.
  if (c.res != -ECANCELED) arm(ring, tag_);
}

bool Waker::wake() {
  if (pending_.exchange(true, std::memory_order_seq_cst)) return false;
  std::uint64_t one = 1;
  ssize_t n;
  do {
    n = ::write(fd_.get(), &one, sizeof one);
  } while (n < 0 && errno == EINTR);
  return true;
}

}  // namespace h2io
