// The network driver: h2bench's load on the engine's client side. One engine worker per -t
// thread, inline actors (the load logic runs on the worker, no queue hop), one LoadHandler
// per worker driving that thread's connections and reporting to that thread's Recorder.
#include "network_driver.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "h2engine/engine.h"
#include "header_block_scan.h"

namespace h2bench {
namespace {

using h2engine::CloseReason;
using h2engine::ConnectionRef;
using h2engine::Context;
using h2engine::StreamRef;

constexpr uint64_t kTickToken = ~uint64_t{0};
constexpr uint64_t kTickMicros = 2000;  // stop / timeout / -D checks

FailureReason failure_of(CloseReason why) {
  switch (why) {
    case CloseReason::kConnectRefused:
      return FailureReason::kConnectRefused;
    case CloseReason::kConnectFailed:
      return FailureReason::kConnectError;
    case CloseReason::kConnectTimeout:
      return FailureReason::kConnectTimeout;
    case CloseReason::kProtocolError:
      return FailureReason::kProtocolError;
    case CloseReason::kIdleTimeout:
      return FailureReason::kInactivityTimeout;
    case CloseReason::kShutdown:
      return FailureReason::kStopped;
    default:
      return FailureReason::kConnectionClosed;
  }
}

// Resolves the plan's host once, before the run (the engine connects to numeric addresses).
std::string numeric_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), "80", &hints, &res) != 0 || res == nullptr) return host;
  char text[NI_MAXHOST];
  std::string out = host;
  if (getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof(text), nullptr, 0, NI_NUMERICHOST) ==
      0)
    out = text;
  freeaddrinfo(res);
  return out;
}

// Shared by the driver and its handlers: how many threads are done.
struct Completion {
  std::mutex mu;
  std::condition_variable cv;
  uint32_t finished = 0;
};

struct InFlight {
  uint32_t stream_id = 0;  // 0: free slot
  Nanos intended = 0;
  Nanos sent = 0;
  int status = 0;
  uint64_t body = 0;
  uint64_t informational_wire = 0;  // header bytes of 1xx blocks, added to the final one's
};

struct Client {
  uint32_t global = 0;
  ConnectionRef conn;
  bool connecting = false;
  bool connected = false;
  bool gone = false;  // closed or failed: no more requests
  // The server refused a stream (GOAWAY above our streams, or RST_STREAM REFUSED_STREAM), or
  // the engine would not open one: send nothing more here; the streams in flight finish and
  // the engine closes the connection (RFC 9113 §6.8: no new streams after GOAWAY).
  bool draining = false;
  FailureReason drain_reason = FailureReason::kConnectionClosed;
  bool got_byte = false;
  Nanos connect_started = 0;
  Nanos last_activity = 0;
  std::vector<InFlight> slots;  // -m of them
  HeaderBlockScan header_blocks;  // wire sizes of received header blocks
  uint32_t in_flight = 0;
  uint32_t next_stream_id = 1;  // the id the engine gives this connection's next stream

  // Stream ids go up by 2 per request, so a stream's preferred slot is its request number
  // modulo -m: the slot of the request -m earlier, usually answered by now. The scans are the
  // fallback when answers come out of order.
  size_t home(uint32_t id) const { return (id >> 1) % slots.size(); }
  InFlight* find(uint32_t id) {
    if (InFlight& f = slots[home(id)]; f.stream_id == id) return &f;
    for (InFlight& f : slots)
      if (f.stream_id == id) return &f;
    return nullptr;
  }
  InFlight* free_slot(uint32_t next_id) {
    if (InFlight& f = slots[home(next_id)]; f.stream_id == 0) return &f;
    for (InFlight& f : slots)
      if (f.stream_id == 0) return &f;
    return nullptr;
  }
};

class LoadHandler final : public h2engine::Handler {
 public:
  LoadHandler(const RunPlan& plan, ThreadPlan thread, Recorder& recorder, const RunControl& control,
              std::string host, Completion& done)
      : plan_(plan),
        thread_(thread),
        recorder_(recorder),
        control_(control),
        host_(std::move(host)),
        done_(done) {
    clients_.resize(thread.client_count);
    for (uint32_t i = 0; i < thread.client_count; ++i) {
      clients_[i].global = thread.first_client + i;
      clients_[i].slots.resize(std::max<uint32_t>(1, plan.max_concurrent_streams));
    }
    for (uint32_t k = 0; k < thread.index; ++k)
      first_sequence_ += thread_plan(plan, k).request_budget;
    size_t room = 0;
    for (const auto& p : plan.paths) room = std::max(room, p.max_rendered_size());
    path_buffer_.resize(room);
    // The request's fields; :path is filled in per request.
    fields_.push_back({":method", plan.method});
    fields_.push_back({":scheme", plan.scheme});
    fields_.push_back({":authority", plan.authority});
    fields_.push_back({":path", "/"});
    for (const RequestHeader& h : plan.headers) fields_.push_back({h.name, h.value});
  }

