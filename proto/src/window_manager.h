// Automatic management of one receive flow-control window (h2's WindowManager, BEHAVIOUR.md
// §2.7): the connection has one, every stream has one. It tracks the window the peer may still
// fill, the target ("max") size, and how many bytes the application has processed, and decides
// when a WINDOW_UPDATE is worth sending.
#pragma once

#include <cstdint>
#include <optional>

namespace h2 {

class WindowManager {
 public:
  // RFC 9113 §6.9.1: a flow-control window may not exceed 2^31-1.
  static constexpr int64_t kLargestWindow = 0x7fffffff;

  // Throws std::invalid_argument above kLargestWindow (h2 asserts).
  explicit WindowManager(uint32_t max_window_size);

  // The peer sent `size` flow-controlled bytes. Throws FlowControlError when the window goes
  // below 0; as in h2 the window already includes the bytes when it throws.
  void window_consumed(uint32_t size);

  // The window was opened (manual increment). Throws FlowControlError when the window would
  // exceed 2^31-1 (after moving it, as h2 does); otherwise raises the target to at least the
  // window.
  void window_opened(uint32_t size);

  // The application processed `size` bytes. Returns the WINDOW_UPDATE increment to send now,
  // or nullopt when no update is due (or the computed increment is 0).
  std::optional<uint32_t> process_bytes(uint32_t size);

  // Our INITIAL_WINDOW_SIZE changed by `delta` (applied on the peer's ACK): window and target
  // both move by delta and may become negative. Throws FlowControlError when the window would
  // exceed 2^31-1 (the window is moved, the target is not, as in h2).
  void adjust_max(int64_t delta);

  int64_t current_window_size() const noexcept { return current_; }
  int64_t max_window_size() const noexcept { return max_; }

 private:
  void open_by(int64_t delta);

  int64_t max_;
  int64_t current_;
  int64_t processed_ = 0;
};

}  // namespace h2
