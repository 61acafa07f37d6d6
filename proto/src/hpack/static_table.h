// The HPACK static table (RFC 7541 Appendix A) and a name index over it for encoders.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bytes_equal.h"
#include "hpack/hash.h"

namespace h2::hpack::detail {

struct StaticEntry {
  std::string_view name;
  std::string_view value;
};

inline constexpr size_t kStaticTableSize = 61;

// Index 0 is unused so the array is indexed like the RFC (1..61).
inline constexpr std::array<StaticEntry, kStaticTableSize + 1> kStaticTable = {{
    {"", ""},
    {":authority", ""},
    {":method", "GET"},
    {":method", "POST"},
    {":path", "/"},
    {":path", "/index.html"},
    {":scheme", "http"},
    {":scheme", "https"},
    {":status", "200"},
    {":status", "204"},
    {":status", "206"},
    {":status", "304"},
    {":status", "400"},
    {":status", "404"},
    {":status", "500"},
    {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"},
    {"accept-language", ""},
    {"accept-ranges", ""},
    {"accept", ""},
    {"access-control-allow-origin", ""},
    {"age", ""},
    {"allow", ""},
    {"authorization", ""},
    {"cache-control", ""},
    {"content-disposition", ""},
    {"content-encoding", ""},
    {"content-language", ""},
    {"content-length", ""},
    {"content-location", ""},
    {"content-range", ""},
    {"content-type", ""},
    {"cookie", ""},
    {"date", ""},
    {"etag", ""},
    {"expect", ""},
    {"expires", ""},
    {"from", ""},
    {"host", ""},
    {"if-match", ""},
    {"if-modified-since", ""},
    {"if-none-match", ""},
    {"if-range", ""},
    {"if-unmodified-since", ""},
    {"last-modified", ""},
    {"link", ""},
    {"location", ""},
    {"max-forwards", ""},
    {"proxy-authenticate", ""},
    {"proxy-authorization", ""},
    {"range", ""},
    {"referer", ""},
    {"refresh", ""},
    {"retry-after", ""},
    {"server", ""},
    {"set-cookie", ""},
    {"strict-transport-security", ""},
    {"transfer-encoding", ""},
    {"user-agent", ""},
    {"vary", ""},
    {"via", ""},
    {"www-authenticate", ""},
}};

// Static indices sharing one name are consecutive; `first` is 0 when the name is absent.
struct StaticNameRange {
  uint8_t first = 0;
  uint8_t count = 0;
};

// For each static index, how many consecutive entries from it share its name.
inline constexpr std::array<uint8_t, kStaticTableSize + 1> kStaticNameRun = [] {
  std::array<uint8_t, kStaticTableSize + 1> runs{};
  for (size_t i = kStaticTableSize; i >= 1; --i)
    runs[i] = static_cast<uint8_t>(
        i < kStaticTableSize && kStaticTable[i + 1].name == kStaticTable[i].name ? runs[i + 1] + 1
                                                                                 : 1);
  return runs;
}();

// For each static index, the index of the first entry with the same name.
inline constexpr std::array<uint8_t, kStaticTableSize + 1> kStaticNameFirst = [] {
  std::array<uint8_t, kStaticTableSize + 1> first{};
  for (size_t i = 1; i <= kStaticTableSize; ++i)
    first[i] = static_cast<uint8_t>(kStaticTable[i - 1].name == kStaticTable[i].name ? first[i - 1]
                                                                                     : i);
  return first;
}();

// For each static index that starts a name's range, the longest value in the range: a longer
// value cannot be a static field, so encoders skip the lookup (most ranges hold one empty
// value).
inline constexpr std::array<uint8_t, kStaticTableSize + 1> kStaticValueMax = [] {
  std::array<uint8_t, kStaticTableSize + 1> longest{};
  for (size_t i = 1; i <= kStaticTableSize; ++i) {
    const size_t first = kStaticNameFirst[i];
    longest[first] = std::max<uint8_t>(longest[first],
                                       static_cast<uint8_t>(kStaticTable[i].value.size()));
  }
  return longest;
}();

// hash_string of each static entry's name, so callers that know a name's static index need
// not hash it.
inline constexpr std::array<uint32_t, kStaticTableSize + 1> kStaticNameHash = [] {
  std::array<uint32_t, kStaticTableSize + 1> hashes{};
  for (size_t i = 1; i <= kStaticTableSize; ++i) hashes[i] = hash_string(kStaticTable[i].name);
  return hashes;
}();

// The range of names starting at static index `first` ({0, 0} for 0 or above 61).
constexpr StaticNameRange static_name_range(size_t first) noexcept {
  if (first == 0 || first > kStaticTableSize) return {};
  return {static_cast<uint8_t>(first), kStaticNameRun[first]};
}

// `name_hash` must be hash_string(name).
StaticNameRange find_static_name(std::string_view name, uint32_t name_hash) noexcept;

// The static index of (name, value), or 0. Inline: the default encoder asks for every field
// whose value is short enough to be a static one.
inline size_t find_static_field(StaticNameRange range, std::string_view value) noexcept {
  const size_t end = size_t{range.first} + range.count;
  for (size_t i = range.first; i < end; ++i) {
    const std::string_view v = kStaticTable[i].value;
    if (v.size() == value.size() && h2::detail::same_bytes(v.data(), value.data(), v.size()))
      return i;
  }
  return 0;
}

}  // namespace h2::hpack::detail
