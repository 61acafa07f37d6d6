#include "uri.h"

#include <charconv>

namespace h2bench {

std::variant<Uri, UriError> parse_uri(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return UriError{"'" + std::string(text) + "' is not a URI (expected http://host[:port]/path)"};
  }
  std::string scheme(text.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (scheme == "https") {
    return UriError{"https is not supported: h2bench speaks cleartext HTTP/2 (h2c) with prior "
                    "knowledge only; use an http:// URI"};
  }
  if (scheme != "http") {
    return UriError{"unsupported scheme '" + scheme + "' in '" + std::string(text) +
                    "': only http:// (h2c prior knowledge)"};
  }
  std::string_view rest = text.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view path =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return UriError{"user information in '" + std::string(text) + "' is not supported"};
  }

  Uri uri;
  uri.scheme = "http";
  uri.authority = std::string(authority);
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // RFC 3986 §3.2.2 IP-literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return UriError{"unterminated IPv6 literal in '" + std::string(text) + "'"};
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return UriError{"junk after IPv6 literal in '" + std::string(text) + "'"};
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return UriError{"no host in '" + std::string(text) + "'"};
  uri.host = std::string(host);
  if (!port.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return UriError{"bad port '" + std::string(port) + "' in '" + std::string(text) + "'"};
    }
    uri.port = static_cast<std::uint16_t>(value);
  }
  if (const auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  if (path.empty()) {
    uri.path = "/";
  } else if (path.front() == '?') {
    uri.path.assign(1, '/');
    uri.path.append(path);
  } else {
    uri.path = std::string(path);
  }
  return uri;
}

}  // namespace h2bench
