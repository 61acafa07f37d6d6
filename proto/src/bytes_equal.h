// Equality of short strings (header names and values) with word loads. std::string_view's
// operator== calls the library memcmp, whose call and dispatch cost more than the comparison
// itself for strings of a few dozen bytes, which is what the hot paths compare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace h2::detail {

inline uint64_t load_u64(const char* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t load_u32(const char* p) noexcept {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// a[0..n) == b[0..n).
// Always inlined: the call costs as much as a short compare, and large callers stop inlining it.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, size_t n) noexcept {
#if defined(__SSE2__)
  if (n >= 16) {
    // Sixteen bytes per step, differences accumulated, the last 16 maybe overlapping: the
    // long values (user-agent, accept, cookies) the encoder compares on every request.
    __m128i diff = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + n - 16)),
                                 _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + n - 16)));
    for (size_t i = 0; i + 16 < n; i += 16)
      diff = _mm_or_si128(diff,
                          _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)),
                                        _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xffff;
  }
#endif
  if (n >= 8) {
    // Differences accumulated without a branch per word: equal is the common answer.
    uint64_t diff = load_u64(a + n - 8) ^ load_u64(b + n - 8);
    for (size_t i = 0; i + 8 < n; i += 8) diff |= load_u64(a + i) ^ load_u64(b + i);
    return diff == 0;
  }
  if (n >= 4) return load_u32(a) == load_u32(b) && load_u32(a + n - 4) == load_u32(b + n - 4);
  // 1 to 3 bytes (methods, schemes, "/", status codes): first, middle and last cover them.
  if (n == 0) return true;
  return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

inline bool bytes_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

}  // namespace h2::detail
