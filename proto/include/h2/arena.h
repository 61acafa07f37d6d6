// Scratch memory for strings (decoded header fields, normalized outbound headers), reused
// batch after batch.
//
// Strings are carved from a list of chunks that are kept across reset(): views handed out stay
// valid until the next reset() (a chunk never moves), and once the chunks are big enough for
// the workload, decoding allocates nothing.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace h2 {

class Arena {
 public:
  // Returns `n` bytes valid until reset().
  char* allocate(size_t n) {
    if (n > available_) [[unlikely]]
      next_chunk(n);
    char* p = cursor_;
    cursor_ += n;
    available_ -= n;
    return p;
  }
  // Gives back the unused tail of the last allocation (`n` <= its size).
  void unallocate(size_t n) noexcept {
    cursor_ -= n;
    available_ += n;
  }
  // Copies `s` into the arena.
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  void reset() noexcept {
    current_ = 0;
    if (chunks_.empty()) {
      cursor_ = nullptr;
      available_ = 0;
    } else {
      cursor_ = chunks_[0].data.get();
      available_ = chunks_[0].size;
    }
  }

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  void next_chunk(size_t n);

  std::vector<Chunk> chunks_;
  size_t current_ = 0;
  char* cursor_ = nullptr;
  size_t available_ = 0;
};

}  // namespace h2
