// The last outbound header list a connection encoded, with its HPACK block, so a list that
// repeats skips normalization, validation and encoding. Load generators send the same request
// on every stream and servers often answer alike; after the first blocks have put every field
// in the dynamic table, encoding such a list changes nothing and gives the same bytes each time.
//
// A hit is exact, not a heuristic: it needs the same fields (names, values, never-indexed marks)
// in the same order, the same validation flags and configuration bits, and an encoder whose
// state_generation() is still the one the remembered encoding started and ended at (so the
// encoding changed no state, and no state changed since). Normalization and validation are
// pure functions of those inputs, and so is the encoder's output for an unchanged table.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "bytes_equal.h"
#include "h2/byte_buffer.h"
#include "h2/header.h"
#include "h2/header_rules.h"

namespace h2 {

class HeaderBlockMemo {
 public:
  // Everything besides the fields that shapes the block: validation flags and the
  // configuration's outbound switches, packed.
  static uint32_t key(const HeaderValidationFlags& f, bool normalize, bool split_cookies,
                      bool validate) noexcept {
    return uint32_t{f.is_client} | uint32_t{f.is_trailer} << 1 |
           uint32_t{f.is_response_header} << 2 | uint32_t{f.is_push_promise} << 3 |
           uint32_t{normalize} << 4 | uint32_t{split_cookies} << 5 | uint32_t{validate} << 6;
  }

  // The remembered block, when `headers` under `key` at `generation` is what was remembered.
  const ByteBuffer* find(HeaderList headers, uint32_t key, uint64_t generation) const noexcept {
    if (!valid_ || key != key_ || generation != generation_ || headers.size() != count_)
      return nullptr;
    const char* p = fields_.data();
    const char* const end = p + fields_.size();
    for (const Header& h : headers) {
      // Per field: never-indexed byte, name length, value length (4 bytes each), the bytes.
      if (static_cast<size_t>(end - p) < 9) return nullptr;
      uint32_t name_len, value_len;
      std::memcpy(&name_len, p + 1, 4);
      std::memcpy(&value_len, p + 5, 4);
      if (static_cast<bool>(p[0]) != h.never_indexed || name_len != h.name.size() ||
          value_len != h.value.size())
        return nullptr;
      p += 9;
      if (static_cast<size_t>(end - p) < size_t{name_len} + value_len) return nullptr;
      // Inline word compares: a library memcmp call per name and value cost more than the
      // comparing itself (ten calls for a typical request).
      if (!detail::same_bytes(p, h.name.data(), name_len)) return nullptr;
      p += name_len;
      if (!detail::same_bytes(p, h.value.data(), value_len)) return nullptr;
      p += value_len;
    }
    return &block_;
  }

  void remember(HeaderList headers, uint32_t key, uint64_t generation, Bytes block) {
    fields_.clear();
    for (const Header& h : headers) {
      char head[9];
      head[0] = static_cast<char>(h.never_indexed);
      const auto name_len = static_cast<uint32_t>(h.name.size());
      const auto value_len = static_cast<uint32_t>(h.value.size());
      std::memcpy(head + 1, &name_len, 4);
      std::memcpy(head + 5, &value_len, 4);
      fields_.append(head, 9);
      fields_.append(h.name);
      fields_.append(h.value);
    }
    count_ = headers.size();
    key_ = key;
    generation_ = generation;
    block_.clear();
    block_.append(block);
    valid_ = true;
  }

  void forget() noexcept { valid_ = false; }

 private:
  std::string fields_;
  ByteBuffer block_;
  size_t count_ = 0;
  uint64_t generation_ = 0;
  uint32_t key_ = 0;
  bool valid_ = false;
};

}  // namespace h2
