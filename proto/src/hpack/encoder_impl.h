// Encoder::Impl, the HPACK encoder's state and its default strategy's per-field step, in a
// private header so the connection's send path can run that step inside its own pass over a
// block (rules::encode_if_normalized) instead of a second loop.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "bytes_equal.h"
#include "h2/hpack.h"
#include "hpack/dynamic_table.h"
#include "hpack/hash.h"
#include "hpack/huffman.h"
#include "hpack/integer.h"
#include "hpack/static_table.h"

namespace h2::hpack {
namespace encoder_detail {

using detail::encode_integer;
using detail::kMaxIntegerBytes;

// Static indices of names the default strategy treats specially (RFC 7541 Appendix A).
inline constexpr uint8_t kStaticPath = 4;  // :path is 4 and 5; the range starts at 4
inline constexpr uint8_t kStaticAge = 21;
inline constexpr uint8_t kStaticAuthorization = 23;
inline constexpr uint8_t kStaticContentLength = 28;
inline constexpr uint8_t kStaticCookie = 32;
inline constexpr uint8_t kStaticEtag = 34;
inline constexpr uint8_t kStaticIfModifiedSince = 40;
inline constexpr uint8_t kStaticIfNoneMatch = 41;
inline constexpr uint8_t kStaticLocation = 46;
inline constexpr uint8_t kStaticProxyAuthorization = 49;
inline constexpr uint8_t kStaticSetCookie = 55;

// §6.2 literal representations: first-byte pattern and index prefix width.
struct LiteralKind {
  uint8_t pattern;
  uint8_t prefix_bits;
};
inline constexpr LiteralKind kWithIndexing{0x40, 6};     // §6.2.1
inline constexpr LiteralKind kWithoutIndexing{0x00, 4};  // §6.2.2
inline constexpr LiteralKind kNeverIndexed{0x10, 4};     // §6.2.3

// Bytes a field may take besides its strings: three integers (index, two lengths).
inline constexpr size_t kFieldOverhead = 3 * kMaxIntegerBytes;

inline uint8_t* write_string(uint8_t* p, std::string_view s, bool huffman, size_t huffman_size) {
  if (huffman) {
    p = encode_integer(p, 0x80, 7, static_cast<uint32_t>(huffman_size));
    return detail::huffman_encode(s, p);
  }
  p = encode_integer(p, 0x00, 7, static_cast<uint32_t>(s.size()));
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// kDefault: Huffman only when strictly shorter (what nghttp2 does).
inline uint8_t* write_string_compact(uint8_t* p, std::string_view s) {
  const size_t huffman_size = detail::huffman_encoded_size(s);
  return write_string(p, s, huffman_size < s.size(), huffman_size);
}

inline uint8_t* write_string_huffman(uint8_t* p, std::string_view s) {
  return write_string(p, s, true, detail::huffman_encoded_size(s));
}

}  // namespace encoder_detail

// Dynamic-table lookups go through two chained hash indexes, one keyed by name and one by
// (name, value). Chains link insertion sequence numbers newest-first, so a walk stops at the
// first evicted one: eviction itself costs nothing.
struct Encoder::Impl {
  struct Link {
    uint32_t name_hash;
    uint32_t field_hash;
    uint64_t next_by_name;
    uint64_t next_by_field;
  };

  explicit Impl(EncoderStrategy s) : strategy(s) {}

  EncoderStrategy strategy;
  detail::DynamicTable table{kDefaultTableSize};

  std::unique_ptr<Link[]> links;  // per live sequence number, at seq & link_mask
  size_t link_slots = 0;
  uint64_t link_mask = 0;
  std::unique_ptr<uint64_t[]> by_name;   // bucket heads (0 = empty, seqs start at 1)
  std::unique_ptr<uint64_t[]> by_field;  // bucket heads
  uint64_t bucket_mask = 0;

  // Size updates owed to the peer (§4.2, §6.3).
  std::vector<uint32_t> python_size_changes;  // kPythonHpack: every change, in order
  // kPythonHpack: whether the *last* set_max_table_size changed the size. python-hpack only
  // emits its recorded changes when this is true, so a later same-size call holds them back.
  bool python_resized = false;
  bool size_changed = false;  // kDefault: minimum and final size
  uint32_t smallest_size = UINT32_MAX;
  uint64_t generation = 0;  // see state_generation()

  // kDefault: the dynamic entry each position of the previous blocks matched or added. Clients
  // and servers send the same fields in the same places block after block, so the entry is
  // checked first (its bytes compared, exactly what a hash hit is checked with) before the
  // value is hashed. The default strategy never holds two entries with the same name and value
  // (it adds a field only when no entry matches), so the entry found this way is the one the
  // hash lookup would find.
  // Allocated with the table index (an encoder that never indexed anything does not carry it).
  static constexpr size_t kMemoSlots = 16;
  std::unique_ptr<uint64_t[]> memo;

