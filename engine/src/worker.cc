#include "worker.h"

#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "actor_thread.h"
#include "h2io/address.h"
#include "h2io/error.h"
#include "handler_call.h"
#include "header_blob.h"
#include "priority_signal.h"

namespace h2engine {

using h2io::OpKind;
using h2io::OpTag;

namespace {

constexpr uint16_t kBufferGroup = 0;
// Timer ids: two per session slot.
constexpr uint32_t kIdleTimer = 0;      // idle timeout, or the linger of a closing connection
constexpr uint32_t kSettingsTimer = 1;  // our SETTINGS not acknowledged in time
constexpr std::chrono::milliseconds kLinger{1000};
// iovecs per gathered sendmsg: 32 file frames and the bytes between them (~512 KiB).
constexpr size_t kMaxGatherIovecs = 64;
// Send buffers kept for reuse, per worker.
constexpr size_t kBufferPoolBytes = 1u << 20;

h2io::Timers::Id timer_id(uint32_t slot, uint32_t kind) {
  return slot * 2 + kind;
}

h2::Bytes as_bytes(std::string_view s) {
  return h2::Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

void pin_to_cpu(unsigned index) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus <= 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<int>(index % static_cast<unsigned long>(cpus)), &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

}  // namespace

// ---- the Context inline handlers get: straight calls into the worker ----------------------

class Worker::InlineContext final : public Context {
 public:
  explicit InlineContext(Worker& w) : w_(w) {}
  void send_headers(StreamRef s, h2::HeaderList h, bool end) override {
    w_.cmd_send_headers(s, h, end);
  }
  void send_data(StreamRef s, h2::Bytes d, bool end) override { w_.cmd_send_data(s, d, end); }
  void send_file(StreamRef s, FileRef f, uint64_t offset, uint64_t length, bool end) override {
    w_.cmd_send_file(s, std::move(f), offset, length, end);
  }
  void send_trailers(StreamRef s, h2::HeaderList t) override { w_.cmd_send_trailers(s, t); }
  void reset(StreamRef s, h2::ErrorCode c) override { w_.cmd_reset(s, c); }
  void push(StreamRef p, h2::HeaderList req, h2::HeaderList resp, h2::Bytes body) override {
    w_.cmd_push(p, req, resp, body);
  }
  void credit(StreamRef s, size_t n) override { w_.cmd_credit(s, n); }
  void connect(std::string_view host, uint16_t port, uint64_t tag) override {
    w_.cmd_connect(host, port, tag, 0);
  }
  StreamRef open_stream(ConnectionRef c, h2::HeaderList h, bool end) override {
    return w_.cmd_open_stream(c, 0, h, end);
  }
  void close_connection(ConnectionRef c) override { w_.cmd_close(c); }
  void schedule_timer(uint64_t delay_us, uint64_t token) override {
    w_.cmd_schedule_timer(delay_us, token);
  }
  unsigned thread_index() const override { return w_.index_; }

 private:
  Worker& w_;
};

// ---- set-up -------------------------------------------------------------------------------

Worker::Worker(unsigned index, const EngineConfig& config, std::unique_ptr<h2io::Listener> listener)
    : index_(index), config_(config), listener_(std::move(listener)), timers_(Clock::now()) {
  h2_server_config_ = config.h2;
  h2_server_config_.client_side = false;
  // A peer's graceful GOAWAY must let the streams it covers finish (RFC 9113 §6.8).
  h2_server_config_.complete_streams_after_goaway = true;
  // A stream beyond our MAX_CONCURRENT_STREAMS is refused alone (RFC 9113 §5.1.2), not the
  // whole connection: a client that fired requests before seeing our SETTINGS may retry.
  h2_server_config_.refuse_excess_streams = true;
  h2_client_config_ = h2_server_config_;
  h2_client_config_.client_side = true;
}

Worker::~Worker() {
  for (auto& s : sessions_)
    if (s && s->fd >= 0) ::close(s->fd);
}

void Worker::attach_actors(std::vector<Mailbox*> mailboxes, std::vector<ActorThread*> actors) {
  mailboxes_ = std::move(mailboxes);
  actors_ = std::move(actors);
  actor_needs_wake_.assign(actors_.size(), false);
}

void Worker::post(Control control) {
  control_.enqueue(std::move(control));
  waker_.wake();
}

void Worker::run(const std::function<void()>& ready) {
  if (config_.pin_workers) pin_to_cpu(index_);
  // SINGLE_ISSUER: the ring is created on the thread that submits to it.
  ring_ = std::make_unique<h2io::Ring>(h2io::RingOptions{config_.ring_entries, 0, true});
  buffers_ = std::make_unique<h2io::BufferRing>(*ring_, kBufferGroup, config_.recv_buffers,
                                                config_.recv_buffer_size);
  waker_.arm(*ring_, OpTag{OpKind::kWake, 0});
  if (listener_) listener_->arm_accept(*ring_, OpTag{OpKind::kAccept, 0});
  if (config_.actors == ActorMode::kInline && config_.handler_factory) {
    handler_ = config_.handler_factory(index_);
    context_ = std::make_unique<InlineContext>(*this);
  }
  ready();
  if (handler_) handler_->on_start(*context_);

  for (;;) {
    if (stopping_ && live_sessions_ == 0 && connects_.size() == free_connects_.size()) break;
    Clock::time_point now = Clock::now();
    int rc = ring_->submit_and_wait(1, wait_bound(now));
    if (rc < 0 && rc != -EINTR) {
      spdlog::error("worker {}: io_uring wait failed: {}", index_, std::strerror(-rc));
      break;
    }
    turn_now_ = Clock::now();  // one clock read per turn, not one per received chunk
    unsigned handled = 0;
    ring_->for_each_completion([this, &handled](const h2io::Completion& c) {
      dispatch(c);
      if (++handled == config_.flush_every) {  // never when flush_every is 0
        handled = 0;
        flush_early();
      }
    });
    drain_control();
    if (!mailboxes_.empty()) drain_mailboxes();
    if (!held_.empty()) retry_held();
    now = Clock::now();
    timers_.expired(now, [this](h2io::Timers::Id id) { on_deadline(id); });
    if (!handler_timers_.empty()) run_handler_timers(now);
    if (connects_.size() != free_connects_.size()) expire_connects(now);
    if (!waiting_buffers_.empty() && buffers_->available() > 0) {
      // Swapped with a member, not a local: both vectors keep their storage.
      rearming_.swap(waiting_buffers_);
      for (Session* s : rearming_) {
        s->waiting_buffers = false;
        if (!s->closing && !s->recv_paused) arm_recv(*s);
      }
      rearming_.clear();
    }
    if (stopping_ && now >= stop_deadline_) {
      for (auto& s : sessions_)
        if (s && !s->closing) begin_close(*s, CloseReason::kShutdown);
    }
    flush_dirty();
    if (listener_ && !stopping_ && now >= accept_paused_until_)
      listener_->rearm_if_needed(*ring_, OpTag{OpKind::kAccept, 0});
    for (size_t a = 0; a < actor_needs_wake_.size(); ++a) {
      if (actor_needs_wake_[a]) {
        actor_needs_wake_[a] = false;
        actors_[a]->notify();
      }
    }
  }
  // Whatever is still open at exit (a hard stop) is closed synchronously.
  for (auto& s : sessions_) {
    if (s && s->fd >= 0) {
      ::close(s->fd);
      s->fd = -1;
    }
  }
}

std::optional<std::chrono::nanoseconds> Worker::wait_bound(Clock::time_point now) const {
  std::optional<Clock::time_point> next = timers_.next_deadline();
  if (!handler_timers_.empty() && (!next || handler_timers_.top().when < *next))
    next = handler_timers_.top().when;
  if (stopping_ && (!next || stop_deadline_ < *next)) next = stop_deadline_;
  for (const PendingConnect& pc : connects_)
    if (pc.op && !pc.cancelled && (!next || pc.deadline < *next)) next = pc.deadline;
  if (listener_ && !listener_->armed() && !stopping_ && (!next || accept_paused_until_ < *next))
    next = accept_paused_until_;
  // Held messages are retried each turn; an actor wakes us when it drains, this is the
  // safety net.
  if (!held_.empty()) {
    Clock::time_point soon = now + std::chrono::milliseconds(1);
    if (!next || soon < *next) next = soon;
  }
  // Connections still to flush (flush_dirty stops after a few rounds of handler chains):
  // do not sleep.
  if (!dirty_.empty()) return std::chrono::nanoseconds(0);
  if (!next) return std::nullopt;
  if (*next <= now) return std::chrono::nanoseconds(0);
  return *next - now;
}

// ---- completions --------------------------------------------------------------------------

void Worker::dispatch(const h2io::Completion& c) {
  switch (c.tag.kind) {
    case OpKind::kAccept:
      on_accept(c);
      return;
    case OpKind::kRecv: {
      Session* s = lookup(c.tag.id);
      if (!s) {
        // A late completion of a connection that is gone: its buffer still comes back.
        if (c.has_buffer()) buffers_->recycle(c.buffer_id());
        return;
      }
      on_recv(*s, c);
      return;
    }
    case OpKind::kSend: {
      Session* s = lookup(c.tag.id);
      if (s) on_send(*s, c);
      return;
    }
    case OpKind::kConnect:
      on_connect(c);
      return;
    case OpKind::kWake:
      waker_.on_completion(*ring_, c);
      return;
    default:
      return;  // close, cancel, shutdown: nothing to do
  }
}

void Worker::on_accept(const h2io::Completion& c) {
  int fd = listener_->on_completion(c);
  if (fd < 0) {
    if (fd == -ECANCELED) return;
    // Out of descriptors (or memory): accepting again at once would spin. Pause accepting
    // for a moment, and log once per pause, not once per refused connection.
    Clock::time_point now = Clock::now();
    if (fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS || fd == -ENOMEM)
      accept_paused_until_ = now + std::chrono::milliseconds(100);
    if (now >= next_accept_log_) {
      spdlog::warn("worker {}: accept failed: {}", index_, std::strerror(-fd));
      next_accept_log_ = now + std::chrono::seconds(1);
    }
    return;
  }
  if (stopping_) {
    ::close(fd);
    return;
  }
  h2io::set_tcp_nodelay(fd);
  unsigned actor = actors_.empty() ? 0 : (next_actor_++ % static_cast<unsigned>(actors_.size()));
  add_session(fd, /*client=*/false, 0, actor);
}

Session* Worker::add_session(int fd, bool client, uint64_t user_tag, unsigned actor) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(sessions_.size());
    sessions_.emplace_back();
    generations_.push_back(0);
  }
  uint32_t gen = ++generations_[slot] & 0xffffff;  // 24 bits survive the OpTag encoding
  generations_[slot] = gen;
  sessions_[slot] =
      std::make_unique<Session>(static_cast<uint16_t>(index_), slot, gen, fd, client, kBufferGroup,
                                client ? h2_client_config_ : h2_server_config_);
  Session& s = *sessions_[slot];
  s.spares = &spares_;
  s.user_tag = user_tag;
  s.actor = actor;
  s.log_budget = config_.log_lines_per_connection;
  ++live_sessions_;
  WorkerCounters::bump(counters_.connections_open);
  WorkerCounters::bump(counters_.connections_total);

