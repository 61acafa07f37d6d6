#include "h2/frame_reader.h"

#include <algorithm>
#include <cstring>

#include "frame/parsers.h"
#include "frame/wire.h"

namespace h2::frame {


Reader::Reader(uint32_t max_frame_size) : max_frame_size_(max_frame_size) {}

size_t Reader::buffered_bytes() const noexcept {
  return header_have_ + (state_ == State::kPayload ? payload_.size() : 0);
}

void Reader::fail(FrameError error, Result& r) {
  failed_ = true;
  failure_ = error;
  r.status = Status::kConnectionError;
  r.header = current_;
  r.error = error;
}

// Every path fills the one Result `r` and returns it, so it is built in the caller's storage
// (a Result copied out of a helper costs store-to-load forwarding stalls on every frame).
Reader::Result Reader::next(Bytes& input) {
  Result r;
  if (state_ == State::kHeader && header_have_ == 0 && preface_remaining_ == 0 && !failed_ &&
      input.size() >= kFrameHeaderSize) [[likely]] {
    // Fast path: a whole unpadded DATA or HEADERS frame (without priority) at the front of the
    // input, on a stream, within the size limit: nothing of what the general path checks can
    // fail, so the frame is built here. The same frame the general path would hand out.
    const FrameHeader h = decode_frame_header(input.data());
    const bool plain = h.type <= static_cast<uint8_t>(FrameType::kHeaders) &&
                       (h.flags & (flags::kPadded | flags::kPriority)) == 0;
    if (plain && h.stream_id != 0 && h.length <= max_frame_size_ &&
        input.size() - kFrameHeaderSize >= h.length) {
      current_ = h;
      const Bytes payload = input.subspan(kFrameHeaderSize, h.length);
      input = input.subspan(kFrameHeaderSize + h.length);
      r.status = Status::kFrame;
      r.header = h;
      if (h.type == static_cast<uint8_t>(FrameType::kData)) {
        DataFrame& f = r.frame.emplace<DataFrame>();  // in place (see detail::parse_data)
        f.stream_id = h.stream_id;
        f.flags = h.flags;
        f.flow_controlled_length = h.length;
        f.data = payload;
      } else {
        HeadersFrame& f = r.frame.emplace<HeadersFrame>();
        f.stream_id = h.stream_id;
        f.flags = h.flags;
        f.fragment = payload;
      }
      return r;
    }
  }
  if (failed_) {
    fail(failure_, r);
    return r;
  }

  if (preface_remaining_) {
    const size_t offset = kClientPreface.size() - preface_remaining_;
    const size_t n = std::min(preface_remaining_, input.size());
    if (std::memcmp(input.data(), kClientPreface.data() + offset, n) != 0) {
      fail(FrameError::connection(FrameErrorKind::kBadPreface, ErrorCode::kProtocolError), r);
      return r;
    }
    preface_remaining_ -= n;
    input = input.subspan(n);
    if (preface_remaining_) return r;  // kNeedMore
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
          if (header_have_ < kFrameHeaderSize) return r;  // kNeedMore
          header_have_ = 0;
          current_ = decode_frame_header(header_bytes_);
        }
        on_header(input, r);
        if (r.status != Status::kNeedMore) return r;
        break;  // the payload is incomplete; the state now says how to gather it
      }
      case State::kPayload: {
        const size_t n = std::min<size_t>(current_.length - payload_.size(), input.size());
        payload_.append(input.first(n));
        input = input.subspan(n);
        if (payload_.size() < current_.length) return r;  // kNeedMore
        state_ = State::kHeader;
        parse_buffered(payload_.view(), r);
        return r;
      }
      case State::kDataPadLength: {
        if (input.empty()) return r;  // kNeedMore
        pad_length_ = input[0];
        input = input.subspan(1);
        if (pad_length_ > current_.length - 1) {  // §6.1
          fail(FrameError::connection(FrameErrorKind::kPaddingTooLong, ErrorCode::kProtocolError),
               r);
          return r;
        }
        data_remaining_ = current_.length - 1 - pad_length_;
        pad_remaining_ = pad_length_;
        state_ = State::kData;
        break;
      }
      case State::kData:
        next_data_piece(input, r);
        return r;
      case State::kSkip: {
        const size_t n = std::min<size_t>(skip_remaining_, input.size());
        skip_remaining_ -= static_cast<uint32_t>(n);
        input = input.subspan(n);
        if (skip_remaining_) return r;  // kNeedMore
        state_ = State::kHeader;
        break;
      }
    }
    if (input.empty() && state_ != State::kData) return r;  // kNeedMore
  }
}

// Decides what to do with a complete header; leaves `r` at kNeedMore when the payload is
// still to come (state_ then says how to gather it).
void Reader::on_header(Bytes& input, Result& r) {
  FrameError e = check_frame_header(current_, max_frame_size_);
  if (e && opaque(current_.type) && e.kind != FrameErrorKind::kFrameTooLarge) e = {};
  if (e) {
    if (!e.stream_level) return fail(e, r);
    // A stream error decided by the header alone: skip the payload and go on.
    skip_remaining_ = current_.length;
    state_ = skip_remaining_ ? State::kSkip : State::kHeader;
    r.status = Status::kStreamError;
    r.header = current_;
    r.error = e;
    return;
  }
  if (input.size() >= current_.length) {  // whole payload at hand: parse it in place
    Bytes payload = input.first(current_.length);
    input = input.subspan(current_.length);
    return parse_buffered(payload, r);
  }
  if (current_.type == static_cast<uint8_t>(FrameType::kData)) {
    data_started_ = false;
    if (current_.has(flags::kPadded)) {
      if (current_.length == 0)
        return fail(
            FrameError::connection(FrameErrorKind::kPaddingMissing, ErrorCode::kFrameSizeError),
            r);
      state_ = State::kDataPadLength;
    } else {
      pad_length_ = 0;
      pad_remaining_ = 0;
      data_remaining_ = current_.length;
      state_ = State::kData;
    }
    return;  // kNeedMore
  }
  payload_.clear();
  payload_.reserve(current_.length);
  state_ = State::kPayload;
}

void Reader::parse_buffered(Bytes payload, Result& r) {
  r.header = current_;
  const FrameError e = opaque(current_.type) ? detail::parse_unknown(current_, payload, r.frame)
                                             : detail::parse_checked(current_, payload, r.frame);
  if (e) {
    if (!e.stream_level) return fail(e, r);
    r.status = Status::kStreamError;
    r.error = e;
    return;
  }
  r.status = Status::kFrame;
}

// Hands out the DATA bytes now available as one piece. The piece that completes the frame
// (padding included) is marked `last`, even when it carries no data bytes.
void Reader::next_data_piece(Bytes& input, Result& r) {
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
  if (take == 0 && !last) return;  // kNeedMore

  r.status = Status::kFrame;
  r.header = current_;
  DataFrame& piece = r.frame.emplace<DataFrame>();  // in place (see detail::parse_data)
  piece.stream_id = current_.stream_id;
  piece.flags = current_.flags;
  piece.data = data;
  piece.pad_length = pad_length_;
  piece.flow_controlled_length = current_.length;
  piece.first = !data_started_;
  piece.last = last;
  data_started_ = true;
  if (last) state_ = State::kHeader;
}

}  // namespace h2::frame
