// Header-block rules: every inbound rule of BEHAVIOUR.md §2.10 with a bad and a good input,
// test_invalid_headers' table of invalid blocks, outbound normalization and validation, cookie
// joining, content-length grammar, CONNECT (RFC 9113 §8.5, RFC 8441) and extract_method_header.
#include "h2/header_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "h2/exceptions.h"
#include "header_rules_internal.h"

namespace h2 {
namespace hpack {
// Readable failure output; static, so no other test file's printer can clash with it.
[[maybe_unused]] static void PrintTo(const HeaderField& h, std::ostream* os) {
  *os << "(" << testing::PrintToString(h.name) << ", " << testing::PrintToString(h.value)
      << (h.never_indexed ? ", never-indexed)" : ")");
}
}  // namespace hpack

namespace {

using namespace std::string_view_literals;
using Block = std::vector<Header>;

constexpr HeaderValidationFlags kServerRequest{};                   // a request we receive
constexpr HeaderValidationFlags kClientRequest{.is_client = true};  // a request we send
constexpr HeaderValidationFlags kPushRequest{.is_client = true, .is_push_promise = true};
constexpr HeaderValidationFlags kResponse{.is_client = true, .is_response_header = true};
constexpr HeaderValidationFlags kTrailer{.is_trailer = true};

// a + b + c, built by appending (g++ 12 warns falsely on chained operator+ of temporaries).
std::string cat(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string out;
  out.append(a).append(b).append(c);
  return out;
}

Header field(std::string_view name, std::string_view value, bool never_indexed = false) {
  return {name, value, never_indexed};
}

// test_invalid_headers' base request.
Block base_request() {
  return {field(":authority", "example.com"), field(":path", "/"), field(":scheme", "https"),
          field(":method", "GET"), field("user-agent", "someua/0.0.1")};
}

Block with(Block block, std::initializer_list<Header> extra) {
  block.insert(block.end(), extra);
  return block;
}

// `first` followed by `block`.
Block prepend(Header first, const Block& block) {
  Block out = {first};
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

Block response(std::initializer_list<Header> extra = {}) {
  return with({field(":status", "200")}, extra);
}

// All 16 combinations of the four flags, as test_invalid_headers parametrizes them.
std::vector<HeaderValidationFlags> all_flags() {
  std::vector<HeaderValidationFlags> out;
  for (int bits = 0; bits < 16; ++bits)
    out.push_back({.is_client = (bits & 1) != 0,
                   .is_trailer = (bits & 2) != 0,
                   .is_response_header = (bits & 4) != 0,
                   .is_push_promise = (bits & 8) != 0});
  return out;
}

std::vector<HeaderValidationFlags> response_flags() {
  std::vector<HeaderValidationFlags> out;
  for (const auto& f : all_flags())
    if (f.is_response_header) out.push_back(f);
  return out;
}

std::vector<HeaderValidationFlags> request_flags() {
  std::vector<HeaderValidationFlags> out;
  for (const auto& f : all_flags())
    if (!f.is_response_header && !f.is_trailer) out.push_back(f);
  return out;
}

std::string describe(const HeaderValidationFlags& f) {
  return std::string("client=") + (f.is_client ? "1" : "0") +
         " trailer=" + (f.is_trailer ? "1" : "0") +
         " response=" + (f.is_response_header ? "1" : "0") +
         " push=" + (f.is_push_promise ? "1" : "0");
}

std::string describe(const Block& block) {
  std::string out;
  for (const Header& h : block) {
    out += "(";
    for (const char c : h.name) out += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : "\\x??";
    out += ": ";
    for (const char c : h.value) out += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : "\\x??";
    out += ") ";
  }
  return out;
}

// The ProtocolError message, or "" if the call did not throw.
std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kProtocolError);
    return e.what();
  }
  return "";
}

std::string inbound_error(const Block& block, const HeaderValidationFlags& flags = kServerRequest) {
  return error_of([&] { validate_inbound_headers(block, flags); });
}

std::string outbound_error(const Block& block,
                           const HeaderValidationFlags& flags = kClientRequest) {
  return error_of([&] { validate_outbound_headers(block, flags); });
}

#define EXPECT_INBOUND_REJECTS(block, flags) \
  EXPECT_NE(inbound_error(block, flags), "") << describe(block) << describe(flags)
#define EXPECT_INBOUND_ACCEPTS(block, flags) \
  EXPECT_EQ(inbound_error(block, flags), "") << describe(block) << describe(flags)
#define EXPECT_OUTBOUND_REJECTS(block, flags) \
  EXPECT_NE(outbound_error(block, flags), "") << describe(block) << describe(flags)
#define EXPECT_OUTBOUND_ACCEPTS(block, flags) \
  EXPECT_EQ(outbound_error(block, flags), "") << describe(block) << describe(flags)

// ---------------------------------------------------------------------------------------------
// Inbound rules 1-11 (BEHAVIOUR.md §2.10), each with a bad and a good input.

TEST(HeaderRulesInbound, BaseRequestAndResponseAreAccepted) {
  EXPECT_INBOUND_ACCEPTS(base_request(), kServerRequest);
  EXPECT_INBOUND_ACCEPTS(base_request(), kPushRequest);
  EXPECT_INBOUND_ACCEPTS(response({field("content-type", "text/plain")}), kResponse);
  EXPECT_INBOUND_ACCEPTS(Block{field("grpc-status", "0")}, kTrailer);
  EXPECT_INBOUND_ACCEPTS(Block{}, kTrailer);
}

TEST(HeaderRulesInbound, Rule1UppercaseNameIsRejected) {
  EXPECT_EQ(inbound_error(with(base_request(), {field("Uppercase", "name")})),
            "Received uppercase header name Uppercase.");
  EXPECT_INBOUND_REJECTS(with(base_request(), {field("x-fOo", "1")}), kServerRequest);
  EXPECT_INBOUND_REJECTS(Block{field(":Status", "200")}, kResponse);
  EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("x-foo", "1")}), kServerRequest);
}

TEST(HeaderRulesInbound, Rule1NameBytesAtOrBelowSpaceOrFromDelUpAreRejected) {
  for (const std::string_view bad :
       {"\0"sv, "\x01"sv, "\t"sv, "\n"sv, "\r"sv, " "sv, "\x1f"sv, "\x7f"sv, "\x80"sv, "\xff"sv}) {
    const std::string middle = cat("na", bad, "me");
    const std::string leading = cat(bad, "name");
    const std::string trailing = cat("name", bad);
    for (const std::string& name : {middle, leading, trailing})
      EXPECT_INBOUND_REJECTS(with(base_request(), {field(name, "v")}), kServerRequest);
  }
  // Every other visible ASCII byte is allowed (RFC 9113 §8.2.1 does not require a token).
  EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("x-0_9.a~!#$%&'*+^`|\"(),/;<=>?@[]{}", "")}),
                         kServerRequest);
}

TEST(HeaderRulesInbound, Rule1ColonOnlyAsFirstByte) {
  EXPECT_INBOUND_REJECTS(with(base_request(), {field("na:me", "v")}), kServerRequest);
  EXPECT_INBOUND_REJECTS(with(base_request(), {field("name:", "v")}), kServerRequest);
  EXPECT_INBOUND_REJECTS(Block{field("::status", "200")}, kResponse);
  EXPECT_INBOUND_ACCEPTS(Block{field(":status", "200")}, kResponse);
}

TEST(HeaderRulesInbound, Rule2ValueWithNulCrOrLfIsRejected) {
  for (const std::string_view bad : {"\0"sv, "\r"sv, "\n"sv}) {
    for (const std::string& value : {cat("a", bad, "b"), cat(bad, "ab"), cat("ab", bad)})
      EXPECT_INBOUND_REJECTS(with(base_request(), {field("name", value)}), kServerRequest);
  }
}

