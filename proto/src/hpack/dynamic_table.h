// The HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of (name, value) entries bounded by
// a capacity in "entry size" units (name + value + 32, §4.1).
//
// Storage is allocation-free in steady state: entry bytes live back to back in one buffer that
// is compacted (live bytes moved to the front) when the write position reaches its end, and
// entry records live in a power-of-two ring indexed by insertion sequence number. Both grow
// geometrically on demand and never beyond what the capacity can hold, so a large allowed
// capacity costs nothing until the peer actually fills it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace h2::hpack::detail {

// RFC 7541 §4.1: the size of an entry is its name and value lengths plus 32.
inline constexpr size_t kEntryOverhead = 32;

inline constexpr size_t entry_size(size_t name_size, size_t value_size) noexcept {
  return name_size + value_size + kEntryOverhead;
}

struct TableEntry {
  std::string_view name;
  std::string_view value;
  uint8_t tag = 0;  // what the owner stored with the entry (the decoder: its static name index)
};

class DynamicTable {
 public:
  explicit DynamicTable(uint32_t capacity) noexcept : capacity_(capacity) {}
  DynamicTable(DynamicTable&&) noexcept = default;
  DynamicTable& operator=(DynamicTable&&) noexcept = default;

  uint32_t capacity() const noexcept { return capacity_; }
  size_t size() const noexcept { return size_; }
  size_t entries() const noexcept { return static_cast<size_t>(next_seq_ - oldest_seq_); }
  // Grows with every insertion, eviction and capacity change (a sum of monotonic counts), so
  // equal values mean the table did not change in between.
  uint64_t changes() const noexcept { return next_seq_ + oldest_seq_ + capacity_sets_; }

  // §4.3: evicts the oldest entries until the table fits the new capacity.
  void set_capacity(uint32_t capacity) noexcept;

  // §4.4: evicts until (name, value) fits, then adds it as the newest entry. An entry larger
  // than the capacity empties the table and is not added (returns false). `name` and `value`
  // must not point into this table.
  bool insert(std::string_view name, std::string_view value, uint8_t tag = 0);

  // Entry by HPACK dynamic index: 1 is the newest (static index 62). Precondition:
  // 1 <= index <= entries().
  TableEntry at(size_t index) const noexcept { return by_seq(next_seq_ - index); }

  // Whether inserting `n` name+value bytes would move or free entry bytes (compaction or
  // growth). Otherwise entry bytes, evicted or not, stay where they are: new entries are
  // written after them, so views handed out earlier remain valid.
  bool insert_relocates(size_t n) const noexcept {
    return write_pos_ - bytes_base_ + n > bytes_size_;
  }
  // Whether `p` points into the entry storage.
  bool owns(const char* p) const noexcept {
    return bytes_ != nullptr && p >= bytes_.get() && p < bytes_.get() + bytes_size_;
  }

  // Sequence numbers: every inserted entry gets the next one (starting at 1); the live ones
  // are [oldest_seq(), next_seq()). Encoders key their indexes by them so eviction is O(1).
  uint64_t oldest_seq() const noexcept { return oldest_seq_; }
  uint64_t next_seq() const noexcept { return next_seq_; }
  TableEntry by_seq(uint64_t seq) const noexcept {
    const Record& r = records_[seq & record_mask_];
    const char* p = bytes_.get() + (r.pos - bytes_base_);
    return {{p, r.name_size}, {p + r.name_size, r.value_size}, r.tag};
  }
  // HPACK index (62 = newest) of a live sequence number.
  size_t index_of_seq(uint64_t seq) const noexcept { return static_cast<size_t>(next_seq_ - seq); }

 private:
  struct Record {
    uint64_t pos;  // absolute byte position of the name (see bytes_base_)
    uint32_t name_size;
    uint32_t value_size;
    uint8_t tag;
  };

  void evict_oldest() noexcept;
  void make_room_for_bytes(size_t n);
  void grow_records();

  uint32_t capacity_;
  size_t size_ = 0;
  uint64_t oldest_seq_ = 1;
  uint64_t next_seq_ = 1;
  uint64_t capacity_sets_ = 0;

  std::unique_ptr<Record[]> records_;
  uint64_t record_mask_ = 0;  // ring size - 1 (ring size 0 before the first insert)
  size_t record_slots_ = 0;

  // Entry bytes. Positions are absolute (they only grow); bytes_[i] holds position
  // bytes_base_ + i. Compaction moves bytes and bytes_base_, never the records.
  std::unique_ptr<char[]> bytes_;
  size_t bytes_size_ = 0;
  uint64_t bytes_base_ = 0;
  uint64_t write_pos_ = 0;
};

}  // namespace h2::hpack::detail
