// A Worker: one pinned thread, one io_uring, one shard of connections (Sessions) for their
// whole life. Its loop (docs/engine.md): one submit_and_wait per turn; completions (accept,
// recv, send, connect, wake); control messages and actor commands; expired deadlines; then
// for every connection touched this turn, the send scheduler and one send.
#pragma once

// liburing pulls in <linux/fs.h>, whose BLOCK_SIZE macro breaks moodycamel's member of the
// same name: hide it while the queue's header is read.
#pragma push_macro("BLOCK_SIZE")
#undef BLOCK_SIZE
#include <concurrentqueue/concurrentqueue.h>
#pragma pop_macro("BLOCK_SIZE")
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "h2engine/engine.h"
#include "h2io/buffer_ring.h"
#include "h2io/listener.h"
#include "h2io/ring.h"
#include "h2io/socket_ops.h"
#include "h2io/timers.h"
#include "h2io/waker.h"
#include "mailbox.h"
#include "session.h"

namespace h2engine {

class ActorThread;

// Messages to a worker from outside its thread (engine control, not the data path).
struct Control {
  enum class Kind : uint8_t { kStop, kConnect };
  Kind kind = Kind::kStop;
  std::string host;
  uint16_t port = 0;
  uint64_t user_tag = 0;
  unsigned actor = 0;
};

class Worker {
 public:
  using Clock = std::chrono::steady_clock;

  Worker(unsigned index, const EngineConfig& config, std::unique_ptr<h2io::Listener> listener);
  ~Worker();

  // Threaded mode: the mailboxes to every actor (index = actor) and the actors themselves.
  void attach_actors(std::vector<Mailbox*> mailboxes, std::vector<ActorThread*> actors);

  // The thread body. `ready` is called once the ring is set up and the accept armed.
  void run(const std::function<void()>& ready);

  // Any thread.
  void post(Control control);
  void wake() { waker_.wake(); }
  WorkerCounters& counters() { return counters_; }
  unsigned index() const { return index_; }

  // ---- Commands (inline handlers call these directly; threaded ones via ToWorker) ----
  void cmd_send_headers(StreamRef ref, h2::HeaderList headers, bool end_stream);
  void cmd_send_data(StreamRef ref, h2::Bytes data, bool end_stream);
  void cmd_send_file(StreamRef ref, FileRef file, uint64_t offset, uint64_t length,
                     bool end_stream);
  void cmd_send_trailers(StreamRef ref, h2::HeaderList trailers);
  void cmd_reset(StreamRef ref, h2::ErrorCode code);
  void cmd_push(StreamRef parent, h2::HeaderList request, h2::HeaderList response, h2::Bytes body);
  void cmd_credit(StreamRef ref, size_t bytes);
  void cmd_connect(std::string_view host, uint16_t port, uint64_t user_tag, unsigned actor);
  // stream_id 0: the session picks the next id.
  StreamRef cmd_open_stream(ConnectionRef conn, uint32_t stream_id, h2::HeaderList headers,
                            bool end_stream);
  void cmd_close(ConnectionRef conn);
  void cmd_schedule_timer(uint64_t delay_us, uint64_t token);

 private:
  class InlineContext;
  struct PendingConnect {
    std::unique_ptr<h2io::ConnectOp> op;
    uint64_t user_tag = 0;
    unsigned actor = 0;
    Clock::time_point deadline{};
    bool cancelled = false;  // timed out or stopping: a cancel is queued
    bool timed_out = false;
  };
  void cancel_connect(uint32_t index, bool timed_out);
  void expire_connects(Clock::time_point now);

  // ---- loop pieces ----
  void dispatch(const h2io::Completion& c);
  void on_accept(const h2io::Completion& c);
  void on_recv(Session& s, const h2io::Completion& c);
  void on_send(Session& s, const h2io::Completion& c);
  void on_connect(const h2io::Completion& c);
  void drain_control();
  void drain_mailboxes();
  void retry_held();
  void on_deadline(h2io::Timers::Id id);
  void run_handler_timers(Clock::time_point now);
  void flush_dirty();
  void flush_early();
  std::optional<std::chrono::nanoseconds> wait_bound(Clock::time_point now) const;