TEST(HeaderRulesInbound, Rule2ValueWithSurroundingSpaceOrTabIsRejected) {
  for (const std::string_view value : {" value"sv, "value "sv, "\tvalue"sv, "value\t"sv, " "sv})
    EXPECT_INBOUND_REJECTS(with(base_request(), {field("name", value)}), kServerRequest);
}

TEST(HeaderRulesInbound, Rule2EmptyInteriorTabControlAndHighBytesAreAllowed) {
  for (const std::string_view value : {""sv, "a\tb"sv, "a b"sv, "a\x01z"sv, "\x01"sv, "\x7f"sv,
                                       "caf\xc3\xa9"sv, "\xff"sv, "\x0bx\x0c"sv})
    EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("name", value)}), kServerRequest);
}

TEST(HeaderRulesInbound, Rule3EmptyNameIsRejectedWithH2Message) {
  EXPECT_EQ(inbound_error(with(base_request(), {field("", "value")})),
            "Received header name with zero length.");
  for (const auto& flags : all_flags()) {
    EXPECT_INBOUND_REJECTS(Block{field("", "")}, flags);
    EXPECT_INBOUND_REJECTS(with(response(), {field("", "x")}), flags);
  }
}

TEST(HeaderRulesInbound, Rule4TeOtherThanTrailersIsRejected) {
  EXPECT_EQ(inbound_error(with(base_request(), {field("te", "chunked")})),
            "Invalid value for TE header: chunked");
  EXPECT_INBOUND_REJECTS(with(base_request(), {field("te", "trailers, deflate")}), kServerRequest);
  EXPECT_INBOUND_REJECTS(with(base_request(), {field("te", "")}), kServerRequest);
  EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("te", "trailers")}), kServerRequest);
  EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("te", "TrAiLeRs")}), kServerRequest);
}

TEST(HeaderRulesInbound, Rule5ConnectionSpecificFieldsAreRejected) {
  for (const std::string_view name :
       {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"}) {
    EXPECT_EQ(inbound_error(with(base_request(), {field(name, "x")})),
              "Connection-specific header field present: " + std::string(name) + ".");
    EXPECT_INBOUND_REJECTS(response({field(name, "x")}), kResponse);
    EXPECT_INBOUND_REJECTS(Block{field(name, "x")}, kTrailer);
  }
  EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("connections", "x")}), kServerRequest);
}

TEST(HeaderRulesInbound, Rule6DuplicatePseudoHeaderIsRejected) {
  EXPECT_EQ(inbound_error(prepend(field(":path", "/dup"), base_request())),
            "Received duplicate pseudo-header field :path");
  EXPECT_INBOUND_REJECTS(Block({field(":status", "200"), field(":status", "204")}), kResponse);
}

TEST(HeaderRulesInbound, Rule6PseudoHeaderAfterRegularFieldIsRejected) {
  Block late = {field(":authority", "example.com"), field(":path", "/"), field(":scheme", "https"),
                field("user-agent", "x"), field(":method", "GET")};
  EXPECT_EQ(inbound_error(late), "Received pseudo-header field out of sequence: :method");
  EXPECT_INBOUND_REJECTS(Block({field("server", "x"), field(":status", "200")}), kResponse);
}

TEST(HeaderRulesInbound, Rule6UnknownPseudoHeaderIsRejected) {
  EXPECT_EQ(inbound_error(Block{field(":custom", "x")}),
            "Received custom pseudo-header field :custom");
  for (const auto& flags : all_flags()) {
    EXPECT_INBOUND_REJECTS(Block{field(":custom", "value")}, flags);
    EXPECT_INBOUND_REJECTS(with(response(), {field(":custom", "value")}), flags);
    EXPECT_INBOUND_REJECTS(prepend(field(":custom", "v"), base_request()), flags);
  }
  EXPECT_INBOUND_REJECTS(Block{field(":", "x")}, kTrailer);
}

TEST(HeaderRulesInbound, Rule7PseudoHeaderInTrailerIsRejected) {
  const std::string error = inbound_error(Block{field(":status", "200")}, kTrailer);
  EXPECT_NE(error.find("pseudo-header in trailer"), std::string::npos) << error;
  EXPECT_INBOUND_REJECTS(Block({field(":path", "/"), field("grpc-status", "0")}), kTrailer);
  EXPECT_INBOUND_ACCEPTS(Block{field("grpc-status", "0")}, kTrailer);
}

TEST(HeaderRulesInbound, Rule8ResponseNeedsStatus) {
  for (const auto& flags : response_flags()) {
    EXPECT_INBOUND_REJECTS(Block{field("content-length", "42")}, flags);
    EXPECT_OUTBOUND_REJECTS(Block{field("content-length", "42")}, flags);
  }
  EXPECT_EQ(inbound_error(Block{field("content-length", "42")}, kResponse),
            "Header block missing mandatory :status header");
  EXPECT_INBOUND_ACCEPTS(response({field("content-length", "42")}), kResponse);
  EXPECT_INBOUND_ACCEPTS(Block{field(":status", "100")}, kResponse);  // 1xx too
  EXPECT_INBOUND_ACCEPTS(Block{field(":status", "101")}, kResponse);  // not special-cased
}

TEST(HeaderRulesInbound, Rule8ResponseWithRequestPseudoHeaderIsRejected) {
  for (const auto& flags : response_flags()) {
    for (const Header& extra :
         {field(":path", "/"), field(":scheme", "https"), field(":authority", "example.com"),
          field(":method", "GET"), field(":protocol", "websocket")}) {
      EXPECT_INBOUND_REJECTS(Block({field(":status", "200"), extra}), flags);
      EXPECT_OUTBOUND_REJECTS(Block({field(":status", "200"), extra}), flags);
    }
  }
}

TEST(HeaderRulesInbound, Rule9RequestNeedsMethodSchemeAndPath) {
  for (const std::string_view missing : {":method", ":scheme", ":path"}) {
    Block block;
    for (const Header& h : base_request())
      if (h.name != missing) block.push_back(h);
    for (const auto& flags : request_flags()) {
      EXPECT_INBOUND_REJECTS(block, flags);
      EXPECT_OUTBOUND_REJECTS(block, flags);
    }
    EXPECT_EQ(inbound_error(block),
              "Header block missing mandatory " + std::string(missing) + " header");
  }
}

TEST(HeaderRulesInbound, Rule9RequestWithStatusIsRejected) {
  for (const auto& flags : request_flags()) {
    EXPECT_INBOUND_REJECTS(prepend(field(":status", "200"), base_request()), flags);
    EXPECT_OUTBOUND_REJECTS(prepend(field(":status", "200"), base_request()), flags);
  }
}

TEST(HeaderRulesInbound, Rule9ProtocolOnAnOrdinaryMethodIsRejected) {
  const Block block = prepend(field(":protocol", "websocket"), base_request());
  EXPECT_EQ(inbound_error(block), "Encountered connect-request-only headers :protocol");
  EXPECT_OUTBOUND_REJECTS(block, kClientRequest);
}

TEST(HeaderRulesInbound, Rule10RequestNeedsAuthorityOrHost) {
  Block no_authority;
  for (const Header& h : base_request())
    if (h.name != ":authority") no_authority.push_back(h);
  for (const auto& flags : request_flags()) {
    EXPECT_INBOUND_REJECTS(no_authority, flags);
    EXPECT_OUTBOUND_REJECTS(no_authority, flags);
    EXPECT_INBOUND_ACCEPTS(with(no_authority, {field("host", "example.com")}), flags);
    EXPECT_OUTBOUND_ACCEPTS(with(no_authority, {field("host", "example.com")}), flags);
  }
  EXPECT_EQ(inbound_error(no_authority),
            "Request header block does not have an :authority or Host header.");
}

