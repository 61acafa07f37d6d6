// libFuzzer target for the incremental frame reader.
//
// The first byte picks the maximum frame size, whether a client preface is expected and how
// the rest is chunked; the rest is fed in those chunks. Invariants checked on every input:
// - no crash, no sanitizer report, no unbounded buffering (buffered <= 9 + max frame size);
// - every frame re-serializes and parses back to the same bytes;
// - DATA pieces are views into the chunk being read;
// - reading stops for good after a connection error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "h2/frame.h"
#include "h2/frame_reader.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_round_trip(const h2::frame::Frame& frame) {
  if (const auto* d = std::get_if<h2::frame::DataFrame>(&frame); d && !(d->first && d->last))
    return;  // a piece of a frame has no wire form of its own
  h2::ByteBuffer out;
  h2::frame::serialize(frame, out);
  check(out.size() >= h2::frame::kFrameHeaderSize);
  auto header = h2::frame::decode_frame_header(out.data());
  h2::frame::Frame again;
  check(!h2::frame::parse_frame(header, out.view().subspan(h2::frame::kFrameHeaderSize), again));
  h2::ByteBuffer out2;
  h2::frame::serialize(again, out2);
  check(out.size() == out2.size() && std::memcmp(out.data(), out2.data(), out.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const uint32_t max_frame = (mode & 1) ? h2::frame::kDefaultMaxFrameSize : 65535;
  const size_t chunk = 1 + ((mode >> 2) & 0x3f) * 7;  // 1..442 bytes per read
  h2::frame::Reader reader(max_frame);
  if (mode & 2) reader.expect_client_preface();

  h2::Bytes rest(data + 1, size - 1);
  bool failed = false;
  while (!rest.empty()) {
    h2::Bytes input = rest.first(std::min(chunk, rest.size()));
    rest = rest.subspan(input.size());
    const uint8_t* lo = input.data();
    const uint8_t* hi = input.data() + input.size();
    for (;;) {
      auto r = reader.next(input);
      check(reader.buffered_bytes() <= h2::frame::kFrameHeaderSize + max_frame);
      if (r.status == h2::frame::Reader::Status::kNeedMore) {
        check(input.empty());
        break;
      }
      if (r.status == h2::frame::Reader::Status::kConnectionError) {
        check(r.error.code != h2::ErrorCode::kNoError);
        failed = true;
        break;
      }
      if (r.status == h2::frame::Reader::Status::kStreamError) {
        check(r.error.stream_level && r.error.stream_id != 0);
        continue;
      }
      if (const auto* d = std::get_if<h2::frame::DataFrame>(&r.frame); d && !d->data.empty()) {
        check(d->data.data() >= lo && d->data.data() + d->data.size() <= hi);
      }
      check_round_trip(r.frame);
    }
    if (failed) break;
  }
  if (failed) {
    h2::Bytes more(data, size);
    check(reader.next(more).status == h2::frame::Reader::Status::kConnectionError);
  }
  return 0;
}