  s.conn.initiate_connection();
  std::vector<std::pair<uint16_t, int64_t>> settings;
  if (!client) settings.emplace_back(0x3, config_.max_concurrent_streams);
  if (client) settings.emplace_back(0x2, 0);  // ENABLE_PUSH off: nobody would take the push
  if (config_.initial_window_size != 65535) settings.emplace_back(0x4, config_.initial_window_size);
  if (!settings.empty()) s.conn.update_settings(settings);
  if (config_.connection_window_size > 65535)
    s.conn.increment_flow_control_window(config_.connection_window_size - 65535);

  Clock::time_point now = Clock::now();
  timers_.schedule(timer_id(slot, kIdleTimer), now + config_.idle_timeout);
  timers_.schedule(timer_id(slot, kSettingsTimer), now + config_.settings_ack_timeout);
  arm_recv(s);
  mark_dirty(s);
  ToActor open{ToActor::Kind::kConnectionOpen, false, StreamRef{s.ref, 0}, user_tag, 0, {}};
  to_app(s, std::move(open));
  return &s;
}

Session* Worker::lookup(uint64_t id) {
  uint32_t slot = static_cast<uint32_t>(id & 0xffffffff);
  uint32_t gen = static_cast<uint32_t>(id >> 32);
  if (slot >= sessions_.size() || !sessions_[slot]) return nullptr;
  Session* s = sessions_[slot].get();
  return s->ref.generation == gen ? s : nullptr;
}

Session* Worker::lookup(const ConnectionRef& ref) {
  // The application's calls come through here: the connection may write.
  if (ref.worker != index_) return nullptr;
  Session* s = lookup((uint64_t{ref.generation} << 32) | ref.slot);
  if (s) lend_output(*s);
  return s;
}

void Worker::arm_recv(Session& s) {
  if (s.recv.armed() || s.shut) return;
  s.recv.arm(*ring_, OpTag{OpKind::kRecv, session_key(s)});
}

void Worker::on_recv(Session& s, const h2io::Completion& c) {
  h2io::RecvEvent ev = s.recv.on_completion(c, *buffers_);
  switch (ev.kind) {
    case h2io::RecvEvent::Kind::kData: {
      if (!s.closing) {
        auto data = h2::Bytes(reinterpret_cast<const uint8_t*>(ev.data.data()), ev.data.size());
        handle_input(s, data);
      }
      buffers_->recycle(ev.bid);
      if (!s.recv.armed() && !s.recv_paused && !s.shut) arm_recv(s);
      break;
    }
    case h2io::RecvEvent::Kind::kEof:
      if (!s.closing) begin_close(s, CloseReason::kPeerClosed);
      break;
    case h2io::RecvEvent::Kind::kNoBuffers:
      if (!s.closing && !s.waiting_buffers) {
        s.waiting_buffers = true;
        waiting_buffers_.push_back(&s);
      }
      break;
    case h2io::RecvEvent::Kind::kCancelled:
      // Cancelled for backpressure; if the held events drained meanwhile, read again.
      if (!s.closing && !s.recv_paused && !s.shut) arm_recv(s);
      break;
    case h2io::RecvEvent::Kind::kError:
      if (!s.closing) begin_close(s, CloseReason::kSocketError);
      break;
  }
  maybe_finish(s);
}

void Worker::on_send(Session& s, const h2io::Completion& c) {
  s.send_in_flight = false;
  if (s.gather_in_flight) {
    s.gather_in_flight = false;
    if (c.res >= 0) {
      consume_segments(s, static_cast<uint64_t>(c.res));
      WorkerCounters::bump(counters_.bytes_out, static_cast<uint64_t>(c.res));
      mark_dirty(s);
      return;
    }
    // EFAULT: a mapped file shrank under us.
    if (c.res == -EFAULT) {
      WorkerCounters::bump(counters_.errors);
      log_once(s, spdlog::level::info, "file shorter than the body queued from it");
    }
  }
  if (c.res < 0) {
    if (c.res == -EAGAIN || c.res == -EINTR) {
      mark_dirty(s);
      return;
    }
    s.sendbuf.clear();
    s.send_off = 0;
    s.segments.clear();
    s.segment_bytes = 0;
    if (!s.closing) begin_close(s, CloseReason::kSocketError);
    maybe_finish(s);
    return;
  }
  s.send_off += static_cast<size_t>(c.res);
  WorkerCounters::bump(counters_.bytes_out, static_cast<uint64_t>(c.res));
  if (s.send_off >= s.sendbuf.size()) {
    s.send_off = 0;
    recycle_buffer(std::move(s.sendbuf));
    s.sendbuf = h2::ByteBuffer();
    release_idle_output(s);
  }
  // A short write resumes from send_off in send_output.
  mark_dirty(s);
}

