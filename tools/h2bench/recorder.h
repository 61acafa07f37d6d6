#pragma once
// What one load thread measures. The driver owns one Recorder per thread and calls it from
// that thread only; the runner reads it from the main thread once a second (progress line)
// and merges all of them at the end.
//
// Cost per request: a handful of relaxed single-writer atomic loads and stores (plain moves
// on x86), three histogram records and no allocation or lock: everything is sized by the
// constructor. Times are Nanos from now_ns().
//
// Counting follows h2load:
//   started    requests sent (HEADERS written)
//   done       streams that ended, whether with a response or a reset
//   succeeded  responses completed with a 2xx or 3xx status
//   failed     everything planned that did not succeed (4xx/5xx, errors, never sent)
//   errored    requests that got no complete response: reset, connection lost, never sent
//   timeout    errored because a timeout expired
// Requests whose intended start is before the end of --warm-up-time are not counted at all.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "clock.h"
#include "failure_reason.h"
#include "histogram.h"

namespace h2bench {

struct RecorderConfig {
  std::uint32_t first_client = 0;  // global index of this thread's first client
  std::uint32_t client_count = 1;
  Nanos measure_start = 0;            // end of the warm-up; earlier requests are not counted
  std::size_t timeline_seconds = 3600;  // per-second slots; later events go to the last one
  // Closed loop (false): every request starts when it is sent, so the service time is the
  // request latency and one histogram serves both (one record per request instead of two).
  bool open_loop = true;
};

// Plain copies of a recorder's counters (and the sum of several).
struct RequestCounts {
  std::uint64_t started = 0;
  std::uint64_t done = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t status_failed = 0;  // completed with a status outside 2xx/3xx
  std::uint64_t errored = 0;        // reset, connection lost, not sent
  std::uint64_t timed_out = 0;
  std::uint64_t not_sent = 0;       // errored before being sent (connection failed, stopped)
  std::uint64_t abandoned = 0;      // -D: in flight when the duration ended
  std::array<std::uint64_t, 6> status_class{};  // [1]..[5] = 1xx..5xx, [0] = other
  std::array<std::uint64_t, kFailureReasonCount> by_reason{};
  std::array<std::uint64_t, kFailureReasonCount> connection_errors{};
  std::uint64_t bytes_total = 0;       // every byte read from the sockets
  std::uint64_t header_bytes = 0;      // HEADERS/CONTINUATION payload as received (compressed)
  std::uint64_t header_decoded_bytes = 0;  // the same headers decoded (names + values)
  std::uint64_t body_bytes = 0;        // DATA payload

  void add(const RequestCounts& other);
};

// One second of the run (slot k covers [measure_start + k s, measure_start + (k+1) s)).
struct TimelinePoint {
  std::uint64_t completed = 0;  // responses completed (any status)
  std::uint64_t succeeded = 0;
  std::uint64_t errors = 0;     // failed requests (status or error) ending in this second
  std::uint64_t body_bytes = 0;
};

// h2load's per-client figures: connect time, time to first byte, requests per second.
struct ClientRecord {
  Nanos connect_start = -1;
  Nanos connected = -1;
  Nanos first_byte = -1;
  Nanos finished = -1;
  std::uint64_t succeeded = 0;
};

class Recorder {
 public:
  explicit Recorder(const RecorderConfig& config);
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // --- Connections. `client` is the global client index.
  void connect_started(std::uint32_t client, Nanos at) { client_at(client).connect_start = at; }
  void connected(std::uint32_t client, Nanos at) { client_at(client).connected = at; }
  void connect_failed(std::uint32_t client, Nanos at, FailureReason why);
  // The first byte read on the connection (h2load's "time to 1st byte" is from connect start).
  void first_byte(std::uint32_t client, Nanos at) {
    auto& record = client_at(client);
    if (record.first_byte < 0) record.first_byte = at;
  }
  void client_finished(std::uint32_t client, Nanos at) { client_at(client).finished = at; }
  void bytes_received(Nanos at, std::uint64_t bytes) {
    if (at >= measure_start_) bump(c_.bytes_total, bytes);
  }

