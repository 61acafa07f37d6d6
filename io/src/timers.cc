#include "h2io/timers.h"

#include <algorithm>
#include <bit>

namespace h2io {

namespace {

std::size_t slot_count(std::size_t wanted) {
  return std::bit_ceil(std::max<std::size_t>(wanted, 64));
}

}  // namespace

Timers::Timers(TimePoint origin, std::chrono::nanoseconds tick, std::size_t slots)
    : origin_(origin),
      tick_(tick.count() > 0 ? tick : std::chrono::nanoseconds(1)),
      mask_(slot_count(slots) - 1),
      heads_(slot_count(slots), kNone),
      occupied_(slot_count(slots) / 64, 0) {}

std::uint64_t Timers::tick_of(TimePoint t) const {
  if (t <= origin_) return 0;
  return static_cast<std::uint64_t>((t - origin_) / tick_);
}

void Timers::link(Id id, std::uint32_t slot) {
  Node& n = nodes_[id];
  n.slot = slot;
  n.prev = kNone;
  n.next = heads_[slot];
  if (n.next != kNone) nodes_[n.next].prev = id;
  heads_[slot] = id;
  occupied_[slot >> 6] |= std::uint64_t{1} << (slot & 63);
  ++size_;
}

void Timers::unlink(Id id) {
  Node& n = nodes_[id];
  if (n.prev != kNone) {
    nodes_[n.prev].next = n.next;
  } else {
    heads_[n.slot] = n.next;
    if (n.next == kNone) occupied_[n.slot >> 6] &= ~(std::uint64_t{1} << (n.slot & 63));
  }
  if (n.next != kNone) nodes_[n.next].prev = n.prev;
  n.prev = n.next = kNone;
  n.slot = kNone;
  --size_;
}

void Timers::schedule(Id id, TimePoint deadline) {
  if (id >= nodes_.size()) nodes_.resize(std::size_t{id} + 1);
  if (linked(nodes_[id])) unlink(id);
  Node& n = nodes_[id];
  // A deadline already in the past goes in the cursor's slot: the next expired() fires it.
  n.tick = std::max(tick_of(deadline), cursor_);
  n.deadline = deadline;
  n.seq = ++seq_;
  link(id, static_cast<std::uint32_t>(n.tick & mask_));
}

bool Timers::cancel(Id id) {
  if (id >= nodes_.size()) return false;
  Node& n = nodes_[id];
  if (n.slot == kFiring) {
    n.slot = kNone;
    return true;
  }
  if (n.slot == kNone) return false;
  unlink(id);
  return true;
}

void Timers::collect_due(TimePoint now) {
  std::uint64_t now_tick = tick_of(now);
  if (now_tick < cursor_) now_tick = cursor_;  // time never goes back for the wheel
  std::uint64_t span = now_tick - cursor_ + 1;
  if (span > mask_ + 1) span = mask_ + 1;  // a whole turn visits every slot once
  for (std::uint64_t i = 0; i < span && size_ > 0; ++i) {
    auto slot = static_cast<std::uint32_t>((cursor_ + i) & mask_);
    if ((occupied_[slot >> 6] & (std::uint64_t{1} << (slot & 63))) == 0) {
      // Skip the rest of an empty 64-slot word in one step.
      if (occupied_[slot >> 6] >> (slot & 63) == 0) i += 63 - (slot & 63);
      continue;
    }
    for (std::uint32_t id = heads_[slot]; id != kNone;) {
      Node& n = nodes_[id];
      std::uint32_t next = n.next;
      // Later turns of the wheel share the slot; only the deadline decides.
      if (n.deadline <= now) {
        unlink(id);
        n.slot = kFiring;
        due_.push_back(Due{n.deadline, n.seq, id});
      }
      id = next;
    }
  }
  // The tick `now` falls in may still hold later deadlines, so it stays the cursor.
  cursor_ = now_tick;
  std::sort(due_.begin(), due_.end(), [](const Due& a, const Due& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq;
  });
}

std::optional<Timers::TimePoint> Timers::next_deadline() const {
  if (size_ == 0) return std::nullopt;
  const std::uint64_t slots = mask_ + 1;
  for (std::uint64_t i = 0; i < slots; ++i) {
    std::uint64_t tick = cursor_ + i;
    auto slot = static_cast<std::uint32_t>(tick & mask_);
    std::uint64_t word = occupied_[slot >> 6] >> (slot & 63);
    if (word == 0) {
      i += 63 - (slot & 63);
      continue;
    }
    if ((word & 1) == 0) continue;
    std::optional<TimePoint> best;
    for (std::uint32_t id = heads_[slot]; id != kNone; id = nodes_[id].next) {
      const Node& n = nodes_[id];
      if (n.tick == tick && (!best || n.deadline < *best)) best = n.deadline;
    }
    if (best) return best;
  }
  return time_of_tick(cursor_ + slots);
}

}  // namespace h2io
