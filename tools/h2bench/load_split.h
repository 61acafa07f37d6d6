#pragma once
// How -c clients and -n requests are shared out, as h2load does: threads get c / t clients
// each and the first c % t threads one more; clients get n / c requests each and the first
// n % c clients one more. Pure arithmetic so both the driver and the tests can rely on it.
#include <cstdint>

namespace h2bench {

// The share of `total` that part `index` of `parts` gets (the first total % parts get one more).
constexpr std::uint64_t share_of(std::uint64_t total, std::uint64_t parts, std::uint64_t index) {
  return total / parts + (index < total % parts ? 1 : 0);
}

// The first item of part `index` when `total` items are shared as share_of() does.
constexpr std::uint64_t first_of_share(std::uint64_t total, std::uint64_t parts,
                                       std::uint64_t index) {
  const std::uint64_t base = total / parts;
  const std::uint64_t extra = total % parts;
  return index * base + (index < extra ? index : extra);
}

}  // namespace h2bench
