// The application side of the engine: what a gateway (or a load generator) implements, and the
// calls it makes back.
//
// A Handler sees the HTTP/2 streams of the connections its worker (inline actors) or its actor
// thread (threaded actors) was given. Each Handler instance is called from exactly one thread,
// so it needs no locks. The headers and data a Handler is given are views valid only until the
// call returns (inline actors see the received bytes in place): copy what must outlive it. Every
// call carries the Context to answer through; a Context call never blocks on the network: it
// queues, and the engine's send scheduler moves the bytes as HTTP/2 flow control allows.
//
//   struct Hello : h2engine::Handler {
//     void on_headers(Context& cx, StreamRef s, h2::HeaderList, bool) override {
//       cx.send_headers(s, {{":status", "200"}, {"content-length", "5"}});
//       cx.send_data(s, h2::as_bytes("hello"), /*end_stream=*/true);
//     }
//     void on_data(Context& cx, StreamRef s, h2::Bytes d, bool) override {
//       cx.credit(s, d.size());  // consumed: let the peer send more
//     }
//   };
//
// Flow control is the application's to drive: received DATA is credited back to the peer only
// when the handler calls credit() (padding is credited by the engine), so a slow consumer
// slows its peer instead of growing memory. on_sent() says how much queued response data has
// left for the peer, the signal to produce more (a body generator) or to return credit (echo).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string_view>

#include "h2/byte_buffer.h"
#include "h2/error_code.h"
#include "h2/header.h"

namespace h2engine {

// A connection: its worker, its slot there and the slot's generation (a slot is reused after
// the connection closes; a stale reference is recognised and ignored, never misdirected).
struct ConnectionRef {
  uint16_t worker = 0;
  uint32_t slot = 0;
  uint32_t generation = 0;
  friend bool operator==(const ConnectionRef&, const ConnectionRef&) = default;
};

// One stream of one connection.
struct StreamRef {
  ConnectionRef connection;
  uint32_t stream_id = 0;
  friend bool operator==(const StreamRef&, const StreamRef&) = default;
};

// Why a connection ended, as handed to Handler::on_connection_closed.
enum class CloseReason : uint8_t {
  kPeerClosed,       // EOF or GOAWAY followed by close
  kProtocolError,    // the peer broke the protocol; we sent GOAWAY
  kSocketError,      // ECONNRESET, EPIPE, ...
  kIdleTimeout,      // nothing happened for EngineConfig::idle_timeout
  kSettingsTimeout,  // the peer never acknowledged our SETTINGS
  kShutdown,         // the engine stopped
  kLocalClose,       // Context::close_connection
  kConnectFailed,    // client side: the TCP connection could not be made
  kConnectRefused,   // client side: ECONNREFUSED
  kConnectTimeout,   // client side: EngineConfig::connect_timeout passed
};
std::string_view close_reason_name(CloseReason reason) noexcept;

// An open file the engine sends body bytes from without copying them in user space: it is
// mapped read-only once, and sendmsg's iovecs point into the mapping, so the kernel's copy
// into the socket is the only one (a read()+send() server makes two). Shared: a file cache
// keeps one open while responses still read from it; unmapped and closed with the last
// reference. Files that cannot be mapped (empty, not regular) have data() == nullptr.
class File {
 public:
  // Takes ownership of `fd`; maps the file's current size.
  explicit File(int fd) noexcept;
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int fd() const noexcept { return fd_; }
  const uint8_t* data() const noexcept { return data_; }
  uint64_t size() const noexcept { return size_; }

 private:
  int fd_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};
using FileRef = std::shared_ptr<const File>;

// The calls an application makes. Headers and data are copied before the call returns, so
// the caller's buffers may be reused at once.
class Context {
 public:
  virtual ~Context() = default;

