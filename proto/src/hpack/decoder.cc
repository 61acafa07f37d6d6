// HPACK decoding (RFC 7541 §3, §6).
#include <algorithm>
#include <cstring>
#include <new>

#include "field_value.h"
#include "h2/arena.h"
#include "h2/hpack.h"
#include "hpack/dynamic_table.h"
#include "hpack/huffman.h"
#include "hpack/integer.h"
#include "hpack/static_table.h"

namespace h2::hpack {

struct Decoder::Impl {
  detail::DynamicTable table{kDefaultTableSize};
  uint32_t max_allowed = kDefaultTableSize;
  size_t max_list_size = kDefaultMaxHeaderListSize;
  // Set when the allowed size dropped below the capacity: the next block must start with a
  // size update to at most `required_max`, the smallest limit set since (§4.2).
  bool update_required = false;
  uint32_t required_max = UINT32_MAX;
  uint64_t limit_sets = 0;  // calls of the two setters (see state_generation)
  // Huffman-decoded strings of the current block, names of literals taken from dynamic
  // entries, and dynamic entries whose table bytes had to move during the block.
  Arena arena;

  // One block. kStable: strings copied to `arena` and appended to `out` (decode_stable);
  // otherwise views into the block, the table or `arena` (decode).
  template <bool kStable>
  DecodeError decode_block(Bytes block, std::vector<HeaderField>& out, Arena& strings,
                           std::vector<uint8_t>* static_names, TableViews* views);
};

namespace {

using detail::IntegerStatus;

DecodeErrorKind integer_error(IntegerStatus status) noexcept {
  return status == IntegerStatus::kTruncated ? DecodeErrorKind::kTruncated
                                             : DecodeErrorKind::kIntegerOverflow;
}

// One pass over one block. Keeps the cursor so errors can report their offset.
template <bool kCopyRaw>
class BlockReader {
 public:
  BlockReader(Bytes block, Arena& arena) noexcept
      : begin_(block.data()), p_(block.data()), end_(block.data() + block.size()), arena_(arena) {}

  bool done() const noexcept { return p_ == end_; }
  uint8_t peek() const noexcept { return *p_; }
  size_t offset() const noexcept { return static_cast<size_t>(p_ - begin_); }

  DecodeErrorKind read_integer(unsigned prefix_bits, uint32_t& value) noexcept {
    const IntegerStatus status = detail::decode_integer(p_, end_, prefix_bits, value);
    return status == IntegerStatus::kOk ? DecodeErrorKind::kNone : integer_error(status);
  }

  // §5.2 string literal: a view into the block when raw, into the arena when Huffman-coded.
  DecodeErrorKind read_string(std::string_view& out) {
    if (p_ == end_) return DecodeErrorKind::kTruncated;
    const bool huffman = (*p_ & 0x80) != 0;
    uint32_t length;
    if (DecodeErrorKind e = read_integer(7, length); e != DecodeErrorKind::kNone) return e;
    if (length > static_cast<size_t>(end_ - p_)) return DecodeErrorKind::kStringTooLong;
    if (!huffman) {
      out = {reinterpret_cast<const char*>(p_), length};
      if constexpr (kCopyRaw) out = arena_.copy(out);
      p_ += length;
      return DecodeErrorKind::kNone;
    }
    const size_t reserved = detail::huffman_max_decoded_size(length);
    char* dst = arena_.allocate(reserved);
    size_t decoded = 0;
    switch (detail::huffman_decode(p_, length, static_cast<size_t>(end_ - p_), dst, decoded)) {
      case detail::HuffmanStatus::kOk:
        break;
      case detail::HuffmanStatus::kInvalid:
        return DecodeErrorKind::kHuffmanInvalid;
      case detail::HuffmanStatus::kBadPadding:
        return DecodeErrorKind::kHuffmanBadPadding;
    }
    arena_.unallocate(reserved - decoded);
    out = {dst, decoded};
    p_ += length;
    return DecodeErrorKind::kNone;
  }

