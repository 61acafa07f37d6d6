#include "h2io/multishot_recv.h"

#include <cerrno>

#include "h2io/socket_ops.h"

namespace h2io {

void MultishotRecv::arm(Ring& ring, OpTag tag) {
  if (armed_) return;
  io_uring_sqe* sqe = ring.get_sqe(tag);
  // len 0: each completion gets up to one whole provided buffer.
  io_uring_prep_recv_multishot(sqe, fd_, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = group_;
  armed_ = true;
}

void MultishotRecv::cancel(Ring& ring, OpTag recv_tag, OpTag cancel_tag) {
  if (!armed_) return;
  prep_cancel(ring, recv_tag, cancel_tag);
}

RecvEvent MultishotRecv::on_completion(const Completion& c, BufferRing& buffers) {
  if (!c.more()) armed_ = false;
  RecvEvent ev;
  // A buffer handed out with a zero-length or error result still has to go back.
  if (c.res <= 0 && c.has_buffer()) {
    buffers.take(c);
    buffers.recycle(c.buffer_id());
  }
  if (c.res > 0) {
    ev.kind = RecvEvent::Kind::kData;
    ev.bid = c.buffer_id();
    ev.data = buffers.take(c);
  } else if (c.res == 0) {
    ev.kind = RecvEvent::Kind::kEof;
  } else if (c.res == -ENOBUFS) {
    ev.kind = RecvEvent::Kind::kNoBuffers;
  } else if (c.res == -ECANCELED) {
    ev.kind = RecvEvent::Kind::kCancelled;
  } else {
    ev.kind = RecvEvent::Kind::kError;
    ev.error = -c.res;
  }
  return ev;
}

}  // namespace h2io