  // Response (server) or request (client) headers; informational 1xx may precede the final.
  virtual void send_headers(StreamRef stream, h2::HeaderList headers, bool end_stream = false) = 0;
  void send_headers(StreamRef stream, std::initializer_list<h2::Header> headers,
                    bool end_stream = false) {
    send_headers(stream, h2::HeaderList(headers.begin(), headers.size()), end_stream);
  }
  // Queues body bytes; they leave as the stream's and the connection's windows allow.
  virtual void send_data(StreamRef stream, h2::Bytes data, bool end_stream = false) = 0;
  // Queues `length` bytes of `file` from `offset` as body, after what is queued already; they
  // leave as the windows allow, straight from the file's mapping (no user-space copy). The
  // range must lie within the mapped size (else the stream is reset with INTERNAL_ERROR);
  // a file truncated while its bytes are queued makes the send fail, and the connection,
  // whose framing cannot be repaired, is closed. on_sent reports the bytes like send_data's.
  // A page-cache miss blocks the kernel's copy, so this is meant for hot files.
  virtual void send_file(StreamRef stream, FileRef file, uint64_t offset, uint64_t length,
                         bool end_stream = false) = 0;
  // Trailers end the stream once the queued data is out.
  virtual void send_trailers(StreamRef stream, h2::HeaderList trailers) = 0;
  void send_trailers(StreamRef stream, std::initializer_list<h2::Header> trailers) {
    send_trailers(stream, h2::HeaderList(trailers.begin(), trailers.size()));
  }
  virtual void reset(StreamRef stream, h2::ErrorCode code = h2::ErrorCode::kCancel) = 0;
  // Server push (RFC 9113 §8.4): promises `request` on `parent`, then sends `response` and
  // `body` on the promised stream. Ignored when the client disabled push.
  virtual void push(StreamRef parent, h2::HeaderList request, h2::HeaderList response,
                    h2::Bytes body) = 0;
  // "I consumed `bytes` of this stream's received data": returned to the peer as
  // WINDOW_UPDATE (stream and connection).
  virtual void credit(StreamRef stream, size_t bytes) = 0;

  // Client side. Opens a connection to a numeric IPv4/IPv6 address (prior-knowledge h2c);
  // on_connection_open or on_connection_closed(kConnectFailed) follows with `user_tag`.
  virtual void connect(std::string_view host, uint16_t port, uint64_t user_tag) = 0;
  // Opens a stream on a client connection and sends its headers. When the peer's
  // MAX_CONCURRENT_STREAMS is reached the request waits (in order) until a stream closes.
  virtual StreamRef open_stream(ConnectionRef connection, h2::HeaderList headers,
                                bool end_stream) = 0;
  // GOAWAY(NO_ERROR) and close once the streams below it are done (graceful, RFC 9113 §6.8).
  virtual void close_connection(ConnectionRef connection) = 0;
  // Calls Handler::on_timer(token) on this handler's thread after `delay_us` (coarse: the
  // engine's timer wheel has a 1 ms tick).
  virtual void schedule_timer(uint64_t delay_us, uint64_t token) = 0;
  // Index of the thread this handler runs on (worker index inline, actor index threaded).
  virtual unsigned thread_index() const = 0;
};

class Handler {
 public:
  virtual ~Handler() = default;

  // Once, on the handler's thread, before any connection is given to it.
  virtual void on_start(Context&) {}
  // A new connection (server: accepted; client: connected). user_tag: what connect() was
  // given (0 for accepted connections).
  virtual void on_connection_open(Context&, ConnectionRef, uint64_t /*user_tag*/) {}
  // The connection is gone; streams that were still open got on_reset first.
  virtual void on_connection_closed(Context&, ConnectionRef, CloseReason, uint64_t /*user_tag*/) {}

  // Request headers (server) or final response headers (client).
  virtual void on_headers(Context&, StreamRef, h2::HeaderList, bool end_stream) = 0;
  // Client side: a 1xx response before the final one.
  virtual void on_informational(Context&, StreamRef, h2::HeaderList) {}
  virtual void on_data(Context&, StreamRef, h2::Bytes, bool end_stream) = 0;
  // Trailers always end the stream.
  virtual void on_trailers(Context&, StreamRef, h2::HeaderList) {}
  // The stream was reset by the peer or because of a protocol error.
  virtual void on_reset(Context&, StreamRef, h2::ErrorCode) {}
  // The stream's connection went away (closed, failed, shut down) before the stream ended;
  // on_connection_closed follows. By default treated as a reset with CANCEL.
  virtual void on_stream_lost(Context& cx, StreamRef s, CloseReason) {
    on_reset(cx, s, h2::ErrorCode::kCancel);
  }
  // Inline actors only: `data` arrived on the connection (before it is parsed; a view valid
  // during the call). For load generators that count traffic, time to first byte, or read
  // frame headers (h2bench's header-block sizes).
  virtual void on_input(Context&, ConnectionRef, h2::Bytes /*data*/) {}
  // `bytes` of this stream's queued data were handed to HTTP/2 (its windows allowed them).
  // Every body byte is reported once, so the counts add up to the whole body; the last report
  // may come after the stream ended or was reset (its last bytes left with END_STREAM).
  virtual void on_sent(Context&, StreamRef, size_t /*bytes*/) {}
  virtual void on_timer(Context&, uint64_t /*token*/) {}
};

}  // namespace h2engine
