#include "hpack/huffman.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace h2::hpack::detail {
namespace {

struct Code {
  uint32_t bits;  // right-aligned code
  uint8_t length;
};

// RFC 7541 Appendix B, indexed by symbol; 256 is EOS.
constexpr Code kCodes[257] = {
    {0x1ff8, 13},     {0x7fffd8, 23},   {0xfffffe2, 28},  {0xfffffe3, 28},  {0xfffffe4, 28},
    {0xfffffe5, 28},  {0xfffffe6, 28},  {0xfffffe7, 28},  {0xfffffe8, 28},  {0xffffea, 24},
    {0x3ffffffc, 30}, {0xfffffe9, 28},  {0xfffffea, 28},  {0x3ffffffd, 30}, {0xfffffeb, 28},
    {0xfffffec, 28},  {0xfffffed, 28},  {0xfffffee, 28},  {0xfffffef, 28},  {0xffffff0, 28},
    {0xffffff1, 28},  {0xffffff2, 28},  {0x3ffffffe, 30}, {0xffffff3, 28},  {0xffffff4, 28},
    {0xffffff5, 28},  {0xffffff6, 28},  {0xffffff7, 28},  {0xffffff8, 28},  {0xffffff9, 28},
    {0xffffffa, 28},  {0xffffffb, 28},  {0x14, 6},        {0x3f8, 10},      {0x3f9, 10},
    {0xffa, 12},      {0x1ff9, 13},     {0x15, 6},        {0xf8, 8},        {0x7fa, 11},
    {0x3fa, 10},      {0x3fb, 10},      {0xf9, 8},        {0x7fb, 11},      {0xfa, 8},
    {0x16, 6},        {0x17, 6},        {0x18, 6},        {0x0, 5},         {0x1, 5},
    {0x2, 5},         {0x19, 6},        {0x1a, 6},        {0x1b, 6},        {0x1c, 6},
    {0x1d, 6},        {0x1e, 6},        {0x1f, 6},        {0x5c, 7},        {0xfb, 8},
    {0x7ffc, 15},     {0x20, 6},        {0xffb, 12},      {0x3fc, 10},      {0x1ffa, 13},
    {0x21, 6},        {0x5d, 7},        {0x5e, 7},        {0x5f, 7},        {0x60, 7},
    {0x61, 7},        {0x62, 7},        {0x63, 7},        {0x64, 7},        {0x65, 7},
    {0x66, 7},        {0x67, 7},        {0x68, 7},        {0x69, 7},        {0x6a, 7},
    {0x6b, 7},        {0x6c, 7},        {0x6d, 7},        {0x6e, 7},        {0x6f, 7},
    {0x70, 7},        {0x71, 7},        {0x72, 7},        {0xfc, 8},        {0x73, 7},
    {0xfd, 8},        {0x1ffb, 13},     {0x7fff0, 19},    {0x1ffc, 13},     {0x3ffc, 14},
    {0x22, 6},        {0x7ffd, 15},     {0x3, 5},         {0x23, 6},        {0x4, 5},
    {0x24, 6},        {0x5, 5},         {0x25, 6},        {0x26, 6},        {0x27, 6},
    {0x6, 5},         {0x74, 7},        {0x75, 7},        {0x28, 6},        {0x29, 6},
    {0x2a, 6},        {0x7, 5},         {0x2b, 6},        {0x76, 7},        {0x2c, 6},
    {0x8, 5},         {0x9, 5},         {0x2d, 6},        {0x77, 7},        {0x78, 7},
    {0x79, 7},        {0x7a, 7},        {0x7b, 7},        {0x7ffe, 15},     {0x7fc, 11},
    {0x3ffd, 14},     {0x1ffd, 13},     {0xffffffc, 28},  {0xfffe6, 20},    {0x3fffd2, 22},
    {0xfffe7, 20},    {0xfffe8, 20},    {0x3fffd3, 22},   {0x3fffd4, 22},   {0x3fffd5, 22},
    {0x7fffd9, 23},   {0x3fffd6, 22},   {0x7fffda, 23},   {0x7fffdb, 23},   {0x7fffdc, 23},
    {0x7fffdd, 23},   {0x7fffde, 23},   {0xffffeb, 24},   {0x7fffdf, 23},   {0xffffec, 24},
    {0xffffed, 24},   {0x3fffd7, 22},   {0x7fffe0, 23},   {0xffffee, 24},   {0x7fffe1, 23},
    {0x7fffe2, 23},   {0x7fffe3, 23},   {0x7fffe4, 23},   {0x1fffdc, 21},   {0x3fffd8, 22},
    {0x7fffe5, 23},   {0x3fffd9, 22},   {0x7fffe6, 23},   {0x7fffe7, 23},   {0xffffef, 24},
    {0x3fffda, 22},   {0x1fffdd, 21},   {0xfffe9, 20},    {0x3fffdb, 22},   {0x3fffdc, 22},
    {0x7fffe8, 23},   {0x7fffe9, 23},   {0x1fffde, 21},   {0x7fffea, 23},   {0x3fffdd, 22},
    {0x3fffde, 22},   {0xfffff0, 24},   {0x1fffdf, 21},   {0x3fffdf, 22},   {0x7fffeb, 23},
    {0x7fffec, 23},   {0x1fffe0, 21},   {0x1fffe1, 21},   {0x3fffe0, 22},   {0x1fffe2, 21},
    {0x7fffed, 23},   {0x3fffe1, 22},   {0x7fffee, 23},   {0x7fffef, 23},   {0xfffea, 20},
    {0x3fffe2, 22},   {0x3fffe3, 22},   {0x3fffe4, 22},   {0x7ffff0, 23},   {0x3fffe5, 22},
    {0x3fffe6, 22},   {0x7ffff1, 23},   {0x3ffffe0, 26},  {0x3ffffe1, 26},  {0xfffeb, 20},
    {0x7fff1, 19},    {0x3fffe7, 22},   {0x7ffff2, 23},   {0x3fffe8, 22},   {0x1ffffec, 25},
    {0x3ffffe2, 26},  {0x3ffffe3, 26},  {0x3ffffe4, 26},  {0x7ffffde, 27},  {0x7ffffdf, 27},
    {0x3ffffe5, 26},  {0xfffff1, 24},   {0x1ffffed, 25},  {0x7fff2, 19},    {0x1fffe3, 21},
    {0x3ffffe6, 26},  {0x7ffffe0, 27},  {0x7ffffe1, 27},  {0x3ffffe7, 26},  {0x7ffffe2, 27},
    {0xfffff2, 24},   {0x1fffe4, 21},   {0x1fffe5, 21},   {0x3ffffe8, 26},  {0x3ffffe9, 26},
    {0xffffffd, 28},  {0x7ffffe3, 27},  {0x7ffffe4, 27},  {0x7ffffe5, 27},  {0xfffec, 20},
    {0xfffff3, 24},   {0xfffed, 20},    {0x1fffe6, 21},   {0x3fffe9, 22},   {0x1fffe7, 21},
    {0x1fffe8, 21},   {0x7ffff3, 23},   {0x3fffea, 22},   {0x3fffeb, 22},   {0x1ffffee, 25},
    {0x1ffffef, 25},  {0xfffff4, 24},   {0xfffff5, 24},   {0x3ffffea, 26},  {0x7ffff4, 23},
    {0x3ffffeb, 26},  {0x7ffffe6, 27},  {0x3ffffec, 26},  {0x3ffffed, 26},  {0x7ffffe7, 27},
    {0x7ffffe8, 27},  {0x7ffffe9, 27},  {0x7ffffea, 27},  {0x7ffffeb, 27},  {0xffffffe, 28},
    {0x7ffffec, 27},  {0x7ffffed, 27},  {0x7ffffee, 27},  {0x7ffffef, 27},  {0x7fffff0, 27},
    {0x3ffffee, 26},  {0x3fffffff, 30},
};

constexpr uint16_t kEos = 256;
constexpr unsigned kMaxCodeLength = 30;

// Decoding reads the next bits of the stream left-aligned in a 64-bit accumulator.
//
// Fast path: the top kFastBits bits index a table that yields up to two whole symbols, every
// code of at most kFastBits bits (letters, digits and the usual URL/header punctuation) being
// resolved without looking at single bits; one lookup usually consumes 10-12 bits.
// Longer codes (control bytes, non-ASCII, a few rare punctuation marks) use the canonical
// property of the code: codes of one length are consecutive integers, so the length is the
// first one whose left-aligned limit exceeds the next 32 bits, and the symbol is found by
// offset in a by-length symbol list. Neither path walks the tree bit by bit.
constexpr unsigned kFastBits = 12;

// Fast entry: symbols in bits 0-7 and 8-15, first code length in 16-19, total length in
// 20-24, symbol count in 25-26. A count of 0 means "the first code is longer than kFastBits".
struct FastEntry {
  static constexpr uint32_t make(uint8_t sym1, uint8_t sym2, unsigned len1, unsigned total,
                                 unsigned count) {
    return uint32_t{sym1} | uint32_t{sym2} << 8 | len1 << 16 | total << 20 | count << 25;
  }
  static constexpr unsigned first_length(uint32_t e) { return (e >> 16) & 0xf; }
  static constexpr unsigned total_length(uint32_t e) { return (e >> 20) & 0x1f; }
  static constexpr unsigned count(uint32_t e) { return e >> 25; }
};

struct DecodeTables {
  std::array<uint32_t, 1u << kFastBits> fast{};
  // For each length L: one past the last code of length <= L, left-aligned to 32 bits.
  std::array<uint64_t, kMaxCodeLength + 1> limit{};
  // For each length L: first code of length L (right-aligned), and the position of its symbol
  // in `by_length`.
  std::array<uint32_t, kMaxCodeLength + 1> first_code{};
  std::array<uint16_t, kMaxCodeLength + 1> first_slot{};
  std::array<uint16_t, 257> by_length{};
};

constexpr DecodeTables build_decode_tables() {
  DecodeTables t;
  // Symbols sorted by (length, symbol): the order of a canonical code.
  uint16_t slot = 0;
  uint32_t next_code = 0;
  unsigned previous_length = 0;
  for (unsigned length = 1; length <= kMaxCodeLength; ++length) {
    next_code <<= (length - previous_length);
    previous_length = length;
    t.first_code[length] = next_code;
    t.first_slot[length] = slot;
    for (uint16_t sym = 0; sym < 257; ++sym) {
      if (kCodes[sym].length != length) continue;
      t.by_length[slot++] = sym;
      ++next_code;
    }
    t.limit[length] = static_cast<uint64_t>(next_code) << (32 - length);
  }
  // Fill by prefix: every index starting with code1 gets code1, then every index starting
  // with code1 code2 gets the pair. EOS (30 bits) never fits, so symbols fit a byte.
  for (uint16_t sym1 = 0; sym1 < 256; ++sym1) {
    const Code c1 = kCodes[sym1];
    if (c1.length > kFastBits) continue;
    const unsigned rest = kFastBits - c1.length;
    const uint32_t base = c1.bits << rest;
    for (uint32_t fill = 0; fill < (1u << rest); ++fill) {
      t.fast[base | fill] = FastEntry::make(static_cast<uint8_t>(sym1), 0, c1.length, c1.length, 1);
    }
    for (uint16_t sym2 = 0; sym2 < 256; ++sym2) {
      const Code c2 = kCodes[sym2];
      if (c2.length > rest) continue;
      const unsigned free_bits = rest - c2.length;
      const uint32_t base2 = base | (c2.bits << free_bits);
      for (uint32_t fill = 0; fill < (1u << free_bits); ++fill) {
        t.fast[base2 | fill] =
            FastEntry::make(static_cast<uint8_t>(sym1), static_cast<uint8_t>(sym2), c1.length,
                            c1.length + c2.length, 2);
      }
    }
  }
  return t;
}

constexpr DecodeTables kTables = build_decode_tables();

// The table above is only correct if the RFC code is canonical; check it at compile time.
constexpr bool code_is_canonical() {
  for (uint16_t sym = 0; sym < 257; ++sym) {
    const Code c = kCodes[sym];
    uint16_t slot = kTables.first_slot[c.length];
    while (kTables.by_length[slot] != sym) ++slot;
    if (kTables.first_code[c.length] + (slot - kTables.first_slot[c.length]) != c.bits) {
      return false;
    }
  }
  return true;
}
static_assert(code_is_canonical(), "RFC 7541 Appendix B code must be canonical");

inline uint64_t load_be64(const uint8_t* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
}

inline void store_be32(uint8_t* p, uint32_t v) noexcept {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof v);
}