  void on_start(Context& cx) override {
    schedule_ = make_rate_schedule(plan_, thread_, control_.run_start(), control_.measure_end());
    if (thread_.client_count == 0) {
      finish(cx);
      return;
    }
    Nanos now = now_ns();
    for (uint32_t i = 0; i < clients_.size(); ++i) {
      clients_[i].connecting = true;
      clients_[i].connect_started = now;
      recorder_.connect_started(clients_[i].global, now);
      cx.connect(host_, plan_.port, i);
    }
    cx.schedule_timer(kTickMicros, kTickToken);
  }

  void on_connection_open(Context& cx, ConnectionRef conn, uint64_t tag) override {
    Client& c = clients_[tag];
    Nanos now = now_ns();
    if (!c.connecting || c.gone || finished_) {  // timed out meanwhile, or the run is over
      c.conn = conn;
      cx.close_connection(conn);
      return;
    }
    c.connecting = false;
    c.connected = true;
    c.conn = conn;
    c.last_activity = now;
    recorder_.connected(c.global, now);
    pump(cx, now);
  }

  void on_connection_closed(Context& cx, ConnectionRef, CloseReason why, uint64_t tag) override {
    Client& c = clients_[tag];
    Nanos now = now_ns();
    if (c.connecting) {
      c.connecting = false;
      c.gone = true;
      recorder_.connect_failed(c.global, now, failure_of(why));
      ++dead_clients_;
    } else if (c.connected) {
      c.connected = false;
      c.gone = true;
      ++dead_clients_;
      recorder_.client_finished(c.global, now);
    }
    // Requests this thread can no longer send anywhere.
    if (dead_clients_ == clients_.size())
      abandon_unsent(c.draining ? c.drain_reason : failure_of(why));
    maybe_finish(cx);
  }

  void on_input(Context&, ConnectionRef conn, h2::Bytes data) override {
    // One clock read per chunk read: every event parsed from it happened "now" (h2load
    // timestamps per read the same way).
    Nanos now = now_ns();
    input_now_ = now;
    recorder_.bytes_received(now, data.size());
    Client* c = by_conn(conn);
    if (!c) return;
    c->header_blocks.feed(data);
    c->last_activity = now;
    if (!c->got_byte) {
      c->got_byte = true;
      recorder_.first_byte(c->global, now);
    }
  }

  void on_headers(Context& cx, StreamRef s, h2::HeaderList headers, bool end) override {
    Client* c = by_conn(s.connection);
    InFlight* f = c ? c->find(s.stream_id) : nullptr;
    if (!f) return;
    Nanos now = input_now_;
    uint64_t decoded = 0;
    int status = 0;
    for (const h2::Header& h : headers) {
      decoded += h.name.size() + h.value.size();
      if (h.name == ":status") {
        for (char ch : h.value) status = status * 10 + (ch - '0');
      }
    }
    f->status = status;
    const uint64_t wire = c->header_blocks.take(s.stream_id) + std::exchange(f->informational_wire, 0);
    recorder_.response_headers(f->intended, now, status, wire, decoded);
    if (end) complete(cx, *c, *f, now);
  }

  void on_data(Context& cx, StreamRef s, h2::Bytes data, bool end) override {
    cx.credit(s, data.size());
    Client* c = by_conn(s.connection);
    InFlight* f = c ? c->find(s.stream_id) : nullptr;
    if (!f) return;
    f->body += data.size();
    if (end) complete(cx, *c, *f, input_now_);
  }

  void on_informational(Context&, StreamRef s, h2::HeaderList) override {
    // A 1xx block: its bytes join the final response's (h2load counts every HEADERS frame).
    Client* c = by_conn(s.connection);
    InFlight* f = c ? c->find(s.stream_id) : nullptr;
    if (f) f->informational_wire += c->header_blocks.take(s.stream_id);
  }

  void on_trailers(Context& cx, StreamRef s, h2::HeaderList) override {
    Client* c = by_conn(s.connection);
    InFlight* f = c ? c->find(s.stream_id) : nullptr;
    if (!f) return;
    c->header_blocks.take(s.stream_id);  // trailers are not response headers: not counted
    complete(cx, *c, *f, input_now_);
  }

