#include "priority_signal.h"

namespace h2engine {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

PrioritySignal parse_priority_field(std::string_view value, PrioritySignal base) noexcept {
  PrioritySignal out = base;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view member = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    // Parameters (";...") belong to the member; we need none of them.
    member = member.substr(0, member.find(';'));
    size_t eq = member.find('=');
    std::string_view key = trim(member.substr(0, eq));
    std::string_view val =
        eq == std::string_view::npos ? std::string_view{} : trim(member.substr(eq + 1));
    if (key == "u") {
      // An sf-integer 0..7; anything else leaves the urgency as it was (§4.1).
      if (val.size() == 1 && val[0] >= '0' && val[0] <= '7')
        out.urgency = static_cast<uint8_t>(val[0] - '0');
    } else if (key == "i") {
      if (eq == std::string_view::npos || val == "?1")
        out.incremental = true;
      else if (val == "?0")
        out.incremental = false;
    }
  }
  return out;
}

}  // namespace h2engine
