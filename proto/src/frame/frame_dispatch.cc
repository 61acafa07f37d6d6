// parse_frame and serialize: route a frame to the code of its type.
#include <type_traits>

#include "frame/parsers.h"
#include "frame/wire.h"

namespace h2::frame {

FrameError parse_frame(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  if (payload.size() != h.length)
    return FrameError::connection(FrameErrorKind::kBadLength, ErrorCode::kFrameSizeError);
  if (FrameError e = check_frame_header(h, kLargestMaxFrameSize)) return e;
  return detail::parse_checked(h, payload, out);
}

FrameError detail::parse_checked(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  switch (static_cast<FrameType>(h.type)) {
    case FrameType::kData:
      return detail::parse_data(h, payload, out);
    case FrameType::kHeaders:
      return detail::parse_headers(h, payload, out);
    case FrameType::kPriority:
      return detail::parse_priority(h, payload, out);
    case FrameType::kRstStream:
      return detail::parse_rst_stream(h, payload, out);
    case FrameType::kSettings:
      return detail::parse_settings(h, payload, out);
    case FrameType::kPushPromise:
      return detail::parse_push_promise(h, payload, out);
    case FrameType::kPing:
      return detail::parse_ping(h, payload, out);
    case FrameType::kGoaway:
      return detail::parse_goaway(h, payload, out);
    case FrameType::kWindowUpdate:
      return detail::parse_window_update(h, payload, out);
    case FrameType::kContinuation:
      return detail::parse_continuation(h, payload, out);
    case FrameType::kAltsvc:
      return detail::parse_altsvc(h, payload, out);
    case FrameType::kOrigin:
      return detail::parse_origin(h, payload, out);
    case FrameType::kPriorityUpdate:
      return detail::parse_priority_update(h, payload, out);
  }
  return detail::parse_unknown(h, payload, out);
}

namespace {

// Writes a frame whose payload is [pad length] [fixed fields] content [padding], keeping the
// frame's own flag bits (serialize() reproduces what was parsed, bit for bit).
template <typename WriteFixed>
void write_padded(ByteBuffer& out, FrameType type, uint8_t flag_bits, uint32_t stream_id,
                  uint8_t pad_length, size_t fixed_size, Bytes content, WriteFixed write_fixed) {
  const bool padded = flag_bits & flags::kPadded;
  const size_t length = (padded ? 1u + pad_length : 0u) + fixed_size + content.size();
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(length), type, flag_bits, stream_id);
  if (padded) *p++ = pad_length;
  p = write_fixed(p);
  if (!content.empty()) std::memcpy(p, content.data(), content.size());
  if (padded && pad_length) std::memset(p + content.size(), 0, pad_length);
}

}  // namespace

void serialize(const Frame& frame, ByteBuffer& out) {
  std::visit(
      [&out](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        auto no_fixed = [](uint8_t* p) { return p; };
        if constexpr (std::is_same_v<T, DataFrame>) {
          write_padded(out, FrameType::kData, f.flags, f.stream_id, f.pad_length, 0, f.data,
                       no_fixed);
        } else if constexpr (std::is_same_v<T, HeadersFrame>) {
          uint8_t flag_bits =
              f.priority ? (f.flags | flags::kPriority) : (f.flags & ~flags::kPriority);
          write_padded(out, FrameType::kHeaders, flag_bits, f.stream_id, f.pad_length,
                       f.priority ? 5 : 0, f.fragment, [&f](uint8_t* p) {
                         return f.priority ? wire::put_priority(p, *f.priority) : p;
                       });
        } else if constexpr (std::is_same_v<T, PushPromiseFrame>) {
          write_padded(out, FrameType::kPushPromise, f.flags, f.stream_id, f.pad_length, 4,
                       f.fragment,
                       [&f](uint8_t* p) { return wire::put32(p, f.promised_stream_id); });
        } else if constexpr (std::is_same_v<T, PriorityFrame>) {
          write_priority(out, f.stream_id, f.priority);
        } else if constexpr (std::is_same_v<T, RstStreamFrame>) {
          write_rst_stream(out, f.stream_id, f.error_code);
        } else if constexpr (std::is_same_v<T, SettingsFrame>) {
          write_unknown(out, static_cast<uint8_t>(FrameType::kSettings), f.ack ? flags::kAck : 0, 0,
                        f.settings.bytes());
        } else if constexpr (std::is_same_v<T, PingFrame>) {
          write_ping(out, f.opaque_data, f.ack);
        } else if constexpr (std::is_same_v<T, GoawayFrame>) {
          write_goaway(out, f.last_stream_id, f.error_code, f.debug_data);
        } else if constexpr (std::is_same_v<T, WindowUpdateFrame>) {
          write_window_update(out, f.stream_id, f.increment);
        } else if constexpr (std::is_same_v<T, ContinuationFrame>) {
          write_unknown(out, static_cast<uint8_t>(FrameType::kContinuation), f.flags, f.stream_id,
                        f.fragment);
        } else if constexpr (std::is_same_v<T, AltsvcFrame>) {
          write_altsvc(out, f.stream_id, f.origin, f.field_value);
        } else if constexpr (std::is_same_v<T, OriginFrame>) {
          write_unknown(out, static_cast<uint8_t>(FrameType::kOrigin), f.flags, 0,
                        f.origins.bytes());
        } else if constexpr (std::is_same_v<T, PriorityUpdateFrame>) {
          write_priority_update(out, f.prioritized_stream_id, f.field_value);
        } else {
          static_assert(std::is_same_v<T, UnknownFrame>);
          write_unknown(out, f.type, f.flags, f.stream_id, f.payload);
        }
      },
      frame);
}

}  // namespace h2::frame
