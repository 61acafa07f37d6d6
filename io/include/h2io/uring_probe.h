// Start-up check: can this process create an io_uring at all?
// Kernels without io_uring (or with it disabled by sysctl/seccomp) make every later step fail
// with an obscure errno; the engine calls this first and reports the reason clearly.
#pragma once

#include <string>

namespace h2io {

struct UringProbe {
  bool available = false;
  std::string reason;  // empty when available; otherwise strerror of io_uring_queue_init
};

UringProbe probe_io_uring();

}  // namespace h2io