  void on_reset(Context& cx, StreamRef s, h2::ErrorCode code) override {
    bool refused = code == h2::ErrorCode::kRefusedStream;
    FailureReason why = refused ? FailureReason::kGoaway : FailureReason::kStreamReset;
    if (opening_ && s == opening_stream_) {
      // Reset inside open_stream (the engine could not send the HEADERS): send() reports it.
      opening_reset_ = why;
      return;
    }
    if (refused) {
      // The engine reports a GOAWAY only as REFUSED_STREAM on the streams it did not cover:
      // stop opening streams here, or new requests would go to a server that ignores them.
      if (Client* c = by_conn(s.connection)) drain(*c, why);
    }
    fail(cx, s, why);
  }

  void on_stream_lost(Context& cx, StreamRef s, CloseReason why) override {
    fail(cx, s, failure_of(why));
  }

  void on_timer(Context& cx, uint64_t token) override {
    Nanos now = now_ns();
    if (token == kTickToken) {
      tick(cx, now);
      if (!finished_) cx.schedule_timer(kTickMicros, kTickToken);
      return;
    }
    pacing_armed_ = false;
    pump(cx, now);
  }

 private:
  Client* by_conn(const ConnectionRef& conn) {
    // Connections of one thread are few; the last one used is usually the one asked for.
    if (last_ < clients_.size() && clients_[last_].conn == conn) return &clients_[last_];
    for (size_t i = 0; i < clients_.size(); ++i) {
      if (clients_[i].conn == conn && (clients_[i].connected || clients_[i].gone)) {
        last_ = i;
        return &clients_[i];
      }
    }
    return nullptr;
  }

  bool stopping(Nanos now) const {
    return control_.stop_requested() || (control_.measure_end() && now >= *control_.measure_end());
  }

  // Sends what may be sent now. `freed`: in a closed loop only that connection got room.
  void pump(Context& cx, Nanos now, Client* freed = nullptr) {
    if (finished_ || stopping(now)) return;
    if (schedule_) {
      while (auto due = schedule_->next_due(now)) backlog_.push_back(*due);
      while (!backlog_.empty()) {
        Client* c = pick(backlog_.front().connection - thread_.first_client);
        if (!c) break;
        if (!send(cx, *c, backlog_.front().sequence, backlog_.front().intended_start, now))
          continue;  // that connection is draining now: pick another for this request
        backlog_.pop_front();
      }
      if (auto next = schedule_->next_time(); next && !pacing_armed_) {
        pacing_armed_ = true;
        Nanos wait = std::max<Nanos>(*next - now, 0);
        cx.schedule_timer(static_cast<uint64_t>(wait / 1000), 0);
      }
    } else {
      // Closed loop: fill connections up to -m while the budget lasts.
      auto fill = [&](Client& c) {
        while (usable(c) && sent_ < thread_.request_budget) {
          if (!send(cx, c, sequence_of(sent_), now, now)) break;
          ++sent_;
        }
      };
      if (freed) {
        fill(*freed);
      } else {
        for (Client& c : clients_) fill(c);
      }
    }
    maybe_finish(cx);
  }

  // The {n} of this thread's i-th request in a closed loop. With -n, thread k numbers from
  // the sum of the budgets before it: the run's numbers are exactly 0..n-1 whatever the
  // shares (i*t+k would skip numbers when threads have unequal shares). With -D the budgets
  // are unbounded: i*t+k keeps the numbers unique.
  uint64_t sequence_of(uint64_t i) const {
    if (thread_.request_budget == RateSchedule::kUnlimited)
      return i * plan_.threads + thread_.index;
    return first_sequence_ + i;
  }

  static bool usable(const Client& c) {
    return c.connected && !c.draining && c.in_flight < c.slots.size();
  }

  Client* pick(uint32_t preferred) {
    if (preferred < clients_.size() && usable(clients_[preferred])) return &clients_[preferred];
    for (Client& c : clients_)
      if (usable(c)) return &c;
    return nullptr;
  }

  void drain(Client& c, FailureReason why) {
    if (c.draining) return;
    c.draining = true;
    c.drain_reason = why;
  }

