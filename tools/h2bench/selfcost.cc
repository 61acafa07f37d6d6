// h2bench-selfcost: what the harness itself costs per request, without any network: the
// recorder's three calls, the open-loop schedule and {n} path rendering, each timed in CPU
// time over a few million scripted requests. The figures go in docs/h2bench.md; the budget
// they must leave room in is h2bench's target of <= 0.5x h2load's client CPU per request.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "path_template.h"
#include "rate_schedule.h"
#include "recorder.h"

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace h2bench;
  const long n = argc > 1 ? std::atol(argv[1]) : 5'000'000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: h2bench-selfcost [REQUESTS]\n");
    return 1;
  }

  RecorderConfig config;
  config.client_count = 64;
  Recorder recorder(config);
  std::uint64_t random = 88172645463325252ull;  // xorshift: latencies spread over 20..220 us
  double start = cpu_seconds();
  for (long i = 0; i < n; ++i) {
    random ^= random << 13;
    random ^= random >> 7;
    random ^= random << 17;
    const Nanos sent = static_cast<Nanos>(i) * 1000;
    const Nanos latency = 20'000 + static_cast<Nanos>(random % 200'000);
    recorder.request_started(sent);
    recorder.response_headers(sent, sent + latency / 2, 200, 12, 48);
    recorder.request_completed(static_cast<std::uint32_t>(i & 63), sent, sent, sent + latency, 200,
                               100);
  }
  double cpu = cpu_seconds() - start;
  std::printf("recorder (started + headers + completed): %6.1f ns/request  [%llu done]\n",
              cpu / static_cast<double>(n) * 1e9,
              static_cast<unsigned long long>(recorder.counts().done));

  RateSchedule schedule(1e6, 0, 100, 0, 100, static_cast<std::uint64_t>(n));
  std::uint64_t checksum = 0;
  start = cpu_seconds();
  for (Nanos now = 0; !schedule.exhausted(); now += 100 * kMicrosecond) {
    while (auto due = schedule.next_due(now)) checksum += due->connection;
  }
  cpu = cpu_seconds() - start;
  std::printf("rate schedule (1M/s over 100 connections): %6.1f ns/request  [%llu]\n",
              cpu / static_cast<double>(schedule.issued()) * 1e9,
              static_cast<unsigned long long>(checksum));

  const PathTemplate path("/item/{n}");
  std::vector<char> buffer(path.max_rendered_size());
  start = cpu_seconds();
  for (long i = 0; i < n; ++i) {
    checksum += path.render(static_cast<std::uint64_t>(i) * 7919, buffer).size();
  }
  cpu = cpu_seconds() - start;
  std::printf("path template /item/{n}: %6.1f ns/request  [%llu]\n",
              cpu / static_cast<double>(n) * 1e9, static_cast<unsigned long long>(checksum));
  return 0;
}
