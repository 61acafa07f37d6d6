// Start-up check: can this process run the io/ layer at all?
// Kernels without io_uring (or with it disabled by sysctl/seccomp, or too old for what we use)
// would make every later step fail with an obscure errno; the engine calls this first and
// reports the reason clearly.
//
// Checked: a ring can be created; the opcodes we issue (ACCEPT, CONNECT, RECV, SEND, SENDMSG,
// READ, TIMEOUT, ASYNC_CANCEL, CLOSE, SHUTDOWN, PROVIDE_BUFFERS) are supported; the ring
// features we rely on (FAST_POLL, NODROP, EXT_ARG); a provided buffer ring can be registered
// (5.19+); and a multishot recv over it really stays armed (6.0+), tried on a socketpair.
#pragma once

#include <string>

namespace h2io {

struct UringProbe {
  bool available = false;
  std::string reason;  // empty when available; otherwise what is missing and why
};

UringProbe probe_io_uring();

// Runs probe_io_uring(); if io_uring is unusable prints
// "<program>: io_uring is not available: <reason>" to stderr and exits with status 1.
void require_io_uring_or_exit(const char* program);

}  // namespace h2io
