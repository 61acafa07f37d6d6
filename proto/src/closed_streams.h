// Memory of recently closed streams (BEHAVIOUR.md §2.2): how each was closed, for at most
// `capacity` streams, the oldest forgotten first (h2's SizeLimitDict of MAX_CLOSED_STREAMS).
// Late frames on a remembered stream are classified by how it closed; a forgotten stream is
// treated like one never opened.
//
// A ring of ids in insertion order plus a linear-probing table indexed by the id's low bits
// (load factor <= 1/2), both grown on demand up to their final size and never reallocated
// after that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "h2/stream_closed_by.h"

namespace h2 {

class ClosedStreamMemory {
 public:
  static constexpr size_t kDefaultCapacity = size_t{1} << 16;  // h2's MAX_CLOSED_STREAMS
  static constexpr size_t kLargestCapacity = size_t{1} << 31;  // every stream id

  // Throws std::invalid_argument above kLargestCapacity. Allocates nothing until first use.
  explicit ClosedStreamMemory(size_t capacity = kDefaultCapacity);

  // Remembers how stream `id` (> 0; 0 throws std::invalid_argument) closed. A known id is
  // updated in place and keeps its age; a new id evicts the oldest one when full. `by` may be
  // nullopt (h2's closed_by None: closed by a protocol error): such an entry takes a place in
  // the FIFO, as in h2, but find() reports it like an unknown stream, as h2's lookup does.
  void insert(uint32_t id, std::optional<StreamClosedBy> by);
  std::optional<StreamClosedBy> find(uint32_t id) const noexcept;
  bool contains(uint32_t id) const noexcept;  // remembered, whether or not `by` was known

  size_t size() const noexcept { return order_.size(); }
  size_t capacity() const noexcept { return capacity_; }
  // Bytes held by the ring and the table (for tests of the memory bound).
  size_t memory_bytes() const noexcept;

 private:
  // The low bits of the id itself: streams close roughly in id order, so consecutive inserts,
  // lookups and the evictions of the oldest ids walk the table sequentially (cache lines and
  // the prefetcher do the work) and, once full, a new id usually lands on the very slot the
  // evicted id of the same parity leaves. The ids one peer opens share a parity and therefore
  // never share a home slot unless they lie a multiple of the table size apart.
  size_t home(uint32_t id) const noexcept { return id & mask_; }
  static constexpr uint8_t kUnknown = 0xff;  // stored for a nullopt `by`

  size_t probe(uint32_t id) const noexcept;  // the slot holding id, or the empty slot for it
  void erase_slot(size_t slot) noexcept;
  void grow_table();

  size_t capacity_;
  std::vector<uint32_t> order_;  // ids, oldest at oldest_ once the ring is full
  size_t oldest_ = 0;
  std::vector<uint32_t> keys_;   // 0 marks an empty slot (stream 0 is never closed)
  std::vector<uint8_t> values_;  // a StreamClosedBy, or kUnknown
  size_t mask_ = 0;
};

}  // namespace h2
