// h2's automatic WINDOW_UPDATE rule (BEHAVIOUR.md §2.7, h2/windows.py).
#include "window_manager.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "h2/exceptions.h"

namespace h2 {
namespace {

// Python's `//`: rounds towards negative infinity (the target may be negative after a
// negative INITIAL_WINDOW_SIZE delta).
int64_t floor_div(int64_t a, int64_t b) noexcept {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

WindowManager::WindowManager(uint32_t max_window_size)
    : max_(max_window_size), current_(max_window_size) {
  if (max_ > kLargestWindow) {
    throw std::invalid_argument("flow control window larger than 2^31-1: " +
                                std::to_string(max_window_size));
  }
}

void WindowManager::window_consumed(uint32_t size) {
  current_ -= size;
  if (current_ < 0) throw FlowControlError("Flow control window shrunk below 0");
}

void WindowManager::open_by(int64_t delta) {
  current_ += delta;
  if (current_ > kLargestWindow) {
    throw FlowControlError("Flow control window mustn't exceed " + std::to_string(kLargestWindow));
  }
  max_ = std::max(max_, current_);
}

void WindowManager::window_opened(uint32_t size) {
  open_by(size);
}

void WindowManager::adjust_max(int64_t delta) {
  const int64_t new_max = max_ + delta;
  open_by(delta);
  max_ = new_max;
}

std::optional<uint32_t> WindowManager::process_bytes(uint32_t size) {
  processed_ += size;
  if (processed_ == 0) return std::nullopt;
  // Update when the window is exhausted and a little has been processed (so a stalled peer is
  // unblocked soon), or when half the target has been processed (so small DATA frames do not
  // each cause a WINDOW_UPDATE). processed_ is reset even when the increment is capped.
  const bool empty_and_some =
      current_ == 0 && processed_ > std::min<int64_t>(1024, floor_div(max_, 4));
  if (!empty_and_some && processed_ < floor_div(max_, 2)) return std::nullopt;
  // The cap at 2^31-1 only matters for absurd acknowledgements, where h2 would try to send an
  // increment the frame cannot carry.
  const int64_t increment = std::min({processed_, max_ - current_, kLargestWindow});
  processed_ = 0;
  if (increment <= 0) return std::nullopt;
  current_ += increment;
  return static_cast<uint32_t>(increment);
}

}  // namespace h2
