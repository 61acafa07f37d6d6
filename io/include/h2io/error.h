// The one exception type of io/: a failed system call, with its errno and what was attempted.
// Set-up failures (ring creation, socket, bind, buffer registration) throw it; per-operation
// failures arrive as negative `Completion::res` values and are never thrown.
#pragma once

#include <system_error>

namespace h2io {

class IoError : public std::system_error {
 public:
  IoError(int err, const char* what) : std::system_error(err, std::system_category(), what) {}
};

// `err` is a positive errno (pass -rc for liburing's negative return codes).
[[noreturn]] inline void throw_io_error(int err, const char* what) {
  throw IoError(err, what);
}

}  // namespace h2io