// Resolves a code longer than kFastBits at the top of `acc`; sets `length` to its length.
uint16_t decode_long_symbol(uint64_t acc, unsigned& length) noexcept {
  const uint64_t window = acc >> 32;
  unsigned len = kFastBits + 1;
  while (window >= kTables.limit[len]) ++len;
  length = len;
  const uint32_t code = static_cast<uint32_t>(window >> (32 - len));
  return kTables.by_length[kTables.first_slot[len] + (code - kTables.first_code[len])];
}

}  // namespace

size_t huffman_encoded_size(std::string_view s) noexcept {
  uint64_t bits = 0;
  for (const char ch : s) bits += kCodes[static_cast<uint8_t>(ch)].length;
  return static_cast<size_t>((bits + 7) / 8);
}

uint8_t* huffman_encode(std::string_view s, uint8_t* out) noexcept {
  // Invariant: the low `pending` (< 32) bits of `acc` are output not yet written; adding a
  // code of at most 30 bits never overflows 64.
  uint64_t acc = 0;
  unsigned pending = 0;
  for (const char ch : s) {
    const Code c = kCodes[static_cast<uint8_t>(ch)];
    acc = (acc << c.length) | c.bits;
    pending += c.length;
    if (pending >= 32) {
      pending -= 32;
      store_be32(out, static_cast<uint32_t>(acc >> pending));
      out += 4;
    }
  }
  while (pending >= 8) {
    pending -= 8;
    *out++ = static_cast<uint8_t>(acc >> pending);
  }
  if (pending > 0) {
    // §5.2: pad with the most significant bits of EOS, i.e. ones.
    const unsigned pad = 8 - pending;
    *out++ = static_cast<uint8_t>((acc << pad) | ((1u << pad) - 1));
  }
  return out;
}