TEST(HeaderRulesInbound, Rule10HostMustEqualAuthority) {
  for (const auto& flags : request_flags()) {
    EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("host", "example.com")}), flags);
    EXPECT_OUTBOUND_ACCEPTS(with(base_request(), {field("host", "example.com")}), flags);
    EXPECT_INBOUND_REJECTS(with(base_request(), {field("host", "notexample.com")}), flags);
    EXPECT_OUTBOUND_REJECTS(with(base_request(), {field("host", "notexample.com")}), flags);
    // Byte-equal, not case-insensitive.
    EXPECT_INBOUND_REJECTS(with(base_request(), {field("host", "Example.com")}), flags);
  }
  EXPECT_EQ(inbound_error(with(base_request(), {field("host", "notexample.com")})),
            "Request header block has mismatched :authority and Host headers: example.com / "
            "notexample.com");
}

TEST(HeaderRulesInbound, Rule10MoreThanOneHostIsRejected) {
  Block two_hosts =
      with(base_request(), {field("host", "example.com"), field("host", "example.com")});
  EXPECT_INBOUND_REJECTS(two_hosts, kServerRequest);
  EXPECT_OUTBOUND_REJECTS(two_hosts, kClientRequest);
  Block hosts_only;
  for (const Header& h : two_hosts)
    if (h.name != ":authority") hosts_only.push_back(h);
  EXPECT_INBOUND_REJECTS(hosts_only, kServerRequest);
}

TEST(HeaderRulesInbound, Rule10AppliesToRequestBlocksOnly) {
  EXPECT_INBOUND_ACCEPTS(response({field("host", "a"), field("host", "b")}), kResponse);
  EXPECT_INBOUND_ACCEPTS(Block({field("host", "a"), field("host", "b")}), kTrailer);
  EXPECT_OUTBOUND_ACCEPTS(response(), kResponse);
}

TEST(HeaderRulesInbound, Rule11EmptyPathIsRejected) {
  Block block = base_request();
  block[1].value = "";
  for (const auto& flags : request_flags()) {
    EXPECT_INBOUND_REJECTS(block, flags);
    EXPECT_OUTBOUND_REJECTS(block, flags);
  }
  EXPECT_EQ(inbound_error(block), "An empty :path header is forbidden");
  block[1].value = "*";
  EXPECT_INBOUND_ACCEPTS(block, kServerRequest);
}

// ---------------------------------------------------------------------------------------------
// test_invalid_headers: the table of invalid request blocks.

struct InvalidBlock {
  std::string what;
  Block block;
  int offending = -1;     // index of the field whose removal makes the block valid, -1 if none
  bool outbound = false;  // also rejected by the outbound validator (after normalization)
};

std::vector<InvalidBlock> invalid_blocks() {
  const Block base = base_request();
  const int end = static_cast<int>(base.size());
  std::vector<InvalidBlock> t;
  auto add = [&](std::string what, Header extra, bool outbound = false) {
    t.push_back({std::move(what), with(base, {extra}), end, outbound});
  };
  add("uppercase name", field("Uppercase", "name"));
  add("late pseudo-header", field(":late", "pseudo-header"), true);
  t.push_back(
      {"duplicated :path", prepend(field(":path", "duplicate-pseudo-header"), base), 0, true});
  add("connection", field("connection", "close"));
  add("proxy-connection", field("proxy-connection", "close"));
  add("keep-alive", field("keep-alive", "close"));
  add("transfer-encoding", field("transfer-encoding", "gzip"));
  add("upgrade", field("upgrade", "super-protocol/1.1"));
  add("te chunked", field("te", "chunked"), true);
  t.push_back({"two host fields",
               with(base, {field("host", "example.com"), field("host", "example.com")}), end,
               true});
  add("host differs from :authority", field("host", "notexample.com"), true);
  add("name with leading space", field(" name", "name with leading space"));
  add("name with trailing space", field("name ", "name with trailing space"));
  add("value with leading space", field("name", " value with leading space"));
  add("value with trailing space", field("name", "value with trailing space "));
  add("colon inside name", field("na:me", "value"));
  add("CR in name", field("na\rme", "value"));
  add("LF in name", field("na\nme", "value"));
  add("NUL in name", field(std::string_view("na\0me", 5), "value"));
  add("0x01 in name", field("na\x01me", "value"));
  add("CR in value", field("name", "val\rue"));
  add("LF in value", field("name", "val\nue"));
  add("NUL in value", field("name", std::string_view("val\0ue", 6)));
  Block no_authority;
  for (const Header& h : base)
    if (h.name != ":authority") no_authority.push_back(h);
  t.push_back({"no :authority and no host", no_authority, -1, true});
  t.push_back({":protocol on a GET", prepend(field(":protocol", "websocket"), base), 0, true});
  return t;
}

TEST(HeaderRulesInvalidBlocks, EachIsRejectedInboundAsRequestAndAsPushPromise) {
  for (const InvalidBlock& b : invalid_blocks()) {
    EXPECT_NE(inbound_error(b.block, kServerRequest), "") << b.what;
    EXPECT_NE(inbound_error(b.block, kPushRequest), "") << b.what;
  }
}

TEST(HeaderRulesInvalidBlocks, EachIsAcceptedOnceTheOffendingFieldIsRemoved) {
  for (const InvalidBlock& b : invalid_blocks()) {
    if (b.offending < 0) continue;
    Block fixed = b.block;
    fixed.erase(fixed.begin() + b.offending);
    EXPECT_EQ(inbound_error(fixed, kServerRequest), "") << b.what;
    EXPECT_EQ(inbound_error(fixed, kPushRequest), "") << b.what;
    EXPECT_EQ(outbound_error(fixed, kClientRequest), "") << b.what;
  }
}

TEST(HeaderRulesInvalidBlocks, OutboundRejectsWhatNormalizationCannotFix) {
  Arena arena;
  Block normalized;
  for (const InvalidBlock& b : invalid_blocks()) {
    if (!b.outbound) continue;
    normalize_outbound_headers(b.block, false, arena, normalized);
    EXPECT_NE(outbound_error(normalized, kClientRequest), "") << b.what;
    EXPECT_NE(outbound_error(normalized, kPushRequest), "") << b.what;
  }
}

TEST(HeaderRulesInvalidBlocks, ConnectionSpecificFieldsAreStrippedAsIfAbsent) {
  Arena arena;
  Block normalized;
  for (const std::string_view name :
       {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"}) {
    normalize_outbound_headers(with(base_request(), {field(name, "close")}), false, arena,
                               normalized);
    EXPECT_EQ(normalized, base_request()) << name;
    EXPECT_OUTBOUND_ACCEPTS(normalized, kClientRequest);
  }
}

TEST(HeaderRulesInvalidBlocks, NormalizationAloneNeverRejects) {
  Arena arena;
  Block normalized;
  for (const InvalidBlock& b : invalid_blocks()) {
    EXPECT_NO_THROW(normalize_outbound_headers(b.block, true, arena, normalized)) << b.what;
  }
}

TEST(HeaderRulesInvalidBlocks, TeTrailersIsAccepted) {
  EXPECT_INBOUND_ACCEPTS(with(base_request(), {field("te", "trailers")}), kServerRequest);
  EXPECT_OUTBOUND_ACCEPTS(with(base_request(), {field("te", "trailers")}), kClientRequest);
}

// test_invalid_headers' hypothesis test: random byte headers either pass or raise
// ProtocolError, under every flag combination, both ways.
TEST(HeaderRulesInvalidBlocks, RandomBlocksPassOrThrowProtocolErrorOnly) {
  std::mt19937 rng(20240501);
  const std::string alphabet = std::string("abcAZ:- \t\r\n\x01\x7f\x80\xff", 16) + "0";
  auto random_string = [&](size_t max) {
    std::string s(rng() % (max + 1), '\0');
    for (char& c : s) c = (rng() % 4 == 0) ? static_cast<char>(rng()) : alphabet[rng() % 17];
    return s;
  };
  const auto flags_list = all_flags();
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> storage;
    const size_t n = rng() % 6;
    for (size_t i = 0; i < 2 * n; ++i) storage.push_back(random_string(8));
    Block block;
    for (size_t i = 0; i < n; ++i) block.push_back(field(storage[2 * i], storage[2 * i + 1]));
    const Block copy = block;
    for (const auto& flags : flags_list) {
      try {
        validate_inbound_headers(block, flags);
      } catch (const ProtocolError&) {
      }
      try {
        validate_outbound_headers(block, flags);
      } catch (const ProtocolError&) {
      }
    }
    EXPECT_EQ(block, copy);
  }
}

