// A provided buffer ring (IORING_REGISTER_PBUF_RING, kernel 5.19+): `count` buffers of `size`
// bytes that the kernel picks from when a recv completes, instead of one buffer pinned per
// connection. Idle connections then cost no receive memory; the pool is sized for the bytes in
// flight on the whole worker, not for the number of connections.
//
// Ownership of a buffer: kernel (in the ring) -> application (a CQE with IORING_CQE_F_BUFFER
// names it) -> kernel again on recycle(bid). When all buffers are with the application, armed
// multishot recvs end with -ENOBUFS; recycle, then re-arm them.
//
// liburing 2.3 has no io_uring_setup_buf_ring, so the ring memory is mmap'ed here and registered
// with io_uring_register_buf_ring. The Ring must outlive the BufferRing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "h2io/op_tag.h"
#include "h2io/ring.h"

namespace h2io {

class BufferRing {
 public:
  // count: power of two, 1..32768. Throws IoError if registration fails.
  BufferRing(Ring& ring, std::uint16_t group_id, std::uint32_t count, std::uint32_t size);
  ~BufferRing();
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;

  std::uint16_t group_id() const { return group_id_; }
  std::uint32_t count() const { return count_; }
  std::uint32_t buffer_size() const { return size_; }

  // The whole buffer `bid`.
  std::span<std::byte> buffer(std::uint16_t bid) {
    return {storage_ + std::size_t{bid} * size_, size_};
  }
  // The bytes a completion delivered (empty if it carried no buffer).
  std::span<std::byte> data(const Completion& c) {
    if (!c.has_buffer() || c.res <= 0) return {};
    return buffer(c.buffer_id()).first(static_cast<std::size_t>(c.res));
  }

  // data(c), and the buffer now belongs to the application until recycle(). MultishotRecv calls
  // this for every buffer it receives, so available() stays right.
  std::span<std::byte> take(const Completion& c) {
    if (c.has_buffer()) --available_;
    return data(c);
  }

  // Gives buffer `bid` back to the kernel. Each bid the kernel handed out must be recycled
  // exactly once.
  void recycle(std::uint16_t bid);

  // Buffers the kernel can still pick from. A recv that ended with -ENOBUFS is worth re-arming
  // only once this is above zero (re-arming earlier just earns another -ENOBUFS at once).
  std::uint32_t available() const { return available_; }

 private:
  Ring& ring_;
  io_uring_buf_ring* br_ = nullptr;
  std::size_t ring_bytes_ = 0;
  std::byte* storage_ = nullptr;
  std::size_t storage_bytes_ = 0;
  std::uint16_t group_id_;
  std::uint32_t count_;
  std::uint32_t size_;
  int mask_;
  std::uint32_t available_;
};

}  // namespace h2io
