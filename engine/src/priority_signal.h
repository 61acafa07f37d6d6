// RFC 9218 extensible priorities: the `priority` request header and PRIORITY_UPDATE frames
// carry a Structured Field dictionary; we read `u` (urgency 0..7, default 3) and `i`
// (incremental, default false). Unknown members and malformed input fall back to the
// defaults (§4: "ignore ... parameters it does not understand").
#pragma once

#include <cstdint>
#include <string_view>

namespace h2engine {

struct PrioritySignal {
  uint8_t urgency = 3;
  bool incremental = false;
};

PrioritySignal parse_priority_field(std::string_view value, PrioritySignal base = {}) noexcept;

}  // namespace h2engine