  // `static_name`: the static index of `name`'s first entry, 0 if none. Entries keep the
  // static index of their name as their tag, so a static name is matched by it, not by bytes.
  uint64_t find_field_at(size_t position, std::string_view name, std::string_view value,
                         uint8_t static_name) const {
    if (position >= kMemoSlots || !memo) return 0;
    const uint64_t seq = memo[position];
    if (seq < table.oldest_seq() || seq >= table.next_seq()) return 0;
    const detail::TableEntry e = table.by_seq(seq);
    if (!h2::detail::bytes_equal(e.value, value)) return 0;
    const bool same_name =
        static_name != 0 ? e.tag == static_name : h2::detail::bytes_equal(e.name, name);
    return same_name ? seq : 0;
  }
  void remember(size_t position, uint64_t seq) {
    if (position < kMemoSlots && memo) memo[position] = seq;
  }
  // A position whose field last matched a static entry keeps that entry's index, marked by
  // the top bit (no sequence number gets that large, so find_field_at never takes it for one).
  static constexpr uint64_t kStaticMark = uint64_t{1} << 63;
  void remember_static(size_t position, size_t index) {
    if (position < kMemoSlots && memo) memo[position] = kStaticMark | index;
  }

  // The send path's shortcut for a field that is, byte for byte, the static entry or the
  // dynamic entry with a static name that `position` matched last time (and not marked
  // never-indexed): writes its index at `p` and sets `token` to the static index of the
  // name's first entry; returns the end, or nullptr when the field is not that entry. The
  // caller still applies the rules that depend on the token (sensitivity, connection-specific
  // names, cookie splitting) before keeping what was written; when they pass, the bytes are
  // exactly what encode_default writes (no static entry repeats a (name, value), and the
  // default strategy never adds a field a table entry matches).
  [[gnu::always_inline]] uint8_t* encode_remembered(size_t position, const HeaderField& field,
                                                    uint8_t& token, uint8_t* p) const {
    if (position >= kMemoSlots || !memo || field.never_indexed) return nullptr;
    const uint64_t m = memo[position];
    if (m & kStaticMark) {
      const size_t index = m & 0xff;
      const detail::StaticEntry& e = detail::kStaticTable[index];
      if (!h2::detail::bytes_equal(e.value, field.value) ||
          !h2::detail::bytes_equal(e.name, field.name))
        return nullptr;
      token = detail::kStaticNameFirst[index];
      return detail::encode_integer(p, 0x80, 7, static_cast<uint32_t>(index));
    }
    if (m < table.oldest_seq() || m >= table.next_seq()) return nullptr;
    const detail::TableEntry e = table.by_seq(m);
    if (e.tag == 0 || !h2::detail::bytes_equal(e.value, field.value) ||
        !h2::detail::bytes_equal(detail::kStaticTable[e.tag].name, field.name))
      return nullptr;
    token = e.tag;
    return detail::encode_integer(p, 0x80, 7, static_cast<uint32_t>(dynamic_index(m)));
  }

  uint64_t find_field(std::string_view name, std::string_view value, uint32_t hash) const {
    if (link_slots == 0) return 0;
    for (uint64_t seq = by_field[hash & bucket_mask]; seq >= table.oldest_seq();
         seq = links[seq & link_mask].next_by_field) {
      if (links[seq & link_mask].field_hash != hash) continue;
      const detail::TableEntry e = table.by_seq(seq);
      if (h2::detail::bytes_equal(e.value, value) && h2::detail::bytes_equal(e.name, name))
        return seq;
    }
    return 0;
  }

  uint64_t find_name(std::string_view name, uint32_t hash) const {
    if (link_slots == 0) return 0;
    for (uint64_t seq = by_name[hash & bucket_mask]; seq >= table.oldest_seq();
         seq = links[seq & link_mask].next_by_name) {
      if (links[seq & link_mask].name_hash != hash) continue;
      if (h2::detail::bytes_equal(table.by_seq(seq).name, name)) return seq;
    }
    return 0;
  }

  size_t dynamic_index(uint64_t seq) const {
    return detail::kStaticTableSize + table.index_of_seq(seq);
  }

  // `static_name`: as for find_field_at (kept as the entry's tag).
  void add(std::string_view name, std::string_view value, uint8_t static_name, uint32_t name_hash,
           uint32_t field_hash) {
    ++generation;
    if (table.entries() + 1 > link_slots) grow_index();
    if (!table.insert(name, value, static_name)) return;  // larger than the table: now empty
    const uint64_t seq = table.next_seq() - 1;
    link(seq, name_hash, field_hash);
  }

  void link(uint64_t seq, uint32_t name_hash, uint32_t field_hash) {
    Link& l = links[seq & link_mask];
    l.name_hash = name_hash;
    l.field_hash = field_hash;
    l.next_by_name = std::exchange(by_name[name_hash & bucket_mask], seq);
    l.next_by_field = std::exchange(by_field[field_hash & bucket_mask], seq);
  }

