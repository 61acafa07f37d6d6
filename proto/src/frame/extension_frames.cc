// Extension frames: ALTSVC (RFC 7838 §4), ORIGIN (RFC 8336 §2), PRIORITY_UPDATE (RFC 9218
// §7.1), and any other type, carried opaque (RFC 9113 §5.5).
#include "frame/parsers.h"
#include "frame/wire.h"

namespace h2::frame {

FrameError detail::parse_altsvc(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  const size_t origin_length = wire::read16(payload.data());
  if (origin_length > payload.size() - 2)
    return FrameError::connection(FrameErrorKind::kMalformedAltsvc, ErrorCode::kFrameSizeError);
  out = AltsvcFrame{h.stream_id, payload.subspan(2, origin_length),
                    payload.subspan(2 + origin_length)};
  return {};
}

std::string_view OriginView::Iterator::operator*() const noexcept {
  return {reinterpret_cast<const char*>(p_ + 2), wire::read16(p_)};
}

OriginView::Iterator& OriginView::Iterator::operator++() noexcept {
  p_ += 2 + wire::read16(p_);
  return *this;
}

FrameError detail::parse_origin(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  if (h.stream_id != 0) return parse_unknown(h, payload, out);  // RFC 8336 §2.1: ignore
  // Validate the entry framing once so OriginView can walk it without checks.
  size_t at = 0;
  while (at < payload.size()) {
    if (payload.size() - at < 2 || wire::read16(payload.data() + at) > payload.size() - at - 2)
      return FrameError::connection(FrameErrorKind::kMalformedOrigin, ErrorCode::kFrameSizeError);
    at += 2 + wire::read16(payload.data() + at);
  }
  out = OriginFrame{h.flags, OriginView(payload)};
  return {};
}

FrameError detail::parse_priority_update(const FrameHeader&, Bytes payload, Frame& out) noexcept {
  PriorityUpdateFrame f{wire::read31(payload.data()), payload.subspan(4)};
  if (f.prioritized_stream_id == 0)
    return FrameError::connection(FrameErrorKind::kInvalidPrioritizedStream,
                                  ErrorCode::kProtocolError);
  out = f;
  return {};
}

FrameError detail::parse_unknown(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  out = UnknownFrame{h.type, h.flags, h.stream_id, payload};
  return {};
}

void write_altsvc(ByteBuffer& out, uint32_t stream_id, Bytes origin, Bytes field_value) {
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(2 + origin.size() + field_value.size()),
                                 FrameType::kAltsvc, 0, stream_id);
  p = wire::put16(p, static_cast<uint16_t>(origin.size()));
  if (!origin.empty()) std::memcpy(p, origin.data(), origin.size());
  if (!field_value.empty()) std::memcpy(p + origin.size(), field_value.data(), field_value.size());
}

void write_origin(ByteBuffer& out, std::span<const std::string_view> origins) {
  size_t length = 0;
  for (std::string_view o : origins) length += 2 + o.size();
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(length), FrameType::kOrigin, 0, 0);
  for (std::string_view o : origins) {
    p = wire::put16(p, static_cast<uint16_t>(o.size()));
    if (!o.empty()) std::memcpy(p, o.data(), o.size());
    p += o.size();
  }
}

void write_priority_update(ByteBuffer& out, uint32_t prioritized_stream_id, Bytes field_value) {
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(4 + field_value.size()),
                                 FrameType::kPriorityUpdate, 0, 0);
  p = wire::put32(p, prioritized_stream_id & kMaxStreamId);
  if (!field_value.empty()) std::memcpy(p, field_value.data(), field_value.size());
}

void write_unknown(ByteBuffer& out, uint8_t type, uint8_t flag_bits, uint32_t stream_id,
                   Bytes payload) {
  uint8_t* p = out.extend(kFrameHeaderSize + payload.size());
  encode_frame_header(
      FrameHeader{static_cast<uint32_t>(payload.size()), type, flag_bits, stream_id}, p);
  if (!payload.empty()) std::memcpy(p + kFrameHeaderSize, payload.data(), payload.size());
}

}  // namespace h2::frame
