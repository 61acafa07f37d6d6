// Header-block rules of h2's utilities module (BEHAVIOUR.md §2.9-§2.11, RFC 9113 §8):
// outbound normalization and validation, inbound validation and normalization, content-length.
//
// Validation failures throw ProtocolError (PROTOCOL_ERROR) with a message naming the rule.
// Functions that produce headers write new strings into a caller-owned Arena, so a connection
// that reuses its arena allocates nothing in steady state.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "h2/arena.h"
#include "h2/header.h"

namespace h2 {

// What kind of block is checked (h2's HeaderValidationFlags).
struct HeaderValidationFlags {
  bool is_client = false;           // we are the client on this stream
  bool is_trailer = false;          // the second (final) block
  bool is_response_header = false;  // a response (or 1xx) block
  bool is_push_promise = false;     // the request block of a PUSH_PROMISE
};

// Outbound normalization (§2.9), in h2's order: lowercase names; if `split_cookies`, split
// each cookie value on "; " into separate fields (keeping the never-indexed mark); strip
// leading/trailing ASCII whitespace (SP, HTAB, CR, LF, VT, FF: Python's bytes.strip()) from
// names and values; drop connection-specific fields (connection, proxy-connection, keep-alive,
// transfer-encoding, upgrade); mark `authorization`, `proxy-authorization` and cookies shorter
// than 20 bytes never-indexed.
// `out` is cleared first; new strings go to `arena`.
void normalize_outbound_headers(HeaderList in, bool split_cookies, Arena& arena,
                                std::vector<Header>& out);

// Outbound validation (§2.9): `te` only "trailers"; no connection-specific fields; pseudo-header
// rules 4-9 of §2.10; for request blocks the :authority/host rule and a non-empty :path.
void validate_outbound_headers(HeaderList headers, const HeaderValidationFlags& flags);

// Inbound validation (§2.10 rules 1-11).
void validate_inbound_headers(HeaderList headers, const HeaderValidationFlags& flags);

// Inbound normalization (§2.10): every `cookie` field joined with "; " into one never-indexed
// field placed at the end, others in order. `out` is cleared first.
void normalize_inbound_headers(HeaderList in, Arena& arena, std::vector<Header>& out);

// §2.11: the value of the content-length fields, nullopt if none. Each value must be 1+ ASCII
// digits that fit 64 bits; repeated identical values are fine; differing values or a bad
// value throw ProtocolError ("Invalid content-length header: ..." / "Conflicting ...").
std::optional<uint64_t> parse_content_length(HeaderList headers);

// The :method value, if present (h2's extract_method_header).
std::optional<std::string_view> extract_method_header(HeaderList headers);

// True for RFC 9113 §8.2.2 connection-specific field names.
bool is_connection_specific_header(std::string_view name) noexcept;

}  // namespace h2
