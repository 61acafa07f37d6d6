// When a header-block memo (header_block_memo.h, inbound_block_memo.h) should look a block up
// and when it should copy one in. Both cost something on every block (the compare runs until
// the first difference; remembering copies the block and its fields) and pay only when blocks
// repeat. Traffic whose blocks differ each time (paths, sizes, cookies) would pay on every
// block and never hit, so after a run of misses the memo goes cold: it neither looks up nor
// copies in, except one block in kRetryEvery, which it remembers and looks for next time. A
// hit makes it hot again.
#pragma once

#include <cstdint>

namespace h2 {

class RememberPolicy {
 public:
  static constexpr uint8_t kCredit = 4;        // misses tolerated after a hit
  static constexpr uint32_t kRetryEvery = 32;  // when cold, one block in this many

  // Whether a lookup may find anything worth its compare.
  bool worth_looking() const noexcept { return credit_ > 0 || probing_; }
  // The outcome of a lookup that worth_looking() allowed.
  void looked(bool hit) noexcept {
    probing_ = false;
    if (hit)
      credit_ = kCredit;
    else if (credit_ > 0)
      --credit_;
  }
  bool worth_remembering() noexcept {
    if (credit_ > 0) return true;
    if (++skipped_ % kRetryEvery != 0) return false;
    probing_ = true;  // remembered on trial: the next lookup decides
    return true;
  }

 private:
  uint8_t credit_ = 1;  // the first block is remembered and looked for
  bool probing_ = false;
  uint32_t skipped_ = 0;
};

}  // namespace h2
