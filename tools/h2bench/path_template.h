#pragma once
// A request path with `{n}` placeholders, each replaced by the request's sequence number
// ("/item/{n}" -> "/item/0", "/item/1", ...). Braces are not allowed unescaped in URIs
// (RFC 3986 §2), so `{n}` cannot collide with a real path, unlike `%d` which reads as a
// percent-encoded byte. Any other brace is kept as written.
//
// Rendering writes into a caller-owned buffer: no allocation per request.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace h2bench {

class PathTemplate {
 public:
  static constexpr std::string_view kPlaceholder = "{n}";
  // Room a rendered path may need beyond the template: 20 digits per placeholder.
  static constexpr std::size_t kDigitsPerPlaceholder = 20;

  explicit PathTemplate(std::string text);

  const std::string& text() const { return text_; }
  bool has_placeholder() const { return !cuts_.empty(); }
  // The largest buffer render() can need.
  std::size_t max_rendered_size() const {
    return text_.size() + cuts_.size() * kDigitsPerPlaceholder;
  }

  // The path for request `sequence`. Without a placeholder this is the template itself and
  // `buffer` is untouched; otherwise `buffer` must hold max_rendered_size() bytes.
  std::string_view render(std::uint64_t sequence, std::span<char> buffer) const;

 private:
  std::string text_;
  std::vector<std::size_t> cuts_;  // offsets of each "{n}" in text_
};

}  // namespace h2bench
