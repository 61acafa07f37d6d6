// Deadlines for a worker's connections (idle timeout, SETTINGS-ACK timeout, shutdown deadline):
// a hashed timer wheel on the monotonic clock.
//
// Thousands of connections each with a live deadline would mean thousands of IORING_OP_TIMEOUT
// requests, re-queued on every activity. Instead the worker keeps them here (O(1) schedule and
// cancel, no syscall) and bounds each loop turn's wait by next_deadline(): one wait timeout per
// turn, passed to Ring::submit_and_wait (EXT_ARG, so not even an SQE).
//
// Timer ids are small dense integers chosen by the caller (e.g. connection slot * kinds + kind);
// each id has at most one deadline, and scheduling it again moves it. Storage grows with the
// largest id used and is never freed, so steady state allocates nothing.
//
// expired(now, fn) calls fn(id) for every deadline <= now, in deadline order (ties in scheduling
// order). Time is passed in, never read here: tests drive it with a fake clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace h2io {

class Timers {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Id = std::uint32_t;

  // origin: the wheel's time zero (usually Clock::now()). tick: granularity of the wheel (the
  // deadline itself is kept exact; tick only bounds the work per expired() call).
  // slots: rounded up to a power of two, multiple of 64.
  explicit Timers(TimePoint origin, std::chrono::nanoseconds tick = std::chrono::milliseconds(1),
                  std::size_t slots = 4096);

  void schedule(Id id, TimePoint deadline);
  // Returns whether a deadline was pending.
  bool cancel(Id id);
  bool scheduled(Id id) const { return id < nodes_.size() && nodes_[id].slot != kNone; }
  std::size_t size() const { return size_; }

  // Earliest pending deadline, or nullopt when none. Exact when that deadline falls within one
  // turn of the wheel; otherwise an earlier time (the end of the turn), so a wait bounded by it
  // never oversleeps.
  std::optional<TimePoint> next_deadline() const;

  // Calls fn(Id) for each deadline <= now, earliest first, removing it before the call. fn may
  // schedule or cancel any timer (a due timer cancelled by an earlier one's fn does not fire);
  // it must not call expired(). Returns how many fired.
  template <class Fn>
  std::size_t expired(TimePoint now, Fn&& fn);

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;    // slot: not scheduled
  static constexpr std::uint32_t kFiring = 0xfffffffeu;  // slot: due, collected, not yet fired
  struct Node {
    TimePoint deadline{};
    std::uint64_t tick = 0;
    std::uint64_t seq = 0;
    std::uint32_t prev = kNone;
    std::uint32_t next = kNone;
    std::uint32_t slot = kNone;  // kNone: not scheduled
  };
  struct Due {
    TimePoint deadline;
    std::uint64_t seq;
    Id id;
  };
  static bool linked(const Node& n) { return n.slot != kNone && n.slot != kFiring; }

  std::uint64_t tick_of(TimePoint t) const;
  TimePoint time_of_tick(std::uint64_t tick) const {
    return origin_ + tick_ * static_cast<std::int64_t>(tick);
  }
  void link(Id id, std::uint32_t slot);
  void unlink(Id id);
  // Moves every due timer (deadline <= now) out of the wheel into due_, sorted.
  void collect_due(TimePoint now);

  TimePoint origin_;
  std::chrono::nanoseconds tick_;
  std::size_t mask_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> heads_;
  std::vector<std::uint64_t> occupied_;  // one bit per non-empty slot, for fast scans
  std::vector<Due> due_;                 // scratch, reused
  std::uint64_t cursor_ = 0;             // every tick before this one has been fully expired
  std::uint64_t seq_ = 0;
  std::size_t size_ = 0;
};

template <class Fn>
std::size_t Timers::expired(TimePoint now, Fn&& fn) {
  collect_due(now);
  std::size_t fired = 0;
  for (std::size_t i = 0; i < due_.size(); ++i) {
    Id id = due_[i].id;
    // fn of an earlier timer may have cancelled (slot kNone) or moved (slot set) this one.
    if (nodes_[id].slot != kFiring) continue;
    nodes_[id].slot = kNone;
    ++fired;
    fn(id);
  }
  due_.clear();
  return fired;
}

}  // namespace h2io
