// In-memory request/response exchange: a client and a server joined by buffers, 100 streams in
// flight, a GET with 8 typical headers answered by 200 + content-type + content-length + a
// 100-byte body. h2::H2Connection on both sides beside libnghttp2 sessions on both sides, same
// work, same run. Our side three times: defaults with receive_data's vector form
// (BM_Exchange_h2), with its visitor form (BM_Exchange_h2_visitor), and with the header-block
// memo off (BM_Exchange_h2_no_memo: every block encoded anew). Also reports heap allocations per
// exchange (counting operator new).
#include <benchmark/benchmark.h>
#include <nghttp2/nghttp2.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "counting_new.h"
#include "h2/connection.h"
#include "ratio_reporter.h"

using h2bench::g_allocations;

namespace {

constexpr int kInFlight = 100;
constexpr size_t kBodySize = 100;
const std::string kBody(kBodySize, 'b');

// The request every exchange sends (8 fields) and the response.
const std::vector<std::pair<std::string, std::string>> kRequest = {
    {":method", "GET"},
    {":scheme", "https"},
    {":authority", "www.example.com"},
    {":path", "/index.html"},
    {"user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"},
    {"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    {"accept-encoding", "gzip, deflate, br"},
    {"cookie", "session=8f14e45fceea167a5a36dedd4bea2543; theme=dark"}};
const std::vector<std::pair<std::string, std::string>> kResponse = {
    {":status", "200"}, {"content-type", "text/html; charset=utf-8"}, {"content-length", "100"}};

// ---- h2 ----------------------------------------------------------------------------------

// How our side runs: receive_data's vector or visitor form (each event handed to a callback
// frame by frame; the same work either way), and whether repeated header lists are sent from
// the remembered block (H2Configuration::memoize_header_blocks, on by default).
struct H2Options {
  bool visitor = false;
  bool memoize = true;
};

h2::H2Configuration make_config(bool client_side, const H2Options& options) {
  h2::H2Configuration c;
  c.client_side = client_side;
  c.memoize_header_blocks = options.memoize;
  return c;
}

struct H2Pair {
  bool visitor = false;
  h2::H2Connection client;
  h2::H2Connection server;
  std::vector<h2::Header> request, response;
  uint64_t responses = 0;

  explicit H2Pair(const H2Options& options)
      : visitor(options.visitor),
        client(make_config(true, options)),
        server(make_config(false, options)) {
    for (const auto& [n, v] : kRequest) request.push_back({n, v, false});
    for (const auto& [n, v] : kResponse) response.push_back({n, v, false});
    client.initiate_connection();
    server.initiate_connection();
    pump();
  }

  // One side's output goes straight into the other side's receive_data, as nghttp2's
  // mem_send buffer goes to mem_recv below: a data_to_send view stays valid until its own
  // connection queues more output, and the reacting side only writes to its own buffer.
  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      if (client.outbound_buffer_size()) {
        if (visitor) {
          server.receive_data(client.data_to_send(),
                              [this](const h2::Event& e) { on_server_event(e); });
        } else {
          for (const h2::Event& e : server.receive_data(client.data_to_send())) on_server_event(e);
        }
        moved = true;
      }
      if (server.outbound_buffer_size()) {
        if (visitor) {
          client.receive_data(server.data_to_send(),
                              [this](const h2::Event& e) { on_client_event(e); });
        } else {
          for (const h2::Event& e : client.receive_data(server.data_to_send())) on_client_event(e);
        }
        moved = true;
      }
    }
  }

  void on_server_event(const h2::Event& e) {
    if (const auto* r = std::get_if<h2::RequestReceived>(&e)) {
      server.send_headers(r->stream_id, response);
      server.send_data(r->stream_id, h2::as_bytes(kBody), true);
    }
  }

  void on_client_event(const h2::Event& e) {
    if (const auto* d = std::get_if<h2::DataReceived>(&e)) {
      client.acknowledge_received_data(d->flow_controlled_length, d->stream_id);
    } else if (std::holds_alternative<h2::StreamEnded>(e)) {
      ++responses;
    }
  }

