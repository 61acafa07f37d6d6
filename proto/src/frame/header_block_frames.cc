// Frames that carry a field block: HEADERS (§6.2), PUSH_PROMISE (§6.6), CONTINUATION (§6.10).
#include <algorithm>

#include "frame/parsers.h"
#include "frame/wire.h"

namespace h2::frame {

PrioritySpec wire::read_priority(const uint8_t* p) noexcept {
  return PrioritySpec{read31(p), p[4], (p[0] & 0x80) != 0};
}

uint8_t* wire::put_priority(uint8_t* p, const PrioritySpec& spec) noexcept {
  put32(p, (spec.depends_on & kMaxStreamId) | (spec.exclusive ? 0x80000000u : 0));
  p[4] = spec.weight;
  return p + 5;
}

FrameError detail::parse_headers(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  HeadersFrame& f = out.emplace<HeadersFrame>();  // in place, see parse_data
  f.stream_id = h.stream_id;
  f.flags = h.flags;
  const size_t fixed = h.has(flags::kPriority) ? 5 : 0;
  if (FrameError e = wire::strip_padding(h, payload, f.pad_length, fixed)) return e;
  if (fixed) {
    f.priority = wire::read_priority(payload.data());
    // A self-dependency (§5.3.1) is a stream error, but the field block must still reach the
    // HPACK decoder (§4.3) or the compression contexts diverge: the connection checks it
    // after decoding.
    payload = payload.subspan(5);
  }
  f.fragment = payload;
  return {};
}

FrameError detail::parse_push_promise(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  PushPromiseFrame f;
  f.stream_id = h.stream_id;
  f.flags = h.flags;
  if (FrameError e = wire::strip_padding(h, payload, f.pad_length, 4)) return e;
  f.promised_stream_id = wire::read31(payload.data());
  // Only servers push, and server-initiated streams are even (§5.1.1, §6.6).
  if (f.promised_stream_id == 0 || f.promised_stream_id % 2 != 0)
    return FrameError::connection(FrameErrorKind::kInvalidPromisedStreamId,
                                  ErrorCode::kProtocolError);
  f.fragment = payload.subspan(4);
  out = f;
  return {};
}

FrameError detail::parse_continuation(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  out = ContinuationFrame{h.stream_id, h.flags, payload};
  return {};
}

namespace {

// Writes the CONTINUATION frames carrying what is left of a block after the first frame.
void write_continuations(ByteBuffer& out, uint32_t stream_id, Bytes rest, uint32_t max_frame_size) {
  while (!rest.empty()) {
    size_t n = std::min<size_t>(rest.size(), max_frame_size);
    write_continuation(out, stream_id, rest.first(n), n == rest.size());
    rest = rest.subspan(n);
  }
}

}  // namespace

namespace {
// Both forms of write_headers; pointers instead of optionals, so the usual call copies no
// optional whose flag byte was just stored (a store-to-load forwarding stall).
void write_headers_frames(ByteBuffer& out, uint32_t stream_id, Bytes block, bool end_stream,
                          const PrioritySpec* priority, std::optional<uint8_t> pad_length,
                          uint32_t max_frame_size) {
  const uint32_t overhead = wire::padding_overhead(pad_length) + (priority ? 5 : 0);
  // The fixed fields must fit in the first frame; a limit below them is a caller bug, and the
  // smallest legal SETTINGS_MAX_FRAME_SIZE (16384) always leaves room.
  const size_t room = max_frame_size > overhead ? max_frame_size - overhead : 0;
  const size_t first = std::min(block.size(), room);
  const bool end_headers = first == block.size();
  uint8_t flag_bits = (end_stream ? flags::kEndStream : 0) |
                      (end_headers ? flags::kEndHeaders : 0) | (pad_length ? flags::kPadded : 0) |
                      (priority ? flags::kPriority : 0);
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(first) + overhead, FrameType::kHeaders,
                                 flag_bits, stream_id);
  p = wire::put_pad_length(p, pad_length);
  if (priority) p = wire::put_priority(p, *priority);
  if (first) std::memcpy(p, block.data(), first);
  wire::put_padding(p + first, pad_length);
  write_continuations(out, stream_id, block.subspan(first), max_frame_size);
}
}  // namespace

void write_headers(ByteBuffer& out, uint32_t stream_id, Bytes block, bool end_stream,
                   std::optional<PrioritySpec> priority, std::optional<uint8_t> pad_length,
                   uint32_t max_frame_size) {
  write_headers_frames(out, stream_id, block, end_stream, priority ? &*priority : nullptr,
                       pad_length, max_frame_size);
}

void write_headers_unprioritized(ByteBuffer& out, uint32_t stream_id, Bytes block,
                                 bool end_stream, uint32_t max_frame_size) {
  write_headers_frames(out, stream_id, block, end_stream, nullptr, std::nullopt, max_frame_size);
}

void write_push_promise(ByteBuffer& out, uint32_t stream_id, uint32_t promised_stream_id,
                        Bytes block, std::optional<uint8_t> pad_length, uint32_t max_frame_size) {
  const uint32_t overhead = wire::padding_overhead(pad_length) + 4;
  const size_t room = max_frame_size > overhead ? max_frame_size - overhead : 0;
  const size_t first = std::min(block.size(), room);
  const bool end_headers = first == block.size();
  uint8_t flag_bits = (end_headers ? flags::kEndHeaders : 0) | (pad_length ? flags::kPadded : 0);
  uint8_t* p = wire::begin_frame(out, static_cast<uint32_t>(first) + overhead,
                                 FrameType::kPushPromise, flag_bits, stream_id);
  p = wire::put_pad_length(p, pad_length);
  p = wire::put32(p, promised_stream_id & kMaxStreamId);
  if (first) std::memcpy(p, block.data(), first);
  wire::put_padding(p + first, pad_length);
  write_continuations(out, stream_id, block.subspan(first), max_frame_size);
}

void write_continuation(ByteBuffer& out, uint32_t stream_id, Bytes fragment, bool end_headers) {
  uint8_t* p =
      wire::begin_frame(out, static_cast<uint32_t>(fragment.size()), FrameType::kContinuation,
                        end_headers ? flags::kEndHeaders : 0, stream_id);
  if (!fragment.empty()) std::memcpy(p, fragment.data(), fragment.size());
}

}  // namespace h2::frame
