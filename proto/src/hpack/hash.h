// A fast non-cryptographic string hash for the encoder's table lookups (static and dynamic).
// constexpr so the static-table index is built at compile time.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace h2::hpack::detail {

inline constexpr uint64_t kHashMultiplier = 0x9e3779b97f4a7c15ull;

constexpr uint64_t load_le(std::string_view s, size_t pos, size_t n) noexcept {
  if (!std::is_constant_evaluated() && n == 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + pos, 8);
    // Must agree with the constexpr path, which built the static-table index.
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= static_cast<uint64_t>(static_cast<uint8_t>(s[pos + i])) << (8 * i);
  return v;
}

constexpr uint64_t hash_round(uint64_t h, uint64_t word) noexcept {
  h = (h ^ word) * kHashMultiplier;
  return (h << 31) | (h >> 33);
}

// Hashes `s`, chained from `seed` (hash a name, then its value seeded with the name's hash).
constexpr uint32_t hash_string(std::string_view s, uint32_t seed = 0) noexcept {
  const size_t n = s.size();
  uint64_t h = (static_cast<uint64_t>(seed) << 32 | n) * kHashMultiplier;
  size_t i = 0;
  if (n >= 32) {
    // Four independent lanes: long values (user-agent, accept, cookie) hash at the
    // multiplier's throughput rather than its latency.
    uint64_t a = h, b = h ^ 0x5bd1e995u, c = h + kHashMultiplier, d = ~h;
    for (; i + 32 <= n; i += 32) {
      a = hash_round(a, load_le(s, i, 8));
      b = hash_round(b, load_le(s, i + 8, 8));
      c = hash_round(c, load_le(s, i + 16, 8));
      d = hash_round(d, load_le(s, i + 24, 8));
    }
    h = hash_round(hash_round(hash_round(a, b), c), d);
  }
  for (; i + 8 <= n; i += 8) h = hash_round(h, load_le(s, i, 8));
  if (i < n) {
    // The last 1..7 bytes; when the string is long enough, reread them as one 8-byte word.
    h = hash_round(h, n >= 8 ? load_le(s, n - 8, 8) : load_le(s, i, n - i));
  }
  h ^= h >> 32;
  h *= kHashMultiplier;
  h ^= h >> 29;
  return static_cast<uint32_t>(h >> 32);
}

}  // namespace h2::hpack::detail
