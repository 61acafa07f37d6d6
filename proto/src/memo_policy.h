// When a header-block memo (header_block_memo.h, inbound_block_memo.h) should copy a new block
// in. Remembering costs a copy of the block and its fields; it pays only when blocks repeat.
// Traffic whose blocks differ each time (paths, sizes, cookies) would pay the copy on every
// block and never hit, so after a run of misses the memo keeps what it has and tries a new
// block only every kRetryEvery-th time; a hit lets it remember freely again.
#pragma once

#include <cstdint>

namespace h2 {

class RememberPolicy {
 public:
  static constexpr uint8_t kCredit = 4;        // misses tolerated after a hit
  static constexpr uint32_t kRetryEvery = 32;  // otherwise, one block in this many

  void hit() noexcept { credit_ = kCredit; }
  // A lookup that found a remembered entry, but not the one asked for.
  void miss() noexcept {
    if (credit_ > 0) --credit_;
  }
  bool worth_remembering() noexcept { return credit_ > 0 || ++skipped_ % kRetryEvery == 0; }

 private:
  uint8_t credit_ = 1;  // the first block is remembered
  uint32_t skipped_ = 0;
};

}  // namespace h2