void Worker::on_connect(const h2io::Completion& c) {
  uint32_t index = static_cast<uint32_t>(c.tag.id);
  if (index >= connects_.size() || !connects_[index].op) return;
  PendingConnect pc = std::move(connects_[index]);
  connects_[index] = PendingConnect{};
  free_connects_.push_back(index);
  if (c.res < 0) {
    CloseReason why = pc.timed_out             ? CloseReason::kConnectTimeout
                      : c.res == -ECONNREFUSED ? CloseReason::kConnectRefused
                                               : CloseReason::kConnectFailed;
    ToActor closed{ToActor::Kind::kConnectionClosed, false,       StreamRef{},
                   static_cast<uint64_t>(why),       pc.user_tag, {}};
    closed.blob = std::strerror(-c.res);
    if (handler_) {
      call_handler(closed, {}, {});
    } else if (!mailboxes_.empty()) {
      // Connect failures are rare: wait for room rather than hold them per session.
      while (!mailboxes_[pc.actor]->to_actor.try_enqueue(closed)) actors_[pc.actor]->notify();
      actor_needs_wake_[pc.actor] = true;
    }
    return;
  }
  h2io::Fd fd = pc.op->release();
  Session* s = add_session(fd.release(), /*client=*/true, pc.user_tag, pc.actor);
  if (pc.cancelled && s)
    begin_close(*s, stopping_ ? CloseReason::kShutdown : CloseReason::kConnectTimeout);
}

// ---- receiving ----------------------------------------------------------------------------

void Worker::handle_input(Session& s, h2::Bytes data) {
  WorkerCounters::bump(counters_.bytes_in, data.size());
  if (handler_) handler_->on_input(*context_, s.ref, data);
  timers_.schedule(timer_id(s.ref.slot, kIdleTimer), turn_now_ + config_.idle_timeout);
  lend_output(s);
  try {
    const std::vector<h2::Event>& events = s.conn.receive_data(data);
    WorkerCounters::bump(counters_.frames_in, events.size());
    for (const h2::Event& e : events) {
      deliver(s, e);
      if (s.closing) break;
    }
  } catch (const h2::ProtocolError& e) {
    WorkerCounters::bump(counters_.errors);
    log_once(s, spdlog::level::info, e.what());
    begin_close(s, CloseReason::kProtocolError);
    return;
  }
  mark_dirty(s);
}

void Worker::deliver(Session& s, const h2::Event& event) {
  struct Visitor {
    Worker& w;
    Session& s;
    void headers(uint32_t id, h2::HeaderList headers, bool ended, ToActor::Kind kind) {
      StreamOut* st = s.find(id);
      if (kind == ToActor::Kind::kHeaders && !st) {
        st = &s.add(id);
        WorkerCounters::bump(w.counters_.streams_total);
        // RFC 9218 §5: the request's priority header sets the stream's urgency.
        for (const h2::Header& h : headers) {
          if (h.name == "priority") {
            PrioritySignal p = parse_priority_field(h.value);
            st->urgency = p.urgency;
            st->incremental = p.incremental;
            st->signalled = true;
          }
        }
      }
      if (!st) return;  // a stream we reset: nobody is listening
      if (ended) st->remote_ended = true;
      ToActor m{kind, ended, s.stream_ref(id), 0, 0, {}};
      w.to_app_headers(s, std::move(m), headers);
      // The handler may have opened streams (the vector moved) or reset this one: look again.
      st = s.find(id);
      if (ended && st && st->done()) w.stream_finished(s, id);
    }
    void operator()(const h2::RequestReceived& e) {
      headers(e.stream_id, e.headers, e.stream_ended.has_value(), ToActor::Kind::kHeaders);
    }
    void operator()(const h2::ResponseReceived& e) {
      headers(e.stream_id, e.headers, e.stream_ended.has_value(), ToActor::Kind::kHeaders);
    }
    void operator()(const h2::TrailersReceived& e) {
      headers(e.stream_id, e.headers, true, ToActor::Kind::kTrailers);
    }
    void operator()(const h2::InformationalResponseReceived& e) {
      headers(e.stream_id, e.headers, false, ToActor::Kind::kInformational);
    }
    void operator()(const h2::DataReceived& e) {
      // Padding is never the application's to consume: credit it at once.
      size_t padding = e.flow_controlled_length - e.data.size();
      StreamOut* st = s.find(e.stream_id);
      size_t auto_credit = st ? padding : e.flow_controlled_length;
      if (auto_credit > 0) {
        try {
          s.conn.acknowledge_received_data(static_cast<int64_t>(auto_credit), e.stream_id);
        } catch (const h2::H2Error&) {
        }
      }
      if (!st) return;
      bool ended = e.stream_ended.has_value();
      if (ended) st->remote_ended = true;
      ToActor m{ToActor::Kind::kData, ended, s.stream_ref(e.stream_id), 0, 0, {}};
      w.to_app_data(s, std::move(m), e.data);
      st = s.find(e.stream_id);  // as above: the handler may have moved or removed it
      if (ended && st && st->done()) w.stream_finished(s, e.stream_id);
    }
    void operator()(const h2::StreamReset& e) {
      WorkerCounters::bump(w.counters_.resets);
      if (!s.find(e.stream_id)) return;
      s.remove(e.stream_id);
      ToActor m{ToActor::Kind::kReset,
                false,
                s.stream_ref(e.stream_id),
                static_cast<uint64_t>(e.error_code),
                0,
                {}};
      w.to_app(s, std::move(m));
      w.open_pending(s);
    }
    void operator()(const h2::SettingsAcknowledged&) {
      if (!s.settings_acked) {
        s.settings_acked = true;
        w.timers_.cancel(timer_id(s.ref.slot, kSettingsTimer));
      }
    }
    void operator()(const h2::ConnectionTerminated& e) {
      s.goaway_received = true;
      // RFC 9113 §6.8: streams of ours above last_stream_id were never processed: they are
      // refused (safe to retry); those at or below it still complete.
      std::vector<uint32_t> refused;
      bool ours_odd = s.client;
      for (const StreamOut& st : s.streams)
        if ((st.id % 2 == 1) == ours_odd && st.id > e.last_stream_id) refused.push_back(st.id);
      for (uint32_t id : refused) {
        s.remove(id);
        ToActor m{ToActor::Kind::kReset, false, s.stream_ref(id),
                  static_cast<uint64_t>(h2::ErrorCode::kRefusedStream)};
        w.to_app(s, std::move(m));
      }
      s.pending_opens.clear();
      if (e.error_code != h2::ErrorCode::kNoError) {
        w.log_once(s, spdlog::level::info, "peer sent GOAWAY with an error");
        w.begin_close(s, CloseReason::kPeerClosed);
      }
    }
    void operator()(const h2::UnknownFrameReceived& e) {
      // RFC 9218 §7.1 PRIORITY_UPDATE (type 0x10): prioritized stream id, then the field.
      if (e.frame.type != 0x10 || e.frame.stream_id != 0 || e.frame.payload.size() < 4) return;
      const uint8_t* p = e.frame.payload.data();
      uint32_t id =
          ((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]) &
          0x7fffffff;
      StreamOut* st = s.find(id);
      if (!st) return;
      std::string_view value(reinterpret_cast<const char*>(p + 4), e.frame.payload.size() - 4);
      PrioritySignal sig = parse_priority_field(value, {st->urgency, st->incremental});
      st->urgency = sig.urgency;
      st->incremental = sig.incremental;
      st->signalled = true;
    }
    // Window updates and settings changes matter only to the scheduler, which runs for
    // every connection touched this turn.
    void operator()(const h2::WindowUpdated&) {}
    void operator()(const h2::RemoteSettingsChanged&) {
      s.remote_settings_seen = true;
      // Read once here, not per stream opened.
      s.stream_limit = s.conn.remote_settings().max_concurrent_streams();
      w.open_pending(s);  // a larger MAX_CONCURRENT_STREAMS lets waiting requests go
    }
    void operator()(const h2::PingReceived&) {}
    void operator()(const h2::PingAckReceived&) {}
    void operator()(const h2::StreamEnded&) {}  // carried by the header/data event before it
    void operator()(const h2::PushedStreamReceived&) {}  // clients disable push
    void operator()(const h2::PriorityUpdated&) {}       // RFC 7540 priorities: deprecated
    void operator()(const h2::AlternativeServiceAvailable&) {}
  };
  std::visit(Visitor{*this, s}, event);
}

