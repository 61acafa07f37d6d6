// HPACK (RFC 7541): header compression for HTTP/2.
//
// Decoder and Encoder each own one compression context (one direction of one connection).
// Both are allocation-free in steady state: the decoder writes decoded strings into an arena
// it reuses block after block, the encoder writes into the caller's ByteBuffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "h2/byte_buffer.h"
#include "h2/error_code.h"

namespace h2 {
class Arena;
}

namespace h2::hpack {

// One header field. On decode, `name` and `value` are views valid until the next call to
// Decoder::decode (they point into the input block, the static table or the decoder's arena).
struct HeaderField {
  std::string_view name;
  std::string_view value;
  // RFC 7541 §6.2.3 "never indexed": kept as such when decoded, honoured when encoded.
  bool never_indexed = false;

  friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

// What went wrong while decoding a header block. Every kind maps to an HTTP/2 error code:
// malformed compression state is COMPRESSION_ERROR (RFC 9113 §4.3); a header list above the
// advertised limit is ENHANCE_YOUR_CALM (HPACK bomb defence).
enum class DecodeErrorKind : uint8_t {
  kNone = 0,
  kTruncated,                 // block ended inside a representation
  kIntegerOverflow,           // integer does not fit 32 bits (or has too many continuation bytes)
  kInvalidIndex,              // index 0 or beyond static + dynamic table
  kStringTooLong,             // string length runs past the end of the block
  kHuffmanInvalid,            // Huffman code that decodes the EOS symbol or is not a code
  kHuffmanBadPadding,         // padding longer than 7 bits or not all ones (§5.2)
  kSizeUpdateNotAtStart,      // dynamic table size update after a field representation (§4.2)
  kSizeUpdateTooLarge,        // size update above the acknowledged SETTINGS_HEADER_TABLE_SIZE
  kSizeUpdateMissing,         // table limit shrank but the block did not start with an update
  kHeaderListTooLarge,        // decoded list exceeds max_header_list_size (ENHANCE_YOUR_CALM)
};

ErrorCode error_code_of(DecodeErrorKind kind) noexcept;
std::string_view describe(DecodeErrorKind kind) noexcept;

struct DecodeError {
  DecodeErrorKind kind = DecodeErrorKind::kNone;
  size_t offset = 0;  // byte offset in the block where the error was found

  explicit operator bool() const noexcept { return kind != DecodeErrorKind::kNone; }
  ErrorCode code() const noexcept { return error_code_of(kind); }
};

// In Decoder::decode_stable's `static_names`: the field's value has no NUL, CR or LF and no
// SP or HTAB at either end (RFC 9113 §8.2.1), so a validator need not scan it again.
inline constexpr uint8_t kValueChecked = 0x80;

class Decoder {
 public:
  static constexpr uint32_t kDefaultTableSize = 4096;
  static constexpr size_t kDefaultMaxHeaderListSize = 65536;

  Decoder();
  ~Decoder();
  Decoder(Decoder&&) noexcept;
  Decoder& operator=(Decoder&&) noexcept;

  // The acknowledged SETTINGS_HEADER_TABLE_SIZE: the largest table the peer may select.
  // If it is below the table's current capacity, the next block must begin with a size
  // update to at most this value (RFC 7541 §4.2).
  void set_max_allowed_table_size(uint32_t size);
  uint32_t max_allowed_table_size() const noexcept;
  // Current capacity of the dynamic table (last size update applied).
  uint32_t table_capacity() const noexcept;
  // Sum of entry sizes (name + value + 32) currently in the dynamic table.
  size_t table_size() const noexcept;
  size_t table_entries() const noexcept;

  // Cap on the decoded list size (sum of name + value + 32 per field, RFC 9113 §6.5.2);
  // decoding stops as soon as it is passed.
  void set_max_header_list_size(size_t size) noexcept;
  size_t max_header_list_size() const noexcept;

  // Changes whenever anything that shapes future decoding changes: an entry added or evicted,
  // a size update applied, either limit above set. Equal before and after a decode: the same
  // block decoded again now gives the same fields, or the same error (what the inbound memo
  // of H2Connection relies on).
  uint64_t state_generation() const noexcept;

