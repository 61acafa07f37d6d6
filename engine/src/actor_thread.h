// A threaded actor: one thread running one Handler, joined to every worker by a Mailbox.
// It sleeps on a semaphore when every inbox is empty and no timer is due; a worker that posts
// to it calls notify(). Commands go back through the worker's inbox, and the worker is woken
// once per batch, not per message.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <queue>
#include <semaphore>
#include <thread>
#include <unordered_map>
#include <vector>

#include "h2engine/engine.h"
#include "mailbox.h"

namespace h2engine {

class Worker;

class ActorThread {
 public:
  using Clock = std::chrono::steady_clock;

  ActorThread(unsigned index, const EngineConfig& config);
  ~ActorThread();

  // mailboxes[w] joins this actor to worker w.
  void attach(std::vector<Mailbox*> mailboxes, std::vector<Worker*> workers);
  void start();
  // Stops after draining what is already queued. Call after the workers have stopped.
  void stop();
  // Any thread: something was posted for this actor.
  void notify();

 private:
  class ActorContext;
  void run();
  bool drain();
  void dispatch(ToActor& m);
  void post(unsigned worker, ToWorker&& m);

  unsigned index_;
  const EngineConfig& config_;
  std::vector<Mailbox*> mailboxes_;
  std::vector<Worker*> workers_;
  std::vector<bool> worker_needs_wake_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<ActorContext> context_;
  std::vector<h2::Header> scratch_;
  // Client side: the next stream id of each connection this actor opens streams on (the
  // actor is the only one that does, so the ids it picks are the ones the worker will use).
  std::unordered_map<uint64_t, uint32_t> next_stream_id_;
  unsigned next_worker_ = 0;
  struct Timer {
    Clock::time_point when;
    uint64_t token;
    bool operator>(const Timer& o) const { return when > o.when; }
  };
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;

  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> sleeping_{false};
  std::binary_semaphore wakeup_{0};
};

}  // namespace h2engine
