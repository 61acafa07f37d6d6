#include "units.h"

#include <cctype>
#include <cstdarg>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace h2bench {
namespace {

// Splits "12.5ms" into 12.5 and "ms"; nullopt unless the number is a plain non-negative decimal.
std::optional<std::pair<double, std::string_view>> split_number(std::string_view text) {
  std::size_t end = 0;
  bool digits = false;
  bool dot = false;
  while (end < text.size()) {
    const char c = text[end];
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++end;
  }
  if (!digits) return std::nullopt;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc{} || ptr != text.data() + end) return std::nullopt;
  return std::pair{value, text.substr(end)};
}

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  const auto split = split_number(text);
  if (!split) return std::nullopt;
  const auto [value, unit] = *split;
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ns") {
    scale = 1;
  } else if (unit == "m") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    return std::nullopt;
  }
  const double nanos = std::round(value * scale);
  if (!(nanos < 9.2e18)) return std::nullopt;  // would not fit in Nanos
  return static_cast<Nanos>(nanos);
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr == text.data()) return std::nullopt;
  const std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  int shift = 0;
  if (unit.empty()) {
    shift = 0;
  } else if (unit == "K" || unit == "k") {
    shift = 10;
  } else if (unit == "M" || unit == "m") {
    shift = 20;
  } else if (unit == "G" || unit == "g") {
    shift = 30;
  } else {
    return std::nullopt;
  }
  if (shift > 0 && value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

std::string string_printf(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  if (n < 0) return {};
  if (static_cast<std::size_t>(n) < sizeof buffer) return std::string(buffer, static_cast<std::size_t>(n));
  std::string out(static_cast<std::size_t>(n) + 1, '\0');
  va_start(args, format);
  std::vsnprintf(out.data(), out.size(), format, args);
  va_end(args);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string format_duration(double nanos) {
  char out[48];
  if (nanos >= 1e9) {
    std::snprintf(out, sizeof out, "%.2fs", nanos / 1e9);
  } else if (nanos >= 1e6) {
    std::snprintf(out, sizeof out, "%.2fms", nanos / 1e6);
  } else {
    std::snprintf(out, sizeof out, "%lldus", static_cast<long long>(nanos / 1e3));
  }
  return out;
}

std::string format_bytes(double bytes) {
  char out[48];
  if (bytes >= 1024.0 * 1024 * 1024) {
    std::snprintf(out, sizeof out, "%.2fGB", bytes / (1024.0 * 1024 * 1024));
  } else if (bytes >= 1024.0 * 1024) {
    std::snprintf(out, sizeof out, "%.2fMB", bytes / (1024.0 * 1024));
  } else if (bytes >= 1024.0) {
    std::snprintf(out, sizeof out, "%.2fKB", bytes / 1024.0);
  } else {
    std::snprintf(out, sizeof out, "%lluB", static_cast<unsigned long long>(bytes));
  }
  return out;
}

}  // namespace h2bench