  // Doubles the index and relinks the live entries oldest first, so chains stay newest-first.
  void grow_index() {
    const size_t slots = link_slots == 0 ? 16 : link_slots * 2;
    const size_t buckets = slots * 2;
    std::unique_ptr<Link[]> old_links = std::move(links);
    const uint64_t old_mask = link_mask;
    links.reset(new Link[slots]);
    if (!memo) memo.reset(new uint64_t[kMemoSlots]());
    by_name.reset(new uint64_t[buckets]());
    by_field.reset(new uint64_t[buckets]());
    link_slots = slots;
    link_mask = slots - 1;
    bucket_mask = buckets - 1;
    for (uint64_t seq = table.oldest_seq(); seq != table.next_seq(); ++seq) {
      const Link& l = old_links[seq & old_mask];
      link(seq, l.name_hash, l.field_hash);
    }
  }

  void write_size_updates(ByteBuffer& out);
  // Inlined into the block loops: a dozen calls per block paid a large prologue each.
  // kMayChangeTable false: a field that would be added to the table is not written; nullptr
  // is returned instead and nothing has changed (see encode_unchanging).
  template <bool kMayChangeTable = true>
  [[gnu::always_inline]] inline uint8_t* encode_default(const HeaderField& field,
                                                        detail::StaticNameRange range,
                                                        size_t position, uint8_t* p);
  // Whether encode_default<false> may be used for a block now: the default strategy with no
  // size update owed (the block must start with one otherwise).
  bool may_encode_unchanging() const noexcept {
    return strategy == EncoderStrategy::kDefault && !size_changed;
  }
  void encode_python(const HeaderField& field, ByteBuffer& out);
};

// Writes one field at `p`, which has room for kFieldOverhead + name + value bytes (Huffman is
// used only when shorter); returns the end of what it wrote.
template <bool kMayChangeTable>
inline uint8_t* Encoder::Impl::encode_default(const HeaderField& field,
                                              detail::StaticNameRange range, size_t position,
                                              uint8_t* p) {
  using namespace encoder_detail;
  const std::string_view name = field.name;
  const std::string_view value = field.value;

  // Fields that may carry low-entropy secrets are never indexed, by us or by intermediaries
  // (RFC 7541 §7.1.3); short cookies are guessable the same way (nghttp2 and Firefox agree).
  const bool sensitive = field.never_indexed || range.first == kStaticAuthorization ||
                         range.first == kStaticProxyAuthorization ||
                         (range.first == kStaticCookie && value.size() < 20);

  // Values that change with every response are not worth a table slot (nghttp2's
  // heuristics): this strategy never adds a field with one of these names, so the table holds
  // none to find either.
  const bool volatile_name =
      range.first == kStaticPath || range.first == kStaticAge ||
      range.first == kStaticContentLength || range.first == kStaticEtag ||
      range.first == kStaticIfModifiedSince || range.first == kStaticIfNoneMatch ||
      range.first == kStaticLocation || range.first == kStaticSetCookie;

  // Hashes only when the dynamic table is consulted (a full static match needs none).
  uint32_t name_hash = 0;
  uint32_t field_hash = 0;
  if (!sensitive) {
    if (range.first != 0 && value.size() <= detail::kStaticValueMax[range.first]) {
      if (const size_t index = detail::find_static_field(range, value); index != 0) {
        remember_static(position, index);
        return encode_integer(p, 0x80, 7, static_cast<uint32_t>(index));  // §6.1
      }
    }
    if (!volatile_name) {
      if (const uint64_t seq = find_field_at(position, name, value, range.first); seq != 0)
        return encode_integer(p, 0x80, 7, static_cast<uint32_t>(dynamic_index(seq)));
      name_hash =
          range.first != 0 ? detail::kStaticNameHash[range.first] : detail::hash_string(name);
      field_hash = detail::hash_string(value, name_hash);
      if (const uint64_t seq = find_field(name, value, field_hash); seq != 0) {
        remember(position, seq);
        return encode_integer(p, 0x80, 7, static_cast<uint32_t>(dynamic_index(seq)));
      }
    }
  }

  size_t name_index = range.first;
  if (name_index == 0) {
    if (sensitive) name_hash = detail::hash_string(name);
    if (const uint64_t seq = find_name(name, name_hash); seq != 0) name_index = dynamic_index(seq);
  }

  // Nor are entries that would flush most of the table (nghttp2's heuristics).
  const bool worth_indexing =
      !sensitive && !volatile_name &&
      detail::entry_size(name.size(), value.size()) <= size_t{table.capacity()} * 3 / 4;
  if constexpr (!kMayChangeTable) {
    if (worth_indexing) return nullptr;
  }
  const LiteralKind kind =
      sensitive ? kNeverIndexed : (worth_indexing ? kWithIndexing : kWithoutIndexing);

  p = encode_integer(p, kind.pattern, kind.prefix_bits, static_cast<uint32_t>(name_index));
  if (name_index == 0) p = write_string_compact(p, name);
  p = write_string_compact(p, value);
  if (worth_indexing) {
    add(name, value, range.first, name_hash, field_hash);
    remember(position, table.next_seq() - 1);  // a stale seq if it did not fit: never live
  }
  return p;
}

}  // namespace h2::hpack
