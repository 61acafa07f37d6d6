// libFuzzer target for the HPACK decoder, with an encoder round trip on what it accepts.
//
// Input: byte 0 picks the allowed table size (low 3 bits) and the header-list limit (next 3
// bits); then blocks, each a 2-byte big-endian length and that many bytes (the last one takes
// what is left). Blocks are decoded in order on one context until the first error (after which
// the context is unusable). Invariants:
// - no crash, no sanitizer report, whatever the bytes;
// - every decoded list, re-encoded with each strategy on a persistent encoder and decoded by a
//   mirror decoder, comes back with the same names and values; a never-indexed field stays
//   never-indexed with kDefault (kPythonHpack may index a full match, as python-hpack does);
// - the decoded list respects the header-list limit.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "h2/hpack.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr uint32_t kTableSizes[8] = {0, 32, 64, 256, 1024, 4096, 4096, 65536};
constexpr size_t kListLimits[8] = {0, 64, 512, 4096, 16384, 65536, 65536, SIZE_MAX};

struct Mirror {
  explicit Mirror(h2::hpack::EncoderStrategy strategy) : encoder(strategy) {
    decoder.set_max_header_list_size(SIZE_MAX);
  }
  h2::hpack::Encoder encoder;
  h2::hpack::Decoder decoder;
  h2::ByteBuffer wire;
  std::vector<h2::hpack::HeaderField> fields;
};

void round_trip(Mirror& m, const std::vector<h2::hpack::HeaderField>& original) {
  m.wire.clear();
  m.encoder.encode(original, m.wire);
  check(!m.decoder.decode(m.wire.view(), m.fields));
  check(m.fields.size() == original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    check(m.fields[i].name == original[i].name);
    check(m.fields[i].value == original[i].value);
    if (m.encoder.strategy() == h2::hpack::EncoderStrategy::kDefault) {
      check(!original[i].never_indexed || m.fields[i].never_indexed);
    }
  }
  check(m.decoder.table_size() == m.encoder.table_size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint32_t table_size = kTableSizes[data[0] & 7];
  const size_t list_limit = kListLimits[(data[0] >> 3) & 7];
  h2::hpack::Decoder decoder;
  decoder.set_max_allowed_table_size(table_size);
  decoder.set_max_header_list_size(list_limit);

  Mirror mirrors[2] = {Mirror(h2::hpack::EncoderStrategy::kDefault),
                       Mirror(h2::hpack::EncoderStrategy::kPythonHpack)};
  for (Mirror& m : mirrors) {
    m.encoder.set_max_table_size(table_size);
    m.decoder.set_max_allowed_table_size(table_size);
  }

  std::vector<h2::hpack::HeaderField> fields;
  size_t at = 1;
  while (at < size) {
    size_t length = size - at;
    if (length >= 2) {
      length = std::min<size_t>(size_t{data[at]} << 8 | data[at + 1], size - at - 2);
      at += 2;
    } else {
      at += length;
      length = 0;
    }
    const h2::hpack::DecodeError err = decoder.decode({data + at, length}, fields);
    at += length;
    if (err) {
      check(err.offset <= length);
      check(!h2::hpack::describe(err.kind).empty());
      break;
    }
    size_t list_size = 0;
    for (const auto& f : fields) list_size += f.name.size() + f.value.size() + 32;
    check(list_size <= list_limit);
    check(decoder.table_size() <= decoder.table_capacity());
    for (Mirror& m : mirrors) round_trip(m, fields);
  }
  return 0;
}
