// The last received header block a connection decoded, with what decoding it gave (fields,
// name tokens, value-rule bits, the inbound summary), so a block that arrives again byte for
// byte skips HPACK decoding and the name pass. A load generator reads the same response on
// every stream and a server under load reads the same request: once the first blocks have
// filled the peer's dynamic table, each later block is a few index bytes, identical each time.
//
// A hit is exact, not a heuristic. Decoding is a function of the block's bytes and the
// decoder's state; a block is remembered only if decoding it changed no state (no insertion,
// eviction, size update: Decoder::state_generation() equal before and after), and found only
// while the decoder is still at that generation. Classification and the summary are functions
// of the decoded fields. Validation depends on the stream too: its result is kept per set of
// validation flags (Decoded::passed_checks).
//
// Lifetime: a hit hands out views into the memo's own strings, which events keep until the
// next receive call. So the memo is not replaced while lent: a miss after a hit in the same
// call is decoded normally and not remembered; end_loans() at the start of each call ends it.
#pragma once

#include <bitset>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "bytes_equal.h"
#include "field_name.h"
#include "h2/byte_buffer.h"
#include "h2/header.h"
#include "header_rules_internal.h"
#include "memo_policy.h"

namespace h2 {

class InboundBlockMemo {
 public:
  struct Decoded {
    HeaderList fields;
    const field_name::Token* tokens;
    uint64_t checked_values;  // bit i: field i passes the value rule (hpack::kValueChecked)
    rules::InboundSummary summary;
    // Results of the per-stream steps, functions of the fields and a few flags, filled in as
    // the block meets them: passed_checks[k] says the fields passed normalization, validation
    // and the UTF-8 check under checks key k (H2Connection's checks_key: the validation flags
    // and the configuration's inbound switches); then the content-length parse, once done.
    std::bitset<128> passed_checks;
    bool length_parsed = false;
    bool has_length = false;
    uint64_t length = 0;
  };

  // Blocks longer than this are not remembered: comparing them would cost about what decoding
  // saves only when they repeat, and long blocks (cookies, tokens) rarely do.
  static constexpr size_t kMaxBlock = 512;

  // What `block` decoded to, if it is the remembered block and the decoder is at the
  // generation it was remembered at. The views stay valid until end_loans() is followed by a
  // remember(); the pointer until the next remember().
  Decoded* find(Bytes block, uint64_t generation) noexcept {
    if (!valid_ || !policy_.worth_looking()) return nullptr;
    const bool hit = generation == generation_ && block.size() == block_.size() &&
                     detail::same_bytes(reinterpret_cast<const char*>(block.data()),
                                        block_.data(), block.size());
    policy_.looked(hit);
    if (!hit) return nullptr;
    lent_ = true;
    return &decoded_;
  }

  // For the next block, of `size` bytes: whether to look it up, whether to remember() it
  // after decoding. Decided once per block; a cold memo does neither.
  struct Plan {
    bool look = false;
    bool keep = false;
  };
  Plan plan(size_t size) noexcept {
    return {valid_ && policy_.worth_looking(), may_remember(size)};
  }

  // Whether to remember() a block of `size` bytes now (not while lent; and see RememberPolicy:
  // when blocks have not been repeating, only now and then). Otherwise the memo keeps what it
  // has, which stays correct.
  bool may_remember(size_t size) noexcept {
    return !lent_ && size <= kMaxBlock && policy_.worth_remembering();
  }

  // Keeps `block` and its decoded form (copied: the caller's strings live in a per-call arena
  // or the dynamic table). Precondition: may_remember(block.size()).
  void remember(Bytes block, uint64_t generation, HeaderList fields,
                const field_name::Token* tokens, uint64_t checked_values,
                const rules::InboundSummary& summary) {
    block_.assign(reinterpret_cast<const char*>(block.data()), block.size());
    size_t total = 0;
    for (const Header& h : fields) total += h.name.size() + h.value.size();
    strings_.resize(total);  // sized first: the views below must not move
    fields_.clear();
    char* p = strings_.data();
    for (const Header& h : fields) {
      Header copy = h;
      copy.name = copy_to(p, h.name);
      copy.value = copy_to(p, h.value);
      fields_.push_back(copy);
    }
    tokens_.assign(tokens, tokens + fields.size());
    decoded_ = Decoded{};  // results of the previous block's later steps are dropped too
    decoded_.fields = fields_;
    decoded_.tokens = tokens_.data();
    decoded_.checked_values = checked_values;
    decoded_.summary = summary;
    generation_ = generation;
    valid_ = true;
  }

  // A new receive call: the fields of earlier calls are no longer referred to.
  void end_loans() noexcept { lent_ = false; }
  void forget() noexcept { valid_ = false; }

 private:
  static std::string_view copy_to(char*& p, std::string_view s) noexcept {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    std::string_view view(p, s.size());
    p += s.size();
    return view;
  }

  std::string block_;
  std::string strings_;
  std::vector<Header> fields_;
  std::vector<field_name::Token> tokens_;
  Decoded decoded_{};
  uint64_t generation_ = 0;
  bool valid_ = false;
  bool lent_ = false;
  RememberPolicy policy_;
};

}  // namespace h2
