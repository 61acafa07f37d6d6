#include "server_app.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace h2server {

namespace {

constexpr size_t kChunk = 16384;
// Body bytes a stream may have queued in the engine before it waits for on_sent: two chunks
// keep the scheduler fed, and a peer that opens no window pins only this much per stream.
constexpr uint64_t kQueuedCap = 2 * kChunk;

h2::Bytes bytes_of(std::string_view s) {
  return h2::Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string_view content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html") || ends(".htm")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css";
  if (ends(".js")) return "text/javascript";
  if (ends(".json")) return "application/json";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  if (ends(".png")) return "image/png";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

bool parse_uint(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string_view ServerApp::builtin_page() {
  return "<!doctype html>\n<html><head><title>h2server</title></head><body>\n"
         "<h1>h2server</h1>\n<p>HTTP/2 over io_uring. Endpoints: /bytes/N, /echo (POST), "
         "/headers, /trailers, /status/N, /delay/MS.</p>\n</body></html>\n";
}

void ServerApp::respond_simple(h2engine::Context& cx, h2engine::StreamRef s, int status,
                               std::string_view content_type, std::string_view body) {
  char status_text[4];
  auto r = std::to_chars(status_text, status_text + 3, status);
  char length[24];
  auto l = std::to_chars(length, length + sizeof(length), body.size());
  h2::Header headers[] = {
      {":status", std::string_view(status_text, static_cast<size_t>(r.ptr - status_text))},
      {"content-type", content_type},
      {"content-length", std::string_view(length, static_cast<size_t>(l.ptr - length))}};
  cx.send_headers(s, headers, body.empty());
  if (!body.empty()) cx.send_data(s, bytes_of(body), true);
}

void ServerApp::on_headers(h2engine::Context& cx, h2engine::StreamRef s, h2::HeaderList headers,
                           bool end_stream) {
  std::string_view method, path;
  for (const h2::Header& h : headers) {
    // Pseudo-header fields come first (RFC 9113 §8.3; the connection validated the block).
    if (h.name.empty() || h.name[0] != ':') break;
    if (h.name == ":method")
      method = h.value;
    else if (h.name == ":path")
      path = h.value;
  }
  path = path.substr(0, path.find('?'));
  bool get = method == "GET", head = method == "HEAD";

  if (path == "/echo") {
    if (method != "POST" && method != "PUT") {
      respond_simple(cx, s, 405, "text/plain", "use POST or PUT\n");
      if (!end_stream) streams_[key(s)] = StreamState{Kind::kDrain};
      return;
    }
    cx.send_headers(s, {{":status", "200"}, {"content-type", "application/octet-stream"}},
                    end_stream);
    if (!end_stream) streams_[key(s)] = StreamState{Kind::kEcho};
    return;
  }
  // Every other endpoint ignores a request body; it is credited as it arrives.
  if (!end_stream) streams_[key(s)] = StreamState{Kind::kDrain};
  if (!get && !head) {
    respond_simple(cx, s, 405, "text/plain", "method not allowed\n");
    return;
  }
  if (path.starts_with("/bytes/")) {
    uint64_t n = 0;
    if (!parse_uint(path.substr(7), n)) {
      respond_simple(cx, s, 400, "text/plain", "bad length\n");
      return;
    }
    char length[24];
    auto l = std::to_chars(length, length + sizeof(length), n);
    h2::Header h[] = {
        {":status", "200"},
        {"content-type", "application/octet-stream"},
        {"content-length", std::string_view(length, static_cast<size_t>(l.ptr - length))}};
    bool empty = n == 0 || head;
    cx.send_headers(s, h, empty);
    if (empty) return;
    StreamState& st = streams_[key(s)];
    st.kind = Kind::kBytes;
    st.remaining = n;
    st.request_ended = end_stream;
    produce(cx, s, st);
    return;
  }
  if (path == "/headers") {
    // name -> value; a name that repeats (cookie crumbs, say) maps to the list of values.
    nlohmann::json j = nlohmann::json::object();
    for (const h2::Header& h : headers) {
      std::string name(h.name);
      nlohmann::json value = std::string(h.value);
      if (!j.contains(name)) {
        j[name] = std::move(value);
      } else {
        if (!j[name].is_array()) j[name] = nlohmann::json::array({j[name]});
        j[name].push_back(std::move(value));
      }
    }
    respond_simple(cx, s, 200, "application/json",
                   j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return;
  }
  if (path == "/trailers") {
    cx.send_headers(s, {{":status", "200"}, {"content-type", "text/plain"}});
    cx.send_data(s, bytes_of("body before trailers\n"));
    cx.send_trailers(s, {{"x-trailer", "done"}, {"x-checksum", "0"}});
    return;
  }
  if (path.starts_with("/status/")) {
    uint64_t code = 0;
    if (!parse_uint(path.substr(8), code) || code < 200 || code > 599) {
      respond_simple(cx, s, 400, "text/plain", "status must be 200..599\n");
      return;
    }
    respond_simple(cx, s, static_cast<int>(code), "text/plain", "");
    return;
  }
  if (path.starts_with("/delay/")) {
    uint64_t ms = 0;
    if (!parse_uint(path.substr(7), ms) || ms > 600000) {
      respond_simple(cx, s, 400, "text/plain", "delay must be 0..600000 ms\n");
      return;
    }
    uint64_t token = next_timer_++;
    delayed_[token] = s;
    cx.schedule_timer(ms * 1000, token);
    return;
  }
  if (options_.docroot.empty()) {
    if (path == "/" || path == "/index.html") {
      if (head) {
        cx.send_headers(s, {{":status", "200"}, {"content-type", "text/html; charset=utf-8"}},
                        true);
        return;
      }
      respond_simple(cx, s, 200, "text/html; charset=utf-8", builtin_page());
      return;
    }
    respond_simple(cx, s, 404, "text/plain", "not found\n");
    return;
  }
  serve_file(cx, s, path == "/" ? std::string_view("/index.html") : path, head, end_stream);
}

void ServerApp::serve_file(h2engine::Context& cx, h2engine::StreamRef s, std::string_view path,
                           bool head, bool request_ended) {
  // No way out of the docroot: reject any ".." segment.
  if (path.find("/..") != std::string_view::npos || path.find('\0') != std::string_view::npos) {
    respond_simple(cx, s, 403, "text/plain", "forbidden\n");
    return;
  }
  // The path key is built in a reused string: a cache hit allocates nothing.
  path_scratch_.assign(options_.docroot);
  path_scratch_.append(path);
  const std::string& full = path_scratch_;
  // The clock is read once per 64 lookups: an entry may outlive its second by that many
  // requests, and a hot path loses a vDSO call per request.
  if ((cache_lookups_++ & 63) == 0) cache_now_ = std::chrono::steady_clock::now();
  const auto now = cache_now_;
  if (auto it = file_cache_.find(full); it != file_cache_.end()) {
    if (it->second.expires > now) {
      respond_cached(cx, s, path, it->second, head);
      return;
    }
    file_cache_.erase(it);
  }
  int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat sb {};
  if (fd < 0 || ::fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    if (fd >= 0) ::close(fd);
    respond_simple(cx, s, 404, "text/plain", "not found\n");
    return;
  }
  const auto size = static_cast<uint64_t>(sb.st_size);
  CachedFile entry;
  entry.size = size;
  entry.expires = now + std::chrono::seconds(1);
  if (options_.sendfile_min > 0 && size >= options_.sendfile_min) {
    // Large enough that copying it costs more than the segment bookkeeping: the engine sends
    // it from the file's mapping (Context::send_file). The mapped file is what gets cached.
    entry.file = std::make_shared<h2engine::File>(fd);
  } else if (size <= 65536) {
    entry.body.assign(static_cast<size_t>(size), '\0');
    ssize_t got = ::pread(fd, entry.body.data(), entry.body.size(), 0);
    ::close(fd);
    if (got != static_cast<ssize_t>(entry.body.size())) {
      respond_simple(cx, s, 500, "text/plain", "read failed\n");
      return;
    }
  }
  if (entry.file || size <= 65536) {
    if (file_cache_.size() < 256) {
      respond_cached(cx, s, path, file_cache_[full] = std::move(entry), head);
    } else {
      respond_cached(cx, s, path, entry, head);
    }
    return;
  }
  // A large file with send_file turned off: read chunk by chunk as the stream drains.
  char length[24];
  auto l = std::to_chars(length, length + sizeof(length), size);
  h2::Header h[] = {
      {":status", "200"},
      {"content-type", content_type_for(path)},
      {"content-length", std::string_view(length, static_cast<size_t>(l.ptr - length))}};
  bool empty = head || sb.st_size == 0;
  cx.send_headers(s, h, empty);
  if (empty) {
    ::close(fd);
    return;
  }
  StreamState& st = streams_[key(s)];
  st.kind = Kind::kFile;
  st.fd = fd;
  st.remaining = static_cast<uint64_t>(sb.st_size);
  st.request_ended = request_ended;
  produce(cx, s, st);
}

void ServerApp::respond_cached(h2engine::Context& cx, h2engine::StreamRef s, std::string_view path,
                               const CachedFile& entry, bool head) {
  if (!head && !entry.file) {
    respond_simple(cx, s, 200, content_type_for(path), entry.body);
    return;
  }
  // HEAD answers with the length a GET would have (RFC 9110 §9.3.2), and no body.
  char length[24];
  auto l = std::to_chars(length, length + sizeof(length), entry.size);
  h2::Header h[] = {
      {":status", "200"},
      {"content-type", content_type_for(path)},
      {"content-length", std::string_view(length, static_cast<size_t>(l.ptr - length))}};
  cx.send_headers(s, h, head);
  if (!head) cx.send_file(s, entry.file, 0, entry.size, true);
}

void ServerApp::produce(h2engine::Context& cx, h2engine::StreamRef s, StreamState& st) {
  while (st.remaining > 0 && st.queued < kQueuedCap) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, st.remaining));
    if (st.kind == Kind::kBytes) {
      if (chunk_.size() < kChunk) chunk_.assign(kChunk, 'x');
    } else {
      chunk_.resize(kChunk);
      ssize_t got = ::pread(st.fd, chunk_.data(), n, static_cast<off_t>(st.file_offset));
      if (got <= 0) {
        cx.reset(s, h2::ErrorCode::kInternalError);
        finish(s);
        return;
      }
      n = static_cast<size_t>(got);
      st.file_offset += n;
    }
    st.remaining -= n;
    st.queued += n;
    cx.send_data(s, h2::Bytes(reinterpret_cast<const uint8_t*>(chunk_.data()), n),
                 st.remaining == 0);
  }
  if (st.remaining == 0 && st.request_ended) finish(s);
}

void ServerApp::on_data(h2engine::Context& cx, h2engine::StreamRef s, h2::Bytes data,
                        bool end_stream) {
  auto it = streams_.find(key(s));
  if (it == streams_.end()) {
    cx.credit(s, data.size());
    return;
  }
  StreamState& st = it->second;
  if (st.kind == Kind::kEcho) {
    // Credit waits for on_sent: the peer can have at most a window of echo in flight.
    if (!data.empty() || end_stream) cx.send_data(s, data, end_stream);
    if (end_stream) {
      st.request_ended = true;
      if (data.empty()) finish(s);
    }
    return;
  }
  cx.credit(s, data.size());
  if (end_stream) {
    st.request_ended = true;
    if (st.kind == Kind::kDrain || st.remaining == 0) finish(s);
  }
}

void ServerApp::on_trailers(h2engine::Context& cx, h2engine::StreamRef s, h2::HeaderList) {
  // Trailers end the request body: the same as DATA with END_STREAM and no bytes.
  on_data(cx, s, {}, true);
}

void ServerApp::on_sent(h2engine::Context& cx, h2engine::StreamRef s, size_t bytes) {
  auto it = streams_.find(key(s));
  if (it == streams_.end()) return;
  StreamState& st = it->second;
  if (st.kind == Kind::kEcho) {
    cx.credit(s, bytes);
    if (st.request_ended) finish(s);
    return;
  }
  st.queued -= std::min<uint64_t>(st.queued, bytes);
  if (st.kind == Kind::kBytes || st.kind == Kind::kFile) {
    if (st.remaining > 0) {
      produce(cx, s, st);
    } else if (st.queued == 0 && st.request_ended) {
      finish(s);
    }
  }
}

void ServerApp::on_reset(h2engine::Context&, h2engine::StreamRef s, h2::ErrorCode) {
  finish(s);
  for (auto it = delayed_.begin(); it != delayed_.end(); ++it) {
    if (it->second == s) {
      delayed_.erase(it);
      break;
    }
  }
}

void ServerApp::on_timer(h2engine::Context& cx, uint64_t token) {
  auto it = delayed_.find(token);
  if (it == delayed_.end()) return;
  h2engine::StreamRef s = it->second;
  delayed_.erase(it);
  respond_simple(cx, s, 200, "text/plain", "delayed\n");
}

void ServerApp::finish(const h2engine::StreamRef& s) {
  auto it = streams_.find(key(s));
  if (it == streams_.end()) return;
  if (it->second.fd >= 0) ::close(it->second.fd);
  streams_.erase(it);
}

}  // namespace h2server