  // One round: kInFlight requests sent together, all answered.
  void round() {
    for (int i = 0; i < kInFlight; ++i)
      client.send_headers(client.get_next_available_stream_id(), request, true);
    pump();
  }
};

// visitor: receive_data's visitor form on both sides, else the vector form.
void run_h2_exchanges(benchmark::State& state, const H2Options& options) {
  H2Pair pair(options);
  pair.round();  // warm-up: tables, pools and buffers reach their size
  uint64_t rounds = 0;
  const uint64_t allocs_before = g_allocations.load();
  for (auto _ : state) {
    pair.round();
    ++rounds;
    // Stream ids run out after ~10M exchanges: start a fresh pair well before (untimed).
    if (pair.client.get_next_available_stream_id() > 0x7fff0000u - 2 * kInFlight) {
      state.PauseTiming();
      pair.~H2Pair();
      new (&pair) H2Pair(options);
      state.ResumeTiming();
    }
  }
  const uint64_t allocs = g_allocations.load() - allocs_before;
  const auto exchanges = static_cast<double>(rounds * kInFlight);
  state.SetItemsProcessed(static_cast<int64_t>(rounds * kInFlight));
  state.counters["allocs/exchange"] = static_cast<double>(allocs) / exchanges;
  if (pair.responses < rounds * kInFlight) state.SkipWithError("responses missing");
}

// ---- nghttp2 -----------------------------------------------------------------------------

// nghttp2 allocates with malloc through its nghttp2_mem hooks: count those calls too, so the
// allocations-per-exchange figures compare like with like.
void* ng_malloc(size_t size, void*) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size);
}
void ng_free(void* ptr, void*) {
  std::free(ptr);
}
void* ng_calloc(size_t n, size_t size, void*) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::calloc(n, size);
}
void* ng_realloc(void* ptr, size_t size, void*) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(ptr, size);
}
nghttp2_mem counting_mem{nullptr, ng_malloc, ng_free, ng_calloc, ng_realloc};

ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                  nghttp2_data_source*, void*) {
  const size_t n = std::min(length, kBodySize);
  std::memcpy(buf, kBody.data(), n);
  *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

struct NgPair {
  nghttp2_session* client = nullptr;
  nghttp2_session* server = nullptr;
  std::vector<nghttp2_nv> request, response;
  uint64_t responses = 0;

  static nghttp2_nv nv(const std::pair<std::string, std::string>& p) {
    return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(p.first.data())),
                      reinterpret_cast<uint8_t*>(const_cast<char*>(p.second.data())),
                      p.first.size(), p.second.size(),
                      NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE};
  }

  static int on_server_frame(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* self = static_cast<NgPair*>(user);
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
      nghttp2_data_provider provider{};
      provider.read_callback = read_body;
      nghttp2_submit_response(session, frame->hd.stream_id, self->response.data(),
                              self->response.size(), &provider);
    }
    return 0;
  }
  static int on_client_close(nghttp2_session*, int32_t, uint32_t, void* user) {
    ++static_cast<NgPair*>(user)->responses;
    return 0;
  }
  static int on_client_data(nghttp2_session*, uint8_t, int32_t, const uint8_t*, size_t, void*) {
    return 0;  // automatic WINDOW_UPDATE (nghttp2's default) plays the role of acknowledging
  }

  NgPair() {
    for (const auto& p : kRequest) request.push_back(nv(p));
    for (const auto& p : kResponse) response.push_back(nv(p));
    nghttp2_session_callbacks* cb;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_server_frame);
    nghttp2_session_server_new3(&server, cb, this, nullptr, &counting_mem);
    nghttp2_session_callbacks_del(cb);
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_client_close);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_client_data);
    nghttp2_session_client_new3(&client, cb, this, nullptr, &counting_mem);
    nghttp2_session_callbacks_del(cb);
    nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}};
    nghttp2_submit_settings(server, NGHTTP2_FLAG_NONE, iv, 1);
    nghttp2_submit_settings(client, NGHTTP2_FLAG_NONE, nullptr, 0);
    pump();
  }
  ~NgPair() {
    nghttp2_session_del(client);
    nghttp2_session_del(server);
  }

  static bool move(nghttp2_session* from, nghttp2_session* to) {
    bool moved = false;
    for (;;) {
      const uint8_t* data;
      const ssize_t n = nghttp2_session_mem_send(from, &data);
      if (n <= 0) break;
      nghttp2_session_mem_recv(to, data, static_cast<size_t>(n));
      moved = true;
    }
    return moved;
  }
  void pump() {
    while (move(client, server) | move(server, client)) {
    }
  }
  void round() {
    for (int i = 0; i < kInFlight; ++i)
      nghttp2_submit_request(client, nullptr, request.data(), request.size(), nullptr, nullptr);
    pump();
  }
};

