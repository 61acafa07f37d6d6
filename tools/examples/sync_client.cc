// h2-sync-client: an HTTP/2 client over one plain blocking socket, cleartext with prior
// knowledge (h2c, RFC 9113 §3.3). Every URL (all on the same host:port) becomes a stream of
// the one connection, all in flight at once (up to the server's MAX_CONCURRENT_STREAMS);
// request bodies go out as the server's windows allow, response bodies are acknowledged as
// they are read.
//
//   h2-sync-client http://127.0.0.1:8080/ http://127.0.0.1:8080/trailers
//   h2-sync-client -d 'hello' -H 'x-test: 1' http://127.0.0.1:8080/echo
//   h2-sync-client --data big.bin -o out.bin http://127.0.0.1:8080/echo
//   h2-sync-client --ping --quiet http://127.0.0.1:8080/
//
// Exit status: 0 when every response is 2xx; 1 when some is not (0 with --allow-errors);
// 2 on connection or stream errors.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "blocking_socket.h"
#include "h2/connection.h"

namespace {

using h2::examples::Socket;
using Clock = std::chrono::steady_clock;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr uint64_t kAssumedConcurrentStreams = 100;

struct Url {
  std::string text, host, authority, path;
  uint16_t port = 80;
};

// http://host[:port][/path]; nullopt for anything else (no TLS here).
std::optional<Url> parse_url(const std::string& text) {
  constexpr std::string_view kScheme = "http://";
  if (text.compare(0, kScheme.size(), kScheme) != 0) return std::nullopt;
  Url url;
  url.text = text;
  const std::string rest = text.substr(kScheme.size());
  const size_t slash = rest.find('/');
  url.authority = rest.substr(0, slash);
  url.path = slash == std::string::npos ? "/" : rest.substr(slash);
  url.host = url.authority;
  const size_t bracket = url.authority.rfind(']');
  const size_t colon = url.authority.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    url.host = url.authority.substr(0, colon);
    try {
      const int port = std::stoi(url.authority.substr(colon + 1));
      if (port <= 0 || port > 65535) return std::nullopt;
      url.port = static_cast<uint16_t>(port);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (url.host.size() >= 2 && url.host.front() == '[')
    url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty()) return std::nullopt;
  return url;
}

struct Options {
  std::vector<std::string> urls;
  std::string method;  // default GET, or POST with a body
  std::string body;
  bool has_body = false;
  Fields headers;
  std::string output_file;
  bool quiet = false;
  bool allow_errors = false;
  bool ping = false;
  double timeout_s = 30;
};

struct Exchange {
  Url url;
  uint32_t stream_id = 0;
  size_t body_sent = 0;
  bool request_done = false;  // END_STREAM sent (or no longer sendable)
  int status = 0;
  Fields headers, trailers;
  std::string body;
  bool done = false;
  std::string error;  // non-empty: reset or lost with the connection
};

class ClientSession {
 public:
  ClientSession(const Socket& socket, const Options& options, std::vector<Exchange>& exchanges)
      : socket_(socket), options_(options), exchanges_(exchanges) {}

  // False on a connection-level failure (reported on stderr).
  bool run() {
    conn_.initiate_connection();
    if (options_.ping) {
      const std::array<uint8_t, 8> opaque{'h', '2', '-', 's', 'y', 'n', 'c', '!'};
      conn_.ping(opaque);
      ping_sent_ = Clock::now();
    }
    std::vector<uint8_t> buffer(64 * 1024);
    try {
      for (;;) {
        start_requests();
        send_bodies();
        if (!socket_.write_all(conn_.data_to_send())) return fail("write failed");
        if (finished()) break;
        const ssize_t n = socket_.read_some(buffer);
        if (n == 0) return fail("connection closed by the server");
        if (n < 0) return fail(errno == EAGAIN ? "timed out" : "read failed");
        for (const h2::Event& event : conn_.receive_data({buffer.data(), size_t(n)})) handle(event);
        if (terminated_) {
          if (finished()) return true;
          return fail("connection terminated by the server (GOAWAY)");
        }
      }
    } catch (const h2::ProtocolError& e) {
      socket_.write_all(conn_.data_to_send());  // the GOAWAY receive_data queued
      return fail(std::string("protocol error: ") + e.what());
    }
    conn_.close_connection();
    socket_.write_all(conn_.data_to_send());
    return true;
  }

 private:
  bool fail(const std::string& why) {
    std::fprintf(stderr, "h2-sync-client: %s\n", why.c_str());
    for (Exchange& x : exchanges_)
      if (!x.done) x.done = true, x.error = why;
    return false;
  }

  bool finished() const {
    if (options_.ping && !ping_acked_) return false;
    return std::all_of(exchanges_.begin(), exchanges_.end(),
                       [](const Exchange& x) { return x.done; });
  }

