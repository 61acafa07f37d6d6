// Random helpers and owned header lists for tests that generate traffic (the client/server
// property test and the nghttp2 differential test): events carry views that die with the next
// receive_data, so what a test compares later must be owned.
#pragma once

#include <cstddef>
#include <ostream>
#include <random>
#include <string>
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
