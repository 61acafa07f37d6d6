#include "network_driver.h"

namespace h2bench {

// Plug point: return the engine-backed driver here once engine/ has its client connector.
std::unique_ptr<Driver> make_network_driver() { return nullptr; }

}  // namespace h2bench
