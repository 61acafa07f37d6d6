// h2-sync-server: an HTTP/2 server over plain blocking sockets, one thread per connection,
// cleartext with prior knowledge (h2c, RFC 9113 §3.3). It shows the whole sans-IO loop:
// read bytes, feed receive_data, act on the events, write data_to_send.
//
//   GET|POST /       200 text/plain, a short body (POST: after reading the request body)
//   POST|PUT /echo   200, the request body streamed back as it arrives
//   GET /trailers    200 with a body and trailers
//   anything else    404 (405 for a known path with another method)
//
// Flow control in both directions: /echo holds at most what the client has in flight (its
// bytes are acknowledged only once echoed), and every body goes out only as far as the
// client's windows allow; the rest waits for WindowUpdated.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "blocking_socket.h"
#include "h2/connection.h"

namespace {

using h2::examples::Socket;

constexpr std::string_view kHelloBody = "Hello from h2-sync-server\n";
constexpr std::string_view kTrailersBody = "This response ends with trailers.\n";
constexpr std::string_view kNotFoundBody = "not found\n";
constexpr std::string_view kNotAllowedBody = "method not allowed\n";

constexpr double kSendTimeoutSeconds = 30;

enum class Route { kHello, kEcho, kTrailers, kNotFound, kMethodNotAllowed };

Route route_of(std::string_view method, std::string_view path) {
  if (const size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  if (path == "/")
    return method == "GET" || method == "POST" ? Route::kHello : Route::kMethodNotAllowed;
  if (path == "/echo")
    return method == "POST" || method == "PUT" ? Route::kEcho : Route::kMethodNotAllowed;
  if (path == "/trailers") return method == "GET" ? Route::kTrailers : Route::kMethodNotAllowed;
  return Route::kNotFound;
}

// Response bytes waiting for window. For /echo each chunk is one received DATA frame, whose
// flow-controlled length is acknowledged once the chunk has been sent back.
struct Chunk {
  std::string bytes;
  uint32_t flow_controlled_length = 0;
};

struct StreamContext {
  Route route = Route::kNotFound;
  std::deque<Chunk> body;
  size_t front_sent = 0;       // bytes of body.front() already sent
  bool body_complete = false;  // nothing more will be added to `body`
  bool with_trailers = false;  // end with a trailer block instead of END_STREAM on DATA
};

class ServerSession {
 public:
  explicit ServerSession(const Socket& socket) : socket_(socket), conn_(server_config()) {}

  void run() {
    conn_.initiate_connection();
    std::vector<uint8_t> buffer(64 * 1024);
    while (flush() && !closed_) {
      const ssize_t n = socket_.read_some(buffer);
      if (n <= 0) break;  // the client left, or we are shutting down (SHUT_RD)
      try {
        for (const h2::Event& event : conn_.receive_data({buffer.data(), size_t(n)})) handle(event);
        pump();
      } catch (const h2::ProtocolError& e) {
        // receive_data queued the GOAWAY; send it and hang up.
        std::fprintf(stderr, "h2-sync-server: connection error: %s\n", e.what());
        flush();
        return;
      } catch (const h2::H2Error& e) {
        // A sending call refused: a bug in this file, not the client's fault.
        std::fprintf(stderr, "h2-sync-server: internal error: %s\n", e.what());
        conn_.close_connection(h2::ErrorCode::kInternalError);
        flush();
        return;
      }
    }
    if (conn_.state() != h2::ConnectionState::kClosed) {
      conn_.close_connection();
      flush();
    }
  }

 private:
  static h2::H2Configuration server_config() {
    h2::H2Configuration config;
    config.client_side = false;
    return config;
  }

  bool flush() { return socket_.write_all(conn_.data_to_send()); }

  // One overload per event this server acts on. PINGs and SETTINGS are acknowledged by the
  // connection itself; WindowUpdated needs nothing here because pump() runs after every
  // batch of events.
  void handle(const h2::Event& event) {
    std::visit([this](const auto& e) { on(e); }, event);
  }
  void on(const h2::RequestReceived& e) { on_request(e); }
  void on(const h2::DataReceived& e) { on_data(e); }
  void on(const h2::StreamEnded& e) { on_request_ended(e.stream_id); }
  void on(const h2::StreamReset& e) { drop(e.stream_id); }
  void on(const h2::ConnectionTerminated&) { closed_ = true; }
  void on(const auto&) {}

  void on_request(const h2::RequestReceived& e) {
    std::string_view method, path;
    for (const h2::Header& h : e.headers) {
      if (h.name == ":method") method = h.value;
      if (h.name == ":path") path = h.value;
    }
    StreamContext& s = streams_[e.stream_id];
    s.route = route_of(method, path);
    if (s.route == Route::kEcho) {
      // Streamed: the status goes out at once, the body follows as it arrives.
      conn_.send_headers(e.stream_id, {{":status", "200"},
                                       {"content-type", "application/octet-stream"},
                                       {"server", "h2-sync-server"}});
    }
    // The request's own END_STREAM comes as a separate StreamEnded event.
  }

  void on_data(const h2::DataReceived& e) {
    auto it = streams_.find(e.stream_id);
    if (it != streams_.end() && it->second.route == Route::kEcho) {
      // The view points into our read buffer: copy before the next receive_data.
      it->second.body.push_back(
          {std::string(h2::as_string_view(e.data)), e.flow_controlled_length});
      return;
    }
    // Any other body is read and discarded: consumed now, so the client may send more.
    conn_.acknowledge_received_data(e.flow_controlled_length, e.stream_id);
  }

  void on_request_ended(uint32_t stream_id) {
    auto it = streams_.find(stream_id);
    if (it == streams_.end()) return;
    StreamContext& s = it->second;
    s.body_complete = true;
    if (s.route == Route::kEcho) return;  // headers already sent; pump() finishes the body

    std::string_view status = "200", body = kHelloBody;
    if (s.route == Route::kTrailers) body = kTrailersBody;
    if (s.route == Route::kNotFound) status = "404", body = kNotFoundBody;
    if (s.route == Route::kMethodNotAllowed) status = "405", body = kNotAllowedBody;
    const std::string length = std::to_string(body.size());
    conn_.send_headers(stream_id, {{":status", status},
                                   {"content-type", "text/plain; charset=utf-8"},
                                   {"content-length", length},
                                   {"server", "h2-sync-server"}});
    s.body.push_back({std::string(body), 0});
    s.with_trailers = s.route == Route::kTrailers;
  }

  // Sends what the windows allow on every stream; forgets streams whose response is done.
  void pump() {
    for (auto it = streams_.begin(); it != streams_.end();) {
      if (pump_stream(it->first, it->second))
        it = streams_.erase(it);
      else
        ++it;
    }
  }

  // True once the response is complete.
  bool pump_stream(uint32_t stream_id, StreamContext& s) {
    bool ended = false;
    while (!s.body.empty()) {
      Chunk& chunk = s.body.front();
      const size_t remaining = chunk.bytes.size() - s.front_sent;
      if (remaining == 0) {
        // Echoed in full: now the client may fill that part of the window again.
        if (chunk.flow_controlled_length > 0)
          conn_.acknowledge_received_data(chunk.flow_controlled_length, stream_id);
        s.body.pop_front();
        s.front_sent = 0;
        continue;
      }
      const int64_t window = conn_.local_flow_control_window(stream_id);
      const size_t n = std::min({remaining, size_t(std::max<int64_t>(window, 0)),
                                 size_t(conn_.max_outbound_frame_size())});
      if (n == 0) return false;  // window exhausted: wait for WindowUpdated
      const bool last = s.body_complete && !s.with_trailers && s.body.size() == 1 && n == remaining;
      conn_.send_data(stream_id, h2::as_bytes(chunk.bytes).subspan(s.front_sent, n), last);
      s.front_sent += n;
      ended = last;
    }
    if (!s.body_complete) return false;
    if (s.with_trailers) {
      const std::string length = std::to_string(kTrailersBody.size());
      conn_.send_headers(stream_id, {{"x-trailer", "done"}, {"x-body-length", length}},
                         /*end_stream=*/true);
    } else if (!ended) {
      conn_.end_stream(stream_id);  // empty echo: no DATA carried the END_STREAM
    }
    return true;
  }

  // The client reset the stream: whatever we held of its body still counts against the
  // connection window, so acknowledge it.
  void drop(uint32_t stream_id) {
    auto it = streams_.find(stream_id);
    if (it == streams_.end()) return;
    for (const Chunk& chunk : it->second.body)
      if (chunk.flow_controlled_length > 0)
        conn_.acknowledge_received_data(chunk.flow_controlled_length, stream_id);
    streams_.erase(it);
  }

  const Socket& socket_;
  h2::H2Connection conn_;
  std::map<uint32_t, StreamContext> streams_;
  bool closed_ = false;
};

// Connection threads and their sockets, so a shutdown can wake and join them all.
class ConnectionThreads {
 public:
  ~ConnectionThreads() { stop_all(); }

  void start(Socket socket) {
    std::lock_guard lock(mutex_);
    reap_finished();
    Entry& entry = entries_.emplace_back();
    entry.socket = std::make_unique<Socket>(std::move(socket));
    entry.done = std::make_shared<std::atomic<bool>>(false);
    entry.thread = std::thread([s = entry.socket.get(), done = entry.done] {
      s->set_no_delay();
      // A client that stops reading must not pin this thread (and shutdown) forever.
      s->set_send_timeout(kSendTimeoutSeconds);
      ServerSession(*s).run();
      done->store(true);
    });
  }

  // Ends every session: their reads return 0 (SHUT_RD), they send GOAWAY and return.
  void stop_all() {
    std::lock_guard lock(mutex_);
    for (Entry& entry : entries_) ::shutdown(entry.socket->fd(), SHUT_RD);
    for (Entry& entry : entries_) entry.thread.join();
    entries_.clear();
  }

 private:
  struct Entry {
    std::unique_ptr<Socket> socket;  // closed only after the thread is joined
    std::shared_ptr<std::atomic<bool>> done;
    std::thread thread;
  };

  void reap_finished() {
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::mutex mutex_;
  std::list<Entry> entries_;
};

int serve(const std::string& host, uint16_t port) {
  // SIGINT/SIGTERM are blocked in every thread (the mask is inherited) and taken by sigwait
  // in one thread, which wakes the accept loop by shutting the listener down.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Socket listener = h2::examples::listen_tcp(host, port);
  std::printf("listening on %s:%u\n", host.c_str(), unsigned(h2::examples::local_port(listener)));
  std::fflush(stdout);

  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    stopping = true;
    ::shutdown(listener.fd(), SHUT_RDWR);
  });

  ConnectionThreads connections;
  int status = 0;
  for (;;) {
    const int fd = ::accept(listener.fd(), nullptr, nullptr);
    if (fd >= 0) {
      connections.start(Socket(fd));
      continue;
    }
    if (stopping) break;
    if (errno == EINTR || errno == ECONNABORTED) continue;
    std::perror("h2-sync-server: accept");
    status = 1;
    ::kill(::getpid(), SIGTERM);  // let the signal thread finish
    break;
  }
  signal_thread.join();
  connections.stop_all();
  std::printf("stopped\n");
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HTTP/2 (h2c prior knowledge) server on blocking sockets"};
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  app.add_option("--host", host, "Address to bind")->capture_default_str();
  app.add_option("-p,--port", port, "Port to bind (0: any free port)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return serve(host, port);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "h2-sync-server: %s\n", e.what());
    return 1;
  }
}
