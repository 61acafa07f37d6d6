// The example server's application: the endpoints of h2server, as one h2engine::Handler.
//
//   GET /              built-in page, or index.html under --docroot; other paths: static files
//   GET /bytes/N       N bytes of body, produced as the window allows (never N in memory)
//   POST|PUT /echo     the request body streamed back; credit returns as the echo leaves,
//                      so a client can never have more than a window of it in flight here
//   GET /headers       the request headers as JSON
//   GET /trailers      a body followed by trailers
//   GET /status/N      status N
//   GET /delay/MS      200 after MS milliseconds (timer on the handler's thread)
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "h2engine/app.h"

namespace h2server {

struct ServerOptions {
  std::string docroot;  // empty: the built-in page only
  // Files of at least this many bytes are sent with Context::send_file (from the file's
  // mapping, no copy in user space); smaller ones from memory, where a copy costs less than
  // the segment bookkeeping. 0: never. (The flag keeps the name servers use for this.)
  uint64_t sendfile_min = 16384;
};

class ServerApp final : public h2engine::Handler {
 public:
  explicit ServerApp(ServerOptions options) : options_(std::move(options)) {}

  void on_headers(h2engine::Context& cx, h2engine::StreamRef s, h2::HeaderList headers,
                  bool end_stream) override;
  void on_data(h2engine::Context& cx, h2engine::StreamRef s, h2::Bytes data,
               bool end_stream) override;
  void on_trailers(h2engine::Context& cx, h2engine::StreamRef s, h2::HeaderList trailers) override;
  void on_reset(h2engine::Context& cx, h2engine::StreamRef s, h2::ErrorCode code) override;
  void on_sent(h2engine::Context& cx, h2engine::StreamRef s, size_t bytes) override;
  void on_timer(h2engine::Context& cx, uint64_t token) override;

  // Exposed for tests: the body of the built-in page.
  static std::string_view builtin_page();

 private:
  enum class Kind : uint8_t { kEcho, kBytes, kFile, kDrain };
  struct StreamState {
    Kind kind = Kind::kDrain;
    uint64_t remaining = 0;  // kBytes / kFile: body bytes still to produce
    uint64_t queued = 0;     // produced but not yet reported sent
    uint64_t file_offset = 0;
    int fd = -1;  // kFile
    bool request_ended = false;
  };
  struct Key {
    uint64_t a, b;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept { return k.a * 0x9e3779b97f4a7c15ull ^ k.b; }
  };
  static Key key(const h2engine::StreamRef& s) {
    return Key{(uint64_t{s.connection.worker} << 48) | (uint64_t{s.connection.generation} << 24) |
                   (s.connection.slot & 0xffffff),
               s.stream_id};
  }

  void respond_simple(h2engine::Context& cx, h2engine::StreamRef s, int status,
                      std::string_view content_type, std::string_view body);
  void produce(h2engine::Context& cx, h2engine::StreamRef s, StreamState& st);
  void serve_file(h2engine::Context& cx, h2engine::StreamRef s, std::string_view path, bool head,
                  bool request_ended);
  void finish(const h2engine::StreamRef& s);

  ServerOptions options_;
  std::unordered_map<Key, StreamState, KeyHash> streams_;
  std::unordered_map<uint64_t, h2engine::StreamRef> delayed_;
  uint64_t next_timer_ = 1;
  std::string chunk_;  // scratch for generated and file bodies
  // Files looked up in the last second, so a hot file costs no open/stat (h2o and nginx cache
  // open files for the same reason): small ones (<= 64 KiB, below sendfile_min) by content,
  // the others as an open file for send_file. Bounded: at most 256 entries.
  struct CachedFile {
    std::string body;
    h2engine::FileRef file;  // set: sent with send_file
    uint64_t size = 0;
    std::chrono::steady_clock::time_point expires;
  };
  void respond_cached(h2engine::Context& cx, h2engine::StreamRef s, std::string_view path,
                      const CachedFile& entry, bool head);
  std::unordered_map<std::string, CachedFile> file_cache_;
  std::string path_scratch_;
  uint64_t cache_lookups_ = 0;
  std::chrono::steady_clock::time_point cache_now_{};
};

}  // namespace h2server
