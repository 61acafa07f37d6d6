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

#include <cstdint>
#include <string_view>

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

// The token of `name` (exact match), kOther for any other name.
Token classify(std::string_view name) noexcept;

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
static_assert(is_pseudo(kStatus) && is_pseudo(kProtocol) && !is_pseudo(kTe) &&
              !is_pseudo(kOther) && !is_pseudo(kHost));

}  // namespace h2::field_name
