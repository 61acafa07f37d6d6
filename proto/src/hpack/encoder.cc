// HPACK encoding (RFC 7541 §6) with two strategies, see EncoderStrategy in h2/hpack.h.
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "h2/hpack.h"
#include "hpack/encoder_impl.h"

namespace h2::hpack {

using namespace encoder_detail;

void Encoder::Impl::write_size_updates(ByteBuffer& out) {
  if (strategy == EncoderStrategy::kPythonHpack) {
    if (!python_resized) return;
    ++generation;
    python_resized = false;
    uint8_t* const start = out.extend(python_size_changes.size() * kMaxIntegerBytes);
    uint8_t* p = start;
    for (uint32_t size : python_size_changes) p = encode_integer(p, 0x20, 5, size);
    out.shrink_by(python_size_changes.size() * kMaxIntegerBytes - static_cast<size_t>(p - start));
    python_size_changes.clear();
    return;
  }
  if (!size_changed) return;
  ++generation;
  // §4.2: if the size went down and up again, the peer must see the minimum first so it
  // evicts what we evicted.
  uint8_t* const start = out.extend(2 * kMaxIntegerBytes);
  uint8_t* p = start;
  if (smallest_size < table.capacity()) p = encode_integer(p, 0x20, 5, smallest_size);
  p = encode_integer(p, 0x20, 5, table.capacity());
  out.shrink_by(2 * kMaxIntegerBytes - static_cast<size_t>(p - start));
  size_changed = false;
  smallest_size = UINT32_MAX;
}

// python-hpack 4.x, Encoder.add + HeaderTable.search, reproduced choice for choice.
void Encoder::Impl::encode_python(const HeaderField& field, ByteBuffer& out) {
  const std::string_view name = field.name;
  const std::string_view value = field.value;
  const bool sensitive = field.never_indexed;
  const uint32_t name_hash = detail::hash_string(name);
  const uint32_t field_hash = detail::hash_string(value, name_hash);

  // search(): a full static match wins, else remember the lowest static index of the name;
  // then dynamic entries newest first: a full match wins, the first name match is a partial
  // only if the static table gave none.
  size_t index = 0;
  bool full = false;
  const detail::StaticNameRange range = detail::find_static_name(name, name_hash);
  if (range.first != 0) {
    index = detail::find_static_field(range, value);
    full = index != 0;
    if (!full) index = range.first;
  }
  if (!full) {
    if (const uint64_t seq = find_field(name, value, field_hash); seq != 0) {
      index = dynamic_index(seq);
      full = true;
    } else if (index == 0) {
      if (const uint64_t name_seq = find_name(name, name_hash); name_seq != 0) {
        index = dynamic_index(name_seq);
      }
    }
  }

  const size_t name_size = index == 0 ? detail::huffman_encoded_size(name) : 0;
  const size_t reserved = kFieldOverhead + name_size + detail::huffman_encoded_size(value);
  uint8_t* const start = out.extend(reserved);
  uint8_t* p = start;

  // python tests the matched value for truthiness: a full match on an empty value is encoded
  // like a name-only match (and the field is added to the table again).
  if (full && !value.empty()) {
    p = encode_integer(p, 0x80, 7, static_cast<uint32_t>(index));
  } else {
    const LiteralKind kind = sensitive ? kNeverIndexed : kWithIndexing;
    p = encode_integer(p, kind.pattern, kind.prefix_bits, static_cast<uint32_t>(index));
    if (index == 0) p = write_string_huffman(p, name);
    p = write_string_huffman(p, value);
    if (!sensitive) {
      out.shrink_by(reserved - static_cast<size_t>(p - start));
      add(name, value, range.first, name_hash, field_hash);
      return;
    }
  }
  out.shrink_by(reserved - static_cast<size_t>(p - start));
}

Encoder::Encoder(EncoderStrategy strategy) : impl_(std::make_unique<Impl>(strategy)) {}
Encoder::~Encoder() = default;
Encoder::Encoder(Encoder&&) noexcept = default;
Encoder& Encoder::operator=(Encoder&&) noexcept = default;

EncoderStrategy Encoder::strategy() const noexcept {
  return impl_->strategy;
}

void Encoder::set_max_table_size(uint32_t size) {
  Impl& s = *impl_;
  ++s.generation;
  if (s.strategy == EncoderStrategy::kPythonHpack) s.python_resized = size != s.table.capacity();
  if (size == s.table.capacity()) return;
  s.table.set_capacity(size);
  if (s.strategy == EncoderStrategy::kPythonHpack) {
    s.python_size_changes.push_back(size);
  } else {
    s.size_changed = true;
    s.smallest_size = std::min(s.smallest_size, size);
  }
}

uint64_t Encoder::state_generation() const noexcept {
  return impl_->generation;
}

uint32_t Encoder::table_capacity() const noexcept {
  return impl_->table.capacity();
}
size_t Encoder::table_size() const noexcept {
  return impl_->table.size();
}
size_t Encoder::table_entries() const noexcept {
  return impl_->table.entries();
}

void Encoder::encode(std::span<const HeaderField> headers, ByteBuffer& out) {
  Impl& s = *impl_;
  s.write_size_updates(out);
  if (s.strategy == EncoderStrategy::kPythonHpack) {
    for (const HeaderField& field : headers) s.encode_python(field, out);
  } else {
    for (size_t i = 0; i < headers.size(); ++i) {
      const HeaderField& f = headers[i];
      const size_t reserved = kFieldOverhead + f.name.size() + f.value.size();
      uint8_t* const start = out.extend(reserved);
      uint8_t* const end = s.encode_default(
          f, detail::find_static_name(f.name, detail::hash_string(f.name)), i, start);
      out.shrink_by(reserved - static_cast<size_t>(end - start));
    }
  }
}

void Encoder::encode(std::span<const HeaderField> headers, std::span<const uint8_t> static_names,
                     ByteBuffer& out) {
  Impl& s = *impl_;
  if (s.strategy == EncoderStrategy::kPythonHpack) return encode(headers, out);
  if (s.size_changed) s.write_size_updates(out);  // (the default strategy's only trigger)
  // One reservation for the whole block: each field takes at most kFieldOverhead bytes
  // besides its strings.
  size_t reserved = 0;
  for (const HeaderField& f : headers) reserved += kFieldOverhead + f.name.size() + f.value.size();
  uint8_t* const start = out.extend(reserved);
  uint8_t* p = start;
  for (size_t i = 0; i < headers.size(); ++i)
    p = s.encode_default(headers[i], detail::static_name_range(static_names[i]), i, p);
  out.shrink_by(reserved - static_cast<size_t>(p - start));
}

}  // namespace h2::hpack
