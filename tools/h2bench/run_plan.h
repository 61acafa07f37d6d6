#pragma once
// Everything a run needs, parsed and validated from the command line (cli.h) and handed to
// the Driver (driver.h). Plain data: the driver reads it, never changes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clock.h"
#include "path_template.h"

namespace h2bench {

struct RequestHeader {
  std::string name;  // lower case
  std::string value;
};

// The in-process stand-in for a server (--simulate): no sockets, each request "completes"
// after `latency`. Exercises pacing, recording and every output without a network.
struct SimulationSpec {
  Nanos latency = 0;
  int status = 200;
  std::uint64_t body_bytes = 0;
  std::uint64_t reset_every = 0;  // every Nth request is reset by the "server" (0: never)
};

struct RunPlan {
  // --- What to ask for.
  std::vector<std::string> uris;  // as given, for the reports
  std::string scheme = "http";
  std::string host;               // from the first URI, as h2load does
  std::uint16_t port = 80;
  std::string authority;          // :authority (the first URI's, unless -H overrides it)
  std::vector<PathTemplate> paths;  // one per URI, used in turn by each client
  std::string method = "GET";       // POST with -d, or -H ":method: X"
  std::vector<RequestHeader> headers;  // regular headers, user-agent first, after -H overrides
  std::string body;                 // -d FILE contents
  std::string body_file;

  // --- How much. Either `requests` (-n) or `duration` (-D, then -n is ignored).
  std::uint64_t requests = 1;
  std::uint32_t clients = 1;
  std::uint32_t threads = 1;
  std::uint32_t max_concurrent_streams = 1;
  std::optional<Nanos> duration;
  Nanos warm_up = 0;
  std::optional<double> rate;  // open loop: total requests per second (--rate, or --rps * c)

  // --- Connection behaviour.
  Nanos connect_timeout = 10 * kSecond;
  Nanos inactivity_timeout = 0;  // 0: none (h2load's default)
  Nanos active_timeout = 0;      // 0: none
  std::uint32_t max_frame_size = 16384;
  std::uint32_t window_bits = 30;             // stream window (2^bits) - 1
  std::uint32_t connection_window_bits = 30;  // connection window (2^bits) - 1
  std::uint32_t header_table_size = 4096;
  std::uint32_t encoder_header_table_size = 4096;
  // TCP congestion control of the connections (--tcp-congestion); empty: the system's.
  std::string tcp_congestion;

  // --- Outputs and verdict.
  std::optional<std::string> json_path;
  std::optional<std::string> report_path;
  double max_error_rate = 0;  // fraction of failed requests tolerated before exit status 2
  bool progress = true;
  bool verbose = false;
  std::optional<SimulationSpec> simulate;

  bool timing_based() const { return duration.has_value(); }
  // Per-second timeline slots a recorder needs: the measured duration and a minute of slack,
  // or an hour for -n runs.
  std::size_t timeline_seconds() const;
};

}  // namespace h2bench
