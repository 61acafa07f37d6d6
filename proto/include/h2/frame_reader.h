// Incremental frame reader: takes input split at any byte and cuts it into frames.
//
// - A frame's 9-byte header is checked before its payload is buffered, so an oversized or
//   ill-placed frame costs nothing (RFC 9113 §4.2).
// - Non-DATA frames that arrive whole inside one input chunk are views into that chunk; a
//   frame that straddles chunks is gathered in one internal buffer (at most max_frame_size).
// - DATA payload is never copied: a frame that straddles chunks is handed out as pieces,
//   each a view into the caller's input (DataFrame::first / ::last mark the ends).
//
// Views stay valid until the next call to next() or until the caller's input goes away,
// whichever comes first.
#pragma once

#include <cstdint>

#include "h2/byte_buffer.h"
#include "h2/frame.h"

namespace h2::frame {

class Reader {
 public:
  enum class Status : uint8_t {
    kNeedMore,         // all input consumed; feed more
    kFrame,            // `frame` (and `header`) hold the next frame or DATA piece
    kStreamError,      // a frame broke a stream-level rule: `error`, then reading goes on
    kConnectionError,  // the connection is broken: `error`; every later call returns it again
  };

  struct Result {
    Status status = Status::kNeedMore;
    FrameHeader header;
    Frame frame;
    FrameError error;
  };

  explicit Reader(uint32_t max_frame_size = kDefaultMaxFrameSize);

  // Server role: the input must begin with the client connection preface (RFC 9113 §3.4).
  void expect_client_preface() noexcept { preface_remaining_ = kClientPreface.size(); }
  // With `false`, ORIGIN and PRIORITY_UPDATE are handed out as opaque UnknownFrames, neither
  // parsed nor validated: what an endpoint that does not support those extensions must do
  // (RFC 9113 §5.5). H2Connection reads them this way, as h2 does.
  void set_parse_extensions(bool parse) noexcept { parse_extensions_ = parse; }
  // Applies to every frame whose header is read after the call.
  void set_max_frame_size(uint32_t size) noexcept { max_frame_size_ = size; }
  uint32_t max_frame_size() const noexcept { return max_frame_size_; }

  // Reads from the front of `input` (which is advanced past what was used) until one frame,
  // DATA piece or error is complete, or the input runs out.
  Result next(Bytes& input);

  bool failed() const noexcept { return failed_; }
  // Bytes of a partial frame currently held (the header, or a straddling non-DATA payload).
  size_t buffered_bytes() const noexcept;

 private:
  enum class State : uint8_t { kHeader, kPayload, kDataPadLength, kData, kSkip };

  // Helpers fill the caller's Result (kNeedMore unless they say otherwise).
  void fail(FrameError error, Result& r);
  void on_header(Bytes& input, Result& r);
  void parse_buffered(Bytes payload, Result& r);
  void next_data_piece(Bytes& input, Result& r);

  bool opaque(uint8_t type) const noexcept {
    return !parse_extensions_ && (type == static_cast<uint8_t>(FrameType::kOrigin) ||
                                  type == static_cast<uint8_t>(FrameType::kPriorityUpdate));
  }

  uint32_t max_frame_size_;
  bool parse_extensions_ = true;
  State state_ = State::kHeader;
  bool failed_ = false;
  FrameError failure_;
  size_t preface_remaining_ = 0;

  FrameHeader current_;
  uint8_t header_bytes_[kFrameHeaderSize] = {};
  uint8_t header_have_ = 0;
  ByteBuffer payload_;  // a straddling non-DATA payload
  // DATA in progress.
  uint32_t data_remaining_ = 0;
  uint32_t pad_remaining_ = 0;
  uint8_t pad_length_ = 0;
  bool data_started_ = false;
  uint32_t skip_remaining_ = 0;
};

}  // namespace h2::frame
