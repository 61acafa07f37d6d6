// The header rules of h2/header_rules.h in the form the connection uses: each field comes with
// its name token (field_name.h), computed once per block and shared by every rule and by the
// HPACK encoder. Same checks, same order, same messages as the public functions (which are
// wrappers that classify the names themselves).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "field_name.h"
#include "h2/arena.h"
#include "h2/byte_buffer.h"
#include "h2/hpack.h"
#include "h2/header_rules.h"

namespace h2::rules {

using field_name::Token;

// The pseudo-header fields h2 knows (RFC 9113 §8.3, RFC 8441 §4), one bit each.
namespace pseudo {
inline constexpr unsigned kMethod = 1u << 0;
inline constexpr unsigned kScheme = 1u << 1;
inline constexpr unsigned kAuthority = 1u << 2;
inline constexpr unsigned kPath = 1u << 3;
inline constexpr unsigned kStatus = 1u << 4;
inline constexpr unsigned kProtocol = 1u << 5;
inline constexpr unsigned kRequestOnly = kMethod | kScheme | kAuthority | kPath | kProtocol;

// 0 for a name h2 does not know. A table, not a switch: it runs for every received field.
inline constexpr std::array<uint8_t, 128> kBitOf = [] {
  std::array<uint8_t, 128> bits{};
  bits[field_name::kPath] = kPath;
  bits[field_name::kMethod] = kMethod;
  bits[field_name::kScheme] = kScheme;
  bits[field_name::kStatus] = kStatus;
  bits[field_name::kProtocol] = kProtocol;
  bits[field_name::kAuthority] = kAuthority;
  return bits;
}();
constexpr unsigned bit_of(Token t) noexcept {
  return t < kBitOf.size() ? kBitOf[t] : 0;
}
static_assert(field_name::kLastToken < 128);
// The pseudo-header tokens are exactly the ones with a bit (the summaries rely on it).
constexpr bool bits_match_pseudo_tokens() {
  for (unsigned t = 0; t < 128; ++t)
    if (field_name::is_pseudo(static_cast<Token>(t)) != (kBitOf[t] != 0)) return false;
  return true;
}
static_assert(bits_match_pseudo_tokens());
}  // namespace pseudo

// What the inbound rules need to know of a received block, gathered field by field where the
// block's names are classified (one pass the connection makes anyway): which names it holds
// (so content-length parsing and cookie joining are skipped without a scan when absent), and
// whether any field is one a per-field rule other than the value rule could refuse (a name
// without a token, te, host, a connection-specific name, a duplicated or late pseudo-header,
// an empty :path). A block without one needs only the value rule on its unchecked values
// and the whole-block rules; the rest get the full validation. Cookie joining moves only
// regular fields behind the others, so the summary holds for the normalized block too.
// The pseudo-header part, the same both ways: a pseudo-header that repeats, follows a regular
// field, or is an empty :path makes the block irregular.
struct PseudoSummary {
  unsigned pseudo = 0;  // pseudo::bits seen
  bool regular_seen = false;
  bool irregular = false;   // a field a per-field rule might refuse
  std::string_view method;  // :method's value when pseudo has it

  // Notes a pseudo-header field; false (nothing noted) for a name without a pseudo bit.
  bool note_pseudo(Token t, std::string_view value) noexcept {
    const unsigned bit = pseudo::bit_of(t);
    if (bit == 0) return false;
    irregular |= (pseudo & bit) != 0 || regular_seen || (t == field_name::kPath && value.empty());
    pseudo |= bit;
    if (t == field_name::kMethod) method = value;
    return true;
  }
};

struct InboundSummary : PseudoSummary {
  uint64_t names = 0;  // field_name::token_bit of every token below 64

  bool has(Token t) const noexcept { return (names & field_name::token_bit(t)) != 0; }

  // Tokens that make a received block irregular by themselves (every token from 64 on does).
  static constexpr uint64_t kIrregularNames =
      field_name::token_bit(field_name::kOther) | field_name::token_bit(field_name::kTe) |
      field_name::token_bit(field_name::kHost) | field_name::kConnectionSpecificLow;

  void note(Token t, std::string_view value) noexcept {
    names |= field_name::token_bit(t);
    if (note_pseudo(t, value)) return;
    regular_seen = true;
    irregular |= t >= 64 || ((kIrregularNames >> (t & 63)) & 1) != 0;
  }

  // The summary of a whole block: exactly what note() on each field in order gives, in two
  // tight loops (the leading pseudo-header fields, then the regular ones, whose tokens only
  // need OR-ing together); a block with a late pseudo-header is noted field by field.
  void gather(const Header* fields, const Token* tokens, size_t count) noexcept {
    size_t i = 0;
    for (; i < count; ++i) {
      const Token t = tokens[i];
      if (!note_pseudo(t, fields[i].value)) break;
      names |= field_name::token_bit(t);
    }
    if (i == count) return;
    const size_t first_regular = i;
    uint64_t seen = 0;
    bool high = false;
    for (; i < count; ++i) {
      seen |= field_name::token_bit(tokens[i]);
      high |= tokens[i] >= 64;
    }
    if ((seen & field_name::kPseudoLow) != 0) [[unlikely]] {
      for (i = first_regular; i < count; ++i) note(tokens[i], fields[i].value);
      return;
    }
    names |= seen;
    regular_seen = true;
    irregular |= high || (seen & kIrregularNames) != 0;
  }
};

// Inbound validation (rules 1-11) of a block with its summary: the same checks, order and
// errors as validate(..., inbound=true, checked_values).
void validate_inbound(HeaderList headers, const Token* tokens, const HeaderValidationFlags& flags,
                      uint64_t checked_values, const InboundSummary& summary);

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
struct OutboundSummary : PseudoSummary {};

// Outbound normalization; `out_tokens` receives the token of each output field, `summary`
// what validate_outbound needs.
void normalize_outbound(HeaderList in, bool split_cookies, Arena& arena, std::vector<Header>& out,
                        std::vector<Token>& out_tokens, OutboundSummary& summary);
// The fast path of normalize_outbound: true when normalizing `in` would give back `in`
// itself (every field emitted unchanged, none dropped or split), with `tokens` and `summary`
// filled as normalize_outbound fills them; false (and the outputs unspecified) otherwise.
bool classify_if_normalized(HeaderList in, bool split_cookies, std::vector<Token>& tokens,
                            OutboundSummary& summary);
// The send path's one pass for the usual block: when normalizing `in` would give back `in`
// itself, its summary is regular (only the whole-block rules are left to check) and the
// default encoder can write it without adding a table entry or owing a size update, the
// block is appended to `out` and true returned: the encoder's table and generation are as
// they were, so a block the whole-block rules then refuse has changed nothing. Otherwise
// false, with `out` and the encoder as they were (the caller takes the general path).
bool encode_if_normalized(HeaderList in, bool split_cookies, hpack::Encoder& encoder,
                          ByteBuffer& out, OutboundSummary& summary);
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
