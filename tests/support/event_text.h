// One line of text per event (name, stream id, headers with never-indexed marks, data), for
// tests that compare what two connections reported: the inbound-memo differential test and
// fuzz_connection's memo-less mirror.
#pragma once

#include <string>
#include <variant>

#include "h2/events.h"

namespace h2test {

inline std::string describe(const h2::Event& e) {
  std::string out(h2::event_name(e));
  std::visit(
      [&](const auto& ev) {
        if constexpr (requires { ev.stream_id; }) out += " " + std::to_string(ev.stream_id);
        if constexpr (requires { ev.headers; })
          for (const h2::Header& h : ev.headers) {
            out += ' ';
            out += h.name;
            out += '=';
            out += h.value;
            if (h.never_indexed) out += '!';
          }
        if constexpr (requires { ev.data; })
          out.append(reinterpret_cast<const char*>(ev.data.data()), ev.data.size());
      },
      e);
  return out;
}

}  // namespace h2test