  // Opens streams while the server's MAX_CONCURRENT_STREAMS allows. Until its SETTINGS
  // arrive the limit is unknown: assume 100, the least RFC 9113 §6.5.2 recommends.
  void start_requests() {
    const uint64_t limit = settings_received_ ? conn_.remote_settings().max_concurrent_streams()
                                              : kAssumedConcurrentStreams;
    while (next_ < exchanges_.size() && conn_.open_outbound_streams() < limit) {
      Exchange& x = exchanges_[next_++];
      x.stream_id = conn_.get_next_available_stream_id();
      by_stream_[x.stream_id] = &x;
      std::vector<h2::Header> headers{{":method", options_.method},
                                      {":scheme", "http"},
                                      {":authority", x.url.authority},
                                      {":path", x.url.path},
                                      {"user-agent", "h2-sync-client"}};
      const std::string length = std::to_string(options_.body.size());
      if (options_.has_body) headers.push_back({"content-length", length});
      for (const auto& [name, value] : options_.headers) headers.push_back({name, value});
      conn_.send_headers(x.stream_id, headers, /*end_stream=*/!options_.has_body);
      x.request_done = !options_.has_body;
    }
  }

  // Request bodies, as far as the server's windows allow; the rest waits for WindowUpdated.
  void send_bodies() {
    const h2::Bytes body = h2::as_bytes(options_.body);
    for (Exchange& x : exchanges_) {
      while (x.stream_id != 0 && !x.request_done) {
        const size_t remaining = body.size() - x.body_sent;
        const int64_t window = conn_.local_flow_control_window(x.stream_id);
        const size_t n = std::min({remaining, size_t(std::max<int64_t>(window, 0)),
                                   size_t(conn_.max_outbound_frame_size())});
        if (n == 0 && remaining > 0) break;
        conn_.send_data(x.stream_id, body.subspan(x.body_sent, n), n == remaining);
        x.body_sent += n;
        x.request_done = x.body_sent == body.size();
      }
    }
  }

  static Fields copy_fields(h2::HeaderList headers) {
    Fields fields;
    for (const h2::Header& h : headers) fields.emplace_back(h.name, h.value);
    return fields;
  }

  void handle(const h2::Event& event) {
    std::visit([this](const auto& e) { on(e); }, event);
  }
  void on(const h2::ResponseReceived& e) {
    if (Exchange* x = find(e.stream_id)) {
      x->headers = copy_fields(e.headers);
      for (const auto& [name, value] : x->headers)
        if (name == ":status") x->status = std::atoi(value.c_str());
    }
  }
  void on(const h2::DataReceived& e) {
    if (Exchange* x = find(e.stream_id)) x->body.append(h2::as_string_view(e.data));
    // Read (copied) means consumed: give the window back.
    conn_.acknowledge_received_data(e.flow_controlled_length, e.stream_id);
  }
  void on(const h2::TrailersReceived& e) {
    if (Exchange* x = find(e.stream_id)) x->trailers = copy_fields(e.headers);
  }
  void on(const h2::StreamEnded& e) {
    if (Exchange* x = find(e.stream_id)) finish(*x, "");
  }
  void on(const h2::StreamReset& e) {
    if (Exchange* x = find(e.stream_id))
      finish(*x, "stream reset: " + std::string(h2::error_code_name(e.error_code)));
  }
  void on(const h2::PingAckReceived& e) {
    const auto rtt = std::chrono::duration<double, std::milli>(Clock::now() - ping_sent_);
    std::printf("PING ack %.*s in %.3f ms\n", 8, reinterpret_cast<const char*>(e.ping_data.data()),
                rtt.count());
    ping_acked_ = true;
  }
  // Streams above its last_stream_id were never processed and the rest may still complete,
  // but this simple client stops at a GOAWAY.
  void on(const h2::ConnectionTerminated&) { terminated_ = true; }
  void on(const h2::RemoteSettingsChanged&) { settings_received_ = true; }
  void on(const auto&) {}

  Exchange* find(uint32_t stream_id) {
    auto it = by_stream_.find(stream_id);
    return it == by_stream_.end() ? nullptr : it->second;
  }

  void finish(Exchange& x, std::string error) {
    x.done = true;
    x.error = std::move(error);
    // A response that ends before the request body is out: the rest is not wanted
    // (RFC 9113 §8.1); a reset stream cannot carry it anyway.
    x.request_done = true;
  }

