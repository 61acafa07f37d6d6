// DATA (RFC 9113 §6.1).
#include "frame/parsers.h"
#include "frame/wire.h"

namespace h2::frame {

FrameError detail::parse_data(const FrameHeader& h, Bytes payload, Frame& out) noexcept {
  // Built in place: a frame assembled on the stack and then copied into the variant costs
  // store-to-load forwarding stalls on every frame.
  DataFrame& f = out.emplace<DataFrame>();
  f.stream_id = h.stream_id;
  f.flags = h.flags;
  f.flow_controlled_length = h.length;
  if (FrameError e = wire::strip_padding(h, payload, f.pad_length, 0)) return e;
  f.data = payload;
  return {};
}

void write_data(ByteBuffer& out, uint32_t stream_id, Bytes data, bool end_stream,
                std::optional<uint8_t> pad_length) {
  uint8_t flag_bits = (end_stream ? flags::kEndStream : 0) | (pad_length ? flags::kPadded : 0);
  auto length = static_cast<uint32_t>(data.size()) + wire::padding_overhead(pad_length);
  uint8_t* p = wire::begin_frame(out, length, FrameType::kData, flag_bits, stream_id);
  p = wire::put_pad_length(p, pad_length);
  if (!data.empty()) std::memcpy(p, data.data(), data.size());
  wire::put_padding(p + data.size(), pad_length);
}

void write_data_header(ByteBuffer& out, uint32_t stream_id, uint32_t length, bool end_stream) {
  uint8_t* p = out.extend(kFrameHeaderSize);
  encode_frame_header(FrameHeader{length, static_cast<uint8_t>(FrameType::kData),
                                  static_cast<uint8_t>(end_stream ? flags::kEndStream : 0), stream_id},
                      p);
}

}  // namespace h2::frame
