#include "h2engine/engine.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>

#include "actor_thread.h"
#include "h2io/listener.h"
#include "mailbox.h"
#include "worker.h"

namespace h2engine {

File::File(int fd) noexcept : fd_(fd) {
  struct stat sb {};
  if (fd_ < 0 || ::fstat(fd_, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) return;
  void* p = ::mmap(nullptr, static_cast<size_t>(sb.st_size), PROT_READ, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) return;
  data_ = static_cast<const uint8_t*>(p);
  size_ = static_cast<uint64_t>(sb.st_size);
}

File::~File() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), static_cast<size_t>(size_));
  if (fd_ >= 0) ::close(fd_);
}

std::string_view close_reason_name(CloseReason reason) noexcept {
  switch (reason) {
    case CloseReason::kPeerClosed:
      return "peer closed";
    case CloseReason::kProtocolError:
      return "protocol error";
    case CloseReason::kSocketError:
      return "socket error";
    case CloseReason::kIdleTimeout:
      return "idle timeout";
    case CloseReason::kSettingsTimeout:
      return "settings timeout";
    case CloseReason::kShutdown:
      return "shutdown";
    case CloseReason::kLocalClose:
      return "local close";
    case CloseReason::kConnectFailed:
      return "connect failed";
    case CloseReason::kConnectRefused:
      return "connection refused";
    case CloseReason::kConnectTimeout:
      return "connect timeout";
  }
  return "unknown";
}

struct Engine::Impl {
  EngineConfig config;
  uint16_t port = 0;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<ActorThread>> actors;
  // mailboxes[w * actors + a]
  std::vector<std::unique_ptr<Mailbox>> mailboxes;
  std::vector<std::thread> threads;
  bool running = false;

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop_requested = false;
  std::atomic<bool> stop_flag{false};
};

Engine::Engine(EngineConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  if (impl_->config.workers == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    impl_->config.workers = n > 0 ? static_cast<unsigned>(n) : 1;
  }
  if (impl_->config.actor_threads == 0) impl_->config.actor_threads = 1;
}

Engine::~Engine() {
  stop();
}

void Engine::start() {
  Impl& m = *impl_;
  if (m.running) return;
  const EngineConfig& cfg = m.config;
  // One listen socket per worker with SO_REUSEPORT: the kernel spreads connections over the
  // workers, and no acceptor thread hands them around (docs/engine.md, "Accepting").
  uint16_t port = cfg.listen_port;
  for (unsigned w = 0; w < cfg.workers; ++w) {
    std::unique_ptr<h2io::Listener> listener;
    if (cfg.listen) {
      h2io::ListenOptions lo;
      lo.address = cfg.listen_address;
      lo.port = port;
      lo.reuse_port = true;
      lo.congestion_control = cfg.tcp_congestion;
      listener = std::make_unique<h2io::Listener>(lo);
      port = listener->port();
    }
    m.workers.push_back(std::make_unique<Worker>(w, m.config, std::move(listener)));
  }
  m.port = cfg.listen ? port : 0;

  if (cfg.actors == ActorMode::kThreads) {
    unsigned k = cfg.actor_threads;
    for (unsigned a = 0; a < k; ++a) m.actors.push_back(std::make_unique<ActorThread>(a, m.config));
    for (unsigned w = 0; w < cfg.workers; ++w)
      for (unsigned a = 0; a < k; ++a)
        m.mailboxes.push_back(std::make_unique<Mailbox>(cfg.mailbox_capacity));
    std::vector<Worker*> worker_ptrs;
    for (auto& w : m.workers) worker_ptrs.push_back(w.get());
    std::vector<ActorThread*> actor_ptrs;
    for (auto& a : m.actors) actor_ptrs.push_back(a.get());
    for (unsigned w = 0; w < cfg.workers; ++w) {
      std::vector<Mailbox*> mbs;
      for (unsigned a = 0; a < k; ++a) mbs.push_back(m.mailboxes[w * k + a].get());
      m.workers[w]->attach_actors(mbs, actor_ptrs);
    }
    for (unsigned a = 0; a < k; ++a) {
      std::vector<Mailbox*> mbs;
      for (unsigned w = 0; w < cfg.workers; ++w) mbs.push_back(m.mailboxes[w * k + a].get());
      m.actors[a]->attach(mbs, worker_ptrs);
    }
  }

  // Workers set up their rings on their own threads (SINGLE_ISSUER); a failure there is
  // carried back and rethrown here.
  std::latch ready(cfg.workers);
  std::mutex error_mutex;
  std::exception_ptr error;
  for (auto& w : m.workers) {
    Worker* worker = w.get();
    m.threads.emplace_back([worker, &ready, &error_mutex, &error] {
      bool counted = false;
      try {
        worker->run([&] {
          counted = true;
          ready.count_down();
        });
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        if (!counted) ready.count_down();
      }
    });
  }
  ready.wait();
  m.running = true;
  if (error) {
    stop();
    std::rethrow_exception(error);
  }
  for (auto& a : m.actors) a->start();
}

void Engine::stop() {
  Impl& m = *impl_;
  if (!m.running && m.threads.empty()) return;
  for (auto& w : m.workers) w->post(Control{});  // kStop
  for (auto& t : m.threads)
    if (t.joinable()) t.join();
  m.threads.clear();
  for (auto& a : m.actors) a->stop();
  m.running = false;
}

void Engine::request_stop() noexcept {
  impl_->stop_flag.store(true);
  // Signal-safe: only eventfd writes (the workers start their drain at once) ...
  for (auto& w : impl_->workers) w->wake();
  // ... and a notify for wait(); condition_variable::notify is not signal-safe, so wait()
  // also polls the flag.
}

void Engine::wait() {
  Impl& m = *impl_;
  while (!m.stop_flag.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop();
}

void Engine::wait(std::chrono::milliseconds interval, const std::function<void()>& every) {
  Impl& m = *impl_;
  auto next = std::chrono::steady_clock::now() + interval;
  while (!m.stop_flag.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() >= next) {
      every();
      next += interval;
    }
  }
  stop();
}

bool Engine::stop_requested() const noexcept {
  return impl_->stop_flag.load();
}

uint16_t Engine::port() const noexcept {
  return impl_->port;
}
unsigned Engine::worker_count() const noexcept {
  return impl_->config.workers;
}

std::vector<CountersSnapshot> Engine::counters() const {
  std::vector<CountersSnapshot> out;
  for (auto& w : impl_->workers) out.push_back(snapshot(w->counters()));
  return out;
}

CountersSnapshot Engine::total_counters() const {
  CountersSnapshot t{};
  for (auto& w : impl_->workers) {
    CountersSnapshot c = snapshot(w->counters());
    t.connections_open += c.connections_open;
    t.connections_total += c.connections_total;
    t.streams_total += c.streams_total;
    t.bytes_in += c.bytes_in;
    t.bytes_out += c.bytes_out;
    t.frames_in += c.frames_in;
    t.resets += c.resets;
    t.errors += c.errors;
  }
  return t;
}

void Engine::connect(unsigned worker, std::string host, uint16_t port, uint64_t user_tag) {
  Impl& m = *impl_;
  unsigned w = worker % static_cast<unsigned>(m.workers.size());
  Control c;
  c.kind = Control::Kind::kConnect;
  c.host = std::move(host);
  c.port = port;
  c.user_tag = user_tag;
  c.actor = m.actors.empty() ? 0 : w % static_cast<unsigned>(m.actors.size());
  m.workers[w]->post(std::move(c));
}

}  // namespace h2engine
