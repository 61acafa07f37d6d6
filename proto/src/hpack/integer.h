// HPACK integer representation (RFC 7541 §5.1): an N-bit prefix, then 7-bit groups.
#pragma once

#include <cstddef>
#include <cstdint>

namespace h2::hpack::detail {

// Longest encoding of a 32-bit value: the prefix byte plus five 7-bit groups.
inline constexpr size_t kMaxIntegerBytes = 6;

// Writes `value` with a `prefix_bits`-bit prefix (1..8); `flags` fills the bits above the
// prefix in the first byte. Returns the end of what was written (at most kMaxIntegerBytes).
inline uint8_t* encode_integer(uint8_t* out, uint8_t flags, unsigned prefix_bits,
                               uint32_t value) noexcept {
  const uint32_t max_prefix = (1u << prefix_bits) - 1;
  if (value < max_prefix) {
    *out++ = static_cast<uint8_t>(flags | value);
    return out;
  }
  *out++ = static_cast<uint8_t>(flags | max_prefix);
  value -= max_prefix;
  while (value >= 0x80) {
    *out++ = static_cast<uint8_t>(0x80 | (value & 0x7f));
    value >>= 7;
  }
  *out++ = static_cast<uint8_t>(value);
  return out;
}

inline constexpr size_t encoded_integer_size(unsigned prefix_bits, uint32_t value) noexcept {
  const uint32_t max_prefix = (1u << prefix_bits) - 1;
  if (value < max_prefix) return 1;
  value -= max_prefix;
  size_t n = 2;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

enum class IntegerStatus : uint8_t { kOk, kTruncated, kOverflow };

// Reads an integer whose prefix is the low `prefix_bits` of *p (precondition: p < end) and
// advances p past it. Values above 2^32-1 and encodings longer than kMaxIntegerBytes are
// rejected: RFC 7541 §5.1 lets a decoder refuse "excessively large" integers, and nothing in
// HTTP/2 needs more than 32 bits.
inline IntegerStatus decode_integer(const uint8_t*& p, const uint8_t* end, unsigned prefix_bits,
                                    uint32_t& value) noexcept {
  const uint32_t max_prefix = (1u << prefix_bits) - 1;
  const uint32_t first = *p++ & max_prefix;
  if (first < max_prefix) {
    value = first;
    return IntegerStatus::kOk;
  }
  uint64_t acc = first;
  unsigned shift = 0;
  for (size_t i = 1; i < kMaxIntegerBytes; ++i) {
    if (p == end) return IntegerStatus::kTruncated;
    const uint8_t b = *p++;
    acc += static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      if (acc > UINT32_MAX) return IntegerStatus::kOverflow;
      value = static_cast<uint32_t>(acc);
      return IntegerStatus::kOk;
    }
    shift += 7;
  }
  return IntegerStatus::kOverflow;
}

}  // namespace h2::hpack::detail
