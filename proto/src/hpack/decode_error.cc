// Mapping of HPACK decoding failures to HTTP/2 error codes and messages.
#include "h2/hpack.h"

namespace h2::hpack {

ErrorCode error_code_of(DecodeErrorKind kind) noexcept {
  switch (kind) {
    case DecodeErrorKind::kNone:
      return ErrorCode::kNoError;
    // A list over our limit is a resource refusal, not broken compression state: the HPACK
    // bomb defence answers ENHANCE_YOUR_CALM (RFC 9113 §10.5.1).
    case DecodeErrorKind::kHeaderListTooLarge:
      return ErrorCode::kEnhanceYourCalm;
    default:
      return ErrorCode::kCompressionError;  // RFC 9113 §4.3
  }
}

std::string_view describe(DecodeErrorKind kind) noexcept {
  switch (kind) {
    case DecodeErrorKind::kNone:
      return "no error";
    case DecodeErrorKind::kTruncated:
      return "header block ends inside a representation";
    case DecodeErrorKind::kIntegerOverflow:
      return "integer does not fit in 32 bits";
    case DecodeErrorKind::kInvalidIndex:
      return "index not in the static or dynamic table";
    case DecodeErrorKind::kStringTooLong:
      return "string length runs past the end of the block";
    case DecodeErrorKind::kHuffmanInvalid:
      return "invalid Huffman code (EOS in string)";
    case DecodeErrorKind::kHuffmanBadPadding:
      return "Huffman padding longer than 7 bits or not all ones";
    case DecodeErrorKind::kSizeUpdateNotAtStart:
      return "dynamic table size update after a header field";
    case DecodeErrorKind::kSizeUpdateTooLarge:
      return "dynamic table size update above SETTINGS_HEADER_TABLE_SIZE";
    case DecodeErrorKind::kSizeUpdateMissing:
      return "block does not start with the required dynamic table size update";
    case DecodeErrorKind::kHeaderListTooLarge:
      return "header list larger than the allowed size";
  }
  return "unknown HPACK error";
}

}  // namespace h2::hpack
