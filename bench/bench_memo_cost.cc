// What the header-block memos (H2Configuration::memoize_header_blocks) cost when nothing
// repeats: a client and a server H2Connection joined by buffers, 100 streams in flight, every
// request with its own :path and every response with one of 50 content-lengths, so no block
// is ever the same as the one before. The memos go cold (proto/src/memo_policy.h) and should
// cost close to nothing; bench_exchange measures what they save when blocks do repeat.
//
//   bench_memo_cost                        memos on beside memos off, with the ratio
//   bench_memo_cost --rounds=N --memo=0|1  N rounds and nothing else (for callgrind)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "h2/connection.h"
#include "ratio_reporter.h"

namespace {

constexpr int kInFlight = 100;
const std::string kBody(150, 'b');

class VaryingPair {
 public:
  explicit VaryingPair(bool memoize)
      : client_(config(true, memoize)), server_(config(false, memoize)) {
    client_.initiate_connection();
    server_.initiate_connection();
    pump();
  }

  // kInFlight requests, each for a path never asked before, all answered.
  void round() {
    for (int i = 0; i < kInFlight; ++i) {
      path_ = "/items/" + std::to_string(next_item_++);
      const h2::Header request[] = {
          {":method", "GET", false},
          {":scheme", "https", false},
          {":authority", "www.example.com", false},
          {":path", path_, false},
          {"user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101", false},
          {"accept", "*/*", false}};
      client_.send_headers(client_.get_next_available_stream_id(), request, true);
    }
    pump();
  }

  uint64_t responses() const { return responses_; }

 private:
  static h2::H2Configuration config(bool client_side, bool memoize) {
    h2::H2Configuration c;
    c.client_side = client_side;
    c.memoize_header_blocks = memoize;
    return c;
  }

  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      if (client_.outbound_buffer_size()) {
        for (const h2::Event& e : server_.receive_data(client_.data_to_send()))
          if (const auto* r = std::get_if<h2::RequestReceived>(&e)) answer(r->stream_id);
        moved = true;
      }
      if (server_.outbound_buffer_size()) {
        for (const h2::Event& e : client_.receive_data(server_.data_to_send())) {
          if (const auto* d = std::get_if<h2::DataReceived>(&e))
            client_.acknowledge_received_data(d->flow_controlled_length, d->stream_id);
          else if (std::holds_alternative<h2::StreamEnded>(e))
            ++responses_;
        }
        moved = true;
      }
    }
  }

  void answer(uint32_t stream_id) {
    const size_t length = 100 + stream_id % 50;
    length_ = std::to_string(length);
    const h2::Header response[] = {{":status", "200", false},
                                   {"content-type", "text/html; charset=utf-8", false},
                                   {"content-length", length_, false}};
    server_.send_headers(stream_id, response);
    server_.send_data(stream_id, h2::as_bytes(std::string_view(kBody).substr(0, length)), true);
  }

  h2::H2Connection client_, server_;
  std::string path_, length_;
  uint64_t next_item_ = 0;
  uint64_t responses_ = 0;
};

void run(benchmark::State& state, bool memoize) {
  VaryingPair pair(memoize);
  pair.round();
  uint64_t rounds = 0;
  for (auto _ : state) {
    pair.round();
    ++rounds;
  }
  state.SetItemsProcessed(static_cast<int64_t>(rounds * kInFlight));
  if (pair.responses() < (rounds + 1) * kInFlight) state.SkipWithError("responses missing");
}

void BM_Varying_memo_on(benchmark::State& state) { run(state, true); }
void BM_Varying_memo_off(benchmark::State& state) { run(state, false); }
BENCHMARK(BM_Varying_memo_on);
BENCHMARK(BM_Varying_memo_off);

// `--rounds=N [--memo=0|1]`: N rounds and nothing else; -1 when not asked for.
int count_rounds(int argc, char** argv) {
  long rounds = -1;
  bool memoize = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--rounds=", 0) == 0) rounds = std::stol(arg.substr(9));
    if (arg.rfind("--memo=", 0) == 0) memoize = arg.substr(7) != "0";
  }
  if (rounds < 0) return -1;
  VaryingPair pair(memoize);
  for (long i = 0; i < rounds; ++i) pair.round();
  return pair.responses() == static_cast<uint64_t>(rounds) * kInFlight ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (const int rc = count_rounds(argc, argv); rc >= 0) return rc;
  benchmark::Initialize(&argc, argv);
  h2bench::RatioReporter reporter(
      "memos on", "memos off",
      {{"exchanges/s, nothing repeats", "BM_Varying_memo_on", "BM_Varying_memo_off",
        "items_per_second", 1e-6, "M/s"}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios(std::cout);
  return 0;
}
