#include "h2io/buffer_ring.h"

#include <sys/mman.h>

#include <cerrno>

#include "h2io/error.h"

namespace h2io {

namespace {

void* map_anonymous(std::size_t bytes, const char* what) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw_io_error(errno, what);
  return p;
}

}  // namespace

BufferRing::BufferRing(Ring& ring, std::uint16_t group_id, std::uint32_t count, std::uint32_t size)
    : ring_(ring), group_id_(group_id), count_(count), size_(size), available_(count) {
  if (count == 0 || count > 32768 || (count & (count - 1)) != 0 || size == 0) {
    throw_io_error(EINVAL, "BufferRing: count must be a power of two in 1..32768, size > 0");
  }
  mask_ = io_uring_buf_ring_mask(count);

  // The ring itself must be page aligned; mmap gives that (and zeroed memory).
  ring_bytes_ = sizeof(io_uring_buf) * count;
  br_ = static_cast<io_uring_buf_ring*>(map_anonymous(ring_bytes_, "mmap buffer ring"));
  storage_bytes_ = std::size_t{count} * size;
  try {
    storage_ = static_cast<std::byte*>(map_anonymous(storage_bytes_, "mmap buffers"));
  } catch (...) {
    munmap(br_, ring_bytes_);
    throw;
  }

  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<std::uintptr_t>(br_);
  reg.ring_entries = count;
  reg.bgid = group_id;
  int rc = io_uring_register_buf_ring(ring_.raw(), &reg, 0);
  if (rc < 0) {
    munmap(storage_, storage_bytes_);
    munmap(br_, ring_bytes_);
    throw_io_error(-rc, "io_uring_register_buf_ring");
  }

  io_uring_buf_ring_init(br_);
  for (std::uint32_t bid = 0; bid < count; ++bid) {
    io_uring_buf_ring_add(br_, buffer(static_cast<std::uint16_t>(bid)).data(), size,
                          static_cast<std::uint16_t>(bid), mask_, static_cast<int>(bid));
  }
  io_uring_buf_ring_advance(br_, static_cast<int>(count));
}

BufferRing::~BufferRing() {
  io_uring_unregister_buf_ring(ring_.raw(), group_id_);
  munmap(storage_, storage_bytes_);
  munmap(br_, ring_bytes_);
}

void BufferRing::recycle(std::uint16_t bid) {
  io_uring_buf_ring_add(br_, buffer(bid).data(), size_, bid, mask_, 0);
  io_uring_buf_ring_advance(br_, 1);  // one release store: the kernel may take it right away
  ++available_;
}

}  // namespace h2io
