#include <gtest/gtest.h>

#include "h2io/uring_probe.h"

namespace {

TEST(UringProbe, ReportsAvailableOnThisKernel) {
  auto probe = h2io::probe_io_uring();
  EXPECT_TRUE(probe.available) << probe.reason;
  EXPECT_TRUE(probe.reason.empty());
}

TEST(UringProbe, RequireReturnsWhenAvailable) {
  h2io::require_io_uring_or_exit("io_tests");  // would exit(1) otherwise
  SUCCEED();
}

}  // namespace
