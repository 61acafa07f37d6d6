#include "path_template.h"

#include <cassert>
#include <charconv>
#include <cstring>

namespace h2bench {

PathTemplate::PathTemplate(std::string text) : text_(std::move(text)) {
  for (auto at = text_.find(kPlaceholder); at != std::string::npos;
       at = text_.find(kPlaceholder, at + kPlaceholder.size())) {
    cuts_.push_back(at);
  }
}

std::string_view PathTemplate::render(std::uint64_t sequence, std::span<char> buffer) const {
  if (cuts_.empty()) return text_;
  assert(buffer.size() >= max_rendered_size());
  char digits[kDigitsPerPlaceholder];
  const auto digits_end = std::to_chars(digits, digits + sizeof digits, sequence).ptr;
  const auto digit_count = static_cast<std::size_t>(digits_end - digits);
  char* out = buffer.data();
  std::size_t from = 0;
  for (const std::size_t cut : cuts_) {
    std::memcpy(out, text_.data() + from, cut - from);
    out += cut - from;
    std::memcpy(out, digits, digit_count);
    out += digit_count;
    from = cut + kPlaceholder.size();
  }
  std::memcpy(out, text_.data() + from, text_.size() - from);
  out += text_.size() - from;
  return {buffer.data(), static_cast<std::size_t>(out - buffer.data())};
}

}  // namespace h2bench
