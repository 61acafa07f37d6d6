#include "h2io/uring_probe.h"

#include <liburing.h>

#include <cstring>

namespace h2io {

UringProbe probe_io_uring() {
  io_uring ring{};
  int rc = io_uring_queue_init(4, &ring, 0);
  if (rc < 0) return UringProbe{false, std::string("io_uring_queue_init: ") + std::strerror(-rc)};
  io_uring_queue_exit(&ring);
  return UringProbe{true, {}};
}

}  // namespace h2io
