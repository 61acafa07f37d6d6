#pragma once
// The URIs h2bench accepts: http://host[:port][/path][?query]. h2c with prior knowledge is
// the only transport, so https:// and every other scheme are refused with a reason.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace h2bench {

struct Uri {
  std::string scheme;     // always "http" once parsed
  std::string host;       // without brackets for IPv6 literals
  std::uint16_t port = 80;
  std::string authority;  // host[:port] as written, for :authority
  std::string path;       // path and query, "/" when empty; the fragment is dropped
};

struct UriError {
  std::string message;
};

std::variant<Uri, UriError> parse_uri(std::string_view text);

}  // namespace h2bench
