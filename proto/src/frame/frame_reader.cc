#include "h2/frame_reader.h"

#include <algorithm>
#include <cstring>

#include "frame/parsers.h"
#include "frame/wire.h"

namespace h2::frame {

namespace {

Reader::Result status_only(Reader::Status s) {
  Reader::Result r;
  r.status = s;
  return r;
}

}  // namespace

Reader::Reader(uint32_t max_frame_size) : max_frame_size_(max_frame_size) {}

size_t Reader::buffered_bytes() const noexcept {
  return header_have_ + (state_ == State::kPayload ? payload_.size() : 0);
}

Reader::Result Reader::fail(FrameError error) {
  failed_ = true;
  failure_ = error;
  Result r;
  r.status = Status::kConnectionError;
  r.header = current_;
  r.error = error;
  return r;
}

Reader::Result Reader::next(Bytes& input) {
  if (failed_) return fail(failure_);

  if (preface_remaining_) {
    const size_t offset = kClientPreface.size() - preface_remaining_;
    const size_t n = std::min(preface_remaining_, input.size());
    if (std::memcmp(input.data(), kClientPreface.data() + offset, n) != 0)
      return fail(FrameError::connection(FrameErrorKind::kBadPreface, ErrorCode::kProtocolError));
    preface_remaining_ -= n;
    input = input.subspan(n);
    if (preface_remaining_) return status_only(Status::kNeedMore);
  }

  for (;;) {
    switch (state_) {
      case State::kHeader: {
        if (header_have_ == 0 && input.size() >= kFrameHeaderSize) {
          current_ = decode_frame_header(input.data());
          input = input.subspan(kFrameHeaderSize);
        } else {
          const size_t n = std::min<size_t>(kFrameHeaderSize - header_have_, input.size());
          if (n) std::memcpy(header_bytes_ + header_have_, input.data(), n);
          header_have_ = static_cast<uint8_t>(header_have_ + n);
          input = input.subspan(n);
          if (header_have_ < kFrameHeaderSize) return status_only(Status::kNeedMore);
          header_have_ = 0;
          current_ = decode_frame_header(header_bytes_);
        }
        Result r = on_header(input);
        if (r.status != Status::kNeedMore) return r;
        break;  // the payload is incomplete; the state now says how to gather it
      }
      case State::kPayload: {
        const size_t n = std::min<size_t>(current_.length - payload_.size(), input.size());
        payload_.append(input.first(n));
        input = input.subspan(n);
        if (payload_.size() < current_.length) return status_only(Status::kNeedMore);
        state_ = State::kHeader;
        return parse_buffered(payload_.view());
      }
      case State::kDataPadLength: {
        if (input.empty()) return status_only(Status::kNeedMore);
        pad_length_ = input[0];
        input = input.subspan(1);
        if (pad_length_ > current_.length - 1)  // §6.1
          return fail(
              FrameError::connection(FrameErrorKind::kPaddingTooLong, ErrorCode::kProtocolError));
        data_remaining_ = current_.length - 1 - pad_length_;
        pad_remaining_ = pad_length_;
        state_ = State::kData;
        break;
      }
      case State::kData:
        return next_data_piece(input);
      case State::kSkip: {
        const size_t n = std::min<size_t>(skip_remaining_, input.size());
        skip_remaining_ -= static_cast<uint32_t>(n);
        input = input.subspan(n);
        if (skip_remaining_) return status_only(Status::kNeedMore);
        state_ = State::kHeader;
        break;
      }
    }
    if (input.empty() && state_ != State::kData) return status_only(Status::kNeedMore);
  }
}

// Decides what to do with a complete header; returns kNeedMore when the payload is still
// to come (state_ then says how to gather it).
Reader::Result Reader::on_header(Bytes& input) {
  FrameError e = check_frame_header(current_, max_frame_size_);
  if (e && opaque(current_.type) && e.kind != FrameErrorKind::kFrameTooLarge) e = {};
  if (e) {
    if (!e.stream_level) return fail(e);
    // A stream error decided by the header alone: skip the payload and go on.
    skip_remaining_ = current_.length;
    state_ = skip_remaining_ ? State::kSkip : State::kHeader;
    Result r;
    r.status = Status::kStreamError;
    r.header = current_;
    r.error = e;
    return r;
  }
  if (input.size() >= current_.length) {  // whole payload at hand: parse it in place
    Bytes payload = input.first(current_.length);
    input = input.subspan(current_.length);
    return parse_buffered(payload);
  }
  if (current_.type == static_cast<uint8_t>(FrameType::kData)) {
    data_started_ = false;
    if (current_.has(flags::kPadded)) {
      if (current_.length == 0)
        return fail(
            FrameError::connection(FrameErrorKind::kPaddingMissing, ErrorCode::kFrameSizeError));
      state_ = State::kDataPadLength;
    } else {
      pad_length_ = 0;
      pad_remaining_ = 0;
      data_remaining_ = current_.length;
      state_ = State::kData;
    }
    return status_only(Status::kNeedMore);
  }
  payload_.clear();
  payload_.reserve(current_.length);
  state_ = State::kPayload;
  return status_only(Status::kNeedMore);
}

Reader::Result Reader::parse_buffered(Bytes payload) {
  Result r;
  r.header = current_;
  const FrameError e = opaque(current_.type) ? detail::parse_unknown(current_, payload, r.frame)
                                             : detail::parse_checked(current_, payload, r.frame);
  if (e) {
    if (!e.stream_level) return fail(e);
    r.status = Status::kStreamError;
    r.error = e;
    return r;
  }
  r.status = Status::kFrame;
  return r;
}

// Hands out the DATA bytes now available as one piece. The piece that completes the frame
// (padding included) is marked `last`, even when it carries no data bytes.
Reader::Result Reader::next_data_piece(Bytes& input) {
  const size_t take = std::min<size_t>(data_remaining_, input.size());
  Bytes data = input.first(take);
  input = input.subspan(take);
  data_remaining_ -= static_cast<uint32_t>(take);
  if (data_remaining_ == 0 && pad_remaining_) {
    const size_t skip = std::min<size_t>(pad_remaining_, input.size());
    pad_remaining_ -= static_cast<uint32_t>(skip);
    input = input.subspan(skip);
  }
  const bool last = data_remaining_ == 0 && pad_remaining_ == 0;
  if (take == 0 && !last) return status_only(Status::kNeedMore);

  Result r;
  r.status = Status::kFrame;
  r.header = current_;
  DataFrame piece;
  piece.stream_id = current_.stream_id;
  piece.flags = current_.flags;
  piece.data = data;
  piece.pad_length = pad_length_;
  piece.flow_controlled_length = current_.length;
  piece.first = !data_started_;
  piece.last = last;
  r.frame = piece;
  data_started_ = true;
  if (last) state_ = State::kHeader;
  return r;
}

}  // namespace h2::frame
