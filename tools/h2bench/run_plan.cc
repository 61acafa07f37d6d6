#include "run_plan.h"

namespace h2bench {

std::size_t RunPlan::timeline_seconds() const {
  if (duration) return static_cast<std::size_t>(*duration / kSecond) + 60;
  return 3600;
}

}  // namespace h2bench