void Worker::stream_finished(Session& s, uint32_t id) {
  s.remove(id);
  open_pending(s);
}

void Worker::release_idle_output(Session& s) {
  // An idle connection keeps no output storage at all: take back the (empty) buffer the
  // connection was given at the last swap. lend_output gives it one again before it writes.
  if (!s.streams.empty() || s.conn.outbound_buffer_size() != 0) return;
  if (s.segments.empty() && s.segments.capacity() != 0 &&
      spares_.segment_queues.size() < WorkerSpares::kMaxSegmentQueues) {
    spares_.segment_queues.push_back(s.segments.take_storage());
  }
  s.segments.release();
  h2::ByteBuffer spare;
  s.conn.take_data_to_send(spare);
  s.conn_has_buffer = false;
  recycle_buffer(std::move(spare));
}

void Worker::lend_output(Session& s) {
  // Before the connection writes (input to parse, an application call), it gets a pooled
  // buffer, so that its frames do not start in a fresh allocation after each release.
  if (s.conn_has_buffer) return;
  s.conn_has_buffer = true;
  if (s.conn.outbound_buffer_size() != 0) return;  // it has grown one of its own
  h2::ByteBuffer b = pooled_buffer();
  if (b.capacity() == 0) return;
  s.conn.take_data_to_send(b);  // b gets the connection's empty buffer
  recycle_buffer(std::move(b));
}

// ---- to the application -------------------------------------------------------------------

void Worker::to_app(Session& s, ToActor&& m) {
  if (handler_) {
    call_handler(m, {}, {});
    return;
  }
  if (mailboxes_.empty()) return;  // no handler at all: events are dropped (tests of io paths)
  Mailbox& mb = *mailboxes_[s.actor];
  if (s.held.empty() && mb.to_actor.try_enqueue(std::move(m))) {
    actor_needs_wake_[s.actor] = true;
    return;
  }
  // Backpressure: keep order, stop reading this connection until the actor catches up. The
  // multishot recv is cancelled, so what is held is bounded by what was already in flight.
  if (s.held.empty()) held_.push_back(&s);
  s.held.push_back(std::move(m));
  mb.worker_waiting.store(true, std::memory_order_release);
  actor_needs_wake_[s.actor] = true;
  if (!s.recv_paused) {
    s.recv_paused = true;
    s.recv.cancel(*ring_, OpTag{OpKind::kRecv, session_key(s)}, OpTag{OpKind::kCancel, 0});
  }
}

void Worker::to_app_headers(Session& s, ToActor&& m, h2::HeaderList headers) {
  if (handler_) {
    call_handler(m, headers, {});
    return;
  }
  append_header_blob(m.blob, headers);
  to_app(s, std::move(m));
}

void Worker::to_app_data(Session& s, ToActor&& m, h2::Bytes data) {
  if (handler_) {
    call_handler(m, {}, data);
    return;
  }
  m.blob.assign(reinterpret_cast<const char*>(data.data()), data.size());
  to_app(s, std::move(m));
}

void Worker::call_handler(ToActor& m, h2::HeaderList headers, h2::Bytes data) {
  h2engine::call_handler(*handler_, *context_, m, headers, data);
}

void Worker::retry_held() {
  std::vector<Session*> still;
  for (Session* s : held_) {
    Mailbox& mb = *mailboxes_[s->actor];
    while (!s->held.empty() && mb.to_actor.try_enqueue(std::move(s->held.front()))) {
      s->held.pop_front();
      actor_needs_wake_[s->actor] = true;
    }
    if (s->held.empty()) {
      s->recv_paused = false;
      if (!s->closing) arm_recv(*s);
      mark_dirty(*s);
    } else {
      mb.worker_waiting.store(true, std::memory_order_release);
      still.push_back(s);
    }
  }
  held_.swap(still);
}

// ---- commands -----------------------------------------------------------------------------

void Worker::cmd_send_headers(StreamRef ref, h2::HeaderList headers, bool end_stream) {
  Session* s = lookup(ref.connection);
  if (!s || s->closing) return;
  StreamOut* st = s->find(ref.stream_id);
  if (!st) return;  // reset meanwhile
  try {
    s->conn.send_headers(ref.stream_id, headers, end_stream);
  } catch (const h2::H2Error& e) {
    log_once(*s, spdlog::level::debug, e.what());
    return;
  }
  if (end_stream) {
    st->local_ended = true;
    if (st->done()) stream_finished(*s, ref.stream_id);
  }
  mark_dirty(*s);
}

size_t Worker::push_body(Session& s, StreamOut& st, h2::Bytes data) {
  size_t sent = 0;
  // Straight into the connection while nothing waits ahead of it and windows allow.
  if (st.pending_size() == 0) {
    while (sent < data.size() && s.unsent_bytes() < config_.max_unsent_per_connection) {
      int64_t window = 0;
      try {
        window = s.conn.local_flow_control_window(st.id);
      } catch (const h2::H2Error&) {
        return sent;
      }
      size_t chunk =
          std::min<size_t>({data.size() - sent, static_cast<size_t>(std::max<int64_t>(window, 0)),
                            s.conn.max_outbound_frame_size()});
      if (chunk == 0) break;
      bool last = st.end_after_pending && !st.has_trailers && sent + chunk == data.size();
      s.conn.send_data(st.id, data.subspan(sent, chunk), last);
      sent += chunk;
    }
  }
  if (sent < data.size()) {
    const char* rest = reinterpret_cast<const char*>(data.data()) + sent;
    const size_t n = data.size() - sent;
    if (st.file_queued()) {
      // Behind a queued file: keep the order.
      StreamTail& t = *st.tail;
      if (t.later.empty() || t.later.back().file) t.later.push_back(BodyChunk{});
      t.later.back().bytes.append(rest, n);
      t.later_bytes += n;
    } else {
      if (st.pending_off > 0 && st.pending_off == st.pending.size()) {
        st.pending.clear();
        st.pending_off = 0;
      }
      st.pending.append(rest, n);
    }
    activate(s, st);
  }
  st.sent_unreported += sent;
  if (sent != 0) s.sent_to_report = true;
  return sent;
}

StreamOut* Worker::body_stream(StreamRef ref, bool end_stream, Session*& s) {
  s = lookup(ref.connection);
  if (!s || s->closing) return nullptr;
  StreamOut* st = s->find(ref.stream_id);
  if (!st || st->local_ended) return nullptr;
  if (end_stream) {
    st->end_after_pending = true;
    st->local_ended = true;
  }
  return st;
}

void Worker::cmd_send_data(StreamRef ref, h2::Bytes data, bool end_stream) {
  Session* s = nullptr;
  StreamOut* st = body_stream(ref, end_stream, s);
  if (!st) return;
  try {
    push_body(*s, *st, data);
    if (end_stream && st->pending_size() == 0 && data.empty()) s->conn.end_stream(ref.stream_id);
  } catch (const h2::H2Error& e) {
    log_once(*s, spdlog::level::debug, e.what());
  }
  if (st->done()) stream_finished(*s, ref.stream_id);
  mark_dirty(*s);
}

