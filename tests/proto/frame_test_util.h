// Helpers shared by the frame tests: run a Reader over bytes and keep what it produced in a
// comparable, owned form (each frame re-serialized; DATA pieces joined back into frames).
#pragma once

#include <string>
#include <vector>

#include "h2/frame.h"
#include "h2/frame_reader.h"

namespace h2test {

struct ReadLog {
  std::vector<std::string> frames;  // each complete frame, serialized again
  std::vector<h2::frame::FrameError> stream_errors;
  h2::frame::FrameError connection_error;
  size_t data_pieces = 0;
};

// Feeds `chunks` in order to `reader`, collecting everything it reports.
inline ReadLog read_all(h2::frame::Reader& reader, const std::vector<std::string>& chunks) {
  using h2::frame::Reader;
  ReadLog log;
  std::string data_bytes;  // DATA payload gathered from pieces of the current frame
  for (const std::string& chunk : chunks) {
    h2::Bytes input = h2::as_bytes(chunk);
    for (;;) {
      Reader::Result r = reader.next(input);
      if (r.status == Reader::Status::kNeedMore) break;
      if (r.status == Reader::Status::kConnectionError) {
        log.connection_error = r.error;
        return log;
      }
      if (r.status == Reader::Status::kStreamError) {
        log.stream_errors.push_back(r.error);
        continue;
      }
      if (auto* d = std::get_if<h2::frame::DataFrame>(&r.frame)) {
        ++log.data_pieces;
        if (d->first) data_bytes.clear();
        data_bytes.append(h2::as_string_view(d->data));
        if (!d->last) continue;
        h2::frame::DataFrame whole = *d;
        whole.data = h2::as_bytes(data_bytes);
        whole.first = whole.last = true;
        h2::ByteBuffer out;
        h2::frame::serialize(whole, out);
        log.frames.emplace_back(out.string_view());
        continue;
      }
      h2::ByteBuffer out;
      h2::frame::serialize(r.frame, out);
      log.frames.emplace_back(out.string_view());
    }
  }
  return log;
}

inline ReadLog read_all(h2::frame::Reader& reader, const std::string& bytes) {
  return read_all(reader, std::vector<std::string>{bytes});
}

// A raw frame built by hand: header fields and payload exactly as given.
inline std::string raw_frame(uint32_t length, uint8_t type, uint8_t flags, uint32_t stream_id,
                             const std::string& payload) {
  std::string s(9, '\0');
  h2::frame::encode_frame_header(h2::frame::FrameHeader{length, type, flags, stream_id},
                                 reinterpret_cast<uint8_t*>(s.data()));
  // encode_frame_header masks the reserved bit; tests that need it set patch s[5] themselves.
  return s + payload;
}

inline std::string raw_frame(uint8_t type, uint8_t flags, uint32_t stream_id,
                             const std::string& payload) {
  return raw_frame(static_cast<uint32_t>(payload.size()), type, flags, stream_id, payload);
}

}  // namespace h2test