// ---------------------------------------------------------------------------------------------
// CONNECT: test_connect_pseudo_headers and RFC 8441.

TEST(HeaderRulesConnect, OrdinaryConnectWithMethodAndAuthorityPasses) {
  const Block block = {field(":method", "CONNECT"), field(":authority", "example.com:443")};
  EXPECT_OUTBOUND_ACCEPTS(block, kClientRequest);
  EXPECT_INBOUND_ACCEPTS(block, kServerRequest);
}

TEST(HeaderRulesConnect, OrdinaryConnectWithPathOrSchemeIsRejected) {
  for (const Header& extra : {field(":path", "/"), field(":scheme", "https")}) {
    const Block block = {field(":method", "CONNECT"), field(":authority", "example.com:443"),
                         extra};
    EXPECT_OUTBOUND_REJECTS(block, kClientRequest);
    EXPECT_INBOUND_REJECTS(block, kServerRequest);
  }
}

TEST(HeaderRulesConnect, ExtendedConnectPasses) {
  const Block block = {field(":method", "CONNECT"),        field(":protocol", "websocket"),
                       field(":scheme", "https"),          field(":path", "/chat"),
                       field(":authority", "example.com"), field("user-agent", "x")};
  EXPECT_OUTBOUND_ACCEPTS(block, kClientRequest);
  EXPECT_INBOUND_ACCEPTS(block, kServerRequest);
  EXPECT_INBOUND_ACCEPTS(block, kPushRequest);
}

TEST(HeaderRulesConnect, ExtendedConnectNeedsSchemeAndPath) {
  const Block no_path = {field(":method", "CONNECT"), field(":protocol", "websocket"),
                         field(":scheme", "https"), field(":authority", "example.com")};
  const Block no_scheme = {field(":method", "CONNECT"), field(":protocol", "websocket"),
                           field(":path", "/"), field(":authority", "example.com")};
  for (const Block& block : {no_path, no_scheme}) {
    EXPECT_OUTBOUND_REJECTS(block, kClientRequest);
    EXPECT_INBOUND_REJECTS(block, kServerRequest);
  }
}

TEST(HeaderRulesConnect, ConnectMethodIsCaseSensitive) {
  // "connect" is an ordinary method: it needs :scheme and :path and may not carry :protocol.
  const Block block = {field(":method", "connect"), field(":authority", "example.com:443")};
  EXPECT_INBOUND_REJECTS(block, kServerRequest);
}

TEST(HeaderRulesConnect, GetWithoutSchemeAndPathIsRejected) {
  const Block block = {field(":method", "GET"), field(":authority", "example.com")};
  EXPECT_OUTBOUND_REJECTS(block, kClientRequest);
  EXPECT_INBOUND_REJECTS(block, kServerRequest);
}

// ---------------------------------------------------------------------------------------------
// Outbound validation: what it checks and what it leaves to normalization.

TEST(HeaderRulesOutbound, TeChunkedIsRejectedTrailersAccepted) {
  EXPECT_EQ(outbound_error(with(base_request(), {field("te", "chunked")})),
            "Invalid value for TE header: chunked");
  EXPECT_OUTBOUND_ACCEPTS(with(base_request(), {field("te", "Trailers")}), kClientRequest);
}

TEST(HeaderRulesOutbound, ConnectionSpecificFieldIsRejectedWhenNotNormalized) {
  EXPECT_OUTBOUND_REJECTS(with(base_request(), {field("connection", "close")}), kClientRequest);
  EXPECT_OUTBOUND_REJECTS(response({field("upgrade", "h2c")}), kResponse);
}

TEST(HeaderRulesOutbound, CharactersAndCaseAreNotChecked) {
  EXPECT_OUTBOUND_ACCEPTS(with(base_request(), {field("X-Upper", " spaced "),
                                                field("bad\x01name", "a\r\nb"), field("", "")}),
                          kClientRequest);
}

TEST(HeaderRulesOutbound, PseudoHeaderRulesApply) {
  EXPECT_OUTBOUND_REJECTS(with(base_request(), {field(":late", "x")}), kClientRequest);
  EXPECT_OUTBOUND_REJECTS(prepend(field(":custom", "x"), base_request()), kClientRequest);
  EXPECT_OUTBOUND_REJECTS(Block{field(":status", "200")}, kTrailer);
  EXPECT_OUTBOUND_ACCEPTS(Block{field("grpc-status", "0")}, kTrailer);
  EXPECT_OUTBOUND_ACCEPTS(base_request(), kPushRequest);
}

TEST(HeaderRulesOutbound, MatchingAuthorityAndHostPassForEveryRequestFlagCombination) {
  const Block block = with(base_request(), {field("host", "example.com")});
  for (const auto& flags : request_flags()) {
    EXPECT_INBOUND_ACCEPTS(block, flags);
    EXPECT_OUTBOUND_ACCEPTS(block, flags);
  }
}

// ---------------------------------------------------------------------------------------------
// Outbound normalization (§2.9, §1.6, test_header_indexing).

Block normalize(const Block& in, bool split_cookies = false) {
  static Arena arena;
  Block out;
  normalize_outbound_headers(in, split_cookies, arena, out);
  return out;
}

TEST(HeaderRulesNormalizeOutbound, NamesAreLowercasedValuesAreNot) {
  EXPECT_EQ(normalize({field("Content-Type", "Text/HTML"), field("X-ABC", "DEF")}),
            Block({field("content-type", "Text/HTML"), field("x-abc", "DEF")}));
}

TEST(HeaderRulesNormalizeOutbound, SurroundingWhitespaceIsStrippedFromNamesAndValues) {
  EXPECT_EQ(normalize({field(" name ", "  value \t"), field("\tx", "a b"), field("y", "\r\nv\r\n"),
                       field("z", "   ")}),
            Block({field("name", "value"), field("x", "a b"), field("y", "v"), field("z", "")}));
}

TEST(HeaderRulesNormalizeOutbound, ConnectionSpecificFieldsAreDropped) {
  EXPECT_EQ(
      normalize({field(":status", "200"), field("Connection", "close"), field(" keep-alive ", "5"),
                 field("Transfer-Encoding", "chunked"), field("upgrade", "h2c"),
                 field("proxy-connection", "x"), field("server", "s")}),
      Block({field(":status", "200"), field("server", "s")}));
}

TEST(HeaderRulesNormalizeOutbound, TeIsKeptForValidationToJudge) {
  EXPECT_EQ(normalize({field("TE", "chunked")}), Block({field("te", "chunked")}));
}

TEST(HeaderRulesNormalizeOutbound, AuthorizationIsAlwaysNeverIndexed) {
  const std::string long_value(100, 'x');
  for (const std::string_view name : {"authorization", "Authorization", "AUTHORIZATION",
                                      "proxy-authorization", "Proxy-Authorization"}) {
    for (const std::string_view value : {"Basic Zm9v"sv, std::string_view(long_value)}) {
      for (const bool ni : {false, true}) {
        const Block out = normalize({field(name, value, ni)});
        ASSERT_EQ(out.size(), 1u);
        EXPECT_TRUE(out[0].never_indexed) << name;
        EXPECT_EQ(out[0].name, name.size() == 13 ? "authorization" : "proxy-authorization");
        EXPECT_EQ(out[0].value, value);
      }
    }
  }
}