  // --- Requests. `intended` is when the request should have started: the schedule's time
  // with --rate, otherwise the same as `sent`.
  void request_started(Nanos intended) {
    if (intended >= measure_start_) bump(c_.started, 1);
  }
  // The final response's HEADERS (not 1xx interim ones). `wire_bytes` is what the peer sent
  // (after HPACK), `decoded_bytes` the header names and values, for h2load's space savings.
  void response_headers(Nanos intended, Nanos at, int status, std::uint64_t wire_bytes,
                        std::uint64_t decoded_bytes);
  void request_completed(std::uint32_t client, Nanos intended, Nanos sent, Nanos done, int status,
                         std::uint64_t body_bytes);
  // A request that was sent but got no complete response.
  void request_failed(Nanos intended, Nanos at, FailureReason why);
  // -D runs only: a request still in flight when the duration ended. Neither done nor
  // failed: the run was meant to stop there.
  void request_abandoned(Nanos intended) {
    if (intended >= measure_start_) bump(c_.abandoned, 1);
  }
  // Requests that were due or budgeted but could never be sent (connection failed, run
  // stopped). They count as failed and errored, not as started or done.
  void requests_not_sent(std::uint64_t count, FailureReason why);

  // --- Readers (any thread; exact once the writer has stopped).
  RequestCounts counts() const;
  const LatencyHistogram& request_latency() const { return request_latency_; }
  const LatencyHistogram& first_byte_latency() const { return first_byte_latency_; }
  const LatencyHistogram& service_time() const {
    return open_loop_ ? service_time_ : request_latency_;
  }
  std::vector<TimelinePoint> timeline() const;  // up to the last non-empty second
  const std::vector<ClientRecord>& clients() const { return clients_; }
  std::uint32_t first_client() const { return first_client_; }
  Nanos measure_start() const { return measure_start_; }

 private:
  using Counter = std::atomic<std::uint64_t>;
  struct Counters {
    Counter started{0}, done{0}, succeeded{0}, status_failed{0}, errored{0}, timed_out{0},
        not_sent{0}, abandoned{0};
    std::array<Counter, 6> status_class{};
    std::array<Counter, kFailureReasonCount> by_reason{};
    std::array<Counter, kFailureReasonCount> connection_errors{};
    Counter bytes_total{0}, header_bytes{0}, header_decoded_bytes{0}, body_bytes{0};
  };
  struct Slot {
    Counter completed{0}, succeeded{0}, errors{0}, body_bytes{0};
  };

  static void bump(Counter& counter, std::uint64_t by) {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  ClientRecord& client_at(std::uint32_t client) { return clients_[client - first_client_]; }
  Slot& slot_at(Nanos at) {
    // Completions come in time order, mostly within the second of the one before: the slot
    // found last is checked first (a 64-bit division per request otherwise).
    if (at >= last_slot_from_ && at < last_slot_until_) return *last_slot_;
    const auto offset = at - measure_start_;
    const auto second = offset <= 0 ? 0 : static_cast<std::size_t>(offset / kSecond);
    const std::size_t index = second < slot_count_ ? second : slot_count_ - 1;
    last_slot_ = &slots_[index];
    // The window covered by that slot (the first and last slots take everything beyond).
    last_slot_from_ = index == 0 ? std::numeric_limits<Nanos>::min()
                                 : measure_start_ + static_cast<Nanos>(index) * kSecond;
    last_slot_until_ = index + 1 == slot_count_
                           ? std::numeric_limits<Nanos>::max()
                           : measure_start_ + static_cast<Nanos>(index + 1) * kSecond;
    return *last_slot_;
  }
  void count_failure(FailureReason why, std::uint64_t count);

  Counters c_;
  LatencyHistogram request_latency_;     // done - intended: h2load's "time for request"
  LatencyHistogram first_byte_latency_;  // response headers - intended
  LatencyHistogram service_time_;        // done - sent: uncorrected, what the wire saw (open loop)
  std::unique_ptr<Slot[]> slots_;
  std::size_t slot_count_;
  Slot* last_slot_ = nullptr;  // slot_at's last answer, for times in [from, until)
  Nanos last_slot_from_ = 0;
  Nanos last_slot_until_ = 0;
  std::vector<ClientRecord> clients_;
  std::uint32_t first_client_;
  Nanos measure_start_;
  bool open_loop_;
};

}  // namespace h2bench
