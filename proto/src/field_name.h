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

// RFC 9113 §8.2.2 connection-specific fields.
constexpr bool is_connection_specific(Token t) noexcept {
  return t == kConnection || t == kKeepAlive || t == kProxyConnection || t == kUpgrade ||
         t == kTransferEncoding;
}

constexpr bool is_pseudo(Token t) noexcept {
  return t == kAuthority || t == kMethod || t == kPath || t == kScheme || t == kStatus ||
         t == kProtocol;
}

}  // namespace h2::field_name
