// Owned copies of header lists for messages that cross threads (threaded actors) or wait in
// a queue (requests held by MAX_CONCURRENT_STREAMS). One contiguous string per list:
//   per field: u32 name length, u32 value length, u8 never_indexed, name bytes, value bytes
// Decoding gives views into the string, so a list costs one allocation however many fields.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "h2/header.h"

namespace h2engine {

inline void append_header_blob(std::string& out, h2::HeaderList headers) {
  size_t need = 0;
  for (const h2::Header& h : headers) need += 9 + h.name.size() + h.value.size();
  size_t at = out.size();
  out.resize(at + need);
  char* p = out.data() + at;
  for (const h2::Header& h : headers) {
    uint32_t n = static_cast<uint32_t>(h.name.size()), v = static_cast<uint32_t>(h.value.size());
    std::memcpy(p, &n, 4);
    std::memcpy(p + 4, &v, 4);
    p[8] = h.never_indexed ? 1 : 0;
    p += 9;
    if (n) std::memcpy(p, h.name.data(), n);
    p += n;
    if (v) std::memcpy(p, h.value.data(), v);
    p += v;
  }
}

inline std::string header_blob(h2::HeaderList headers) {
  std::string s;
  append_header_blob(s, headers);
  return s;
}

// Decodes the fields of `blob` into `out` (cleared first); the views point into `blob`.
inline void decode_header_blob(std::string_view blob, std::vector<h2::Header>& out) {
  out.clear();
  const char* p = blob.data();
  const char* end = p + blob.size();
  while (end - p >= 9) {
    uint32_t n, v;
    std::memcpy(&n, p, 4);
    std::memcpy(&v, p + 4, 4);
    bool never = p[8] != 0;
    p += 9;
    if (static_cast<size_t>(end - p) < size_t{n} + v) break;  // never happens: we wrote it
    out.push_back(h2::Header{std::string_view(p, n), std::string_view(p + n, v), never});
    p += n + v;
  }
}

}  // namespace h2engine
