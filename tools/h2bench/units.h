#pragma once
// h2load's argument and output units: <DURATION> ("10s", "500ms", "1m"; a bare number is
// seconds), <SIZE> ("16K", powers of 1024), and the way its summary prints times and bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clock.h"

namespace h2bench {

// Accepts h, m, s, ms, us and ns units and a decimal number ("1.5s"); a missing unit means
// seconds, as in h2load. Returns nullopt for anything else, negative values included.
std::optional<Nanos> parse_duration(std::string_view text);

// An integer with an optional K, M or G unit (powers of 1024), as in h2load's <SIZE>.
std::optional<std::uint64_t> parse_size(std::string_view text);

// h2load's time format: "3.00s", "1.10ms", "44us" (whole microseconds below 1 ms).
std::string format_duration(double nanos);

// snprintf into a std::string (for the fixed-width report lines).
std::string string_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));

// h2load's byte format: "1.96MB", "23.75KB", "512B" (powers of 1024, two decimals).
std::string format_bytes(double bytes);

}  // namespace h2bench
