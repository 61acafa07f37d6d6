#include "recorder.h"

#include <algorithm>

namespace h2bench {

void RequestCounts::add(const RequestCounts& o) {
  started += o.started;
  done += o.done;
  succeeded += o.succeeded;
  status_failed += o.status_failed;
  errored += o.errored;
  timed_out += o.timed_out;
  not_sent += o.not_sent;
  abandoned += o.abandoned;
  for (std::size_t i = 0; i < status_class.size(); ++i) status_class[i] += o.status_class[i];
  for (std::size_t i = 0; i < kFailureReasonCount; ++i) {
    by_reason[i] += o.by_reason[i];
    connection_errors[i] += o.connection_errors[i];
  }
  bytes_total += o.bytes_total;
  header_bytes += o.header_bytes;
  header_decoded_bytes += o.header_decoded_bytes;
  body_bytes += o.body_bytes;
}

Recorder::Recorder(const RecorderConfig& config)
    : slots_(std::make_unique<Slot[]>(std::max<std::size_t>(config.timeline_seconds, 1))),
      slot_count_(std::max<std::size_t>(config.timeline_seconds, 1)),
      clients_(config.client_count),
      first_client_(config.first_client),
      measure_start_(config.measure_start),
      open_loop_(config.open_loop) {}

void Recorder::connect_failed(std::uint32_t client, Nanos at, FailureReason why) {
  client_at(client).finished = at;
  bump(c_.connection_errors[static_cast<std::size_t>(why)], 1);
}

void Recorder::response_headers(Nanos intended, Nanos at, int status, std::uint64_t wire_bytes,
                                std::uint64_t decoded_bytes) {
  if (intended < measure_start_) return;
  const int status_class = status >= 100 && status < 600 ? status / 100 : 0;
  bump(c_.status_class[static_cast<std::size_t>(status_class)], 1);
  bump(c_.header_bytes, wire_bytes);
  bump(c_.header_decoded_bytes, decoded_bytes);
  first_byte_latency_.record(at - intended);
}

void Recorder::request_completed(std::uint32_t client, Nanos intended, Nanos sent, Nanos done,
                                 int status, std::uint64_t body_bytes) {
  if (intended < measure_start_) return;
  bump(c_.done, 1);
  bump(c_.body_bytes, body_bytes);
  request_latency_.record(done - intended);
  if (open_loop_) service_time_.record(done - sent);
  Slot& slot = slot_at(done);
  bump(slot.completed, 1);
  bump(slot.body_bytes, body_bytes);
  if (status >= 200 && status < 400) {
    bump(c_.succeeded, 1);
    bump(slot.succeeded, 1);
    ++client_at(client).succeeded;
  } else {
    bump(c_.status_failed, 1);
    bump(slot.errors, 1);
  }
}

void Recorder::count_failure(FailureReason why, std::uint64_t count) {
  bump(c_.errored, count);
  bump(c_.by_reason[static_cast<std::size_t>(why)], count);
  if (is_timeout(why)) bump(c_.timed_out, count);
}

void Recorder::request_failed(Nanos intended, Nanos at, FailureReason why) {
  if (intended < measure_start_) return;
  bump(c_.done, 1);
  count_failure(why, 1);
  bump(slot_at(at).errors, 1);
}

void Recorder::requests_not_sent(std::uint64_t count, FailureReason why) {
  bump(c_.not_sent, count);
  count_failure(why, count);
}

RequestCounts Recorder::counts() const {
  const auto read = [](const Counter& counter) { return counter.load(std::memory_order_relaxed); };
  RequestCounts out;
  out.started = read(c_.started);
  out.done = read(c_.done);
  out.succeeded = read(c_.succeeded);
  out.status_failed = read(c_.status_failed);
  out.errored = read(c_.errored);
  out.timed_out = read(c_.timed_out);
  out.not_sent = read(c_.not_sent);
  out.abandoned = read(c_.abandoned);
  for (std::size_t i = 0; i < out.status_class.size(); ++i) out.status_class[i] = read(c_.status_class[i]);
  for (std::size_t i = 0; i < kFailureReasonCount; ++i) {
    out.by_reason[i] = read(c_.by_reason[i]);
    out.connection_errors[i] = read(c_.connection_errors[i]);
  }
  out.bytes_total = read(c_.bytes_total);
  out.header_bytes = read(c_.header_bytes);
  out.header_decoded_bytes = read(c_.header_decoded_bytes);
  out.body_bytes = read(c_.body_bytes);
  return out;
}

std::vector<TimelinePoint> Recorder::timeline() const {
  std::vector<TimelinePoint> points;
  std::size_t used = 0;
  for (std::size_t i = 0; i < slot_count_; ++i) {
    const Slot& s = slots_[i];
    if (s.completed.load(std::memory_order_relaxed) != 0 ||
        s.errors.load(std::memory_order_relaxed) != 0) {
      used = i + 1;
    }
  }
  points.reserve(used);
  for (std::size_t i = 0; i < used; ++i) {
    const Slot& s = slots_[i];
    points.push_back({s.completed.load(std::memory_order_relaxed),
                      s.succeeded.load(std::memory_order_relaxed),
                      s.errors.load(std::memory_order_relaxed),
                      s.body_bytes.load(std::memory_order_relaxed)});
  }
  return points;
}

}  // namespace h2bench
