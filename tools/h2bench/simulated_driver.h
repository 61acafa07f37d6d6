#pragma once
// A Driver with no network: an in-process model of a server that answers every request
// after a fixed latency (--simulate). It follows the driver contract of driver.h exactly
// (closed loop with -m streams per client, open loop from the RateSchedule, {n} paths,
// warm-up, -D stop), so the runner, recorders and every output can be tested, and the
// harness's own cost per request measured, before the engine's client exists.
#include "driver.h"

namespace h2bench {

class SimulatedDriver final : public Driver {
 public:
  explicit SimulatedDriver(SimulationSpec spec) : spec_(spec) {}
  void run(const RunPlan& plan, std::span<Recorder* const> recorders,
           const RunControl& control) override;

 private:
  void run_thread(const RunPlan& plan, const ThreadPlan& thread, Recorder& recorder,
                  const RunControl& control) const;
  SimulationSpec spec_;
};

}  // namespace h2bench
