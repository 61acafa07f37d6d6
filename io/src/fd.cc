#include "h2io/fd.h"

#include <unistd.h>

namespace h2io {

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace h2io
