// Header-block rules (BEHAVIOUR.md §2.9-§2.11, RFC 9113 §8.2, §8.3, §8.5; RFC 8441 §4).
//
// Every function makes one pass over the block (two for cookie joining) and allocates nothing
// unless it has to produce a new string: lowercased names and joined cookies go to the arena,
// everything else stays a view into the caller's fields.
#include "h2/header_rules.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "bytes_equal.h"
#include "field_value.h"
#include "h2/exceptions.h"
#include "header_rules_internal.h"
#include "hpack/encoder_impl.h"

namespace h2 {
namespace {

using namespace std::string_view_literals;

[[noreturn]] void fail(const std::string& message) {
  throw ProtocolError(message);
}

// Bytes as they appear in an error message: printable ASCII as is, the rest as \xNN (the way
// Python's repr shows bytes, without the b'' around them).
std::string printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

// Python's bytes.strip(): the six ASCII whitespace bytes. Stripping CR and LF too (not only the
// SP/HTAB of RFC 9110 §5.5) keeps a stray line ending out of what we send.
constexpr bool is_strip_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view strip_slow(std::string_view s) noexcept {
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && is_strip_space(s[begin])) ++begin;
  while (end > begin && is_strip_space(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

// is_strip_space as one compare and one bit test (the six bytes are all <= 0x20).
constexpr uint64_t kStripSpaceBits = (uint64_t{1} << ' ') | (uint64_t{1} << '\t') |
                                     (uint64_t{1} << '\n') | (uint64_t{1} << '\r') |
                                     (uint64_t{1} << '\v') | (uint64_t{1} << '\f');
inline bool is_strip_space_fast(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return b <= ' ' && ((kStripSpaceBits >> b) & 1) != 0;
}

// Most names and values have nothing to strip: two byte tests decide it.
inline std::string_view strip(std::string_view s) noexcept {
  if (s.empty() || (!is_strip_space_fast(s.front()) && !is_strip_space_fast(s.back()))) return s;
  return strip_slow(s);
}

constexpr bool is_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}
constexpr char to_lower(char c) noexcept {
  return is_upper(c) ? static_cast<char>(c + 32) : c;
}

// Bytes in 'A'..'Z' (0x41..0x5a) among ASCII ones: b + (0x80 - 0x41) sets the top bit for
// b >= 0x41, b + (0x80 - 0x5b) for b >= 0x5b; a byte with the first and not the second is
// uppercase. Non-ASCII bytes (top bit set) are masked out.
constexpr bool word_has_upper(uint64_t w) noexcept {
  const uint64_t ascii = ~w & 0x8080808080808080ull;
  const uint64_t low7 = w & 0x7f7f7f7f7f7f7f7full;
  const uint64_t ge_a = (low7 + 0x3f3f3f3f3f3f3f3full) & 0x8080808080808080ull;
  const uint64_t gt_z = (low7 + 0x2525252525252525ull) & 0x8080808080808080ull;
  return (ge_a & ~gt_z & ascii) != 0;
}

bool has_upper(std::string_view s) noexcept {
  const size_t n = s.size();
  if (n < 8)
    return word_has_upper(field_value::load_short(s.data(), n, 0));  // 0 bytes are not uppercase
  for (size_t i = 0; i + 8 < n; i += 8)
    if (word_has_upper(detail::load_u64(s.data() + i))) return true;
  return word_has_upper(detail::load_u64(s.data() + n - 8));  // the last 8, maybe overlapping
}

// ASCII case-insensitive equality against a lowercase literal.
bool equals_lower(std::string_view s, std::string_view lower_literal) noexcept {
  if (s.size() != lower_literal.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (to_lower(s[i]) != lower_literal[i]) return false;
  return true;
}

// RFC 9113 §8.2.1 field-name bytes: no controls, SP, DEL, non-ASCII or uppercase; ':' only as
// the first byte (checked apart). 0 = allowed.
enum NameByte : uint8_t { kNameOk = 0, kNameIllegal = 1, kNameUpper = 2, kNameColon = 3 };

constexpr std::array<uint8_t, 256> make_name_table() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c <= 0x20 || c >= 0x7f)
      t[c] = kNameIllegal;
    else if (c >= 'A' && c <= 'Z')
      t[c] = kNameUpper;
    else if (c == ':')
      t[c] = kNameColon;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kNameTable = make_name_table();

// Rule 1 (RFC 9113 §8.2.1).
void check_name_characters(std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    const uint8_t kind = kNameTable[static_cast<unsigned char>(name[i])];
    if (kind == kNameOk) [[likely]]
      continue;
    if (kind == kNameUpper) fail("Received uppercase header name " + printable(name) + ".");
    if (kind == kNameColon) {
      if (i == 0) continue;
      fail("Received header name with ':' after the first byte: " + printable(name));
    }
    fail("Received header name with illegal character: " + printable(name));
  }
}

// Rule 2 (RFC 9113 §8.2.1): no NUL, CR or LF anywhere; no SP/HTAB at either end.
void check_value_characters(std::string_view value) {
  if (value.empty()) return;
  if (field_value::has_nul_cr_lf(value)) [[unlikely]]
    fail("Received header value with illegal character: " + printable(value));
  if (field_value::is_space_or_tab(value.front()) || field_value::is_space_or_tab(value.back()))
    fail("Received header value surrounded by whitespace " + printable(value));
}

// The pseudo-header bits (header_rules_internal.h).
using namespace rules::pseudo;
constexpr unsigned pseudo_bit(field_name::Token t) noexcept {
  return rules::pseudo::bit_of(t);
}

std::string pseudo_names(unsigned bits) {
  static constexpr std::array<std::string_view, 6> kNames = {":method", ":scheme", ":authority",
                                                             ":path",   ":status", ":protocol"};
  std::string out;
  for (size_t i = 0; i < kNames.size(); ++i) {
    if ((bits & (1u << i)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += kNames[i];
  }
  return out;
}

void require(unsigned seen, unsigned which) {
  if ((seen & which) == 0)
    fail("Header block missing mandatory " + pseudo_names(which) + " header");
}

// Rule 4.
void check_te(const Header& h, field_name::Token token) {
  if (token == field_name::kTe && !equals_lower(h.value, "trailers"))
    fail("Invalid value for TE header: " + printable(h.value));
}

// Rules 7-9: which pseudo-headers the kind of block allows.
void check_pseudo_header_acceptability(unsigned seen, std::string_view method, bool has_method,
                                       const HeaderValidationFlags& flags) {
  // RFC 9113 §8.1: trailers carry no pseudo-header fields.
  if (flags.is_trailer && seen != 0)
    fail("Received pseudo-header in trailer " + pseudo_names(seen));
  if (flags.is_response_header) {
    // RFC 9113 §8.3.2.
    require(seen, kStatus);
    if (seen & kRequestOnly)
      fail("Encountered request-only headers " + pseudo_names(seen & kRequestOnly));
    return;
  }
  if (flags.is_trailer) return;
  // RFC 9113 §8.3.1 (and §8.5 for CONNECT, RFC 8441 §4 for extended CONNECT).
  require(seen, kMethod);
  const bool connect = has_method && method == "CONNECT";
  if (connect && (seen & kProtocol) == 0) {
    if (seen & (kScheme | kPath))
      fail("Encountered pseudo-headers forbidden in a CONNECT request: " +
           pseudo_names(seen & (kScheme | kPath)));
  } else {
    require(seen, kPath);
    require(seen, kScheme);
  }
  if (seen & kStatus) fail("Encountered response-only headers " + pseudo_names(kStatus));
  if (!connect && (seen & kProtocol))
    fail("Encountered connect-request-only headers " + pseudo_names(kProtocol));
}

// Rules 3-11 (and 1-2 when `kInbound`), one pass in h2's per-field pipeline order, then the
// whole-block checks. A name with a token is a known valid name: its bytes need no check.
// Bit i of `checked_values` set: field i's value is known to pass rule 2 (see
// rules::validate), so it is not scanned again.
template <bool kInbound>
void validate(HeaderList headers, const field_name::Token* tokens,
              const HeaderValidationFlags& flags, uint64_t checked_values = 0) {
  const bool request = !flags.is_response_header && !flags.is_trailer;
  unsigned seen = 0;
  bool seen_regular = false;
  std::string_view method;
  bool has_method = false;
  const Header* authority = nullptr;
  const Header* host = nullptr;

  for (size_t i = 0; i < headers.size(); ++i) {
    const Header& h = headers[i];
    const field_name::Token token = tokens ? tokens[i] : field_name::classify(h.name);
    if constexpr (kInbound) {
      if (token == field_name::kOther) check_name_characters(h.name);
      if (i >= 64 || ((checked_values >> i) & 1) == 0) check_value_characters(h.value);
      if (h.name.empty()) fail("Received header name with zero length.");
    }
    check_te(h, token);
    if (field_name::is_connection_specific(token))
      fail("Connection-specific header field present: " + printable(h.name) + ".");

    // Rule 6.
    if (field_name::is_pseudo(token) ||
        (token == field_name::kOther && !h.name.empty() && h.name.front() == ':')) {
      const unsigned bit = pseudo_bit(token);
      if (bit != 0 && (seen & bit))
        fail("Received duplicate pseudo-header field " + printable(h.name));
      if (seen_regular) fail("Received pseudo-header field out of sequence: " + printable(h.name));
      if (bit == 0) fail("Received custom pseudo-header field " + printable(h.name));
      seen |= bit;
      if (bit == kMethod) {
        method = h.value;
        has_method = true;
      }
    } else {
      seen_regular = true;
    }

    if (request) {
      // Rule 10 (RFC 9113 §8.3.1): remember :authority and host; one host at most.
      if (token == field_name::kAuthority) {
        authority = &h;
      } else if (token == field_name::kHost) {
        if (host != nullptr) fail("Request header block contains more than one Host header.");
        host = &h;
      } else if (token == field_name::kPath && h.value.empty()) {
        // Rule 11.
        fail("An empty :path header is forbidden");
      }
    }
  }

  check_pseudo_header_acceptability(seen, method, has_method, flags);

  if (request) {
    if (authority == nullptr && host == nullptr)
      fail("Request header block does not have an :authority or Host header.");
    if (authority != nullptr && host != nullptr && authority->value != host->value)
      fail("Request header block has mismatched :authority and Host headers: " +
           printable(authority->value) + " / " + printable(host->value));
  }
}

// Names that make an outbound block irregular (rules::OutboundSummary) by themselves: te
// (rule 4), host (rule 10 counts and matches it), the connection-specific ones (rule 5; every
// token from 64 on is one).
constexpr uint64_t kIrregularLow = field_name::token_bit(field_name::kTe) |
                                   field_name::token_bit(field_name::kHost) |
                                   field_name::kConnectionSpecificLow;
static_assert(field_name::kLastToken < 128 && field_name::kConnection == 64);

// One field of an outbound block as validate<false> will see it.
inline void note_outbound(rules::OutboundSummary& s, field_name::Token t, std::string_view name,
                          std::string_view value) noexcept {
  if (s.note_pseudo(t, value)) return;
  s.regular_seen = true;
  if (t >= 64 || ((kIrregularLow >> t) & 1) != 0 ||
      (t == field_name::kOther && !name.empty() && name.front() == ':'))
    s.irregular = true;
}

// Lowercase copy of `name` in the arena, or `name` itself when it has no uppercase byte.
std::string_view lowercase_name(std::string_view name, Arena& arena) {
  if (!has_upper(name)) return name;
  char* p = arena.allocate(name.size());
  for (size_t i = 0; i < name.size(); ++i) p[i] = to_lower(name[i]);
  return {p, name.size()};
}

// §1.6: which fields outbound normalization forces never-indexed.
bool is_sensitive(field_name::Token name, std::string_view value) noexcept {
  if (name == field_name::kAuthorization || name == field_name::kProxyAuthorization) return true;
  return name == field_name::kCookie && value.size() < 20;
}

// Content-length value: 1+ ASCII digits that fit 64 bits.
std::optional<uint64_t> parse_digits(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  if (s.size() <= 19) {  // below 10^19: cannot overflow, no check (and no division) per digit
    for (const char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
  }
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

}  // namespace

bool is_connection_specific_header(std::string_view name) noexcept {
  // RFC 9113 §8.2.2.
  return field_name::is_connection_specific(field_name::classify(name));
}

namespace rules {

void validate(HeaderList headers, const Token* tokens, const HeaderValidationFlags& flags,
              bool inbound, uint64_t checked_values) {
  if (inbound) {
    h2::validate<true>(headers, tokens, flags, checked_values);
  } else {
    h2::validate<false>(headers, tokens, flags);
  }
}

void normalize_outbound(HeaderList in, bool split_cookies, Arena& arena, std::vector<Header>& out,
                        std::vector<Token>& out_tokens, OutboundSummary& summary) {
  out.clear();
  out_tokens.clear();
  summary = {};
  out.reserve(in.size());
  out_tokens.reserve(in.size());
  auto emit = [&](std::string_view name, std::string_view value, bool never_indexed, Token token)
      __attribute__((always_inline)) {
    out.push_back({name, value, never_indexed});
    out_tokens.push_back(token);
    note_outbound(summary, token, name, value);
  };
  auto split_cookie = [&](const Header& h, std::string_view name) {
    // RFC 9113 §8.2.3: split on "; " so each crumb compresses on its own; pieces are views.
    std::string_view rest = h.value;
    while (true) {
      const size_t sep = rest.find("; "sv);
      const std::string_view crumb = strip(rest.substr(0, sep));
      emit(name, crumb, h.never_indexed || is_sensitive(field_name::kCookie, crumb),
           field_name::kCookie);
      if (sep == std::string_view::npos) break;
      rest.remove_prefix(sep + 2);
    }
  };
  for (const Header& h : in) {
    // A name with a token is spelled exactly like a known lowercase name: nothing to strip or
    // lowercase, and "cookie" is the only spelling of it that equals_lower accepts among them.
    if (const Token known = field_name::classify(h.name); known != field_name::kOther) {
      if (known == field_name::kCookie && split_cookies) {
        split_cookie(h, h.name);
        continue;
      }
      if (field_name::is_connection_specific(known)) continue;
      const std::string_view value = strip(h.value);
      emit(h.name, value, h.never_indexed || is_sensitive(known, value), known);
      continue;
    }

    // h2 lowercases, then splits cookies (by the lowercased, not yet stripped name), then
    // strips. Lowercasing does not touch whitespace, so strip first and copy only what is kept.
    if (split_cookies && equals_lower(h.name, "cookie")) {
      split_cookie(h, has_upper(h.name) ? "cookie"sv : h.name);
      continue;
    }

    const std::string_view name = lowercase_name(strip(h.name), arena);
    const Token token = field_name::classify(name);
    if (field_name::is_connection_specific(token)) continue;
    const std::string_view value = strip(h.value);
    emit(name, value, h.never_indexed || is_sensitive(token, value), token);
  }
}

// The whole-block rules of a regular block (rules 8-10; a host field would have made it
// irregular), as validate runs them after its per-field pass.
static void check_regular_block(const PseudoSummary& summary,
                                const HeaderValidationFlags& flags) {
  check_pseudo_header_acceptability(summary.pseudo, summary.method, (summary.pseudo & kMethod) != 0,
                                    flags);
  const bool request = !flags.is_response_header && !flags.is_trailer;
  if (request && (summary.pseudo & kAuthority) == 0)
    fail("Request header block does not have an :authority or Host header.");
}

void validate_inbound(HeaderList headers, const Token* tokens, const HeaderValidationFlags& flags,
                      uint64_t checked_values, const InboundSummary& summary) {
  if (summary.irregular) return h2::validate<true>(headers, tokens, flags, checked_values);
  // Every name is a known valid one and no per-field rule but the value rule can refuse
  // the block: the values not yet checked, in order, then the whole-block rules.
  for (size_t i = 0; i < headers.size(); ++i)
    if (i >= 64 || ((checked_values >> i) & 1) == 0) check_value_characters(headers[i].value);
  check_regular_block(summary, flags);
}

namespace {
// Whether normalize_outbound would emit `h` exactly as it is: a name that needs no strip or
// lowercasing (a known name always; another one without uppercase or edge whitespace), not
// connection-specific, not a cookie to split, a value with nothing to strip, and a
// never-indexed flag the sensitivity rule would not change. `token` is the name's token.
[[gnu::always_inline]] inline bool is_normalized(const Header& h, Token token,
                                                 bool split_cookies) noexcept {
  if (token == field_name::kOther) {
    if (has_upper(h.name) || strip(h.name).size() != h.name.size()) return false;
  } else if (field_name::is_connection_specific(token) ||
             (token == field_name::kCookie && split_cookies)) {
    return false;
  }
  if (strip(h.value).size() != h.value.size()) return false;
  return h.never_indexed || !is_sensitive(token, h.value);
}
}  // namespace

bool classify_if_normalized(HeaderList in, bool split_cookies, std::vector<Token>& tokens,
                            OutboundSummary& summary) {
  tokens.clear();
  summary = {};
  tokens.reserve(in.size());
  for (const Header& h : in) {
    const Token token = field_name::classify(h.name);
    if (!is_normalized(h, token, split_cookies)) return false;
    tokens.push_back(token);
    note_outbound(summary, token, h.name, h.value);
  }
  return true;
}

namespace {
// encode_if_normalized's way for a field that is not the entry its position remembers: the
// name classified, the field checked and encoded without adding a table entry; nullptr when
// it is not normalized or would need an entry. Out of line, so the loop that mostly takes the
// remembered entry stays small enough to keep its values in registers.
[[gnu::noinline]] uint8_t* encode_field_by_name(hpack::Encoder::Impl& state, const Header& h,
                                                size_t position, bool split_cookies,
                                                Token& token, uint8_t* p) {
  token = field_name::classify(h.name);
  if (!is_normalized(h, token, split_cookies)) return nullptr;
  return state.encode_default</*kMayChangeTable=*/false>(
      h, hpack::detail::static_name_range(field_name::static_index(token)), position, p);
}
}  // namespace

bool encode_if_normalized(HeaderList in, bool split_cookies, hpack::Encoder& encoder,
                          ByteBuffer& out, OutboundSummary& summary) {
  hpack::Encoder::Impl& state = encoder.internal_state();
  if (!state.may_encode_unchanging()) return false;
  summary = {};
  const size_t start = out.size();
  // Room is taken in chunks and what a chunk has left is handed back at the end, so a field
  // costs a compare instead of a reservation (a field takes at most kFieldOverhead bytes
  // besides its strings).
  constexpr size_t kChunk = 512;
  uint8_t* p = out.extend(kChunk);
  size_t left = kChunk;
  auto give_up = [&] {
    out.shrink_by(out.size() - start);
    return false;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const Header& h = in[i];
    const size_t room = hpack::encoder_detail::kFieldOverhead + h.name.size() + h.value.size();
    if (room > left) [[unlikely]] {
      out.shrink_by(left);
      left = std::max(room, kChunk);
      p = out.extend(left);
    }
    // Usually the field is the table entry its position matched last time: its name needs
    // no classification and its index is known. Kept only if the rules that depend on the
    // name would have let it through unchanged (static and stored values have nothing to
    // strip, but the check is cheap and makes that no assumption).
    Token token;
    uint8_t* end = state.encode_remembered(i, h, token, p);
    if (end == nullptr || !is_normalized(h, token, split_cookies)) [[unlikely]] {
      end = encode_field_by_name(state, h, i, split_cookies, token, p);
      if (end == nullptr) return give_up();
    }
    note_outbound(summary, token, h.name, h.value);
    if (summary.irregular) return give_up();  // the full validator wants every token
    left -= static_cast<size_t>(end - p);
    p = end;
  }
  out.shrink_by(left);
  return true;
}

void classify_outbound(HeaderList headers, std::vector<Token>& tokens, OutboundSummary& summary) {
  tokens.clear();
  summary = {};
  for (const Header& h : headers) {
    const Token token = field_name::classify(h.name);
    tokens.push_back(token);
    note_outbound(summary, token, h.name, h.value);
  }
}

void validate_outbound(HeaderList headers, const Token* tokens, const OutboundSummary& summary,
                       const HeaderValidationFlags& flags) {
  if (summary.irregular) return h2::validate<false>(headers, tokens, flags);
  // No per-field rule can refuse this block: the whole-block rules, in validate's order.
  check_regular_block(summary, flags);
}

size_t normalize_inbound_in_place(Header* fields, Token* tokens, size_t n, Arena& arena,
                                  uint64_t* checked_values) {
  // RFC 9113 §8.2.3: cookie crumbs are joined with "; " before the block is handed on; h2
  // puts the result last and never-indexed whatever the crumbs were.
  size_t cookies = 0;
  size_t joined_size = 0;
  size_t first_cookie = 0;
  for (size_t i = 0; i < n; ++i) {
    if (tokens[i] != field_name::kCookie) continue;
    if (cookies++ == 0) first_cookie = i;
    joined_size += fields[i].value.size();
  }
  if (cookies == 0) return n;
  if (cookies == 1 && first_cookie == n - 1) {
    // One cookie, already last (the usual block): it only becomes never-indexed; its value
    // and its checked bit stay as they are.
    fields[first_cookie].never_indexed = true;
    if (checked_values && n < 64) *checked_values &= (uint64_t{1} << n) - 1;
    return n;
  }
  const uint64_t checked = checked_values ? *checked_values : 0;
  auto is_checked = [checked](size_t i) { return i < 64 && ((checked >> i) & 1) != 0; };
  // The joined value passes the value rule when every crumb does: its ends are the ends of
  // the first and last crumbs, and "; " adds no NUL, CR or LF.
  bool cookie_checked = true;
  Header cookie{fields[first_cookie].name, fields[first_cookie].value, true};
  if (cookies > 1) {
    joined_size += 2 * (cookies - 1);
    char* const start = arena.allocate(joined_size);
    char* p = start;
    for (size_t i = first_cookie; i < n; ++i) {
      if (tokens[i] != field_name::kCookie) continue;
      // (An empty crumb would leave "; " at an end.)
      cookie_checked = cookie_checked && is_checked(i) && !fields[i].value.empty();
      if (i != first_cookie) {
        *p++ = ';';
        *p++ = ' ';
      }
      if (!fields[i].value.empty()) std::memcpy(p, fields[i].value.data(), fields[i].value.size());
      p += fields[i].value.size();
    }
    cookie.value = {start, joined_size};
  } else {
    cookie_checked = is_checked(first_cookie);
  }
  // Fields before the first cookie stay where they are (all of them when it is 64 or later).
  uint64_t kept_checked = checked & ((first_cookie < 64 ? uint64_t{1} << first_cookie : 0) - 1);
  size_t kept = first_cookie;
  for (size_t i = first_cookie; i < n; ++i) {
    if (tokens[i] == field_name::kCookie) continue;
    if (is_checked(i) && kept < 64) kept_checked |= uint64_t{1} << kept;
    fields[kept] = fields[i];
    tokens[kept] = tokens[i];
    ++kept;
  }
  fields[kept] = cookie;
  tokens[kept] = field_name::kCookie;
  if (cookie_checked && kept < 64) kept_checked |= uint64_t{1} << kept;
  if (checked_values) *checked_values = kept_checked;
  return kept + 1;
}

namespace {
// The error paths of parse_content_length, out of line so the loop stays small.
[[noreturn, gnu::cold, gnu::noinline]] void fail_content_length(std::string_view value) {
  fail("Invalid content-length header: " + printable(value));
}
[[noreturn, gnu::cold, gnu::noinline]] void fail_conflicting_lengths(uint64_t a, uint64_t b) {
  fail("Conflicting content-length headers: " + std::to_string(a) + " and " + std::to_string(b));
}
}  // namespace

bool parse_content_length(HeaderList headers, const Token* tokens, uint64_t& length) {
  bool found = false;
  for (size_t i = 0; i < headers.size(); ++i) {
    const Header& h = headers[i];
    if (tokens ? tokens[i] != field_name::kContentLength : h.name != "content-length") continue;
    const std::optional<uint64_t> v = parse_digits(h.value);
    if (!v) fail_content_length(h.value);
    if (found && length != *v) fail_conflicting_lengths(length, *v);
    length = *v;
    found = true;
  }
  return found;
}

std::optional<uint64_t> parse_content_length(HeaderList headers, const Token* tokens) {
  uint64_t length = 0;
  if (!parse_content_length(headers, tokens, length)) return std::nullopt;
  return length;
}

}  // namespace rules

void normalize_outbound_headers(HeaderList in, bool split_cookies, Arena& arena,
                                std::vector<Header>& out) {
  std::vector<field_name::Token> tokens;
  rules::OutboundSummary summary;
  rules::normalize_outbound(in, split_cookies, arena, out, tokens, summary);
}

void validate_outbound_headers(HeaderList headers, const HeaderValidationFlags& flags) {
  validate<false>(headers, nullptr, flags);
}

void validate_inbound_headers(HeaderList headers, const HeaderValidationFlags& flags) {
  validate<true>(headers, nullptr, flags);
}

void normalize_inbound_headers(HeaderList in, Arena& arena, std::vector<Header>& out) {
  out.assign(in.begin(), in.end());
  std::vector<field_name::Token> tokens;
  tokens.reserve(in.size());
  for (const Header& h : in) tokens.push_back(h.name == "cookie" ? field_name::kCookie : 0);
  out.resize(rules::normalize_inbound_in_place(out.data(), tokens.data(), out.size(), arena));
}

std::optional<uint64_t> parse_content_length(HeaderList headers) {
  return rules::parse_content_length(headers, nullptr);
}

std::optional<std::string_view> extract_method_header(HeaderList headers) {
  for (const Header& h : headers)
    if (detail::bytes_equal(h.name, ":method")) return h.value;
  return std::nullopt;
}

}  // namespace h2
