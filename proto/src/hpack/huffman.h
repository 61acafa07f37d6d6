// The canonical Huffman code of RFC 7541 Appendix B: encoding and table-driven decoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace h2::hpack::detail {

// Size in bytes of the Huffman encoding of `s`, padding included (§5.2).
size_t huffman_encoded_size(std::string_view s) noexcept;

// Writes the Huffman encoding of `s` (exactly huffman_encoded_size(s) bytes) and returns the
// end of the output. The last byte is padded with the most significant bits of EOS (ones).
uint8_t* huffman_encode(std::string_view s, uint8_t* out) noexcept;

// Upper bound on the decoded size of `encoded_size` Huffman bytes: the shortest code is 5 bits.
inline constexpr size_t huffman_max_decoded_size(size_t encoded_size) noexcept {
  return encoded_size * 8 / 5 + 1;
}

enum class HuffmanStatus : uint8_t { kOk, kInvalid, kBadPadding };

// Decodes `in` into `out` (at least huffman_max_decoded_size(in.size()) bytes). On success
// `out_size` is the decoded length. EOS inside the string is kInvalid; a trailing partial code
// longer than 7 bits or not made of ones is kBadPadding (§5.2).
// `readable_size` (>= in_size) is how many bytes from `in` may be read: decoding a string
// inside a larger buffer may load a few bytes past its end (never using them) to stay on the
// 8-bytes-per-load path.
HuffmanStatus huffman_decode(const uint8_t* in, size_t in_size, size_t readable_size, char* out,
                             size_t& out_size) noexcept;
inline HuffmanStatus huffman_decode(const uint8_t* in, size_t in_size, char* out,
                                    size_t& out_size) noexcept {
  return huffman_decode(in, in_size, in_size, out, out_size);
}

}  // namespace h2::hpack::detail
