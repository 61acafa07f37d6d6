#include "actor_thread.h"

#include "handler_call.h"
#include "header_blob.h"
#include "worker.h"

namespace h2engine {

namespace {

uint64_t connection_key(const ConnectionRef& c) {
  return (uint64_t{c.worker} << 56) ^ (uint64_t{c.generation} << 32) ^ c.slot;
}

}  // namespace

// The Context a threaded handler gets: every call becomes a message to the owning worker.
class ActorThread::ActorContext final : public Context {
 public:
  explicit ActorContext(ActorThread& a) : a_(a) {}

  void send_headers(StreamRef s, h2::HeaderList h, bool end) override {
    ToWorker m{ToWorker::Kind::kHeaders, end, s};
    append_header_blob(m.blob, h);
    a_.post(s.connection.worker, std::move(m));
  }
  void send_data(StreamRef s, h2::Bytes d, bool end) override {
    ToWorker m{ToWorker::Kind::kData, end, s};
    m.blob.assign(reinterpret_cast<const char*>(d.data()), d.size());
    a_.post(s.connection.worker, std::move(m));
  }
  void send_file(StreamRef s, FileRef f, uint64_t offset, uint64_t length, bool end) override {
    ToWorker m{ToWorker::Kind::kFile, end, s};
    m.file = std::move(f);
    m.value = offset;
    m.aux = length;
    a_.post(s.connection.worker, std::move(m));
  }
  void send_trailers(StreamRef s, h2::HeaderList t) override {
    ToWorker m{ToWorker::Kind::kTrailers, true, s};
    append_header_blob(m.blob, t);
    a_.post(s.connection.worker, std::move(m));
  }
  void reset(StreamRef s, h2::ErrorCode code) override {
    ToWorker m{ToWorker::Kind::kReset, false, s};
    m.value = static_cast<uint64_t>(code);
    a_.post(s.connection.worker, std::move(m));
  }
  void push(StreamRef p, h2::HeaderList req, h2::HeaderList resp, h2::Bytes body) override {
    ToWorker m{ToWorker::Kind::kPush, false, p};
    append_header_blob(m.blob, req);
    append_header_blob(m.blob2, resp);
    m.blob3.assign(reinterpret_cast<const char*>(body.data()), body.size());
    a_.post(p.connection.worker, std::move(m));
  }
  void credit(StreamRef s, size_t n) override {
    if (n == 0) return;
    ToWorker m{ToWorker::Kind::kCredit, false, s};
    m.value = n;
    a_.post(s.connection.worker, std::move(m));
  }
  void connect(std::string_view host, uint16_t port, uint64_t tag) override {
    unsigned w = a_.next_worker_++ % static_cast<unsigned>(a_.workers_.size());
    ToWorker m{ToWorker::Kind::kConnect, false, StreamRef{}};
    m.blob = std::string(host);
    m.value = port;
    m.aux = tag;
    m.actor = a_.index_;
    a_.post(w, std::move(m));
  }
  StreamRef open_stream(ConnectionRef c, h2::HeaderList h, bool end) override {
    auto it = a_.next_stream_id_.find(connection_key(c));
    if (it == a_.next_stream_id_.end()) return StreamRef{c, 0};
    StreamRef ref{c, it->second};
    it->second += 2;
    ToWorker m{ToWorker::Kind::kOpenStream, end, ref};
    append_header_blob(m.blob, h);
    a_.post(c.worker, std::move(m));
    return ref;
  }
  void close_connection(ConnectionRef c) override {
    a_.post(c.worker, ToWorker{ToWorker::Kind::kClose, false, StreamRef{c, 0}});
  }
  void schedule_timer(uint64_t delay_us, uint64_t token) override {
    a_.timers_.push(Timer{Clock::now() + std::chrono::microseconds(delay_us), token});
  }
  unsigned thread_index() const override { return a_.index_; }

