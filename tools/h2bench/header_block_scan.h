// How many compressed bytes each received header block took on the wire (the "headers" figure
// of h2load's traffic line and its "space savings"). The engine hands the handler decoded
// headers only, so h2bench reads the frame headers of what arrives (Handler::on_input) and
// sums the payload of HEADERS and CONTINUATION frames per block, in arrival order. Only the
// 9-byte frame headers are looked at; payloads are skipped.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace h2bench {

class HeaderBlockScan {
 public:
  struct Block {
    uint32_t stream_id;
    uint64_t wire_bytes;  // HEADERS + CONTINUATION payloads (padding and priority included)
  };

  // The next bytes of the connection, after its preface-less start (a client receives no
  // preface: the first bytes are the server's first frame header).
  void feed(std::span<const uint8_t> data) {
    size_t i = 0;
    while (i < data.size()) {
      if (skip_ > 0) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(skip_, data.size() - i));
        skip_ -= n;
        i += n;
        continue;
      }
      // A whole frame header in the input is read in place (the usual case); one split
      // across reads is gathered byte by byte.
      const uint8_t* h;
      if (have_ == 0 && data.size() - i >= 9) {
        h = data.data() + i;
        i += 9;
      } else {
        header_[have_++] = data[i++];
        if (have_ < 9) continue;
        have_ = 0;
        h = header_;
      }
      const uint32_t length = uint32_t{h[0]} << 16 | uint32_t{h[1]} << 8 | h[2];
      const uint8_t type = h[3];
      const uint8_t flags = h[4];
      const uint32_t stream =
          (uint32_t{h[5]} << 24 | uint32_t{h[6]} << 16 | uint32_t{h[7]} << 8 | h[8]) &
          0x7fffffffu;
      skip_ = length;
      constexpr uint8_t kHeaders = 0x1, kContinuation = 0x9, kEndHeaders = 0x4;
      if (type == kHeaders) {
        open_ = Block{stream, length};
      } else if (type == kContinuation && open_) {
        open_->wire_bytes += length;
      } else {
        continue;
      }
      if (flags & kEndHeaders) {
        done_.push_back(*open_);
        open_.reset();
      }
    }
  }

  // The wire size of `stream_id`'s oldest finished block not yet taken (blocks of streams
  // nobody asked about, e.g. reset ones, are dropped on the way), or 0 if none.
  uint64_t take(uint32_t stream_id) {
    while (first_ < done_.size()) {
      const Block b = done_[first_++];
      if (first_ == done_.size()) {  // drained (the usual case): reuse the storage from the start
        done_.clear();
        first_ = 0;
      }
      if (b.stream_id == stream_id) return b.wire_bytes;
    }
    return 0;
  }

  size_t pending_blocks() const noexcept { return done_.size() - first_; }

 private:
  uint8_t header_[9] = {};
  size_t have_ = 0;
  uint64_t skip_ = 0;
  std::optional<Block> open_;
  // Finished blocks not yet taken: done_[first_..]. A vector rather than a deque: blocks are
  // taken about as fast as they come, so it drains and is reused without allocating.
  std::vector<Block> done_;
  size_t first_ = 0;
};

}  // namespace h2bench