void Worker::activate(Session& s, StreamOut& st) {
  if (st.active) return;
  st.active = true;
  s.active.push_back(st.id);
}

void Worker::cmd_send_file(StreamRef ref, FileRef file, uint64_t offset, uint64_t length,
                           bool end_stream) {
  Session* s = nullptr;
  StreamOut* st = body_stream(ref, end_stream, s);
  if (!st) return;
  if (length > 0 && (!file || !file->data() || offset > file->size() ||
                     length > file->size() - offset)) {
    log_once(*s, spdlog::level::info, "send_file: range outside the mapped file");
    cmd_reset(ref, h2::ErrorCode::kInternalError);
    return;
  }
  if (length > 0) {
    // Always through the scheduler, which cuts the output where the payload goes.
    BodyChunk chunk;
    chunk.file = std::move(file);
    chunk.offset = offset;
    chunk.length = length;
    StreamTail& t = s->tail_of(*st);
    if (st->pending_size() == 0) {
      t.file = std::move(chunk);
    } else {
      t.later.push_back(std::move(chunk));
      t.later_bytes += length;
    }
    activate(*s, *st);
  } else if (end_stream && st->pending_size() == 0) {
    try {
      s->conn.end_stream(ref.stream_id);
    } catch (const h2::H2Error& e) {
      log_once(*s, spdlog::level::debug, e.what());
    }
  }
  if (st->done()) stream_finished(*s, ref.stream_id);
  mark_dirty(*s);
}

void Worker::send_trailers_now(Session& s, StreamOut& st) {
  decode_header_blob(st.tail->trailers, scratch_headers_);
  st.has_trailers = false;
  try {
    s.conn.send_headers(st.id, scratch_headers_, /*end_stream=*/true);
  } catch (const h2::H2Error& e) {
    log_once(s, spdlog::level::debug, e.what());
  }
  st.tail->trailers = std::string();
}

void Worker::cmd_send_trailers(StreamRef ref, h2::HeaderList trailers) {
  Session* s = nullptr;
  StreamOut* st = body_stream(ref, /*end_stream=*/true, s);  // trailers end the stream
  if (!st) return;
  s->tail_of(*st).trailers = header_blob(trailers);
  st->has_trailers = true;
  if (st->pending_size() == 0) send_trailers_now(*s, *st);
  if (st->done()) stream_finished(*s, ref.stream_id);
  mark_dirty(*s);
}

void Worker::cmd_reset(StreamRef ref, h2::ErrorCode code) {
  Session* s = lookup(ref.connection);
  if (!s || s->closing) return;
  if (!s->find(ref.stream_id)) return;
  try {
    s->conn.reset_stream(ref.stream_id, code);
  } catch (const h2::H2Error& e) {
    log_once(*s, spdlog::level::debug, e.what());
  }
  s->remove(ref.stream_id);
  open_pending(*s);
  mark_dirty(*s);
}

void Worker::cmd_push(StreamRef parent, h2::HeaderList request, h2::HeaderList response,
                      h2::Bytes body) {
  Session* s = lookup(parent.connection);
  if (!s || s->closing || s->client) return;
  if (!s->conn.remote_settings().enable_push()) return;
  try {
    uint32_t promised = s->conn.get_next_available_stream_id();
    s->conn.push_stream(parent.stream_id, promised, request);
    StreamOut& st = s->add(promised);
    st.remote_ended = true;  // a pushed stream is half-closed (remote) from the start
    s->conn.send_headers(promised, response, body.empty());
    if (body.empty()) {
      st.local_ended = true;
    } else {
      st.local_ended = true;
      st.end_after_pending = true;
      push_body(*s, *s->find(promised), body);
    }
    StreamOut* p = s->find(promised);
    if (p && p->done()) stream_finished(*s, promised);
  } catch (const h2::H2Error& e) {
    log_once(*s, spdlog::level::debug, e.what());
  }
  mark_dirty(*s);
}

void Worker::cmd_credit(StreamRef ref, size_t bytes) {
  Session* s = lookup(ref.connection);
  if (!s || s->closing || bytes == 0) return;
  try {
    s->conn.acknowledge_received_data(static_cast<int64_t>(bytes), ref.stream_id);
  } catch (const h2::H2Error&) {
    // The stream is gone; its bytes no longer count against anything we track.
  }
  mark_dirty(*s);
}

void Worker::cmd_connect(std::string_view host, uint16_t port, uint64_t user_tag, unsigned actor) {
  uint32_t index;
  if (!free_connects_.empty()) {
    index = free_connects_.back();
    free_connects_.pop_back();
  } else {
    index = static_cast<uint32_t>(connects_.size());
    connects_.emplace_back();
  }
  try {
    connects_[index].op = std::make_unique<h2io::ConnectOp>(h2io::SocketAddress::parse(host, port),
                                                            config_.tcp_congestion);
  } catch (const h2io::IoError& e) {
    connects_[index] = PendingConnect{};
    free_connects_.push_back(index);
    ToActor closed{ToActor::Kind::kConnectionClosed,
                   false,
                   StreamRef{},
                   static_cast<uint64_t>(CloseReason::kConnectFailed),
                   user_tag,
                   e.what()};
    if (handler_)
      call_handler(closed, {}, {});
    else if (!mailboxes_.empty()) {
      while (!mailboxes_[actor]->to_actor.try_enqueue(closed)) actors_[actor]->notify();
      actor_needs_wake_[actor] = true;
    }
    return;
  }
  connects_[index].user_tag = user_tag;
  connects_[index].actor = actor;
  connects_[index].deadline = Clock::now() + config_.connect_timeout;
  connects_[index].op->arm(*ring_, OpTag{OpKind::kConnect, index});
  if (stopping_) cancel_connect(index, false);
}

StreamRef Worker::cmd_open_stream(ConnectionRef conn, uint32_t stream_id, h2::HeaderList headers,
                                  bool end_stream) {
  Session* s = lookup(conn);
  if (!s || s->closing || !s->client) return StreamRef{conn, 0};
  uint32_t id = stream_id != 0 ? stream_id : s->next_stream_id;
  if (id < s->next_stream_id) return StreamRef{conn, 0};
  s->next_stream_id = id + 2;
  StreamOut& st = s->add(id);
  if (end_stream) st.local_ended = true;
  if (s->pending_opens.empty() && s->conn.open_outbound_streams() < s->stream_limit) {
    // The common case: straight out, no copy of the headers.
    try {
      s->conn.send_headers(id, headers, end_stream);
    } catch (const h2::H2Error& e) {
      log_once(*s, spdlog::level::info, e.what());
      s->remove(id);
      ToActor m{ToActor::Kind::kReset, false, StreamRef{conn, id},
                static_cast<uint64_t>(h2::ErrorCode::kRefusedStream)};
      to_app(*s, std::move(m));
    }
  } else {
    s->pending_opens.push_back(PendingOpen{id, end_stream, header_blob(headers)});
    open_pending(*s);
  }
  mark_dirty(*s);
  return StreamRef{conn, id};
}

void Worker::open_pending(Session& s) {
  while (!s.pending_opens.empty() && !s.closing) {
    if (s.conn.open_outbound_streams() >= s.stream_limit) return;
    PendingOpen& p = s.pending_opens.front();
    decode_header_blob(p.headers, scratch_headers_);
    try {
      s.conn.send_headers(p.id, scratch_headers_, p.end_stream);
    } catch (const h2::H2Error& e) {
      log_once(s, spdlog::level::info, e.what());
      StreamRef ref = s.stream_ref(p.id);
      s.pending_opens.pop_front();
      s.remove(ref.stream_id);
      ToActor m{ToActor::Kind::kReset,
                false,
                ref,
                static_cast<uint64_t>(h2::ErrorCode::kRefusedStream),
                0,
                {}};
      to_app(s, std::move(m));
      continue;
    }
    s.pending_opens.pop_front();
  }
}