 private:
  ActorThread& a_;
};

ActorThread::ActorThread(unsigned index, const EngineConfig& config)
    : index_(index), config_(config) {}

ActorThread::~ActorThread() {
  stop();
}

void ActorThread::attach(std::vector<Mailbox*> mailboxes, std::vector<Worker*> workers) {
  mailboxes_ = std::move(mailboxes);
  workers_ = std::move(workers);
  worker_needs_wake_.assign(workers_.size(), false);
}

void ActorThread::start() {
  handler_ = config_.handler_factory ? config_.handler_factory(index_) : nullptr;
  context_ = std::make_unique<ActorContext>(*this);
  thread_ = std::thread([this] { run(); });
}

void ActorThread::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  notify();
  thread_.join();
}

void ActorThread::notify() {
  // Only a sleeping actor needs the semaphore; the exchange makes sure one post wakes it once.
  if (sleeping_.exchange(false, std::memory_order_acq_rel)) wakeup_.release();
}

void ActorThread::post(unsigned worker, ToWorker&& m) {
  Mailbox& mb = *mailboxes_[worker];
  // A full inbox: the worker is behind. It never blocks on us, so waking it and yielding
  // until there is room cannot deadlock.
  while (!mb.to_worker.try_enqueue(std::move(m))) {
    workers_[worker]->wake();
    std::this_thread::yield();
  }
  worker_needs_wake_[worker] = true;
}

void ActorThread::dispatch(ToActor& m) {
  if (!handler_) return;
  if (m.kind == ToActor::Kind::kConnectionOpen)
    next_stream_id_[connection_key(m.ref.connection)] = 1;
  if (m.kind == ToActor::Kind::kConnectionClosed)
    next_stream_id_.erase(connection_key(m.ref.connection));
  // The message owns its payload: header kinds carry a header blob, DATA the bytes.
  h2::HeaderList headers;
  h2::Bytes data;
  if (m.kind == ToActor::Kind::kHeaders || m.kind == ToActor::Kind::kInformational ||
      m.kind == ToActor::Kind::kTrailers) {
    decode_header_blob(m.blob, scratch_);
    headers = scratch_;
  } else if (m.kind == ToActor::Kind::kData) {
    data = h2::Bytes(reinterpret_cast<const uint8_t*>(m.blob.data()), m.blob.size());
  }
  call_handler(*handler_, *context_, m, headers, data);
}

bool ActorThread::drain() {
  bool any = false;
  ToActor m;
  for (size_t w = 0; w < mailboxes_.size(); ++w) {
    Mailbox& mb = *mailboxes_[w];
    for (unsigned n = 0; n < 1024 && mb.to_actor.try_dequeue(m); ++n) {
      dispatch(m);
      any = true;
    }
    // The worker held messages back because we were full: there is room now.
    if (mb.worker_waiting.exchange(false, std::memory_order_acq_rel)) worker_needs_wake_[w] = true;
  }
  for (size_t w = 0; w < workers_.size(); ++w) {
    if (worker_needs_wake_[w]) {
      worker_needs_wake_[w] = false;
      workers_[w]->wake();
    }
  }
  return any;
}

void ActorThread::run() {
  if (handler_) handler_->on_start(*context_);
  drain();
  while (true) {
    bool any = drain();
    while (!timers_.empty() && timers_.top().when <= Clock::now()) {
      uint64_t token = timers_.top().token;
      timers_.pop();
      if (handler_) handler_->on_timer(*context_, token);
      any = true;
    }
    if (any) continue;
    if (stop_.load()) break;
    // Announce sleep, then look once more: a post between the last drain and the flag
    // would otherwise be missed.
    sleeping_.store(true, std::memory_order_seq_cst);
    bool pending = false;
    for (Mailbox* mb : mailboxes_) pending |= mb->to_actor.peek() != nullptr;
    if (pending || stop_.load()) {
      sleeping_.store(false);
      continue;
    }
    if (timers_.empty()) {
      wakeup_.try_acquire_for(std::chrono::milliseconds(100));
    } else {
      wakeup_.try_acquire_until(timers_.top().when);
    }
    sleeping_.store(false);
  }
  drain();
}

}  // namespace h2engine