  // ---- sessions ----
  Session* add_session(int fd, bool client, uint64_t user_tag, unsigned actor);
  Session* lookup(uint64_t id);
  Session* lookup(const ConnectionRef& ref);
  static uint64_t session_key(const Session& s) {
    return (uint64_t{s.ref.generation} << 32) | s.ref.slot;
  }
  void arm_recv(Session& s);
  void handle_input(Session& s, h2::Bytes data);
  void deliver(Session& s, const h2::Event& event);
  void stream_finished(Session& s, uint32_t id);
  void release_idle_output(Session& s);
  void lend_output(Session& s);
  void mark_dirty(Session& s);
  void schedule(Session& s);
  // The stream's send window (0 when the connection no longer knows the stream).
  int64_t stream_window(Session& s, uint32_t id);
  void report_sent(Session& s);
  void open_pending(Session& s);
  void send_output(Session& s);
  // Zero-copy payloads: the output so far becomes a segment followed by `length` file bytes.
  void cut_output(Session& s, FileRef file, uint64_t offset, uint64_t length);
  // One sendmsg over the segments (frames from our buffers, payloads from mapped files).
  void send_segments(Session& s);
  void consume_segments(Session& s, uint64_t n);
  void activate(Session& s, StreamOut& st);
  void recycle_buffer(h2::ByteBuffer&& buffer);
  h2::ByteBuffer pooled_buffer();
  void maybe_finish(Session& s);
  void begin_close(Session& s, CloseReason reason);
  void free_session(Session& s);
  void log_once(Session& s, spdlog::level::level_enum level, std::string_view what);

  // ---- delivery to the application (inline call or mailbox) ----
  void to_app(Session& s, ToActor&& message);
  void to_app_headers(Session& s, ToActor&& message, h2::HeaderList headers);
  void to_app_data(Session& s, ToActor&& message, h2::Bytes data);
  void call_handler(ToActor& message, h2::HeaderList headers, h2::Bytes data);
  bool has_handler() const { return handler_ != nullptr; }

  // The stream a body call (data, file, trailers) is for, with END_STREAM noted (sets `s`);
  // null when the connection or the stream is gone or the stream already ended.
  StreamOut* body_stream(StreamRef ref, bool end_stream, Session*& s);
  // Sends `data` on stream `st` as far as windows allow; the rest joins st.pending.
  size_t push_body(Session& s, StreamOut& st, h2::Bytes data);
  void send_trailers_now(Session& s, StreamOut& st);

  unsigned index_;
  const EngineConfig& config_;
  h2::H2Configuration h2_server_config_;
  h2::H2Configuration h2_client_config_;
  std::unique_ptr<h2io::Listener> listener_;
  std::unique_ptr<h2io::Ring> ring_;
  std::unique_ptr<h2io::BufferRing> buffers_;
  h2io::Waker waker_;
  h2io::Timers timers_;
  WorkerCounters counters_;
  moodycamel::ConcurrentQueue<Control> control_;

  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<uint32_t> free_slots_;
  std::vector<uint32_t> generations_;
  size_t live_sessions_ = 0;
  std::vector<Session*> dirty_;
  std::vector<Session*> flush_batch_;  // flush_dirty's current round
  std::vector<Session*> held_;             // sessions with messages held back (threaded)
  std::vector<Session*> waiting_buffers_;  // recv ended with ENOBUFS
  std::vector<Session*> rearming_;         // the run loop's copy of them while rearming
  std::vector<PendingConnect> connects_;
  std::vector<uint32_t> free_connects_;
  std::vector<h2::ByteBuffer> buffer_pool_;  // send buffers of idle connections, reused
  size_t buffer_pool_bytes_ = 0;
  WorkerSpares spares_;  // stream tails and segment queues, reused

  // Threaded mode.
  std::vector<Mailbox*> mailboxes_;
  std::vector<ActorThread*> actors_;
  std::vector<bool> actor_needs_wake_;
  unsigned next_actor_ = 0;

  // Inline mode.
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<InlineContext> context_;
  struct HandlerTimer {
    Clock::time_point when;
    uint64_t token;
    bool operator>(const HandlerTimer& o) const { return when > o.when; }
  };
  std::priority_queue<HandlerTimer, std::vector<HandlerTimer>, std::greater<>> handler_timers_;
  std::vector<h2::Header> scratch_headers_;
  std::vector<StreamOut*> schedule_scratch_;

  Clock::time_point turn_now_{};
  Clock::time_point accept_paused_until_{};
  Clock::time_point next_accept_log_{};
  bool stopping_ = false;
  Clock::time_point stop_deadline_{};
};

}  // namespace h2engine
