// The two bounded SPSC queues between one worker and one threaded actor (DESIGN.md,
// "Mailboxes"). Bounded: both queues are sized once and never grow; a full queue is
// backpressure (the worker stops reading the connection, the actor waits), never a drop.
#pragma once

#include <readerwriterqueue/readerwriterqueue.h>

#include <atomic>

#include "messages.h"

namespace h2engine {

struct Mailbox {
  explicit Mailbox(size_t capacity) : to_actor(capacity), to_worker(capacity) {}

  // try_enqueue never allocates: the capacity given here is all there is.
  moodycamel::ReaderWriterQueue<ToActor> to_actor;
  moodycamel::ReaderWriterQueue<ToWorker> to_worker;
  // Set by the worker when to_actor was full and it holds messages back; the actor clears it
  // after draining and wakes the worker so it retries (and resumes reading).
  alignas(64) std::atomic<bool> worker_waiting{false};
};

}  // namespace h2engine