TEST(HeaderRulesNormalizeOutbound, ShortCookiesAreNeverIndexedLongOnesAreNot) {
  const std::string v19(19, 'c');
  const std::string v20(20, 'c');
  for (const std::string_view name : {"cookie", "Cookie", "COOKIE"}) {
    EXPECT_TRUE(normalize({field(name, v19)})[0].never_indexed) << name;
    EXPECT_TRUE(normalize({field(name, "")})[0].never_indexed) << name;
    EXPECT_FALSE(normalize({field(name, v20)})[0].never_indexed) << name;
    EXPECT_TRUE(normalize({field(name, v20, true)})[0].never_indexed) << name;
    EXPECT_EQ(normalize({field(name, v20)})[0].name, "cookie");
  }
  // The length is taken after stripping.
  EXPECT_TRUE(normalize({field("cookie", cat("  ", v19, "  "))})[0].never_indexed);
}

TEST(HeaderRulesNormalizeOutbound, NamesThatMerelyContainCookieAreNotAffected) {
  for (const std::string_view name :
       {"cook", "okie", "oo", "cooki", "ookie", "cookies", "set-cookie", "x-cookie"}) {
    const Block out = normalize({field(name, "short")}, true);
    ASSERT_EQ(out.size(), 1u) << name;
    EXPECT_FALSE(out[0].never_indexed) << name;
  }
  EXPECT_EQ(normalize({field("set-cookie", "a=1; b=2")}, true).size(), 1u);
}

TEST(HeaderRulesNormalizeOutbound, NeverIndexedInputStaysNeverIndexed) {
  EXPECT_EQ(normalize({field("X-Secret", " token ", true), field("plain", "v")}),
            Block({field("x-secret", "token", true), field("plain", "v")}));
}

TEST(HeaderRulesNormalizeOutbound, CookiesAreSplitOnSemicolonSpaceIntoViews) {
  const std::string value = "a=1; b=2; this-one-is-longer-than-20=x";
  const Block in = {field(":method", "GET"), field("Cookie", value), field("accept", "*/*")};
  const Block out = normalize(in, true);
  EXPECT_EQ(
      out,
      Block({field(":method", "GET"), field("cookie", "a=1", true), field("cookie", "b=2", true),
             field("cookie", "this-one-is-longer-than-20=x", false), field("accept", "*/*")}));
  for (size_t i = 1; i <= 3; ++i) {
    EXPECT_GE(out[i].value.data(), value.data());
    EXPECT_LE(out[i].value.data() + out[i].value.size(), value.data() + value.size());
  }
}

TEST(HeaderRulesNormalizeOutbound, CookieSplittingKeepsNeverIndexed) {
  const std::string long_crumb(30, 'z');
  const std::string value = cat("a=1; ", long_crumb);
  const Block out = normalize({field("cookie", value, true)}, true);
  EXPECT_EQ(out, Block({field("cookie", "a=1", true), field("cookie", long_crumb, true)}));
}

TEST(HeaderRulesNormalizeOutbound, CookieSplittingEdgeCases) {
  // Only "; " separates; crumbs are stripped after the split; empty crumbs survive.
  EXPECT_EQ(normalize({field("cookie", "a=1;b=2")}, true),
            Block({field("cookie", "a=1;b=2", true)}));
  EXPECT_EQ(normalize({field("cookie", "a=1; ")}, true),
            Block({field("cookie", "a=1", true), field("cookie", "", true)}));
  EXPECT_EQ(normalize({field("cookie", "")}, true), Block({field("cookie", "", true)}));
  EXPECT_EQ(normalize({field("cookie", "a=1;  b=2 ")}, true),
            Block({field("cookie", "a=1", true), field("cookie", "b=2", true)}));
  // Without splitting the value is kept whole.
  EXPECT_EQ(normalize({field("cookie", "a=1; b=2")}, false),
            Block({field("cookie", "a=1; b=2", true)}));
}

TEST(HeaderRulesNormalizeOutbound, OutputIsClearedFirst) {
  Arena arena;
  Block out = {field("stale", "x")};
  normalize_outbound_headers(Block{field("a", "b")}, false, arena, out);
  EXPECT_EQ(out, Block({field("a", "b")}));
}

TEST(HeaderRulesNormalizeOutbound, AlreadyNormalListWritesNothingIntoTheArena) {
  const std::string cookie = "a=1; b=2; c=3";
  const Block in = with(base_request(), {field("cookie", cookie), field("authorization", "x"),
                                         field("accept-encoding", "gzip, br", true)});
  Arena arena;
  char* const before = arena.allocate(1);
  Block out;
  normalize_outbound_headers(in, false, arena, out);
  normalize_outbound_headers(in, true, arena, out);
  EXPECT_EQ(arena.allocate(1), before + 1);  // nothing was carved in between

  normalize_outbound_headers(in, false, arena, out);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].name.data(), in[i].name.data()) << i;
    EXPECT_EQ(out[i].value.data(), in[i].value.data()) << i;
  }
}

TEST(HeaderRulesNormalizeOutbound, OnlyChangedNamesAreCopied) {
  const Block in = {field("Content-Type", " text/plain "), field("server", "  s")};
  Arena arena;
  Block out;
  normalize_outbound_headers(in, false, arena, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].name.data(), in[0].name.data());        // lowercased: a copy
  EXPECT_EQ(out[0].value.data(), in[0].value.data() + 1);  // stripped: a view
  EXPECT_EQ(out[1].name.data(), in[1].name.data());
  EXPECT_EQ(out[1].value.data(), in[1].value.data() + 2);
}

// ---------------------------------------------------------------------------------------------
// Inbound normalization: cookie joining (RFC 9113 §8.2.3).

TEST(HeaderRulesNormalizeInbound, CookiesAreJoinedIntoOneNeverIndexedFieldAtTheEnd) {
  const Block in = {field(":method", "GET"), field("cookie", "a=1"),   field("accept", "*/*"),
                    field("cookie", "b=2"),  field("user-agent", "u"), field("cookie", "c=3")};
  Arena arena;
  Block out;
  normalize_inbound_headers(in, arena, out);
  EXPECT_EQ(out, Block({field(":method", "GET"), field("accept", "*/*"), field("user-agent", "u"),
                        field("cookie", "a=1; b=2; c=3", true)}));
}

TEST(HeaderRulesNormalizeInbound, SingleCookieMovesToTheEndAsAView) {
  const Block in = {field("cookie", "a=1"), field("accept", "*/*")};
  Arena arena;
  char* const before = arena.allocate(1);
  Block out;
  normalize_inbound_headers(in, arena, out);
  EXPECT_EQ(out, Block({field("accept", "*/*"), field("cookie", "a=1", true)}));
  EXPECT_EQ(out[1].value.data(), in[0].value.data());
  EXPECT_EQ(arena.allocate(1), before + 1);
}

TEST(HeaderRulesNormalizeInbound, EmptyCrumbsAreJoinedToo) {
  const Block in = {field("cookie", ""), field("cookie", "")};
  Arena arena;
  Block out;
  normalize_inbound_headers(in, arena, out);
  EXPECT_EQ(out, Block({field("cookie", "; ", true)}));
}

TEST(HeaderRulesNormalizeInbound, BlockWithoutCookiesIsUnchanged) {
  const Block in = {field(":status", "200"), field("server", "s", true)};
  Arena arena;
  Block out = {field("stale", "x")};
  normalize_inbound_headers(in, arena, out);
  EXPECT_EQ(out, in);
}