void Worker::cmd_close(ConnectionRef conn) {
  Session* s = lookup(conn);
  if (!s || s->closing) return;
  s->local_close = true;
  mark_dirty(*s);
}

void Worker::cancel_connect(uint32_t index, bool timed_out) {
  PendingConnect& pc = connects_[index];
  if (!pc.op || pc.cancelled) return;
  pc.cancelled = true;
  pc.timed_out = timed_out;
  // The connect completes with -ECANCELED and is reported like any failed connect.
  h2io::prep_cancel(*ring_, OpTag{OpKind::kConnect, index}, OpTag{OpKind::kCancel, 0});
}

void Worker::expire_connects(Clock::time_point now) {
  for (uint32_t i = 0; i < connects_.size(); ++i)
    if (connects_[i].op && !connects_[i].cancelled && connects_[i].deadline <= now)
      cancel_connect(i, true);
}

void Worker::cmd_schedule_timer(uint64_t delay_us, uint64_t token) {
  handler_timers_.push(HandlerTimer{Clock::now() + std::chrono::microseconds(delay_us), token});
}

void Worker::run_handler_timers(Clock::time_point now) {
  while (!handler_timers_.empty() && handler_timers_.top().when <= now) {
    uint64_t token = handler_timers_.top().token;
    handler_timers_.pop();
    if (handler_) handler_->on_timer(*context_, token);
  }
}

// ---- control and mailboxes ----------------------------------------------------------------

void Worker::drain_control() {
  Control c;
  while (control_.try_dequeue(c)) {
    switch (c.kind) {
      case Control::Kind::kStop:
        if (stopping_) break;
        stopping_ = true;
        stop_deadline_ = Clock::now() + config_.shutdown_deadline;
        if (listener_) {
          h2io::prep_cancel(*ring_, OpTag{OpKind::kAccept, 0}, OpTag{OpKind::kCancel, 0});
        }
        for (uint32_t i = 0; i < connects_.size(); ++i) cancel_connect(i, false);
        for (auto& s : sessions_) {
          if (!s || s->closing) continue;
          try {
            s->conn.begin_graceful_shutdown();
          } catch (const h2::H2Error&) {
          }
          mark_dirty(*s);
        }
        break;
      case Control::Kind::kConnect:
        cmd_connect(c.host, c.port, c.user_tag, c.actor);
        break;
    }
  }
}

void Worker::drain_mailboxes() {
  ToWorker m;
  for (Mailbox* mb : mailboxes_) {
    // Bounded per turn so one busy actor cannot starve the network.
    for (unsigned n = 0; n < 4096 && mb->to_worker.try_dequeue(m); ++n) {
      switch (m.kind) {
        case ToWorker::Kind::kHeaders:
          decode_header_blob(m.blob, scratch_headers_);
          cmd_send_headers(m.ref, scratch_headers_, m.end_stream);
          break;
        case ToWorker::Kind::kData:
          cmd_send_data(m.ref, as_bytes(m.blob), m.end_stream);
          break;
        case ToWorker::Kind::kFile:
          cmd_send_file(m.ref, std::move(m.file), m.value, m.aux, m.end_stream);
          break;
        case ToWorker::Kind::kTrailers:
          decode_header_blob(m.blob, scratch_headers_);
          cmd_send_trailers(m.ref, scratch_headers_);
          break;
        case ToWorker::Kind::kReset:
          cmd_reset(m.ref, static_cast<h2::ErrorCode>(m.value));
          break;
        case ToWorker::Kind::kPush: {
          std::vector<h2::Header> req, resp;
          decode_header_blob(m.blob, req);
          decode_header_blob(m.blob2, resp);
          cmd_push(m.ref, req, resp, as_bytes(m.blob3));
          break;
        }
        case ToWorker::Kind::kCredit:
          cmd_credit(m.ref, m.value);
          break;
        case ToWorker::Kind::kConnect:
          cmd_connect(m.blob, static_cast<uint16_t>(m.value), m.aux, m.actor);
          break;
        case ToWorker::Kind::kOpenStream:
          decode_header_blob(m.blob, scratch_headers_);
          cmd_open_stream(m.ref.connection, m.ref.stream_id, scratch_headers_, m.end_stream);
          break;
        case ToWorker::Kind::kClose:
          cmd_close(m.ref.connection);
          break;
      }
    }
  }
}

// ---- deadlines ----------------------------------------------------------------------------

void Worker::on_deadline(h2io::Timers::Id id) {
  uint32_t slot = id / 2;
  uint32_t kind = id % 2;
  if (slot >= sessions_.size() || !sessions_[slot]) return;
  Session& s = *sessions_[slot];
  if (s.closing) {
    // The linger of a closing connection ran out: stop waiting for the peer. Whatever is
    // still in flight is cancelled; the session goes when its last completion is in.
    if (kind != kIdleTimer) return;
    if (!s.shut) {
      s.shut = true;
      ::shutdown(s.fd, SHUT_RDWR);
    }
    if (s.recv.armed())
      h2io::prep_cancel(*ring_, OpTag{OpKind::kRecv, session_key(s)}, OpTag{OpKind::kCancel, 0});
    if (s.send_in_flight)
      h2io::prep_cancel(*ring_, OpTag{OpKind::kSend, session_key(s)}, OpTag{OpKind::kCancel, 0});
    timers_.schedule(timer_id(slot, kIdleTimer), Clock::now() + kLinger);
    maybe_finish(s);
    return;
  }
  if (kind == kIdleTimer) {
    log_once(s, spdlog::level::debug, "idle timeout");
    // GOAWAY(NO_ERROR) before the FIN (RFC 9113 §9.1): the peer learns nothing was lost.
    try {
      s.conn.close_connection();
    } catch (const h2::H2Error&) {
    }
    begin_close(s, CloseReason::kIdleTimeout);
  } else {
    WorkerCounters::bump(counters_.errors);
    log_once(s, spdlog::level::info, "SETTINGS not acknowledged in time");
    try {
      s.conn.close_connection(h2::ErrorCode::kSettingsTimeout);
    } catch (const h2::H2Error&) {
    }
    begin_close(s, CloseReason::kSettingsTimeout);
  }
}

// ---- sending ------------------------------------------------------------------------------

void Worker::mark_dirty(Session& s) {
  if (s.dirty) return;
  s.dirty = true;
  dirty_.push_back(&s);
}

