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
#include <vector>

#include "bytes_equal.h"
#include "h2/byte_buffer.h"
#include "h2/header.h"
#include "h2/header_rules.h"
#include "memo_policy.h"

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
  const ByteBuffer* find(HeaderList headers, uint32_t key, uint64_t generation) noexcept {
    if (!valid_ || !policy_.worth_looking()) return nullptr;
    const ByteBuffer* found = lookup(headers, key, generation);
    policy_.looked(found != nullptr);
    return found;
  }

  // Keeps `headers` and their block, unless RememberPolicy says the copy would not pay (lists
  // have not been repeating): then the memo keeps what it has, which stays correct.
  void remember(HeaderList headers, uint32_t key, uint64_t generation, Bytes block) {
    if (!policy_.worth_remembering()) return;
    bytes_.clear();
    shapes_.clear();
    for (const Header& h : headers) {
      if (h.name.size() > UINT32_MAX || h.value.size() > UINT32_MAX) {
        valid_ = false;  // not worth remembering; lookup() compares 32-bit lengths
        return;
      }
      shapes_.push_back({static_cast<uint32_t>(h.name.size()),
                         static_cast<uint32_t>(h.value.size()), h.never_indexed});
      bytes_.append(h.name);
      bytes_.append(h.value);
    }
    key_ = key;
    generation_ = generation;
    block_.clear();
    block_.append(block);
    valid_ = true;
  }

  void forget() noexcept { valid_ = false; }

 private:
  const ByteBuffer* lookup(HeaderList headers, uint32_t key, uint64_t generation) const noexcept {
    if (key != key_ || generation != generation_ || headers.size() != shapes_.size())
      return nullptr;
    // bytes_ holds exactly the lengths in shapes_: equal lengths keep every read in bounds.
    const char* p = bytes_.data();
    const Shape* shape = shapes_.data();
    for (const Header& h : headers) {
      const uint64_t lengths_differ = (uint64_t{shape->name_len} ^ h.name.size()) |
                                      (uint64_t{shape->value_len} ^ h.value.size());
      if (lengths_differ != 0 || shape->never_indexed != h.never_indexed) return nullptr;
      // Inline word compares: a library memcmp call per name and value cost more than the
      // comparing itself (ten calls for a typical request).
      if (!detail::same_bytes(p, h.name.data(), shape->name_len)) return nullptr;
      p += shape->name_len;
      if (!detail::same_bytes(p, h.value.data(), shape->value_len)) return nullptr;
      p += shape->value_len;
      ++shape;
    }
    return &block_;
  }

  struct Shape {
    uint32_t name_len;
    uint32_t value_len;
    bool never_indexed;
  };
  std::vector<Shape> shapes_;  // per field, in order
  std::string bytes_;          // every name and value, in order, back to back
  ByteBuffer block_;
  uint64_t generation_ = 0;
  uint32_t key_ = 0;
  bool valid_ = false;
  RememberPolicy policy_;
};

}  // namespace h2
