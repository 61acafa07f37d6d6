// Stream id → object map for the live streams of one connection.
//
// Open addressing with linear probing and backward-shift deletion: no allocation per insert
// once the table has grown to the connection's working set, and lookups touch one or two
// cache lines. Stream ids of one parity arrive in increasing order, which Fibonacci hashing
// spreads well.
#pragma once

#include <cstdint>
#include <vector>

namespace h2 {

template <typename T>
class StreamMap {
 public:
  T* find(uint32_t id) const noexcept {
    if (keys_.empty()) return nullptr;
    for (size_t i = home(id);; i = (i + 1) & mask_) {
      if (keys_[i] == id) return values_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }

  // `id` must not be present and must be non-zero.
  void insert(uint32_t id, T* value) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    size_t i = home(id);
    while (keys_[i] != 0) i = (i + 1) & mask_;
    keys_[i] = id;
    values_[i] = value;
    ++size_;
  }

  void erase(uint32_t id) noexcept {
    if (keys_.empty()) return;
    size_t i = home(id);
    while (keys_[i] != id) {
      if (keys_[i] == 0) return;
      i = (i + 1) & mask_;
    }
    // Backward-shift: pull later members of the probe run into the hole.
    for (size_t j = (i + 1) & mask_; keys_[j] != 0; j = (j + 1) & mask_) {
      const size_t h = home(keys_[j]);
      // Move j into i if its home is not cyclically within (i, j].
      if (((j - h) & mask_) >= ((j - i) & mask_)) {
        keys_[i] = keys_[j];
        values_[i] = values_[j];
        i = j;
      }
    }
    keys_[i] = 0;
    values_[i] = nullptr;
    --size_;
  }

  size_t size() const noexcept { return size_; }

  template <typename F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != 0) f(keys_[i], values_[i]);
  }

 private:
  size_t home(uint32_t id) const noexcept { return (id * 2654435769u) >> shift_; }

  void grow() {
    std::vector<uint32_t> old_keys = std::move(keys_);
    std::vector<T*> old_values = std::move(values_);
    const size_t capacity = old_keys.empty() ? 16 : old_keys.size() * 2;
    keys_.assign(capacity, 0);
    values_.assign(capacity, nullptr);
    mask_ = capacity - 1;
    shift_ = 32 - static_cast<unsigned>(__builtin_ctzll(capacity));
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i)
      if (old_keys[i] != 0) insert(old_keys[i], old_values[i]);
  }

  std::vector<uint32_t> keys_;
  std::vector<T*> values_;
  size_t size_ = 0;
  size_t mask_ = 0;
  unsigned shift_ = 32;
};

}  // namespace h2