  // Sends one request on `c`. False when the connection takes no more requests (it is
  // closing, or it was refused synchronously): the request was not sent, and `c` drains.
  bool send(Context& cx, Client& c, uint64_t sequence, Nanos intended, Nanos now) {
    InFlight* f = c.free_slot(c.next_stream_id);
    if (!f) return false;
    const PathTemplate& path = plan_.paths[sequence % plan_.paths.size()];
    fields_[3].value = path.render(sequence, path_buffer_);
    bool has_body = !plan_.body.empty();
    // open_stream may report a reset for the new stream before it returns (the engine could
    // not send the HEADERS): on_reset sees opening_ and leaves the verdict to us.
    opening_ = true;
    opening_reset_.reset();
    opening_stream_ = StreamRef{c.conn, c.next_stream_id};
    StreamRef s = cx.open_stream(c.conn, fields_, !has_body);
    opening_ = false;
    if (s.stream_id == 0) {
      // The engine refused at once (the connection is closing): nothing left the client.
      drain(c, FailureReason::kConnectionClosed);
      return false;
    }
    c.next_stream_id = s.stream_id + 2;
    recorder_.request_started(intended);
    if (opening_reset_) {
      recorder_.request_failed(intended, now, *opening_reset_);
      drain(c, *opening_reset_);
      return true;  // sent and failed: it counts against the budget
    }
    *f = InFlight{s.stream_id, intended, now, 0, 0, 0};
    ++c.in_flight;
    ++in_flight_;
    if (has_body) {
      cx.send_data(
          s, h2::Bytes(reinterpret_cast<const uint8_t*>(plan_.body.data()), plan_.body.size()),
          true);
    }
    return true;
  }

  void complete(Context& cx, Client& c, InFlight& f, Nanos now) {
    recorder_.request_completed(c.global, f.intended, f.sent, now, f.status, f.body);
    release(c, f);
    pump(cx, now, &c);
  }

  void fail(Context& cx, StreamRef s, FailureReason why) {
    Client* c = by_conn(s.connection);
    InFlight* f = c ? c->find(s.stream_id) : nullptr;
    if (!f) return;
    Nanos now = now_ns();
    recorder_.request_failed(f->intended, now, why);
    release(*c, *f);
    // Not while send() is inside open_stream (the engine may fail other streams from there):
    // the sending loop that called it goes on by itself.
    if (!opening_) pump(cx, now);
  }

  void release(Client& c, InFlight& f) {
    f.stream_id = 0;
    --c.in_flight;
    --in_flight_;
    // A draining connection closes once its last stream is done (after a GOAWAY the engine
    // closes it by itself; after a refusal we must).
    if (c.draining && c.in_flight == 0 && c.connected) pending_close_.push_back(&c);
  }

  void close_drained(Context& cx) {
    while (!pending_close_.empty()) {
      Client* c = pending_close_.back();
      pending_close_.pop_back();
      if (c->connected && c->in_flight == 0) cx.close_connection(c->conn);
    }
  }

  void tick(Context& cx, Nanos now) {
    // Connect timeout, inactivity timeout.
    for (uint32_t i = 0; i < clients_.size(); ++i) {
      Client& c = clients_[i];
      if (c.connecting && plan_.connect_timeout > 0 &&
          now - c.connect_started > plan_.connect_timeout) {
        c.connecting = false;
        c.gone = true;
        ++dead_clients_;
        recorder_.connect_failed(c.global, now, FailureReason::kConnectTimeout);
        if (dead_clients_ == clients_.size()) abandon_unsent(FailureReason::kConnectTimeout);
      }
      if (c.connected && plan_.inactivity_timeout > 0 && c.in_flight > 0 &&
          now - c.last_activity > plan_.inactivity_timeout) {
        for (InFlight& f : c.slots) {
          if (f.stream_id == 0) continue;
          recorder_.request_failed(f.intended, now, FailureReason::kInactivityTimeout);
          release(c, f);
        }
        c.connected = false;
        c.gone = true;
        ++dead_clients_;
        recorder_.client_finished(c.global, now);
        cx.close_connection(c.conn);
        if (dead_clients_ == clients_.size()) abandon_unsent(FailureReason::kInactivityTimeout);
      }
    }
    if (stopping(now) && !finished_) {
      // In flight at the end: abandoned (-D) or cut off (interrupted -n run).
      for (Client& c : clients_) {
        for (InFlight& f : c.slots) {
          if (f.stream_id == 0) continue;
          if (control_.measure_end())
            recorder_.request_abandoned(f.intended);
          else
            recorder_.request_failed(f.intended, now, FailureReason::kStopped);
          release(c, f);
        }
      }
      if (!control_.measure_end()) abandon_unsent(FailureReason::kStopped);
      finish(cx);
      return;
    }
    pump(cx, now);
  }