// ---------------------------------------------------------------------------------------------
// Content-length (§2.11, test_invalid_content_lengths).

std::string content_length_error(const Block& block) {
  return error_of([&] { parse_content_length(block); });
}

TEST(HeaderRulesContentLength, NoneIsNullopt) {
  EXPECT_EQ(parse_content_length(base_request()), std::nullopt);
  EXPECT_EQ(parse_content_length(Block{}), std::nullopt);
}

TEST(HeaderRulesContentLength, DigitsAreParsed) {
  EXPECT_EQ(parse_content_length(Block{field("content-length", "15")}), 15u);
  EXPECT_EQ(parse_content_length(Block{field("content-length", "0")}), 0u);
  EXPECT_EQ(parse_content_length(Block{field("content-length", "007")}), 7u);
  EXPECT_EQ(parse_content_length(Block{field("content-length", "18446744073709551615")}),
            UINT64_MAX);
}

// Up to 19 digits the value is read without per-digit overflow checks; longer ones with them.
// Both against a reference on random digit strings of 1 to 25 digits.
TEST(HeaderRulesContentLength, ShortAndLongDigitStringsMatchWideArithmetic) {
  EXPECT_EQ(parse_content_length(Block{field("content-length", "9999999999999999999")}),
            9999999999999999999u);
  std::mt19937 rng(1919);
  for (int round = 0; round < 20000; ++round) {
    std::string digits(1 + rng() % 25, '0');
    for (char& c : digits) c = static_cast<char>('0' + rng() % 10);
    if (rng() % 4 == 0) digits[0] = '1';
    // Fits 64 bits: fewer than 20 significant digits, or 20 not above 2^64-1's.
    const std::string significant = digits.substr(std::min(digits.find_first_not_of('0'),
                                                           digits.size()));
    const bool fits = significant.size() < 20 ||
                      (significant.size() == 20 && significant <= "18446744073709551615");
    uint64_t value = 0;  // wraps when it does not fit (then unused)
    for (const char c : digits) value = value * 10 + static_cast<unsigned>(c - '0');
    const Block block{field("content-length", digits)};
    if (fits) {
      EXPECT_EQ(parse_content_length(block), value) << digits;
    } else {
      EXPECT_THROW(parse_content_length(block), ProtocolError) << digits;
    }
  }
}

TEST(HeaderRulesContentLength, RepeatedIdenticalValuesAreFine) {
  EXPECT_EQ(parse_content_length(with(
                base_request(), {field("content-length", "15"), field("content-length", "15")})),
            15u);
}

TEST(HeaderRulesContentLength, ConflictingValuesAreRejected) {
  EXPECT_EQ(content_length_error({field("content-length", "15"), field("content-length", "16")}),
            "Conflicting content-length headers: 15 and 16");
}

TEST(HeaderRulesContentLength, BadGrammarIsRejected) {
  const std::string five_thousand_digits(5000, '9');
  for (const std::string_view value : {"15a"sv,
                                       "15.0"sv,
                                       "-15"sv,
                                       "+15"sv,
                                       " 15"sv,
                                       "15 "sv,
                                       "1e2"sv,
                                       "0xF"sv,
                                       "15_000"sv,
                                       "15,000"sv,
                                       "NaN"sv,
                                       "\0"sv,
                                       "1\0"sv,
                                       "0b1111"sv,
                                       "0o17"sv,
                                       ""sv,
                                       "\t15"sv,
                                       "18446744073709551616"sv,
                                       "99999999999999999999"sv,
                                       std::string_view(five_thousand_digits),
                                       "\xd9\xa1"sv}) {
    const std::string error = content_length_error({field("content-length", value)});
    EXPECT_EQ(error.rfind("Invalid content-length header: ", 0), 0u) << error;
  }
}

TEST(HeaderRulesContentLength, BadValueAfterGoodOneIsStillInvalid) {
  EXPECT_EQ(content_length_error({field("content-length", "15"), field("content-length", "x")})
                .rfind("Invalid content-length header", 0),
            0u);
}

// ---------------------------------------------------------------------------------------------
// extract_method_header (test_utility_functions) and is_connection_specific_header.

TEST(HeaderRulesUtilities, MethodIsExtractedByExactName) {
  EXPECT_EQ(extract_method_header(base_request()), "GET");
  EXPECT_EQ(extract_method_header(Block{field(":me", "GET")}), std::nullopt);
  EXPECT_EQ(extract_method_header(Block{field(":methods", "GET")}), std::nullopt);
  EXPECT_EQ(extract_method_header(Block{field(":me", "x"), field(":method", "HEAD")}), "HEAD");
  EXPECT_EQ(extract_method_header(Block{}), std::nullopt);
}

TEST(HeaderRulesUtilities, ConnectionSpecificNamesAreExactLowercaseMatches) {
  for (const std::string_view name :
       {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"})
    EXPECT_TRUE(is_connection_specific_header(name)) << name;
  for (const std::string_view name :
       {"te", "Connection", "connection ", "upgrades", "keep_alive", "", "host"})
    EXPECT_FALSE(is_connection_specific_header(name)) << name;
}

}  // namespace
}  // namespace h2

namespace h2 {
namespace {

// The value check reads eight bytes at a time: a forbidden byte must be found at every
// position of a word and in the tail, and bytes that merely look similar must pass.
TEST(HeaderRulesInbound, ForbiddenValueBytesAreFoundAtEveryPosition) {
  const HeaderValidationFlags response{true, false, true, false};
  for (char bad : {'\0', '\n', '\r'}) {
    for (size_t pos = 1; pos < 39; ++pos) {
      std::string value(40, 'v');
      value[pos] = bad;
      const std::vector<Header> headers = {{":status", "200", false}, {"x-long", value, false}};
      EXPECT_THROW(validate_inbound_headers(headers, response), ProtocolError)
          << "byte " << int(bad) << " at " << pos;
    }
  }
  std::string lookalikes;
  for (int c = 1; c < 256; ++c)
    if (c != '\n' && c != '\r') lookalikes += static_cast<char>(c);
  lookalikes = "x" + lookalikes + "x";  // no SP/HTAB at the ends
  const std::vector<Header> ok = {{":status", "200", false}, {"x-bytes", lookalikes, false}};
  EXPECT_NO_THROW(validate_inbound_headers(ok, response));
}

}  // namespace
}  // namespace h2

