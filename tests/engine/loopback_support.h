// Small helpers shared by the engine's loopback tests: byte views of strings and back, and
// the update-under-lock-then-notify step of handlers that report to the test thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

#include "h2/byte_buffer.h"

namespace h2enginetest {

inline h2::Bytes bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline std::string_view sv(h2::Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Runs `update` with `shared.mu` held, then wakes whoever waits on `shared.cv`.
template <class Shared, class Update>
void note(Shared& shared, Update update) {
  {
    std::lock_guard lock(shared.mu);
    update();
  }
  shared.cv.notify_all();
}

}  // namespace h2enginetest
