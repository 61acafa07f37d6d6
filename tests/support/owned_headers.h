// Random helpers and owned header lists for tests that generate traffic (the client/server
// property test and the nghttp2 differential test): events carry views that die with the next
// receive_data, so what a test compares later must be owned.
#pragma once

#include <cstddef>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "h2/header.h"

namespace h2test {

using Rng = std::mt19937;

inline size_t pick(Rng& rng, size_t lo, size_t hi) {  // inclusive
  return std::uniform_int_distribution<size_t>(lo, hi)(rng);
}
inline bool chance(Rng& rng, unsigned one_in) {
  return pick(rng, 1, one_in) == 1;
}

inline std::string lower(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

// A header name: lowercase letters, digits, '-' and '_'.
inline std::string random_token(Rng& rng, size_t lo, size_t hi) {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string s(pick(rng, lo, hi), 'a');
  for (char& ch : s) ch = kChars[pick(rng, 0, kChars.size() - 1)];
  return s;
}

// A value that is valid once stripped: visible ASCII with spaces and tabs anywhere (also at
// the ends), and some bytes >= 0x80.
inline std::string random_value(Rng& rng, size_t lo, size_t hi) {
  std::string s(pick(rng, lo, hi), 'x');
  for (char& ch : s) {
    const size_t k = pick(rng, 0, 40);
    if (k == 0) {
      ch = ' ';
    } else if (k == 1) {
      ch = '\t';
    } else if (k == 2) {
      ch = static_cast<char>(pick(rng, 0x80, 0xff));
    } else {
      ch = static_cast<char>(pick(rng, 0x21, 0x7e));
    }
  }
  return s;
}

struct OwnedHeader {
  std::string name;
  std::string value;
  bool never_indexed = false;
  friend bool operator==(const OwnedHeader&, const OwnedHeader&) = default;
};
using Owned = std::vector<OwnedHeader>;

inline std::ostream& operator<<(std::ostream& os, const OwnedHeader& h) {
  return os << "(" << h.name << ": " << h.value << (h.never_indexed ? " [NI]" : "") << ")";
}

inline Owned own(h2::HeaderList headers) {
  Owned out;
  for (const h2::Header& h : headers)
    out.push_back({std::string(h.name), std::string(h.value), h.never_indexed});
  return out;
}

inline std::vector<h2::Header> view(const Owned& headers) {
  std::vector<h2::Header> out;
  for (const OwnedHeader& h : headers) out.push_back({h.name, h.value, h.never_indexed});
  return out;
}

}  // namespace h2test