namespace h2 {
namespace {

// The word-at-a-time scans: an uppercase byte or a NUL/CR/LF is found wherever it sits in a
// long name or value, and look-alike bytes (HTAB, other controls, non-ASCII) are not mistaken
// for them.
TEST(HeaderRulesWordScans, UppercaseFoundAtEveryPositionOfLongNames) {
  Arena arena;
  std::vector<Header> out;
  for (size_t length : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u, 15u, 16u, 17u, 31u}) {
    const std::string lower(length, 'x');
    for (size_t i = 0; i < length; ++i) {
      for (char upper : {'A', 'M', 'Z'}) {
        std::string name = lower;
        name[i] = upper;
        std::vector<Header> in = {{name, "v", false}};
        normalize_outbound_headers(in, false, arena, out);
        std::string expected = lower;
        expected[i] = static_cast<char>(upper + 32);
        ASSERT_EQ(out.at(0).name, expected) << name;
      }
    }
    // No uppercase byte: the name is handed on as it is, not copied. Bytes next to 'A'..'Z'
    // and non-ASCII bytes whose low seven bits are uppercase letters do not count.
    for (char other : {'@', '[', 'a', 'z', '\xc1', '\xda', '\xff'}) {
      std::string name = lower;
      name[length / 2] = other;
      std::vector<Header> in = {{name, "v", false}};
      normalize_outbound_headers(in, false, arena, out);
      ASSERT_EQ(out.at(0).name.data(), in[0].name.data()) << length << " " << int{other};
    }
  }
}

TEST(HeaderRulesWordScans, NulCrLfFoundAtEveryPositionOfLongValues) {
  const HeaderValidationFlags flags;  // a request
  for (size_t length : {3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u, 13u, 16u, 23u, 40u}) {
    for (size_t i = 1; i + 1 < length; ++i) {
      for (char bad : {'\0', '\r', '\n'}) {
        std::string value(length, 'v');
        value[i] = bad;
        std::vector<Header> block = {{":method", "GET", false}, {":scheme", "https", false},
                                     {":path", "/", false},     {":authority", "a", false},
                                     {"x-v", value, false}};
        EXPECT_THROW(validate_inbound_headers(block, flags), ProtocolError) << length << " " << i;
      }
      // HTAB and the other controls below CR are allowed inside a value.
      for (char ok : {'\t', '\x01', '\x0b', '\x0c', '\x0e', '\x7f'}) {
        std::string value(length, 'v');
        value[i] = ok;
        std::vector<Header> block = {{":method", "GET", false}, {":scheme", "https", false},
                                     {":path", "/", false},     {":authority", "a", false},
                                     {"x-v", value, false}};
        EXPECT_NO_THROW(validate_inbound_headers(block, flags)) << length << " " << i;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The connection's fast path for outbound normalization (rules::classify_if_normalized): a
// list it accepts must be exactly what normalize_outbound makes of it, with the same tokens
// and summary; and it may decline only lists that normalization changes (or, with cookie
// splitting on, that hold a cookie).

bool same_summary(const rules::OutboundSummary& a, const rules::OutboundSummary& b) {
  return a.pseudo == b.pseudo && a.regular_seen == b.regular_seen && a.irregular == b.irregular &&
         a.method == b.method && a.method.data() == b.method.data();
}

void expect_fast_path_agrees(const Block& in, bool split_cookies, int* taken = nullptr) {
  std::vector<field_name::Token> fast_tokens;
  rules::OutboundSummary fast_summary;
  const bool fast = rules::classify_if_normalized(in, split_cookies, fast_tokens, fast_summary);
  Arena arena;
  Block out;
  std::vector<field_name::Token> tokens;
  rules::OutboundSummary summary;
  rules::normalize_outbound(in, split_cookies, arena, out, tokens, summary);
  const bool unchanged =
      out.size() == in.size() && std::equal(out.begin(), out.end(), in.begin(), [](auto& a, auto& b) {
        return a.name.data() == b.name.data() && a.name.size() == b.name.size() &&
               a.value.data() == b.value.data() && a.value.size() == b.value.size() &&
               a.never_indexed == b.never_indexed;
      });
  if (fast) {
    EXPECT_TRUE(unchanged) << testing::PrintToString(in);
    EXPECT_EQ(fast_tokens, tokens) << testing::PrintToString(in);
    EXPECT_TRUE(same_summary(fast_summary, summary)) << testing::PrintToString(in);
    if (taken) ++*taken;
  } else {
    const bool has_cookie = std::any_of(in.begin(), in.end(), [](const Header& h) {
      return field_name::classify(h.name) == field_name::kCookie;
    });
    EXPECT_TRUE(!unchanged || (split_cookies && has_cookie)) << testing::PrintToString(in);
  }
}

TEST(HeaderRulesNormalizedFastPath, TypicalListsTakeItAndAgree) {
  const Block request = {field(":method", "GET"), field(":scheme", "https"),
                         field(":authority", "www.example.com"), field(":path", "/index.html"),
                         field("user-agent", "Mozilla/5.0"), field("accept", "*/*"),
                         field("cookie", "session=8f14e45fceea167a5a36dedd4bea2543; theme=dark"),
                         field("x-request-id", "42")};
  int taken = 0;
  expect_fast_path_agrees(request, false, &taken);
  expect_fast_path_agrees(base_request(), false, &taken);
  expect_fast_path_agrees({field(":status", "200"), field("content-length", "100")}, true, &taken);
  EXPECT_EQ(taken, 3);
}

TEST(HeaderRulesNormalizedFastPath, ListsNormalizationChangesAreDeclined) {
  const Block lists[] = {
      with(base_request(), {field("X-Upper", "v")}),
      with(base_request(), {field(" x-padded", "v")}),
      with(base_request(), {field("x-padded-value", " v")}),
      with(base_request(), {field("accept", "v\t")}),
      with(base_request(), {field("connection", "close")}),
      with(base_request(), {field("upgrade", "h2c")}),
      with(base_request(), {field("authorization", "secret")}),
      with(base_request(), {field("proxy-authorization", "secret")}),
      with(base_request(), {field("cookie", "short=1")}),
      with(base_request(), {field("Cookie", "a-rather-long-cookie-value=1")}),
  };
  for (const Block& b : lists) {
    std::vector<field_name::Token> tokens;
    rules::OutboundSummary summary;
    EXPECT_FALSE(rules::classify_if_normalized(b, false, tokens, summary))
        << testing::PrintToString(b);
    expect_fast_path_agrees(b, false);
    expect_fast_path_agrees(b, true);
  }
  // Already never-indexed sensitive fields are left as they are: the fast path takes them.
  int taken = 0;
  expect_fast_path_agrees(with(base_request(), {field("authorization", "secret", true),
                                                field("cookie", "short=1", true)}),
                          false, &taken);
  EXPECT_EQ(taken, 1);
  // With splitting on, a cookie always goes the slow way.
  std::vector<field_name::Token> tokens;
  rules::OutboundSummary summary;
  EXPECT_FALSE(rules::classify_if_normalized(
      with(base_request(), {field("cookie", "a-rather-long-cookie-value=1")}), true, tokens,
      summary));
}

TEST(HeaderRulesNormalizedFastPath, RandomListsAgreeWithNormalization) {
  std::mt19937 rng(20261126);
  const std::string_view names[] = {":method", ":path", ":authority", ":status", ":protocol",
                                    ":custom", "cookie", "Cookie", "accept", "ACCEPT", "te",
                                    "host", "connection", "keep-alive", "transfer-encoding",
                                    "authorization", "proxy-authorization", "x-custom",
                                    " x-custom", "x-custom\t", "", "content-length"};
  const std::string_view values[] = {"", "v", " v", "v ", "\tv", "a; b", "a;b",
                                     "a-value-longer-than-twenty-bytes", " ", "GET", "/"};
  int taken = 0;
  for (int round = 0; round < 3000; ++round) {
    Block block;
    const size_t n = rng() % 7;
    for (size_t i = 0; i < n; ++i)
      block.push_back(field(names[rng() % std::size(names)], values[rng() % std::size(values)],
                            rng() % 4 == 0));
    expect_fast_path_agrees(block, rng() % 2 == 0, &taken);
  }
  EXPECT_GT(taken, 100);  // the comparison above ran on accepted lists, not just declined ones
}

// rules::normalize_inbound_in_place (the connection's cookie joining) against a model of
// RFC 9113 §8.2.3 as h2 does it, on random blocks: the common block with one cookie already
// last takes a shortcut and must come out exactly as the general path would make it.
TEST(HeaderRulesNormalizeInboundInPlace, RandomBlocksMatchTheModel) {
  std::mt19937 rng(8230);
  const std::string_view names[] = {"cookie", "accept", ":path", "x-a"};
  const std::string_view values[] = {"", "a=1", "b=2", "c"};
  int single_last = 0;
  for (int round = 0; round < 4000; ++round) {
    const size_t n = 1 + rng() % 6;
    Block in;
    std::vector<field_name::Token> tokens;
    for (size_t i = 0; i < n; ++i) {
      in.push_back(field(names[rng() % std::size(names)], values[rng() % std::size(values)],
                         rng() % 3 == 0));
      tokens.push_back(field_name::classify(in.back().name));
    }
    const uint64_t checked = rng() & ((uint64_t{1} << n) - 1);
    // The model.
    Block expected;
    std::string joined;
    size_t cookies = 0;
    bool cookie_checked = true;
    uint64_t expected_checked = 0;
    for (size_t i = 0; i < n; ++i) {
      const bool is_checked = ((checked >> i) & 1) != 0;
      if (tokens[i] == field_name::kCookie) {
        if (cookies++ > 0) joined += "; ";
        joined += in[i].value;
        cookie_checked = cookie_checked && is_checked;
        continue;
      }
      if (is_checked) expected_checked |= uint64_t{1} << expected.size();
      expected.push_back(in[i]);
    }
    if (cookies > 1)
      for (size_t i = 0; i < n; ++i)
        if (tokens[i] == field_name::kCookie && in[i].value.empty()) cookie_checked = false;
    if (cookies > 0) {
      if (cookie_checked) expected_checked |= uint64_t{1} << expected.size();
      expected.push_back(field("cookie", joined, true));
    } else {
      expected_checked = checked;
    }
    single_last += cookies == 1 && tokens[n - 1] == field_name::kCookie;

    Block fields = in;
    fields.emplace_back();  // room for the joined cookie
    uint64_t got_checked = checked;
    Arena arena;
    const size_t count = rules::normalize_inbound_in_place(fields.data(), tokens.data(), n, arena,
                                                           &got_checked);
    fields.resize(count);
    EXPECT_EQ(fields, expected) << testing::PrintToString(in);
    EXPECT_EQ(got_checked, expected_checked) << testing::PrintToString(in) << " " << checked;
    for (size_t i = 0; i < count; ++i)
      EXPECT_EQ(tokens[i], field_name::classify(fields[i].name)) << testing::PrintToString(in);
  }
  EXPECT_GT(single_last, 100);
}

// The send path's one-pass encoding (rules::encode_if_normalized) against the general path
// (normalize, then encode every field): two encoders get the same blocks, one through the
// one-pass encoding whenever it accepts and the general path otherwise, the other always
// through the general path. Their bytes must agree block for block, an accepted block must
// leave the encoder's generation as it was, and a declined one must leave `out` as it was.
TEST(HeaderRulesOnePassEncoding, AgreesWithNormalizeThenEncode) {
  std::mt19937 rng(4711);
  const std::string_view names[] = {":method", ":path", ":authority", ":scheme", "user-agent",
                                    "accept", "cookie", "x-custom", "X-Upper", "authorization",
                                    "content-length", "etag", "date", "host", "te",
                                    "connection", "transfer-encoding", ":status",
                                    "accept-encoding", "proxy-authorization"};
  const std::string_view values[] = {"GET", "/", "/index.html", "https", "www.example.com",
                                     "a-value-longer-than-twenty-bytes", "short", "", " padded",
                                     "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101",
                                     "200", "gzip, deflate", "chunked"};
  for (const auto strategy : {hpack::EncoderStrategy::kDefault,
                              hpack::EncoderStrategy::kPythonHpack}) {
    hpack::Encoder one_pass(strategy);
    hpack::Encoder general(strategy);
    int accepted = 0;
    for (int round = 0; round < 6000; ++round) {
      if (round % 500 == 250) {
        // A size change: the next block owes a size update, which only the general path writes.
        const uint32_t size = round % 1000 == 250 ? 256 : 4096;
        one_pass.set_max_table_size(size);
        general.set_max_table_size(size);
      }
      Block block;
      const size_t n = rng() % 8;
      // Mostly the same few fields in the same places, so table hits dominate.
      for (size_t i = 0; i < n; ++i) {
        const bool usual = rng() % 4 != 0;
        block.push_back(field(usual ? names[i % 8] : names[rng() % std::size(names)],
                              usual ? values[(i * 3) % std::size(values)]
                                    : values[rng() % std::size(values)],
                              rng() % 16 == 0));
      }
      const bool split = rng() % 8 == 0;

      ByteBuffer expected;
      expected.append(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("pre"), 3));
      ByteBuffer got;
      got.append(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("pre"), 3));
      {
        Arena arena;
        Block normalized;
        std::vector<field_name::Token> tokens;
        rules::OutboundSummary summary;
        rules::normalize_outbound(block, split, arena, normalized, tokens, summary);
        general.encode(normalized, tokens, expected);
      }
      rules::OutboundSummary summary;
      const uint64_t generation = one_pass.state_generation();
      if (rules::encode_if_normalized(block, split, one_pass, got, summary)) {
        ++accepted;
        EXPECT_EQ(one_pass.state_generation(), generation);
        std::vector<field_name::Token> tokens;
        rules::OutboundSummary expected_summary;
        ASSERT_TRUE(rules::classify_if_normalized(block, split, tokens, expected_summary));
        EXPECT_TRUE(same_summary(summary, expected_summary));
        EXPECT_FALSE(summary.irregular);
      } else {
        EXPECT_EQ(got.size(), 3u);
        EXPECT_EQ(one_pass.state_generation(), generation);
        Arena arena;
        Block normalized;
        std::vector<field_name::Token> tokens;
        rules::normalize_outbound(block, split, arena, normalized, tokens, summary);
        one_pass.encode(normalized, tokens, got);
      }
      ASSERT_EQ(std::vector<uint8_t>(got.data(), got.data() + got.size()),
                std::vector<uint8_t>(expected.data(), expected.data() + expected.size()))
          << "round " << round << " " << testing::PrintToString(block);
    }
    if (strategy == hpack::EncoderStrategy::kDefault) {
      EXPECT_GT(accepted, 300);
    } else {
      EXPECT_EQ(accepted, 0);  // python-hpack's choices are made by the general path only
    }
  }
}

// rules::InboundSummary::gather (the whole block at once, as the connection uses it) against
// note() field by field, on random token sequences: pseudo-headers first, late, repeated, an
// empty :path, tokens from 64 on, other names.
TEST(HeaderRulesInboundSummary, GatherEqualsNoteFieldByField) {
  std::mt19937 rng(1126);
  const field_name::Token tokens_to_pick[] = {
      field_name::kMethod, field_name::kPath,   field_name::kAuthority, field_name::kScheme,
      field_name::kStatus, field_name::kProtocol, field_name::kOther,   field_name::kTe,
      field_name::kHost,   field_name::kCookie, field_name::kContentLength,
      field_name::kConnection, field_name::kUpgrade, field_name::kTransferEncoding, 16, 31};
  const std::string_view values[] = {"", "GET", "/", "x"};
  for (int round = 0; round < 20000; ++round) {
    const size_t n = rng() % 9;
    std::vector<field_name::Token> tokens;
    Block fields;
    const size_t leading = rng() % (n + 1);  // mostly pseudo-headers first
    for (size_t i = 0; i < n; ++i) {
      const field_name::Token t =
          i < leading && rng() % 4 != 0 ? tokens_to_pick[rng() % 6]
                                        : tokens_to_pick[rng() % std::size(tokens_to_pick)];
      tokens.push_back(t);
      fields.push_back(field("n", values[rng() % std::size(values)]));
    }
    rules::InboundSummary by_field;
    for (size_t i = 0; i < n; ++i) by_field.note(tokens[i], fields[i].value);
    rules::InboundSummary gathered;
    gathered.gather(fields.data(), tokens.data(), n);
    ASSERT_EQ(gathered.names, by_field.names) << round;
    ASSERT_EQ(gathered.pseudo, by_field.pseudo) << round;
    ASSERT_EQ(gathered.regular_seen, by_field.regular_seen) << round;
    ASSERT_EQ(gathered.irregular, by_field.irregular) << round;
    ASSERT_EQ(gathered.method.data(), by_field.method.data()) << round;
    ASSERT_EQ(gathered.method.size(), by_field.method.size()) << round;
  }
}

}  // namespace
}  // namespace h2
