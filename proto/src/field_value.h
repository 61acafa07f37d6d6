// The character rule of RFC 9113 §8.2.1 on a field value: no NUL, CR or LF anywhere, no SP or
// HTAB at either end. Shared by the inbound header rules and the HPACK decoder, which checks a
// value once when it enters the dynamic table so that every later reference to the entry is
// known to pass (the rule depends on the bytes alone).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bytes_equal.h"

namespace h2::field_value {

// True if any byte of `w` is zero (the classic SWAR test).
constexpr bool word_has_zero_byte(uint64_t w) noexcept {
  return ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) != 0;
}

// Whether the word has a byte below 0x0e (NUL, LF and CR all are): one test that a
// HTAB-free value never passes, before the exact ones.
constexpr bool word_may_have_nul_cr_lf(uint64_t w) noexcept {
  return ((w - 0x0e0e0e0e0e0e0e0eull) & ~w & 0x8080808080808080ull) != 0;
}
constexpr bool word_has_nul_cr_lf(uint64_t w) noexcept {
  return word_has_zero_byte(w) || word_has_zero_byte(w ^ 0x0a0a0a0a0a0a0a0aull) ||
         word_has_zero_byte(w ^ 0x0d0d0d0d0d0d0d0dull);
}
inline bool word_has_nul_cr_lf_fast(uint64_t w) noexcept {
  return word_may_have_nul_cr_lf(w) && word_has_nul_cr_lf(w);
}

// The bytes of p[0..n) as one word, n < 8, the missing high bytes set to `fill`. (n >= 4: two
// overlapping loads; the scans only ask whether *some* byte has a property, so a byte seen
// twice changes nothing.)
inline uint64_t load_short(const char* p, size_t n, uint64_t fill) noexcept {
  if (n >= 4) {
    const uint64_t lo = detail::load_u32(p);
    const uint64_t hi = detail::load_u32(p + n - 4);
    return lo | (hi << 32);
  }
  uint64_t w = fill;
  for (size_t i = 0; i < n; ++i) {
    w &= ~(uint64_t{0xff} << (8 * i));
    w |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  }
  return w;
}

#if defined(__SSE2__)
// Sixteen bytes per step: a byte at most 0x0d (min(b, 0x0d) == b) is rare in values (HTAB is
// one), so the exact NUL/LF/CR compares run only for a chunk that has one.
inline bool chunk_has_nul_cr_lf(__m128i v) noexcept {
  const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x0d)), v);
  if (_mm_movemask_epi8(low) == 0) [[likely]]
    return false;
  const __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_setzero_si128()), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0a))),
      _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0d)));
  return _mm_movemask_epi8(hit) != 0;
}
#endif

// Whether `value` contains NUL, LF or CR.
inline bool has_nul_cr_lf(std::string_view value) noexcept {
  const size_t n = value.size();
  const char* p = value.data();
  if (n < 8) return word_has_nul_cr_lf_fast(load_short(p, n, 0x2020202020202020ull));
#if defined(__SSE2__)
  if (n >= 16) {
    for (size_t i = 0; i + 16 < n; i += 16)
      if (chunk_has_nul_cr_lf(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i))))
          [[unlikely]]
        return true;
    // The last 16, maybe overlapping.
    return chunk_has_nul_cr_lf(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)));
  }
  // 8..15 bytes: two overlapping words.
  return word_has_nul_cr_lf_fast(detail::load_u64(p)) ||
         word_has_nul_cr_lf_fast(detail::load_u64(p + n - 8));
#else
  for (size_t i = 0; i + 8 < n; i += 8)
    if (word_has_nul_cr_lf_fast(detail::load_u64(p + i))) [[unlikely]]
      return true;
  return word_has_nul_cr_lf_fast(detail::load_u64(p + n - 8));  // the last 8, maybe overlapping
#endif
}

inline bool is_space_or_tab(char c) noexcept {
  return c == ' ' || c == '\t';
}

// The whole rule: true when `value` passes (the empty value does).
inline bool passes_character_rule(std::string_view value) noexcept {
  if (value.empty()) return true;
  return !is_space_or_tab(value.front()) && !is_space_or_tab(value.back()) && !has_nul_cr_lf(value);
}

}  // namespace h2::field_value
