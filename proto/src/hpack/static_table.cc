#include "hpack/static_table.h"

#include "bytes_equal.h"

namespace h2::hpack::detail {
namespace {

// Open addressing over the distinct static names; 128 slots for 52 names keeps probes short.
constexpr size_t kSlots = 128;

struct NameIndex {
  std::array<StaticNameRange, kSlots> slots{};
};

constexpr NameIndex build_name_index() {
  NameIndex index;
  for (size_t i = 1; i <= kStaticTableSize; ++i) {
    const std::string_view name = kStaticTable[i].name;
    if (kStaticTable[i - 1].name == name) continue;  // not the first of its range
    uint8_t count = 1;
    while (i + count <= kStaticTableSize && kStaticTable[i + count].name == name) ++count;
    size_t slot = hash_string(name) & (kSlots - 1);
    while (index.slots[slot].first != 0) slot = (slot + 1) & (kSlots - 1);
    index.slots[slot] = {static_cast<uint8_t>(i), count};
  }
  return index;
}

constexpr NameIndex kNameIndex = build_name_index();

}  // namespace

StaticNameRange find_static_name(std::string_view name, uint32_t name_hash) noexcept {
  size_t slot = name_hash & (kSlots - 1);
  for (;;) {
    const StaticNameRange range = kNameIndex.slots[slot];
    if (range.first == 0) return range;
    if (h2::detail::bytes_equal(kStaticTable[range.first].name, name)) return range;
    slot = (slot + 1) & (kSlots - 1);
  }
}

}  // namespace h2::hpack::detail
