#include "hpack/dynamic_table.h"

#include <algorithm>
#include <cstring>

namespace h2::hpack::detail {

void DynamicTable::set_capacity(uint32_t capacity) noexcept {
  capacity_ = capacity;
  ++capacity_sets_;
  while (size_ > capacity_) evict_oldest();
}

void DynamicTable::evict_oldest() noexcept {
  const Record& r = records_[oldest_seq_ & record_mask_];
  size_ -= entry_size(r.name_size, r.value_size);
  ++oldest_seq_;
}

bool DynamicTable::insert(std::string_view name, std::string_view value, uint8_t tag) {
  const size_t needed = entry_size(name.size(), value.size());
  if (needed > capacity_) {
    // §4.4: not an error; the table ends up empty.
    while (entries() > 0) evict_oldest();
    return false;
  }
  while (size_ + needed > capacity_) evict_oldest();

  if (entries() == record_slots_) grow_records();
  const size_t n = name.size() + value.size();
  make_room_for_bytes(n);
  char* dst = bytes_.get() + (write_pos_ - bytes_base_);
  if (!name.empty()) std::memcpy(dst, name.data(), name.size());
  if (!value.empty()) std::memcpy(dst + name.size(), value.data(), value.size());
  records_[next_seq_ & record_mask_] = {write_pos_, static_cast<uint32_t>(name.size()),
                                        static_cast<uint32_t>(value.size()), tag};
  write_pos_ += n;
  ++next_seq_;
  size_ += needed;
  return true;
}

void DynamicTable::make_room_for_bytes(size_t n) {
  if (write_pos_ - bytes_base_ + n <= bytes_size_) return;
  const uint64_t live_start = entries() > 0 ? records_[oldest_seq_ & record_mask_].pos : write_pos_;
  const size_t live = static_cast<size_t>(write_pos_ - live_start);
  // Compacting is amortized O(1) per byte only if it frees at least half the buffer; below
  // that, grow geometrically. Live bytes never exceed the capacity, which bounds the buffer
  // at twice the capacity.
  if (live + n > bytes_size_ / 2) {
    size_t fresh_size = std::max<size_t>({bytes_size_ * 2, (live + n) * 2, 256});
    fresh_size = std::min<size_t>(fresh_size, std::max<size_t>(2 * size_t{capacity_}, live + n));
    std::unique_ptr<char[]> fresh(new char[fresh_size]);
    if (live > 0) std::memcpy(fresh.get(), bytes_.get() + (live_start - bytes_base_), live);
    bytes_ = std::move(fresh);
    bytes_size_ = fresh_size;
  } else if (live > 0) {
    std::memmove(bytes_.get(), bytes_.get() + (live_start - bytes_base_), live);
  }
  bytes_base_ = live_start;
}

void DynamicTable::grow_records() {
  const size_t fresh_slots = record_slots_ == 0 ? 16 : record_slots_ * 2;
  std::unique_ptr<Record[]> fresh(new Record[fresh_slots]);
  const uint64_t fresh_mask = fresh_slots - 1;
  for (uint64_t seq = oldest_seq_; seq != next_seq_; ++seq) {
    fresh[seq & fresh_mask] = records_[seq & record_mask_];
  }
  records_ = std::move(fresh);
  record_slots_ = fresh_slots;
  record_mask_ = fresh_mask;
}

}  // namespace h2::hpack::detail
