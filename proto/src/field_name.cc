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

// Candidates grouped by length: a name is compared (first byte, then all of it) only with the
// few known names of its length.
constexpr size_t kMaxLength = 32;
constexpr size_t kMaxPerLength = 8;

struct ByLength {
  std::array<std::array<Named, kMaxPerLength>, kMaxLength> slots{};
  std::array<uint8_t, kMaxLength> count{};
};

constexpr ByLength build() {
  ByLength t;
  auto add = [&](std::string_view name, Token token) {
    const size_t n = name.size();
    t.slots[n][t.count[n]++] = {name, token};
  };
  const auto& table = hpack::detail::kStaticTable;
  for (size_t i = 1; i <= hpack::detail::kStaticTableSize; ++i)
    if (table[i].name != table[i - 1].name) add(table[i].name, static_cast<Token>(i));
  for (const Named& e : kExtra) add(e.name, e.token);
  return t;
}

constexpr ByLength kByLength = build();

static_assert([] {
  for (uint8_t c : kByLength.count)
    if (c > kMaxPerLength) return false;
  return true;
}());

}  // namespace

Token classify(std::string_view name) noexcept {
  const size_t n = name.size();
  if (n == 0 || n >= kMaxLength) return kOther;
  const auto& slots = kByLength.slots[n];
  const unsigned count = kByLength.count[n];
  for (unsigned i = 0; i < count; ++i) {
    const Named& e = slots[i];
    if (e.name[0] == name[0] && detail::same_bytes(e.name.data(), name.data(), n)) return e.token;
  }
  return kOther;
}

}  // namespace h2::field_name