void BM_Exchange_nghttp2(benchmark::State& state) {
  auto* pair = new NgPair();
  pair->round();
  uint64_t rounds = 0;
  const uint64_t allocs_before = g_allocations.load();
  for (auto _ : state) {
    pair->round();
    ++rounds;
    if (nghttp2_session_get_next_stream_id(pair->client) > 0x7fff0000u - 2 * kInFlight) {
      state.PauseTiming();
      delete pair;
      pair = new NgPair();
      state.ResumeTiming();
    }
  }
  const uint64_t allocs = g_allocations.load() - allocs_before;
  const auto exchanges = static_cast<double>(rounds * kInFlight);
  state.SetItemsProcessed(static_cast<int64_t>(rounds * kInFlight));
  state.counters["allocs/exchange"] = static_cast<double>(allocs) / exchanges;
  if (pair->responses < rounds * kInFlight) state.SkipWithError("responses missing");
  delete pair;
}

void BM_Exchange_h2(benchmark::State& state) {
  run_h2_exchanges(state, H2Options{});
}
void BM_Exchange_h2_visitor(benchmark::State& state) {
  run_h2_exchanges(state, H2Options{.visitor = true, .memoize = true});
}
// Every header block normalized, validated and encoded anew, as nghttp2 encodes every block.
void BM_Exchange_h2_no_memo(benchmark::State& state) {
  run_h2_exchanges(state, H2Options{.visitor = false, .memoize = false});
}

BENCHMARK(BM_Exchange_h2);
BENCHMARK(BM_Exchange_h2_visitor);
BENCHMARK(BM_Exchange_h2_no_memo);
BENCHMARK(BM_Exchange_nghttp2);

}  // namespace

// `bench_exchange --rounds=N [--memo=0|1]`: N rounds of the h2 pair and nothing else, for
// counting instructions under callgrind (deterministic where wall time on a shared machine is
// not): the difference between two round counts, divided by the exchanges between them, is
// the cost per exchange without the set-up (docs/performance.md has the command).
static int count_rounds(int argc, char** argv) {
  long rounds = -1;
  bool memo = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--rounds=", 0) == 0) rounds = std::stol(arg.substr(9));
    if (arg == "--memo=0") memo = false;
  }
  if (rounds < 0) return -1;
  H2Pair pair(H2Options{.visitor = false, .memoize = memo});
  for (long i = 0; i < rounds; ++i) pair.round();
  std::cout << pair.responses << " responses\n";
  return pair.responses == static_cast<uint64_t>(rounds) * kInFlight ? 0 : 1;
}

int main(int argc, char** argv) {
  if (const int rc = count_rounds(argc, argv); rc >= 0) return rc;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  h2bench::RatioReporter reporter("h2", "nghttp2",
                                  {{"exchanges/s (100 in flight)", "BM_Exchange_h2",
                                    "BM_Exchange_nghttp2", "items_per_second", 1e-6, "M/s"},
                                   {"exchanges/s, visitor receive_data", "BM_Exchange_h2_visitor",
                                    "BM_Exchange_nghttp2", "items_per_second", 1e-6, "M/s"},
                                   {"exchanges/s, header-block memo off", "BM_Exchange_h2_no_memo",
                                    "BM_Exchange_nghttp2", "items_per_second", 1e-6, "M/s"}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios(std::cout);
  benchmark::Shutdown();
  return 0;
}
