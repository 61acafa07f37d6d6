#include "simulated_driver.h"

#include <algorithm>
#include <deque>
#include <thread>
#include <vector>

namespace h2bench {
namespace {

struct InFlight {
  std::uint64_t sequence;
  Nanos intended;
  Nanos sent;
  Nanos complete_at;
};

// One simulated connection: up to -m streams, answered in order (the latency is constant).
struct SimulatedClient {
  std::vector<InFlight> ring;
  std::size_t head = 0;
  std::size_t size = 0;
  bool answered = false;

  bool full() const { return size == ring.size(); }
  void push(const InFlight& f) {
    ring[(head + size) % ring.size()] = f;
    ++size;
  }
  const InFlight& front() const { return ring[head]; }
  void pop() {
    head = (head + 1) % ring.size();
    --size;
  }
};

// HPACK-ish sizes of a small response: ":status: 200" from the static table plus a couple of
// short headers; only the byte counters depend on them.
constexpr std::uint64_t kHeaderWireBytes = 12;
constexpr std::uint64_t kHeaderDecodedBytes = 48;
constexpr std::uint64_t kFrameHeader = 9;

}  // namespace

void SimulatedDriver::run(const RunPlan& plan, std::span<Recorder* const> recorders,
                          const RunControl& control) {
  std::vector<std::thread> threads;
  for (std::uint32_t k = 0; k < plan.threads; ++k) {
    threads.emplace_back([&, k] { run_thread(plan, thread_plan(plan, k), *recorders[k], control); });
  }
  for (auto& t : threads) t.join();
}

void SimulatedDriver::run_thread(const RunPlan& plan, const ThreadPlan& thread,
                                 Recorder& recorder, const RunControl& control) const {
  std::vector<SimulatedClient> clients(thread.client_count);
  const Nanos start = now_ns();
  for (std::uint32_t i = 0; i < thread.client_count; ++i) {
    clients[i].ring.resize(plan.max_concurrent_streams);
    recorder.connect_started(thread.first_client + i, start);
    recorder.connected(thread.first_client + i, start);
  }
  std::size_t path_room = 0;
  for (const auto& path : plan.paths) path_room = std::max(path_room, path.max_rendered_size());
  std::vector<char> path_buffer(path_room);
  std::uint64_t path_bytes = 0;  // keeps the rendering from being optimised away

  auto schedule = make_rate_schedule(plan, thread, control.run_start(), control.measure_end());
  std::deque<DueRequest> backlog;  // open loop: due but every stream busy
  std::uint64_t sent_count = 0;
  std::uint64_t in_flight = 0;
  std::size_t next_client = 0;

  const auto send = [&](std::uint32_t client_index, std::uint64_t sequence, Nanos intended,
                        Nanos now) {
    const auto& path = plan.paths[sequence % plan.paths.size()];
    path_bytes += path.render(sequence, path_buffer).size();
    recorder.request_started(intended);
    clients[client_index].push({sequence, intended, now, now + spec_.latency});
    ++in_flight;
  };
  const auto free_client = [&](std::uint32_t preferred) -> std::optional<std::uint32_t> {
    if (!clients[preferred].full()) return preferred;
    for (std::uint32_t i = 0; i < clients.size(); ++i) {
      if (!clients[i].full()) return i;
    }
    return std::nullopt;
  };

  for (;;) {
    const Nanos now = now_ns();
    const bool stopping = control.stop_requested() ||
                          (control.measure_end() && now >= *control.measure_end());
    // Answer what is due.
    for (std::uint32_t i = 0; i < clients.size(); ++i) {
      SimulatedClient& client = clients[i];
      while (client.size != 0 && client.front().complete_at <= now) {
        const InFlight f = client.front();
        client.pop();
        --in_flight;
        const std::uint32_t global = thread.first_client + i;
        if (!client.answered) {
          client.answered = true;
          recorder.first_byte(global, now);
        }
        if (spec_.reset_every != 0 && f.sequence % spec_.reset_every == spec_.reset_every - 1) {
          recorder.bytes_received(now, kFrameHeader + 4);
          recorder.request_failed(f.intended, now, FailureReason::kStreamReset);
          continue;
        }
        recorder.bytes_received(now, kFrameHeader + kHeaderWireBytes +
                                         (spec_.body_bytes != 0 ? kFrameHeader + spec_.body_bytes : 0));
        recorder.response_headers(f.intended, now, spec_.status, kHeaderWireBytes,
                                  kHeaderDecodedBytes);
        recorder.request_completed(global, f.intended, f.sent, now, spec_.status, spec_.body_bytes);
      }
    }
    if (stopping) {
      // In flight at the end: abandoned (-D) or cut off (interrupted -n run).
      for (auto& client : clients) {
        while (client.size != 0) {
          if (control.measure_end()) {
            recorder.request_abandoned(client.front().intended);
          } else {
            recorder.request_failed(client.front().intended, now, FailureReason::kStopped);
          }
          client.pop();
        }
      }
      if (!control.measure_end()) {
        const std::uint64_t unsent =
            schedule ? backlog.size() : thread.request_budget - sent_count;
        if (unsent != 0) recorder.requests_not_sent(unsent, FailureReason::kStopped);
      }
      break;
    }
    // Send what may be sent.
    if (schedule) {
      while (auto due = schedule->next_due(now)) backlog.push_back(*due);
      while (!backlog.empty()) {
        const auto client = free_client(backlog.front().connection - thread.first_client);
        if (!client) break;
        send(*client, backlog.front().sequence, backlog.front().intended_start, now);
        backlog.pop_front();
      }
      if (schedule->exhausted() && backlog.empty() && in_flight == 0) break;
    } else {
      for (std::size_t tries = 0; tries < clients.size() && sent_count < thread.request_budget;
           ++tries) {
        SimulatedClient& client = clients[next_client];
        while (!client.full() && sent_count < thread.request_budget) {
          send(static_cast<std::uint32_t>(next_client), sent_count * plan.threads + thread.index,
               now, now);
          ++sent_count;
        }
        next_client = (next_client + 1) % clients.size();
      }
      if (sent_count >= thread.request_budget && in_flight == 0) break;
    }
    // Sleep until the next thing happens (never more than 1 ms, to notice a stop).
    Nanos wake = now + kMillisecond;
    for (const auto& client : clients) {
      if (client.size != 0) wake = std::min(wake, client.front().complete_at);
    }
    if (schedule && schedule->next_time()) wake = std::min(wake, *schedule->next_time());
    if (wake > now + 20 * kMicrosecond) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(wake - now));
    }
  }
  const Nanos end = now_ns();
  for (std::uint32_t i = 0; i < thread.client_count; ++i) {
    recorder.client_finished(thread.first_client + i, end);
  }
  if (path_bytes == 1) std::this_thread::yield();  // path_bytes is read: the work is kept
}

}  // namespace h2bench