  const Socket& socket_;
  const Options& options_;
  std::vector<Exchange>& exchanges_;
  h2::H2Connection conn_;
  std::map<uint32_t, Exchange*> by_stream_;
  size_t next_ = 0;
  Clock::time_point ping_sent_;
  bool ping_acked_ = false;
  bool terminated_ = false;
  bool settings_received_ = false;
};

void print_fields(const Fields& fields) {
  for (const auto& [name, value] : fields)
    if (!name.starts_with(':')) std::printf("%s: %s\n", name.c_str(), value.c_str());
}

// Status line, headers, blank line, body, then trailers (curl -i style).
void print_exchange(const Exchange& x, const Options& options, bool several) {
  if (!x.error.empty()) {
    std::printf("%s: error: %s\n", x.url.text.c_str(), x.error.c_str());
    return;
  }
  if (options.quiet) {
    std::printf("%d %s\n", x.status, x.url.text.c_str());
    return;
  }
  if (several) std::printf("==> %s <==\n", x.url.text.c_str());
  std::printf("HTTP/2 %d\n", x.status);
  print_fields(x.headers);
  std::printf("\n");
  if (options.output_file.empty()) {
    std::fwrite(x.body.data(), 1, x.body.size(), stdout);
    if (!x.trailers.empty() && !x.body.empty() && x.body.back() != '\n') std::printf("\n");
  }
  print_fields(x.trailers);
}

std::optional<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string bytes;
  char chunk[64 * 1024];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.append(chunk, n);
  const bool ok = !std::ferror(f);
  std::fclose(f);
  if (!ok) return std::nullopt;
  return bytes;
}

bool write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && written;
}

int run(Options& options) {
  std::vector<Exchange> exchanges;
  for (const std::string& text : options.urls) {
    std::optional<Url> url = parse_url(text);
    if (!url) {
      std::fprintf(stderr, "h2-sync-client: not an http:// URL: %s\n", text.c_str());
      return 2;
    }
    if (!exchanges.empty() &&
        (url->host != exchanges[0].url.host || url->port != exchanges[0].url.port)) {
      std::fprintf(stderr, "h2-sync-client: all URLs must share one host:port (one connection)\n");
      return 2;
    }
    exchanges.emplace_back().url = *url;
  }
  if (!options.output_file.empty() && exchanges.size() != 1) {
    std::fprintf(stderr, "h2-sync-client: --output needs exactly one URL\n");
    return 2;
  }
  if (options.method.empty()) options.method = options.has_body ? "POST" : "GET";

  Socket socket = h2::examples::connect_tcp(exchanges[0].url.host, exchanges[0].url.port);
  socket.set_no_delay();
  socket.set_receive_timeout(options.timeout_s);
  socket.set_send_timeout(options.timeout_s);
  const bool connected = ClientSession(socket, options, exchanges).run();

  bool all_2xx = true;
  for (const Exchange& x : exchanges) {
    print_exchange(x, options, exchanges.size() > 1);
    all_2xx = all_2xx && x.error.empty() && x.status >= 200 && x.status < 300;
  }
  std::fflush(stdout);
  if (!options.output_file.empty() && exchanges[0].error.empty()) {
    if (!write_file(options.output_file, exchanges[0].body)) {
      std::fprintf(stderr, "h2-sync-client: cannot write %s\n", options.output_file.c_str());
      return 2;
    }
  }
  const bool stream_errors = std::any_of(exchanges.begin(), exchanges.end(),
                                         [](const Exchange& x) { return !x.error.empty(); });
  if (!connected || stream_errors) return 2;
  return all_2xx || options.allow_errors ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HTTP/2 (h2c prior knowledge) client on one blocking socket"};
  Options options;
  std::string data_file, data_string;
  std::vector<std::string> header_lines;
  app.add_option("urls", options.urls, "http:// URLs, all on one host:port")->required();
  auto* file_opt = app.add_option("--data", data_file, "Send this file's bytes as the body (POST)");
  app.add_option("-d", data_string, "Send this string as the body (POST); @FILE reads FILE")
      ->excludes(file_opt);
  app.add_option("-H,--header", header_lines, "Extra request header 'name: value'");
  app.add_option("-X,--method", options.method, "Request method (default GET, POST with a body)");
  app.add_option("-o,--output", options.output_file, "Write the body here instead of stdout");
  app.add_flag("-q,--quiet", options.quiet, "Print only the status of each response");
  app.add_flag("--allow-errors", options.allow_errors, "Exit 0 even when a status is not 2xx");
  app.add_flag("--ping", options.ping, "Also send a PING and print the round-trip time");
  app.add_option("--timeout", options.timeout_s,
                 "Seconds any read or write may block (0: no limit)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (app.count("--data") || app.count("-d")) {
    options.has_body = true;
    const bool from_file = app.count("--data") || data_string.starts_with('@');
    const std::string path = app.count("--data") ? data_file : data_string.substr(1);
    if (from_file) {
      std::optional<std::string> body = read_file(path);
      if (!body) {
        std::fprintf(stderr, "h2-sync-client: cannot read %s\n", path.c_str());
        return 2;
      }
      options.body = std::move(*body);
    } else {
      options.body = data_string;
    }
  }
  for (const std::string& line : header_lines) {
    const size_t colon = line.find(':', 1);  // from 1: a name cannot be empty
    if (colon == std::string::npos) {
      std::fprintf(stderr, "h2-sync-client: header needs 'name: value': %s\n", line.c_str());
      return 2;
    }
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    options.headers.emplace_back(std::move(name),
                                 start == std::string::npos ? "" : line.substr(start));
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "h2-sync-client: %s\n", e.what());
    return 2;
  }
}
