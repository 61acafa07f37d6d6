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

// A direct-mapped table keyed by length, first and last byte: every known name gets a bucket
// of at most kWays entries, so a name costs one hash and one or two word-wise compares.
constexpr size_t kMaxLength = 32;
constexpr size_t kBuckets = 256;
constexpr size_t kWays = 2;

constexpr size_t bucket_of(std::string_view name) noexcept {
  const auto first = static_cast<unsigned char>(name.front());
  const auto last = static_cast<unsigned char>(name.back());
  return (name.size() + first * 16 + last * 8) & (kBuckets - 1);
}

struct Table {
  std::array<std::array<Named, kWays>, kBuckets> slots{};
  std::array<uint8_t, kBuckets> count{};
  bool fits = true;
};

constexpr Table build() {
  Table t;
  auto add = [&](std::string_view name, Token token) {
    const size_t b = bucket_of(name);
    if (t.count[b] == kWays || name.size() >= kMaxLength) {
      t.fits = false;
      return;
    }
    t.slots[b][t.count[b]++] = {name, token};
  };
  const auto& table = hpack::detail::kStaticTable;
  for (size_t i = 1; i <= hpack::detail::kStaticTableSize; ++i)
    if (table[i].name != table[i - 1].name) add(table[i].name, static_cast<Token>(i));
  for (const Named& e : kExtra) add(e.name, e.token);
  return t;
}

constexpr Table kTable = build();
static_assert(kTable.fits, "field-name table: a bucket overflowed; change bucket_of");

}  // namespace

Token classify(std::string_view name) noexcept {
  const size_t n = name.size();
  if (n == 0 || n >= kMaxLength) return kOther;
  const size_t b = bucket_of(name);
  for (unsigned i = 0; i < kTable.count[b]; ++i) {
    const Named& e = kTable.slots[b][i];
    if (e.name.size() == n && detail::same_bytes(e.name.data(), name.data(), n)) return e.token;
  }
  return kOther;
}

}  // namespace h2::field_name