 private:
  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
  Arena& arena_;
};

// The static name index kept in a decoder table entry's tag, without kValueChecked.
constexpr uint8_t static_name_of(uint8_t tag) noexcept {
  return tag & static_cast<uint8_t>(~kValueChecked);
}
static_assert(detail::kStaticTableSize < kValueChecked);

// Every static value passes the value rule, so static hits are handed out as checked.
constexpr bool static_values_pass_value_rule() {
  for (const detail::StaticEntry& e : detail::kStaticTable) {
    const std::string_view v = e.value;
    for (const char c : v)
      if (c == '\0' || c == '\r' || c == '\n') return false;
    if (!v.empty() &&
        (v.front() == ' ' || v.front() == '\t' || v.back() == ' ' || v.back() == '\t'))
      return false;
  }
  return true;
}
static_assert(static_values_pass_value_rule());

std::string_view copy_to_arena(Arena& arena, std::string_view s) {
  if (s.empty()) return {};
  char* dst = arena.allocate(s.size());
  std::memcpy(dst, s.data(), s.size());
  return {dst, s.size()};
}

// Adds a literal to the table (§6.2.1). Fields decoded so far may view table bytes; if this
// insertion compacts or regrows the storage (rare: about once per half-buffer of inserted
// bytes), they are copied to the arena first.
template <bool kStable>
void insert_field(detail::DynamicTable& table, Arena& arena, std::string_view name,
                  std::string_view value, uint8_t static_name, std::vector<HeaderField>& out) {
  // Stable fields never point into the table.
  if (!kStable && table.insert_relocates(name.size() + value.size())) {
    for (HeaderField& f : out) {
      if (table.owns(f.name.data())) f.name = copy_to_arena(arena, f.name);
      if (table.owns(f.value.data())) f.value = copy_to_arena(arena, f.value);
    }
  }
  table.insert(name, value, static_name);
}

}  // namespace

Decoder::Decoder() : impl_(std::make_unique<Impl>()) {}
Decoder::~Decoder() = default;
Decoder::Decoder(Decoder&&) noexcept = default;
Decoder& Decoder::operator=(Decoder&&) noexcept = default;

void Decoder::set_max_allowed_table_size(uint32_t size) {
  ++impl_->limit_sets;
  impl_->max_allowed = size;
  if (size < impl_->table.capacity()) {
    impl_->update_required = true;
    impl_->required_max = std::min(impl_->required_max, size);
  }
}
uint32_t Decoder::max_allowed_table_size() const noexcept {
  return impl_->max_allowed;
}
uint32_t Decoder::table_capacity() const noexcept {
  return impl_->table.capacity();
}
size_t Decoder::table_size() const noexcept {
  return impl_->table.size();
}
size_t Decoder::table_entries() const noexcept {
  return impl_->table.entries();
}
void Decoder::set_max_header_list_size(size_t size) noexcept {
  ++impl_->limit_sets;
  impl_->max_list_size = size;
}
uint64_t Decoder::state_generation() const noexcept {
  // update_required only changes in set_max_allowed_table_size and with a size update
  // (a table capacity change): both counted.
  return impl_->table.changes() + impl_->limit_sets;
}
size_t Decoder::max_header_list_size() const noexcept {
  return impl_->max_list_size;
}

template <bool kStable>
DecodeError Decoder::Impl::decode_block(Bytes block, std::vector<HeaderField>& out, Arena& strings,
                                        std::vector<uint8_t>* static_names, TableViews* views) {
  Impl& s = *this;
  const size_t block_start = out.size();
  BlockReader<kStable> in(block, strings);
  size_t rep_offset = 0;
  auto fail = [&](DecodeErrorKind kind) { return DecodeError{kind, rep_offset}; };

  // Stable fields are gathered a few at a time and appended together: one vector insert per
  // batch instead of a push_back call per field.
  constexpr size_t kBatch = 16;
  // Raw storage: constructing sixteen fields up front cost more than the whole batching
  // saves (HeaderField's initializer makes each construction a store).
  union BatchSlots {
    BatchSlots() {}
    HeaderField fields[kBatch];
  } slots;
  HeaderField* const batch = slots.fields;
  uint8_t batch_names[kBatch];
  size_t batched = 0;
  auto flush = [&] {
    out.insert(out.end(), batch, batch + batched);
    if (static_names) static_names->insert(static_names->end(), batch_names, batch_names + batched);
    batched = 0;
  };
  auto emit = [&](std::string_view name, std::string_view value, bool never_indexed,
                  uint8_t static_name) __attribute__((always_inline)) {
    if constexpr (kStable) {
      new (&batch[batched]) HeaderField{name, value, never_indexed};
      batch_names[batched] = static_name;
      if (++batched == kBatch) flush();
    } else {
      (void)static_name;
      out.push_back({name, value, never_indexed});
    }
  };

  // §4.2: size updates may only open a block; there may be several.
  bool update_seen = !s.update_required;
  while (!in.done() && (in.peek() & 0xe0) == 0x20) {
    rep_offset = in.offset();
    uint32_t size;
    if (DecodeErrorKind e = in.read_integer(5, size); e != DecodeErrorKind::kNone) return fail(e);
    if (size > s.max_allowed) return fail(DecodeErrorKind::kSizeUpdateTooLarge);
    if (size <= s.required_max) update_seen = true;
    s.table.set_capacity(size);
  }
  rep_offset = in.offset();
  if (!update_seen) return fail(DecodeErrorKind::kSizeUpdateMissing);
  s.update_required = false;
  s.required_max = UINT32_MAX;

  const size_t static_size = detail::kStaticTableSize;
  size_t list_size = 0;
  while (!in.done()) {
    rep_offset = in.offset();
    const uint8_t first = in.peek();
    if (first & 0x80) {
      // §6.1 indexed header field.
      uint32_t index;
      if (DecodeErrorKind e = in.read_integer(7, index); e != DecodeErrorKind::kNone) {
        return fail(e);
      }
      if (index == 0) return fail(DecodeErrorKind::kInvalidIndex);
      if (index <= static_size) {
        const detail::StaticEntry& entry = detail::kStaticTable[index];
        list_size += detail::entry_size(entry.name.size(), entry.value.size());
        if (list_size > s.max_list_size) return fail(DecodeErrorKind::kHeaderListTooLarge);
        emit(entry.name, entry.value, false, detail::kStaticNameFirst[index] | kValueChecked);
        continue;
      }
      if (index - static_size > s.table.entries()) return fail(DecodeErrorKind::kInvalidIndex);
      const detail::TableEntry entry = s.table.at(index - static_size);
      // Checked first so a block that repeats a large entry (HPACK bomb) costs no more than
      // the limit.
      list_size += detail::entry_size(entry.name.size(), entry.value.size());
      if (list_size > s.max_list_size) return fail(DecodeErrorKind::kHeaderListTooLarge);
      // A view into the table: eviction leaves bytes in place, and before an insertion that
      // would move them, the views are copied to the strings (see insert_field).
      if constexpr (kStable) {
        // A static name needs no copy: the static table's own string is as stable as it gets.
        if (views != nullptr) {
          // Views into the table, copied only if an insertion is about to move them.
          if (views->scan_from == SIZE_MAX) views->scan_from = block_start;
          const uint8_t static_name = static_name_of(entry.tag);
          emit(static_name != 0 ? detail::kStaticTable[static_name].name : entry.name, entry.value,
               false, entry.tag);
        } else {
          const uint8_t static_name = static_name_of(entry.tag);
          const std::string_view name =
              static_name != 0 ? detail::kStaticTable[static_name].name : strings.copy(entry.name);
          emit(name, strings.copy(entry.value), false, entry.tag);
        }
      } else {
        emit(entry.name, entry.value, false, entry.tag);
      }
      continue;
    }

    // §6.2 literal header field: with incremental indexing (01, 6-bit index), without
    // indexing (0000, 4-bit) or never indexed (0001, 4-bit). 001 is a size update (§6.3),
    // only allowed before the first field.
    bool indexing = false;
    bool never_indexed = false;
    unsigned prefix_bits = 4;
    if (first & 0x40) {
      indexing = true;
      prefix_bits = 6;
    } else if (first & 0x20) {
      return fail(DecodeErrorKind::kSizeUpdateNotAtStart);
    } else {
      never_indexed = (first & 0x10) != 0;
    }
    uint32_t name_index;
    if (DecodeErrorKind e = in.read_integer(prefix_bits, name_index); e != DecodeErrorKind::kNone) {
      return fail(e);
    }
    std::string_view name;
    uint8_t static_name = 0;  // the static index of the name's first entry, 0 if none
    if (name_index == 0) {
      if (DecodeErrorKind e = in.read_string(name); e != DecodeErrorKind::kNone) return fail(e);
      // A new name may still be a static one spelled out; looked up once, and remembered
      // with the entry when it is indexed.
      if (indexing || static_names)
        static_name = detail::find_static_name(name, detail::hash_string(name)).first;
    } else if (name_index <= static_size) {
      name = detail::kStaticTable[name_index].name;
      static_name = detail::kStaticNameFirst[name_index];
    } else if (name_index - static_size <= s.table.entries()) {
      // Copied: inserting this very field may evict the entry the name comes from.
      const detail::TableEntry entry = s.table.at(name_index - static_size);
      static_name = static_name_of(entry.tag);
      name = static_name != 0 ? detail::kStaticTable[static_name].name
                              : copy_to_arena(strings, entry.name);
    } else {
      return fail(DecodeErrorKind::kInvalidIndex);
    }
    std::string_view value;
    if (DecodeErrorKind e = in.read_string(value); e != DecodeErrorKind::kNone) return fail(e);
    list_size += detail::entry_size(name.size(), value.size());
    if (list_size > s.max_list_size) return fail(DecodeErrorKind::kHeaderListTooLarge);
    if (indexing) {
      if constexpr (kStable) {
        if (views != nullptr && views->scan_from != SIZE_MAX &&
            s.table.insert_relocates(name.size() + value.size())) {
          // The fields viewing the table (batched ones included) get their own copies first.
          flush();
          for (size_t i = views->scan_from; i < out.size(); ++i) {
            HeaderField& f = out[i];
            if (s.table.owns(f.name.data())) f.name = copy_to_arena(strings, f.name);
            if (s.table.owns(f.value.data())) f.value = copy_to_arena(strings, f.value);
          }
          views->reset();
        }
      }
      // The value rule is checked once here, for this field and every later reference to
      // the entry (only for a caller that takes the flags).
      if (kStable && static_names != nullptr && field_value::passes_character_rule(value))
        static_name |= kValueChecked;
      insert_field<kStable>(s.table, strings, name, value, static_name, out);
    }
    emit(name, value, never_indexed, static_name);
  }
  if constexpr (kStable) flush();
  return {};
}

DecodeError Decoder::decode(Bytes block, std::vector<HeaderField>& out) {
  out.clear();
  impl_->arena.reset();
  return impl_->decode_block<false>(block, out, impl_->arena, nullptr, nullptr);
}

DecodeError Decoder::decode_stable(Bytes block, std::vector<HeaderField>& out, Arena& arena,
                                   std::vector<uint8_t>* static_names, TableViews* table_views) {
  return impl_->decode_block<true>(block, out, arena, static_names, table_views);
}

}  // namespace h2::hpack