void Worker::schedule(Session& s) {
  // Which stream sends next (RFC 9218 §4): the most urgent (lowest u) first. Among streams of
  // that urgency, a non-incremental one that carried a priority signal goes alone, lowest
  // stream id first (its response is only useful whole); all others take turns, one frame
  // each (fair round robin, the default when the peer sends no signals). A pass ends when the
  // connection window is closed or the unsent backlog is at its cap (the socket is slower
  // than we are: stop producing until it drains).
  // The active streams are resolved once, not once per frame (find() is a linear scan):
  // `act` stays index-aligned with s.active and is rebuilt after a stream is removed (removal
  // moves another StreamOut within s.streams), along with the urgency to serve and whether
  // any stream asked to go alone.
  std::vector<StreamOut*>& act = schedule_scratch_;
  uint8_t best = 8;
  bool any_sequential = false;
  auto rank = [&] {
    best = 8;
    for (StreamOut* st : act)
      if (st && st->urgency < best) best = st->urgency;
    any_sequential = false;
    for (StreamOut* st : act)
      if (st && st->urgency == best && st->signalled && !st->incremental) any_sequential = true;
  };
  auto resolve = [&] {
    act.clear();
    for (uint32_t id : s.active) act.push_back(s.find(id));
    rank();
  };
  resolve();
  while (!s.active.empty() && s.unsent_bytes() < config_.max_unsent_per_connection &&
         s.conn.outbound_flow_control_window() > 0) {
    size_t pick = SIZE_MAX;
    int64_t window = 0;
    if (any_sequential) {
      uint32_t sequential_id = UINT32_MAX;
      for (size_t i = 0; i < act.size(); ++i) {
        StreamOut* st = act[i];
        if (!st || st->urgency != best || !st->signalled || st->incremental ||
            st->id >= sequential_id)
          continue;
        if (int64_t w = stream_window(s, st->id); w > 0) {
          sequential_id = st->id;
          pick = i;
          window = w;
        }
      }
    }
    if (pick == SIZE_MAX) {
      for (size_t n = 0; n < act.size(); ++n) {
        size_t i = (s.rr + n) % act.size();
        StreamOut* st = act[i];
        if (!st || st->urgency != best) continue;
        if (int64_t w = stream_window(s, st->id); w > 0) {
          pick = i;
          window = w;
          s.rr = i + 1;  // the next stream of this urgency goes next time
          break;
        }
      }
    }
    if (pick == SIZE_MAX) break;  // every candidate waits for its stream window
    uint32_t id = s.active[pick];
    StreamOut* st = act[pick];
    if (st == nullptr) {  // cannot happen: remove() keeps `active` in step with `streams`
      s.active.erase(s.active.begin() + static_cast<std::ptrdiff_t>(pick));
      act.erase(act.begin() + static_cast<std::ptrdiff_t>(pick));
      continue;
    }
    // The next body piece: what was queued behind a file moves up once the file is out.
    StreamTail* t = st->tail.get();
    while (t && st->memory_size() == 0 && !t->file.file && !t->later.empty()) {
      BodyChunk& next = t->later.front();
      t->later_bytes -= next.size();
      if (next.file) {
        t->file = std::move(next);
      } else {
        st->pending = std::move(next.bytes);
        st->pending_off = 0;
      }
      t->later.pop_front();
    }
    const bool from_file = st->memory_size() == 0 && t && t->file.file;
    const uint64_t piece = from_file ? t->file.length : st->memory_size();
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(
        {piece, static_cast<uint64_t>(window), s.conn.max_outbound_frame_size()}));
    bool last = chunk == st->pending_size();
    bool end = last && st->end_after_pending && !st->has_trailers;
    try {
      if (from_file) {
        BodyChunk& fc = t->file;
        s.conn.send_data_external(id, chunk, end);
        // The last piece hands the file over (no reference count traffic per frame).
        cut_output(s, chunk == fc.length ? std::move(fc.file) : fc.file, fc.offset, chunk);
        fc.offset += chunk;
        fc.length -= chunk;
        if (fc.length == 0) fc = BodyChunk{};
      } else {
        s.conn.send_data(
            id, as_bytes(std::string_view(st->pending).substr(st->pending_off, chunk)), end);
        st->pending_off += chunk;
      }
    } catch (const h2::H2Error& e) {
      log_once(s, spdlog::level::debug, e.what());
      chunk = static_cast<size_t>(st->pending_size());  // drop what cannot be sent
      last = true;
    }
    st->sent_unreported += chunk;
    s.sent_to_report = true;
    if (last) {
      st->pending = std::string();
      st->pending_off = 0;
      if (t) {
        t->file = BodyChunk{};
        t->later.clear();
        t->later_bytes = 0;
      }
      st->active = false;
      s.active.erase(s.active.begin() + static_cast<std::ptrdiff_t>(pick));
      act.erase(act.begin() + static_cast<std::ptrdiff_t>(pick));
      if (s.rr > pick) --s.rr;
      if (st->has_trailers) send_trailers_now(s, *st);
      if (st->done()) {
        // Session::remove moves the last StreamOut into the freed slot: patch that one
        // pointer, unless the vector reallocated (open_pending may add streams).
        const StreamOut* base = s.streams.data();
        StreamOut* moved_from = &s.streams.back();
        stream_finished(s, id);
        if (s.streams.data() != base) {
          resolve();
          continue;
        }
        for (StreamOut*& p : act)
          if (p == moved_from) p = st;
      }
      rank();  // `best` may have been this stream's urgency
    }
  }
}

void Worker::cut_output(Session& s, FileRef file, uint64_t offset, uint64_t length) {
  if (s.segments.capacity() == 0 && !spares_.segment_queues.empty()) {
    s.segments.adopt(std::move(spares_.segment_queues.back()));
    spares_.segment_queues.pop_back();
  }
  OutSegment seg;
  seg.bytes = pooled_buffer();
  s.conn_has_buffer = seg.bytes.capacity() != 0;
  s.conn.take_data_to_send(seg.bytes);  // ends with the DATA frame's header
  seg.file = std::move(file);
  seg.offset = offset;
  seg.length = length;
  s.segment_bytes += seg.bytes.size() + length;
  s.segments.push_back(std::move(seg));
}

int64_t Worker::stream_window(Session& s, uint32_t id) {
  try {
    return s.conn.local_flow_control_window(id);
  } catch (const h2::H2Error&) {
    return 0;  // unknown to the connection: its queue waits for the reset that removes it
  }
}

void Worker::report_sent(Session& s) {
  // Removed streams first: their bytes left before anything still queued. The handler may
  // remove more streams meanwhile; those are reported on a later pass.
  if (!s.sent_of_removed.empty()) {
    std::vector<SentCount> removed;
    removed.swap(s.sent_of_removed);
    for (const SentCount& c : removed) {
      ToActor m{ToActor::Kind::kSent, false, s.stream_ref(c.stream_id), c.bytes, 0, {}};
      to_app(s, std::move(m));
      if (s.closing) return;
    }
    if (s.sent_of_removed.empty()) {  // keep the capacity: this happens for most responses
      removed.clear();
      s.sent_of_removed.swap(removed);
    } else {
      mark_dirty(s);
    }
  }
  // Most turns nothing was sent for the application's streams (requests without a body,
  // responses that finished at once): no scan then.
  if (!s.sent_to_report) return;
  s.sent_to_report = false;
  for (size_t i = 0; i < s.streams.size(); ++i) {
    StreamOut& st = s.streams[i];
    if (st.sent_unreported == 0) continue;
    size_t n = std::exchange(st.sent_unreported, 0);
    ToActor m{ToActor::Kind::kSent, false, s.stream_ref(st.id), n, 0, {}};
    to_app(s, std::move(m));
    if (s.closing) return;
  }
}

h2::ByteBuffer Worker::pooled_buffer() {
  if (buffer_pool_.empty()) return h2::ByteBuffer();
  h2::ByteBuffer b = std::move(buffer_pool_.back());
  buffer_pool_.pop_back();
  buffer_pool_bytes_ -= b.capacity();
  return b;
}

void Worker::recycle_buffer(h2::ByteBuffer&& buffer) {
  // Bounded pool; very large buffers (a burst of big responses) are freed, not kept.
  // Bounded by bytes: file responses cut the output into many small buffers (one per DATA
  // frame) that are worth keeping, while a few large ones are not.
  if (buffer.capacity() == 0 || buffer.capacity() > (1u << 20) ||
      buffer_pool_bytes_ + buffer.capacity() > kBufferPoolBytes)
    return;
  buffer.clear();
  buffer_pool_bytes_ += buffer.capacity();
  buffer_pool_.push_back(std::move(buffer));
}

void Worker::send_output(Session& s) {
  if (s.send_in_flight || s.shut) return;
  if (s.send_off >= s.sendbuf.size()) {
    // File payloads (and the frames before each) come next in wire order.
    if (!s.segments.empty()) {
      send_segments(s);
      return;
    }
    // The last buffer is out: hand over what the connection queued since, without a copy.
    // The connection gets a pooled buffer (or none) to queue into next.
    if (s.conn.outbound_buffer_size() == 0) return;
    if (s.sendbuf.capacity() == 0) s.sendbuf = pooled_buffer();
    s.conn_has_buffer = s.sendbuf.capacity() != 0;
    s.conn.take_data_to_send(s.sendbuf);
    s.send_off = 0;
  }
  io_uring_sqe* sqe = ring_->get_sqe(OpTag{OpKind::kSend, session_key(s)});
  io_uring_prep_send(sqe, s.fd, s.sendbuf.data() + s.send_off, s.sendbuf.size() - s.send_off,
                     MSG_NOSIGNAL);
  s.send_in_flight = true;
}