  // Budgeted or due requests that will never be sent.
  void abandon_unsent(FailureReason why) {
    uint64_t unsent = 0;
    if (schedule_) {
      unsent = backlog_.size();
      backlog_.clear();
      // The rest of an -n schedule.
      if (!plan_.timing_based()) {
        while (schedule_->next_due(std::numeric_limits<Nanos>::max())) ++unsent;
      }
    } else if (thread_.request_budget != RateSchedule::kUnlimited) {
      unsent = thread_.request_budget - sent_;
      sent_ = thread_.request_budget;
    }
    if (unsent) recorder_.requests_not_sent(unsent, why);
  }

  void maybe_finish(Context& cx) {
    close_drained(cx);
    if (finished_) return;
    bool work_left;
    if (schedule_)
      work_left = !schedule_->exhausted() || !backlog_.empty();
    else
      work_left = sent_ < thread_.request_budget;
    if (dead_clients_ == clients_.size()) work_left = false;
    if (work_left && in_flight_ == 0) {
      // Every connection is drained (GOAWAY, refusals) or gone and none is coming: the rest
      // can never be sent. Do not wait for the servers to close those connections.
      const Client* drained = nullptr;
      for (const Client& c : clients_) {
        if (c.connecting || (c.connected && !c.draining)) return;
        if (c.draining) drained = &c;
      }
      abandon_unsent(drained ? drained->drain_reason : FailureReason::kConnectionClosed);
      work_left = false;
    }
    if (work_left || in_flight_ > 0) return;
    finish(cx);
  }

  void finish(Context& cx) {
    if (finished_) return;
    finished_ = true;
    Nanos now = now_ns();
    for (Client& c : clients_) {
      if (c.connected) {
        recorder_.client_finished(c.global, now);
        c.connected = false;
        c.gone = true;
        cx.close_connection(c.conn);
      }
      c.connecting = false;
    }
    {
      std::lock_guard lock(done_.mu);
      ++done_.finished;
    }
    done_.cv.notify_all();
  }

  const RunPlan& plan_;
  ThreadPlan thread_;
  Recorder& recorder_;
  const RunControl& control_;
  std::string host_;
  Completion& done_;

  std::vector<Client> clients_;
  std::vector<h2::Header> fields_;
  std::vector<char> path_buffer_;
  std::optional<RateSchedule> schedule_;
  std::deque<DueRequest> backlog_;
  std::vector<Client*> pending_close_;
  uint64_t sent_ = 0;
  uint64_t first_sequence_ = 0;  // see sequence_of()
  uint64_t in_flight_ = 0;
  size_t dead_clients_ = 0;
  size_t last_ = 0;
  Nanos input_now_ = 0;
  bool pacing_armed_ = false;
  bool finished_ = false;
  // A request being opened (see send()).
  bool opening_ = false;
  StreamRef opening_stream_;
  std::optional<FailureReason> opening_reset_;
};

class NetworkDriver final : public Driver {
 public:
  void run(const RunPlan& plan, std::span<Recorder* const> recorders,
           const RunControl& control) override {
    const std::string host = numeric_host(plan.host);
    Completion done;
    h2engine::EngineConfig cfg;
    cfg.workers = plan.threads;
    cfg.pin_workers = false;  // the load generator shares the machine with what it measures
    cfg.listen = false;
    cfg.actors = h2engine::ActorMode::kInline;
    cfg.recv_buffers = 256;
    cfg.recv_buffer_size = 65536;               // large reads: fewer completions per response byte
    cfg.tcp_congestion = plan.tcp_congestion;
    cfg.idle_timeout = std::chrono::hours(24);  // h2bench applies its own timeouts
    // Every request is accounted for when stop() is called: waiting for servers to close
    // their side is no part of the run (and some never do, see docs/h2bench.md).
    cfg.shutdown_deadline = std::chrono::milliseconds(200);
    if (plan.connect_timeout > 0)
      cfg.connect_timeout = std::chrono::milliseconds((plan.connect_timeout + 999999) / 1000000);
    cfg.initial_window_size = plan.window_bits >= 31 ? 0x7fffffff : (1u << plan.window_bits) - 1;
    cfg.connection_window_size =
        plan.connection_window_bits >= 31 ? 0x7fffffff : (1u << plan.connection_window_bits) - 1;
    cfg.handler_factory = [&](unsigned k) {
      return std::make_unique<LoadHandler>(plan, thread_plan(plan, k), *recorders[k], control, host,
                                           done);
    };
    h2engine::Engine engine(cfg);
    engine.start();
    {
      std::unique_lock lock(done.mu);
      done.cv.wait(lock, [&] { return done.finished == plan.threads; });
    }
    engine.stop();
  }
};

}  // namespace

std::unique_ptr<Driver> make_network_driver() {
  return std::make_unique<NetworkDriver>();
}

}  // namespace h2bench
