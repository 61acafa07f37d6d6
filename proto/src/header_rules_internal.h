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

// `tokens` may be null: names are then classified on the fly. Inbound, bit i of
// `checked_values` says field i's value is already known to pass the value rule (RFC 9113
// §8.2.1: no NUL/CR/LF, no SP/HTAB at either end; hpack::kValueChecked): it is not scanned
// again. Fields from 64 on are always scanned.
void validate(HeaderList headers, const Token* tokens, const HeaderValidationFlags& flags,
              bool inbound, uint64_t checked_values = 0);

// What the outbound per-field rules (3-6, 10, 11) need to know of a block, gathered in the
// pass that normalizes or classifies its fields, so validation needs no pass of its own:
// when no field is one those rules could refuse (a duplicated, late or unknown
// pseudo-header, an empty :path, te, host or a connection-specific name), only the
// whole-block rules are left; otherwise the full validation runs and reports exactly what it
// always did.
struct OutboundSummary {
  unsigned pseudo = 0;  // the pseudo-header fields seen (header_rules.cc's bits)
  bool regular_seen = false;
  bool irregular = false;   // a field a per-field rule might refuse
  std::string_view method;  // :method's value when pseudo has it
};

// Outbound normalization; `out_tokens` receives the token of each output field, `summary`
// what validate_outbound needs.
void normalize_outbound(HeaderList in, bool split_cookies, Arena& arena, std::vector<Header>& out,
                        std::vector<Token>& out_tokens, OutboundSummary& summary);
// Without normalization: the tokens and the summary of `headers` as they are.
void classify_outbound(HeaderList headers, std::vector<Token>& tokens, OutboundSummary& summary);
// Outbound validation (rules 3-11) of a block whose fields and tokens came with `summary`:
// the same checks, order and errors as validate(..., inbound=false).
void validate_outbound(HeaderList headers, const Token* tokens, const OutboundSummary& summary,
                       const HeaderValidationFlags& flags);

// Inbound normalization in place over `n` fields: cookies joined into one never-indexed field
// at the end, others kept in order. Returns the new count (<= n). `checked_values`, when
// given, is validate's mask for the fields and is moved along with them.
size_t normalize_inbound_in_place(Header* fields, Token* tokens, size_t n, Arena& arena,
                                  uint64_t* checked_values = nullptr);

std::optional<uint64_t> parse_content_length(HeaderList headers, const Token* tokens);
// The same, for the hot path: true and `length` set when the block has a content-length. (An
// optional returned through memory is written as two stores and read back as one load, which
// the CPU cannot forward: a stall on every header block.)
bool parse_content_length(HeaderList headers, const Token* tokens, uint64_t& length);

}  // namespace h2::rules