  // Decodes one complete header block. On success `out` holds the fields (cleared first);
  // on error the context is unusable (the connection must be torn down, RFC 9113 §4.3).
  DecodeError decode(Bytes block, std::vector<HeaderField>& out);
  // Like decode, for a caller that keeps fields across blocks: the fields are appended to
  // `out` (not cleared), and every string is copied into `arena` (or is a static-table
  // constant), so the fields stay valid until `arena` is reset whatever becomes of the
  // block's bytes or the dynamic table. On error, `out` may hold some of the block's fields.
  // `static_names`, when given, receives one byte per appended field: the RFC 7541 static
  // index of the first entry with the field's name, 0 for a name not in the static table,
  // with kValueChecked or'ed in when the value is known to pass RFC 9113 §8.2.1's value rule
  // (a static value, or a dynamic entry's value checked once when it was inserted).
  //
  // `table_views`, when given, saves the copies of dynamic-table strings: fields of indexed
  // dynamic entries view the table's bytes instead, and before an insertion that would move
  // those bytes (a compaction or regrowth of the table's storage, about once per half-buffer
  // of inserted bytes) the decoder copies every string of out[table_views->scan_from ..] that
  // points into the table to `arena`. The fields then stay valid until `arena` is reset or
  // until the decoder is destroyed, whichever comes first. The caller resets
  // `table_views` whenever it clears `out`, and may move fields only within the block a call
  // appended them in (the scan starts at the first such block).
  struct TableViews {
    size_t scan_from = SIZE_MAX;  // SIZE_MAX: no field of `out` views the table
    void reset() noexcept { scan_from = SIZE_MAX; }
  };
  DecodeError decode_stable(Bytes block, std::vector<HeaderField>& out, Arena& arena,
                            std::vector<uint8_t>* static_names = nullptr,
                            TableViews* table_views = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// How the encoder chooses representations.
enum class EncoderStrategy : uint8_t {
  // Huffman only when strictly shorter; index what is not sensitive and likely to repeat
  // (nghttp2's heuristics); compact output and fast.
  kDefault,
  // python-hpack's choices exactly (Huffman always, index every non-sensitive literal), for
  // byte-exact output with Python's h2.
  kPythonHpack,
};

class Encoder {
 public:
  static constexpr uint32_t kDefaultTableSize = 4096;

  explicit Encoder(EncoderStrategy strategy = EncoderStrategy::kDefault);
  ~Encoder();
  Encoder(Encoder&&) noexcept;
  Encoder& operator=(Encoder&&) noexcept;

  EncoderStrategy strategy() const noexcept;
  // The peer's SETTINGS_HEADER_TABLE_SIZE. Shrinks the table at once; the next block starts
  // with the dynamic table size update(s) that tell the peer (RFC 7541 §4.2).
  void set_max_table_size(uint32_t size);
  uint32_t table_capacity() const noexcept;
  size_t table_size() const noexcept;
  size_t table_entries() const noexcept;

  // Changes whenever anything that shapes future output changes (an entry added or evicted,
  // a table size set, size updates written). Equal before and after an encode(): the same
  // headers encoded again now give the same bytes (what HeaderBlockMemo relies on).
  uint64_t state_generation() const noexcept;

  // Appends the encoded block for `headers` to `out`.
  void encode(std::span<const HeaderField> headers, ByteBuffer& out);
  // The same, for a caller that already knows where each name sits in the static table:
  // `static_names[i]` is the RFC 7541 static index of the first entry named headers[i].name,
  // or 0 (or anything above 61) when the name is not in the static table. It must be right:
  // the encoder trusts it instead of looking the name up.
  void encode(std::span<const HeaderField> headers, std::span<const uint8_t> static_names,
              ByteBuffer& out);

  // The state (proto/src/hpack/encoder_impl.h), for the connection's send path, which runs
  // the default strategy's per-field step inside its own pass over a block. Not for others.
  struct Impl;
  Impl& internal_state() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace h2::hpack
