// A growable byte buffer for serialized output (frames, HPACK blocks).
//
// Unlike std::vector<uint8_t>, growing does not zero-fill: writers reserve space with
// `extend(n)` and fill it themselves, which keeps serialization of large DATA payloads
// to a single memcpy. `clear()` keeps the capacity so steady-state use allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

namespace h2 {

using Bytes = std::span<const uint8_t>;

inline Bytes as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_string_view(Bytes b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(size_t capacity) { reserve(capacity); }
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = other.capacity_ = 0;
  }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = other.capacity_ = 0;
    return *this;
  }
  ByteBuffer(const ByteBuffer& other) { append(other.view()); }
  ByteBuffer& operator=(const ByteBuffer& other) {
    if (this != &other) {
      clear();
      append(other.view());
    }
    return *this;
  }

  const uint8_t* data() const noexcept { return data_.get(); }
  uint8_t* data() noexcept { return data_.get(); }
  size_t size() const noexcept { return size_; }
  size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  Bytes view() const noexcept { return {data_.get(), size_}; }
  std::string_view string_view() const noexcept { return as_string_view(view()); }
  uint8_t operator[](size_t i) const noexcept { return data_[i]; }

  void clear() noexcept { size_ = 0; }
  void reserve(size_t capacity) {
    if (capacity > capacity_) reallocate(capacity);
  }
  // Appends `n` uninitialized bytes and returns a pointer to them.
  uint8_t* extend(size_t n) {
    if (capacity_ - size_ < n) grow(n);
    uint8_t* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  // Drops the last `n` bytes (n <= size()).
  void shrink_by(size_t n) noexcept { size_ -= n; }
  // Removes the first `n` bytes (n <= size()), keeping the rest in order.
  void consume(size_t n) noexcept {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  void push_back(uint8_t b) { *extend(1) = b; }
  void append(Bytes bytes) {
    if (bytes.empty()) return;
    std::memcpy(extend(bytes.size()), bytes.data(), bytes.size());
  }
  void append(std::string_view s) { append(as_bytes(s)); }

 private:
  void grow(size_t n) {
    size_t want = capacity_ ? capacity_ * 2 : 256;
    if (want < size_ + n) want = size_ + n;
    reallocate(want);
  }
  void reallocate(size_t capacity) {
    std::unique_ptr<uint8_t[]> fresh(new uint8_t[capacity]);
    if (size_) std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = capacity;
  }

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace h2
