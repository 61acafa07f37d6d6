// Big-endian field access shared by the frame parsers and writers.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>

#include "h2/byte_buffer.h"
#include "h2/frame.h"

namespace h2::frame::wire {

inline uint16_t read16(const uint8_t* p) noexcept {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t read24(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}
inline uint32_t read32(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
// A 31-bit stream identifier; the reserved high bit is ignored on receipt (§4.1).
inline uint32_t read31(const uint8_t* p) noexcept {
  return read32(p) & kMaxStreamId;
}

inline uint8_t* put16(uint8_t* p, uint16_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
  return p + 2;
}
inline uint8_t* put32(uint8_t* p, uint32_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
  return p + 4;
}

// Appends a frame header for a payload of `length` bytes and returns where the payload goes.
inline uint8_t* begin_frame(ByteBuffer& out, uint32_t length, FrameType type, uint8_t flags,
                            uint32_t stream_id) {
  uint8_t* p = out.extend(kFrameHeaderSize + length);
  encode_frame_header(FrameHeader{length, static_cast<uint8_t>(type), flags, stream_id}, p);
  return p + kFrameHeaderSize;
}

// Strips the padding of a PADDED frame (§6.1): on success `payload` is narrowed to the
// content between the pad-length octet and the padding. `fixed` is the size of fields that
// must follow the pad-length octet (priority block, promised stream id).
inline FrameError strip_padding(const FrameHeader& h, Bytes& payload, uint8_t& pad_length,
                                size_t fixed) noexcept {
  pad_length = 0;
  if (!h.has(flags::kPadded)) {
    if (payload.size() < fixed)
      return FrameError::connection(FrameErrorKind::kPaddingMissing, ErrorCode::kFrameSizeError);
    return {};
  }
  if (payload.size() < 1 + fixed)
    return FrameError::connection(FrameErrorKind::kPaddingMissing, ErrorCode::kFrameSizeError);
  pad_length = payload[0];
  if (size_t{pad_length} + 1 + fixed > payload.size())
    return FrameError::connection(FrameErrorKind::kPaddingTooLong, ErrorCode::kProtocolError);
  payload = payload.subspan(1, payload.size() - 1 - pad_length);
  return {};
}

// Appends the pad-length octet (if any) before the content; returns the content pointer.
inline uint8_t* put_pad_length(uint8_t* p, std::optional<uint8_t> pad_length) noexcept {
  if (pad_length) *p++ = *pad_length;
  return p;
}
inline void put_padding(uint8_t* p, std::optional<uint8_t> pad_length) noexcept {
  if (pad_length && *pad_length) std::memset(p, 0, *pad_length);
}
inline uint32_t padding_overhead(std::optional<uint8_t> pad_length) noexcept {
  return pad_length ? 1u + *pad_length : 0u;
}

PrioritySpec read_priority(const uint8_t* p) noexcept;
uint8_t* put_priority(uint8_t* p, const PrioritySpec& spec) noexcept;

}  // namespace h2::frame::wire
