#include "field_name.h"

#include "bytes_equal.h"

#include <array>
#include <cstring>

namespace h2::field_name {
namespace {

struct Named {
  std::string_view name;
  Token token;
};

constexpr std::array<Named, 6> kExtra = {{{"te", kTe},
                                          {":protocol", kProtocol},
                                          {"connection", kConnection},
                                          {"keep-alive", kKeepAlive},
                                          {"proxy-connection", kProxyConnection},
                                          {"upgrade", kUpgrade}}};

// A direct-mapped table keyed by length, first and last byte, collision-free for the known
// names (checked at compile time): a name costs one hash and one word-wise compare against
// the bytes stored in its slot.
constexpr size_t kMaxLength = 32;
constexpr size_t kBuckets = 256;

constexpr size_t bucket_of(std::string_view name) noexcept {
  const auto first = static_cast<unsigned char>(name.front());
  const auto last = static_cast<unsigned char>(name.back());
  return (name.size() + first * 16 + last * 8) & (kBuckets - 1);
}

struct Slot {
  uint8_t length = 0;  // 0: empty
  Token token = kOther;
  char text[kMaxLength] = {};
};

struct Table {
  std::array<Slot, kBuckets> slots{};
  bool fits = true;
};

constexpr Table build() {
  Table t;
  auto add = [&](std::string_view name, Token token) {
    Slot& slot = t.slots[bucket_of(name)];
    if (slot.length != 0 || name.size() >= kMaxLength) {
      t.fits = false;
      return;
    }
    slot.length = static_cast<uint8_t>(name.size());
    slot.token = token;
    for (size_t i = 0; i < name.size(); ++i) slot.text[i] = name[i];
  };
  const auto& table = hpack::detail::kStaticTable;
  for (size_t i = 1; i <= hpack::detail::kStaticTableSize; ++i)
    if (table[i].name != table[i - 1].name) add(table[i].name, static_cast<Token>(i));
  for (const Named& e : kExtra) add(e.name, e.token);
  return t;
}

constexpr Table kTable = build();
static_assert(kTable.fits, "field-name table: two names share a slot; change bucket_of");

}  // namespace

Token classify(std::string_view name) noexcept {
  const size_t n = name.size();
  if (n == 0 || n >= kMaxLength) return kOther;
  const Slot& slot = kTable.slots[bucket_of(name)];
  if (slot.length == n && detail::same_bytes(slot.text, name.data(), n)) return slot.token;
  return kOther;
}

}  // namespace h2::field_name