void Worker::send_segments(Session& s) {
  // What the connection queued after the last cut follows the segments on the wire.
  if (s.conn.outbound_buffer_size() > 0) cut_output(s, nullptr, 0, 0);
  if (!s.gather) s.gather = std::make_unique<GatherSend>();
  std::vector<iovec>& iov = s.gather->iov;
  iov.clear();
  for (size_t i = 0; i < s.segments.size() && iov.size() + 2 <= kMaxGatherIovecs; ++i) {
    OutSegment& seg = s.segments[i];
    if (seg.bytes_off < seg.bytes.size())
      iov.push_back(iovec{seg.bytes.data() + seg.bytes_off, seg.bytes.size() - seg.bytes_off});
    if (seg.length > 0)
      iov.push_back(iovec{const_cast<uint8_t*>(seg.file->data()) + seg.offset,
                          static_cast<size_t>(seg.length)});
  }
  s.gather->msg = msghdr{};
  s.gather->msg.msg_iov = iov.data();
  s.gather->msg.msg_iovlen = iov.size();
  io_uring_sqe* sqe = ring_->get_sqe(OpTag{OpKind::kSend, session_key(s)});
  io_uring_prep_sendmsg(sqe, s.fd, &s.gather->msg, MSG_NOSIGNAL);
  s.send_in_flight = true;
  s.gather_in_flight = true;
}

void Worker::consume_segments(Session& s, uint64_t n) {
  // A segment always holds bytes (at least its DATA frame's header), so each is popped in the
  // loop once the send has consumed it.
  s.segment_bytes -= std::min(n, s.segment_bytes);
  while (n > 0 && !s.segments.empty()) {
    OutSegment& seg = s.segments.front();
    size_t from_bytes = std::min<uint64_t>(n, seg.bytes.size() - seg.bytes_off);
    seg.bytes_off += from_bytes;
    n -= from_bytes;
    uint64_t from_file = std::min(n, seg.length);
    seg.offset += from_file;
    seg.length -= from_file;
    n -= from_file;
    if (seg.bytes_off == seg.bytes.size() && seg.length == 0) {
      recycle_buffer(std::move(seg.bytes));
      s.segments.pop_front_keep_storage();  // released with the output when idle
    }
  }
}

void Worker::flush_early() {
  // Mid-turn (see EngineConfig::flush_every): what the completions so far produced goes out
  // now; the kernel runs the sends inside this submit.
  if (dirty_.empty()) return;
  flush_dirty();
  ring_->submit();
}

void Worker::flush_dirty() {
  // Handlers called from here (on_sent) may touch more sessions: loop until quiet.
  for (int round = 0; round < 8 && !dirty_.empty(); ++round) {
    // Two vectors trade places each round, so neither allocates in steady state.
    std::vector<Session*>& batch = flush_batch_;
    batch.clear();
    batch.swap(dirty_);
    for (Session* s : batch) s->dirty = false;
    for (Session* s : batch) {
      if (s->shut) {
        maybe_finish(*s);
        continue;
      }
      if (!s->closing) {
        schedule(*s);
        open_pending(*s);
        report_sent(*s);
      }
      if (!s->closing) {
        if (s->local_close && s->streams.empty() && s->pending_opens.empty()) {
          try {
            s->conn.close_connection();
          } catch (const h2::H2Error&) {
          }
          begin_close(*s, CloseReason::kLocalClose);
        } else if ((stopping_ && s->conn.drained() && s->streams.empty()) ||
                   (s->goaway_received && s->streams.empty() && s->pending_opens.empty())) {
          try {
            s->conn.close_connection();
          } catch (const h2::H2Error&) {
          }
          begin_close(*s, stopping_ ? CloseReason::kShutdown : CloseReason::kPeerClosed);
        }
      }
      if (s->send_in_flight) {
        // After this send completes the session is marked dirty again.
      } else if (s->unsent_bytes() > 0) {
        send_output(*s);
        // The sends of this turn go out with the next submit.
      } else if (!s->closing) {
        // Input that wrote nothing (a SETTINGS ACK, a WINDOW_UPDATE): the buffer lent for it
        // goes back, or every idle connection would keep one.
        release_idle_output(*s);
      }
      maybe_finish(*s);
    }
  }
}

// ---- closing ------------------------------------------------------------------------------

void Worker::begin_close(Session& s, CloseReason reason) {
  if (s.closing) return;
  s.closing = true;
  s.reason = reason;
  // The application hears of every stream it still had, then of the connection.
  std::vector<uint32_t> ids;
  for (const StreamOut& st : s.streams) ids.push_back(st.id);
  for (uint32_t id : ids) {
    ToActor m{ToActor::Kind::kLost, false, s.stream_ref(id), static_cast<uint64_t>(reason)};
    to_app(s, std::move(m));
  }
  s.clear_streams();
  s.pending_opens.clear();
  ToActor closed{ToActor::Kind::kConnectionClosed, false,      StreamRef{s.ref, 0},
                 static_cast<uint64_t>(reason),    s.user_tag, {}};
  to_app(s, std::move(closed));
  timers_.cancel(timer_id(s.ref.slot, kSettingsTimer));
  // Bounded wait for the last bytes (GOAWAY) to leave and the recv to end.
  timers_.schedule(timer_id(s.ref.slot, kIdleTimer), Clock::now() + kLinger);
  mark_dirty(s);
}

void Worker::maybe_finish(Session& s) {
  if (!s.closing) return;
  if (!s.shut) {
    // Flush what the connection still has to say (GOAWAY, RST_STREAM) first, unless the
    // socket is broken.
    bool broken = s.reason == CloseReason::kSocketError || s.reason == CloseReason::kPeerClosed;
    if (!broken && (s.send_in_flight || s.unsent_bytes() > 0)) {
      if (!s.send_in_flight) send_output(s);
      return;
    }
    if (s.send_in_flight) return;
    s.shut = true;
    if (broken) {
      ::shutdown(s.fd, SHUT_RDWR);  // ends the armed recv (EOF) promptly
    } else {
      // Lingering close: FIN after our last frame (the GOAWAY), and the armed recv goes on
      // reading and dropping what the peer still sends until it closes too, or until the
      // linger deadline begin_close set cancels the recv. Closing with unread input would
      // make the kernel send RST, and an RST discards the GOAWAY still queued for the peer:
      // a flooding or uploading peer would never learn why it was cut off.
      ::shutdown(s.fd, SHUT_WR);
    }
  }
  if (s.recv.armed() || s.send_in_flight) return;
  free_session(s);
}

void Worker::free_session(Session& s) {
  // Only called once nothing is in flight for this session (maybe_finish).
  uint32_t slot = s.ref.slot;
  if (s.fd >= 0) ::close(s.fd);
  s.fd = -1;
  timers_.cancel(timer_id(slot, kIdleTimer));
  timers_.cancel(timer_id(slot, kSettingsTimer));
  auto drop = [&s](std::vector<Session*>& v) {
    v.erase(std::remove(v.begin(), v.end(), &s), v.end());
  };
  drop(dirty_);
  drop(held_);
  drop(waiting_buffers_);
  sessions_[slot].reset();
  free_slots_.push_back(slot);
  --live_sessions_;
  WorkerCounters::bump(counters_.connections_open, static_cast<uint64_t>(-1));
}

void Worker::log_once(Session& s, spdlog::level::level_enum level, std::string_view what) {
  if (s.log_budget == 0) return;
  if (--s.log_budget == 0) {
    spdlog::log(level, "worker {} conn {}: {} (further messages suppressed)", index_, s.ref.slot,
                what);
  } else {
    spdlog::log(level, "worker {} conn {}: {}", index_, s.ref.slot, what);
  }
}

}  // namespace h2engine
