// ClosedStreamMemory: bounded FIFO map stream id -> StreamClosedBy (BEHAVIOUR.md §2.2).
#include "closed_streams.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace h2 {

namespace {
constexpr size_t kInitialSlots = 16;
}  // namespace

ClosedStreamMemory::ClosedStreamMemory(size_t capacity) : capacity_(capacity) {
  if (capacity > kLargestCapacity) {
    throw std::invalid_argument("closed-stream capacity too large: " + std::to_string(capacity));
  }
}

size_t ClosedStreamMemory::memory_bytes() const noexcept {
  return order_.capacity() * sizeof(uint32_t) + keys_.capacity() * sizeof(uint32_t) +
         values_.capacity() * sizeof(uint8_t);
}

size_t ClosedStreamMemory::probe(uint32_t id) const noexcept {
  size_t slot = home(id);
  while (keys_[slot] != 0 && keys_[slot] != id) slot = (slot + 1) & mask_;
  return slot;
}

std::optional<StreamClosedBy> ClosedStreamMemory::find(uint32_t id) const noexcept {
  if (id == 0 || keys_.empty()) return std::nullopt;
  const size_t slot = probe(id);
  if (keys_[slot] == 0 || values_[slot] == kUnknown) return std::nullopt;
  return static_cast<StreamClosedBy>(values_[slot]);
}

bool ClosedStreamMemory::contains(uint32_t id) const noexcept {
  return id != 0 && !keys_.empty() && keys_[probe(id)] == id;
}

// Backward-shift deletion: later entries of the probe run move up so no tombstones are needed.
void ClosedStreamMemory::erase_slot(size_t slot) noexcept {
  size_t next = slot;
  for (;;) {
    next = (next + 1) & mask_;
    if (keys_[next] == 0) break;
    // The entry at `next` may fill the hole unless its home lies cyclically in (slot, next].
    if (((next - home(keys_[next])) & mask_) >= ((next - slot) & mask_)) {
      keys_[slot] = keys_[next];
      values_[slot] = values_[next];
      slot = next;
    }
  }
  keys_[slot] = 0;
}

void ClosedStreamMemory::grow_table() {
  const size_t slots = keys_.empty() ? kInitialSlots : keys_.size() * 2;
  std::vector<uint32_t> old_keys(slots, 0);
  std::vector<uint8_t> old_values(slots);
  old_keys.swap(keys_);
  old_values.swap(values_);
  mask_ = slots - 1;
  for (size_t i = 0; i < old_keys.size(); ++i) {
    if (old_keys[i] == 0) continue;
    const size_t slot = probe(old_keys[i]);
    keys_[slot] = old_keys[i];
    values_[slot] = old_values[i];
  }
}

void ClosedStreamMemory::insert(uint32_t id, std::optional<StreamClosedBy> closed_by) {
  if (id == 0) throw std::invalid_argument("stream 0 cannot be closed");
  if (capacity_ == 0) return;
  const uint8_t by = closed_by ? static_cast<uint8_t>(*closed_by) : kUnknown;
  // The empty slot the first probe ends on stays the new id's place unless an eviction
  // shifts entries or the table grows; then it is probed again.
  size_t slot = SIZE_MAX;
  if (!keys_.empty()) {
    slot = probe(id);
    if (keys_[slot] == id) {
      values_[slot] = by;
      return;
    }
  }
  if (order_.size() == capacity_) {  // full: the oldest id makes room and its ring cell is reused
    erase_slot(probe(order_[oldest_]));
    slot = SIZE_MAX;
    order_[oldest_] = id;
    if (++oldest_ == capacity_) oldest_ = 0;  // (a compare, not a division per stream)
  } else {
    if (order_.size() == order_.capacity()) {
      order_.reserve(std::min(capacity_, std::max<size_t>(kInitialSlots, order_.size() * 2)));
    }
    order_.push_back(id);
    // Keep the load factor at most 1/2; the table therefore ends at the power of two >= 2 *
    // capacity and stops growing once the ring is full.
    if (order_.size() * 2 > keys_.size()) {
      grow_table();
      slot = SIZE_MAX;
    }
  }
  if (slot == SIZE_MAX) slot = probe(id);
  keys_[slot] = id;
  values_[slot] = by;
}

}  // namespace h2