HuffmanStatus huffman_decode(const uint8_t* in, size_t in_size, size_t readable_size, char* out,
                             size_t& out_size) noexcept {
  const uint8_t* p = in;
  const uint8_t* const end = in + in_size;
  const uint8_t* const readable_end = in + readable_size;
  char* o = out;
  // The top `bits` bits of `acc` are unread input; below them sit either zeros or copies of
  // the input that follows (reloading ORs in the same bits again), never anything else.
  uint64_t acc = 0;
  unsigned bits = 0;
  for (;;) {
    if (end - p >= 8) {
      const unsigned take = (63 - bits) >> 3;
      acc |= load_be64(p) >> bits;
      p += take;
      bits += take * 8;
    } else if (readable_end - p >= 8 && p != end) {
      // Short tail of the string but the buffer goes on (a header block): one wide load, with
      // the bits past the string cleared so the tail logic below sees zeros there.
      const unsigned take = std::min<unsigned>((63 - bits) >> 3, static_cast<unsigned>(end - p));
      bits += take * 8;
      acc |= (load_be64(p) >> (bits - take * 8)) & (~uint64_t{0} << (64 - bits));
      p += take;
      if (p == end) break;
    } else {
      while (bits <= 56 && p != end) {
        acc |= static_cast<uint64_t>(*p++) << (56 - bits);
        bits += 8;
      }
      if (p == end) break;
    }
    // Every code fits in kMaxCodeLength bits, so while that many are buffered the lookup
    // never runs past real input.
    while (bits >= kMaxCodeLength) {
      const uint32_t e = kTables.fast[acc >> (64 - kFastBits)];
      if (FastEntry::count(e) != 0) [[likely]] {
        // Both symbol bytes are stored; the count says how many are real. The caller's buffer
        // has a spare byte (huffman_max_decoded_size) for the second one.
        o[0] = static_cast<char>(e);
        o[1] = static_cast<char>(e >> 8);
        o += FastEntry::count(e);
        acc <<= FastEntry::total_length(e);
        bits -= FastEntry::total_length(e);
        continue;
      }
      unsigned length;
      const uint16_t sym = decode_long_symbol(acc, length);
      if (sym == kEos) return HuffmanStatus::kInvalid;
      *o++ = static_cast<char>(sym);
      acc <<= length;
      bits -= length;
    }
  }
  // Input exhausted: the bits below `bits` in `acc` are zero. Decode what is complete: a
  // table entry is usable when the codes it consumes lie within the real bits.
  while (bits > 0) {
    const uint32_t e = kTables.fast[acc >> (64 - kFastBits)];
    if (FastEntry::count(e) != 0) {
      if (FastEntry::total_length(e) <= bits) {
        o[0] = static_cast<char>(e);
        o[1] = static_cast<char>(e >> 8);
        o += FastEntry::count(e);
        acc <<= FastEntry::total_length(e);
        bits -= FastEntry::total_length(e);
        continue;
      }
      const unsigned length = FastEntry::first_length(e);
      if (length > bits) break;
      *o++ = static_cast<char>(e);
      acc <<= length;
      bits -= length;
      continue;
    }
    unsigned length;
    const uint16_t sym = decode_long_symbol(acc, length);
    if (length > bits) break;
    if (sym == kEos) return HuffmanStatus::kInvalid;
    *o++ = static_cast<char>(sym);
    acc <<= length;
    bits -= length;
  }
  // What is left is a strict prefix of a code: valid padding only if it is at most 7 bits of
  // ones, i.e. a prefix of EOS (§5.2).
  if (bits > 7) return HuffmanStatus::kBadPadding;
  if (bits > 0 && (acc >> (64 - bits)) != (1u << bits) - 1) return HuffmanStatus::kBadPadding;
  out_size = static_cast<size_t>(o - out);
  return HuffmanStatus::kOk;
}

}  // namespace h2::hpack::detail
