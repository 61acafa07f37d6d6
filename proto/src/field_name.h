// One classification of a header field name, shared by the header rules (validation,
// normalization, content-length) and the HPACK encoder's indexing decision, so each field's
// name is compared against the names that matter once instead of once per rule.
//
// A token is one byte: 1..61 is the RFC 7541 static-table index of the first entry with that
// name (what the encoder needs), kTe.. are the other names the rules single out, 0 is any other
// name. Matching is exact (case-sensitive), like the comparisons it replaces; the names that
// get a token are all valid lowercase field names, so a token also says "no need to check the
// name's bytes".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bytes_equal.h"
#include "hpack/static_table.h"

namespace h2::field_name {

using Token = uint8_t;

inline constexpr Token kOther = 0;
// Static-table names (index of the first entry of each name's range).
inline constexpr Token kAuthority = 1;
inline constexpr Token kMethod = 2;
inline constexpr Token kPath = 4;
inline constexpr Token kScheme = 6;
inline constexpr Token kStatus = 8;
inline constexpr Token kAuthorization = 23;
inline constexpr Token kContentLength = 28;
inline constexpr Token kCookie = 32;
inline constexpr Token kHost = 38;
inline constexpr Token kProxyAuthorization = 49;
inline constexpr Token kTransferEncoding = 57;
// Names outside the static table.
inline constexpr Token kTe = 62;
inline constexpr Token kProtocol = 63;  // :protocol (RFC 8441)
inline constexpr Token kConnection = 64;
inline constexpr Token kKeepAlive = 65;
inline constexpr Token kProxyConnection = 66;
inline constexpr Token kUpgrade = 67;
inline constexpr Token kLastToken = kUpgrade;

// The name table classify looks names up in (inline: classify runs once per outbound field).
namespace table {

struct Named {
  std::string_view name;
  Token token;
};

inline constexpr std::array<Named, 6> kExtra = {{{"te", kTe},
                                                 {":protocol", kProtocol},
                                                 {"connection", kConnection},
                                                 {"keep-alive", kKeepAlive},
                                                 {"proxy-connection", kProxyConnection},
                                                 {"upgrade", kUpgrade}}};

// A direct-mapped table keyed by length, first and last byte, collision-free for the known
// names (checked at compile time): a name costs one hash and one word-wise compare against
// the bytes stored in its slot.
inline constexpr size_t kMaxLength = 32;
inline constexpr size_t kBuckets = 256;

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

inline constexpr Table kTable = build();
static_assert(kTable.fits, "field-name table: two names share a slot; change bucket_of");

}  // namespace table

// The token of `name` (exact match), kOther for any other name.
inline Token classify(std::string_view name) noexcept {
  const size_t n = name.size();
  if (n == 0 || n >= table::kMaxLength) return kOther;
  const table::Slot& slot = table::kTable.slots[table::bucket_of(name)];
  if (slot.length == n && detail::same_bytes(slot.text, name.data(), n)) return slot.token;
  return kOther;
}

// The static-table index of the first entry named like the token's name, 0 when none.
constexpr uint8_t static_index(Token t) noexcept {
  return t <= hpack::detail::kStaticTableSize ? t : 0;
}

// Token sets as bit masks over two words (tokens run to kLastToken, above 64): one shift and
// test instead of a chain of compares on every field.
constexpr uint64_t token_bit(Token t) noexcept {
  return t < 64 ? uint64_t{1} << t : 0;
}
constexpr uint64_t high_token_bit(Token t) noexcept {
  return t >= 64 && t < 128 ? uint64_t{1} << (t - 64) : 0;
}
static_assert(kLastToken < 128);

inline constexpr uint64_t kConnectionSpecificLow = token_bit(kTransferEncoding);
inline constexpr uint64_t kConnectionSpecificHigh =
    high_token_bit(kConnection) | high_token_bit(kKeepAlive) | high_token_bit(kProxyConnection) |
    high_token_bit(kUpgrade);
inline constexpr uint64_t kPseudoLow = token_bit(kAuthority) | token_bit(kMethod) |
                                       token_bit(kPath) | token_bit(kScheme) | token_bit(kStatus) |
                                       token_bit(kProtocol);
static_assert(kProtocol < 64 && kTransferEncoding < 64 && kConnection >= 64);

// RFC 9113 §8.2.2 connection-specific fields.
constexpr bool is_connection_specific(Token t) noexcept {
  return t < 64 ? ((kConnectionSpecificLow >> t) & 1) != 0
                : t < 128 && ((kConnectionSpecificHigh >> (t - 64)) & 1) != 0;
}

constexpr bool is_pseudo(Token t) noexcept {
  return t < 64 && ((kPseudoLow >> t) & 1) != 0;
}
static_assert(is_connection_specific(kConnection) && is_connection_specific(kUpgrade) &&
              is_connection_specific(kTransferEncoding) && !is_connection_specific(kTe) &&
              !is_connection_specific(kOther) && !is_connection_specific(kCookie));
static_assert(is_pseudo(kStatus) && is_pseudo(kProtocol) && !is_pseudo(kTe) && !is_pseudo(kOther) &&
              !is_pseudo(kHost));

}  // namespace h2::field_name
