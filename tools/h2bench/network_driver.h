#pragma once
// The driver that speaks HTTP/2 over TCP, built on the engine's client side. Until that
// exists this returns nullptr and h2bench can only --simulate or --dry-run.
#include <memory>

#include "driver.h"

namespace h2bench {

std::unique_ptr<Driver> make_network_driver();

}  // namespace h2bench
