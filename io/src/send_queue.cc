#include "h2io/send_queue.h"

#include <cerrno>

namespace h2io {

namespace {

constexpr std::size_t kIovMax = 1024;  // IOV_MAX on Linux

std::size_t round_up_pow2(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

SendQueue::SendQueue(std::size_t max_iovecs)
    : iov_(round_up_pow2(max_iovecs == 0 ? 1 : max_iovecs)), mask_(iov_.size() - 1) {}

std::uint64_t SendQueue::push(std::span<const std::byte> bytes) {
  if (bytes.empty()) return pushed_;
  if (full()) return 0;
  // const_cast: iovec is shared with readv; sendmsg never writes through it.
  iov_[(head_ + count_) & mask_] = iovec{const_cast<std::byte*>(bytes.data()), bytes.size()};
  ++count_;
  pushed_ += bytes.size();
  return pushed_;
}

bool SendQueue::arm(Ring& ring, int fd, OpTag tag) {
  if (in_flight_ || count_ == 0) return false;
  std::size_t start = head_ & mask_;
  std::size_t contiguous = iov_.size() - start;  // up to the wrap point of the ring
  std::size_t n = count_ < contiguous ? count_ : contiguous;
  if (n > kIovMax) n = kIovMax;
  msg_ = msghdr{};
  msg_.msg_iov = &iov_[start];
  msg_.msg_iovlen = n;
  io_uring_sqe* sqe = ring.get_sqe(tag);
  // MSG_NOSIGNAL: a peer that reset the connection costs an EPIPE completion, not SIGPIPE.
  io_uring_prep_sendmsg(sqe, fd, &msg_, MSG_NOSIGNAL);
  in_flight_ = true;
  return true;
}

SendResult SendQueue::on_completion(const Completion& c) {
  in_flight_ = false;
  if (c.res >= 0) {
    consume(static_cast<std::size_t>(c.res));
    return SendResult{static_cast<std::size_t>(c.res), 0};
  }
  if (c.res == -EAGAIN || c.res == -EINTR) return SendResult{};
  return SendResult{0, -c.res};
}

void SendQueue::consume(std::size_t n) {
  sent_ += n;
  while (n > 0 && count_ > 0) {
    iovec& v = iov_[head_ & mask_];
    if (n >= v.iov_len) {
      n -= v.iov_len;
      ++head_;
      --count_;
    } else {
      v.iov_base = static_cast<std::byte*>(v.iov_base) + n;
      v.iov_len -= n;
      n = 0;
    }
  }
}

}  // namespace h2io
