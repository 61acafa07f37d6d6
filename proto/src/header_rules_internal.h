// The header rules of h2/header_rules.h in the form the connection uses: each field comes with
// its name token (field_name.h), computed once per block and shared by every rule and by the
// HPACK encoder. Same checks, same order, same messages as the public functions (which are
// wrappers that classify the names themselves).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "field_name.h"
#include "h2/arena.h"
#include "h2/header_rules.h"

namespace h2::rules {

using field_name::Token;

// `tokens` may be null: names are then classified on the fly.
void validate(HeaderList headers, const Token* tokens, const HeaderValidationFlags& flags,
              bool inbound);

// Outbound normalization; `out_tokens` receives the token of each output field.
void normalize_outbound(HeaderList in, bool split_cookies, Arena& arena, std::vector<Header>& out,
                        std::vector<Token>& out_tokens);

// Inbound normalization in place over `n` fields: cookies joined into one never-indexed field
// at the end, others kept in order. Returns the new count (<= n).
size_t normalize_inbound_in_place(Header* fields, Token* tokens, size_t n, Arena& arena);

std::optional<uint64_t> parse_content_length(HeaderList headers, const Token* tokens);
// The same, for the hot path: true and `length` set when the block has a content-length. (An
// optional returned through memory is written as two stores and read back as one load, which
// the CPU cannot forward: a stall on every header block.)
bool parse_content_length(HeaderList headers, const Token* tokens, uint64_t& length);

}  // namespace h2::rules
