// Frame reading: our incremental Reader over a stream of DATA frames and over a mix of small
// HEADERS and DATA frames, beside libnghttp2 receiving the same bytes in the same run.
//
// Not the same work on both sides, and the ratio must be read with that in mind: our Reader
// only cuts frames and validates them; nghttp2_session_mem_recv is the smallest public entry
// to nghttp2's frame parser and also runs stream state, flow control and (for HEADERS) HPACK.
// The figure that matters here is ours in absolute terms (target: >= 10 GB/s over DATA) and
// the allocation count per frame (target: 0).
#include <benchmark/benchmark.h>
#include <nghttp2/nghttp2.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "counting_new.h"
#include "h2/frame.h"
#include "h2/frame_reader.h"
#include "ratio_reporter.h"

using h2bench::g_allocations;  // counting_new.h: every operator new of this process

namespace {

using namespace h2::frame;

constexpr size_t kReadChunk = 64 * 1024;  // what one recv into a provided buffer might return

struct Workload {
  std::string frames;            // frames only
  std::string session_prologue;  // what nghttp2 needs first (preface, SETTINGS ACK, HEADERS)
  size_t frame_count = 0;
};

// A request with a big body: `count` DATA frames of `size` bytes on stream 1.
Workload data_workload(size_t count, size_t size) {
  Workload w;
  h2::ByteBuffer b;
  std::string payload(size, 'x');
  // The request's HEADERS (POST http /) go in the prologue: only nghttp2 needs them.
  write_headers(b, 1, h2::as_bytes(std::string_view("\x83\x86\x84")), false);
  w.session_prologue.assign(b.string_view());
  b.clear();
  for (size_t i = 0; i < count; ++i) write_data(b, 1, h2::as_bytes(payload), i + 1 == count);
  w.frames.assign(b.string_view());
  w.frame_count = count;
  return w;
}

// Many small requests: HEADERS (a 21-byte block, like a compressed GET) + 100-byte DATA each.
Workload mixed_workload(size_t requests) {
  Workload w;
  h2::ByteBuffer b;
  // :method POST, :scheme http, :path /, then literal "x-pad: ..." (never indexed): 21 bytes.
  const std::string block = std::string("\x83\x86\x84\x10\x05x-pad\x0a", 11) + "0123456789";
  const std::string body(100, 'b');
  for (size_t i = 0; i < requests; ++i) {
    const auto stream = static_cast<uint32_t>(1 + 2 * i);
    write_headers(b, stream, h2::as_bytes(block), false);
    write_data(b, stream, h2::as_bytes(body), true);
  }
  w.frames.assign(b.string_view());
  w.frame_count = 2 * requests;
  return w;
}

void read_with_reader(benchmark::State& state, const Workload& w) {
  Reader reader(kLargestMaxFrameSize);
  uint64_t frames = 0, data_bytes = 0;
  const uint64_t allocs_before = g_allocations.load();
  for (auto _ : state) {
    h2::Bytes all = h2::as_bytes(w.frames);
    while (!all.empty()) {
      h2::Bytes input = all.first(std::min(kReadChunk, all.size()));
      all = all.subspan(input.size());
      for (;;) {
        Reader::Result r = reader.next(input);
        if (r.status == Reader::Status::kNeedMore) break;
        if (r.status != Reader::Status::kFrame) {
          state.SkipWithError("reader error");
          return;
        }
        if (const auto* d = std::get_if<DataFrame>(&r.frame)) {
          data_bytes += d->data.size();
          frames += d->last;
        } else {
          ++frames;
        }
      }
    }
  }
  const uint64_t allocs = g_allocations.load() - allocs_before;
  benchmark::DoNotOptimize(data_bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * w.frames.size()));
  state.SetItemsProcessed(static_cast<int64_t>(frames));
  state.counters["allocs/frame"] = static_cast<double>(allocs) / static_cast<double>(frames);
}

// nghttp2 server session fed the same bytes. Its windows are opened to the maximum first so
// flow control does not stop it; the session is recreated each iteration.
int on_data_chunk(nghttp2_session*, uint8_t, int32_t, const uint8_t*, size_t len, void* user) {
  *static_cast<uint64_t*>(user) += len;
  return 0;
}

void read_with_nghttp2(benchmark::State& state, const Workload& w) {
  nghttp2_session_callbacks* callbacks;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
  if (std::getenv("H2_BENCH_DEBUG"))
    nghttp2_session_callbacks_set_error_callback2(
        callbacks, [](nghttp2_session*, int code, const char* msg, size_t len, void*) {
          std::cerr << "nghttp2: " << code << " " << std::string(msg, len) << "\n";
          return 0;
        });
  nghttp2_option* option;
  nghttp2_option_new(&option);
  nghttp2_option_set_no_auto_window_update(option, 1);
  nghttp2_option_set_max_deflate_dynamic_table_size(option, 0);
  nghttp2_option_set_no_http_messaging(option, 1);  // compare framing, not HTTP rules

  std::string prologue(kClientPreface);
  h2::ByteBuffer b;
  write_settings(b, {});
  write_settings_ack(b);  // acknowledges the window settings submitted below
  prologue.append(b.string_view());
  prologue.append(w.session_prologue);
  uint64_t data_bytes = 0;
  uint64_t expected_data_bytes = 0;
  {
    Reader reader(kLargestMaxFrameSize);
    h2::Bytes input = h2::as_bytes(w.frames);
    for (Reader::Result r; (r = reader.next(input)).status == Reader::Status::kFrame;)
      if (const auto* d = std::get_if<DataFrame>(&r.frame)) expected_data_bytes += d->data.size();
  }
  for (auto _ : state) {
    state.PauseTiming();
    nghttp2_session* session;
    nghttp2_session_server_new2(&session, callbacks, &data_bytes, option);
    nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 0x7fffffff},
                                   {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 0x7fffffff},
                                   {NGHTTP2_SETTINGS_MAX_FRAME_SIZE, (1 << 24) - 1}};
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, iv, 3);
    nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, 0x7fffffff);
    if (nghttp2_session_mem_recv(session, reinterpret_cast<const uint8_t*>(prologue.data()),
                                 prologue.size()) < 0) {
      state.SkipWithError("nghttp2 rejected the prologue");
      break;
    }
    state.ResumeTiming();
    const auto* p = reinterpret_cast<const uint8_t*>(w.frames.data());
    size_t left = w.frames.size();
    while (left) {
      size_t n = std::min(kReadChunk, left);
      ssize_t rv = nghttp2_session_mem_recv(session, p, n);
      if (rv < 0 || static_cast<size_t>(rv) != n) {
        state.SkipWithError(nghttp2_strerror(static_cast<int>(rv)));
        break;
      }
      p += n;
      left -= n;
    }
    state.PauseTiming();
    // nghttp2 swallows input silently after a connection error: make sure it did the work.
    if (data_bytes != expected_data_bytes || !nghttp2_session_want_read(session)) {
      if (std::getenv("H2_BENCH_DEBUG"))
        std::cerr << data_bytes << " vs " << expected_data_bytes << " want_read "
                  << nghttp2_session_want_read(session) << "\n";
      state.SkipWithError("nghttp2 did not accept the whole stream");
      nghttp2_session_del(session);
      break;
    }
    data_bytes = 0;
    nghttp2_session_del(session);
    state.ResumeTiming();
  }
  benchmark::DoNotOptimize(data_bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * w.frames.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.frame_count));
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
}

const Workload& data_16k() {
  static const Workload w = data_workload(256, 16384);  // 4 MiB request body
  return w;
}
const Workload& mixed() {
  static const Workload w = mixed_workload(2000);
  return w;
}

void BM_ReadData16K_h2(benchmark::State& s) {
  read_with_reader(s, data_16k());
}
void BM_ReadData16K_nghttp2(benchmark::State& s) {
  read_with_nghttp2(s, data_16k());
}
void BM_ReadMixed_h2(benchmark::State& s) {
  read_with_reader(s, mixed());
}
void BM_ReadMixed_nghttp2(benchmark::State& s) {
  read_with_nghttp2(s, mixed());
}

BENCHMARK(BM_ReadData16K_h2);
BENCHMARK(BM_ReadData16K_nghttp2);
BENCHMARK(BM_ReadMixed_h2);
BENCHMARK(BM_ReadMixed_nghttp2);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  h2bench::RatioReporter reporter("h2", "nghttp2",
                                  {{"DATA 16 KiB frames, throughput", "BM_ReadData16K_h2",
                                    "BM_ReadData16K_nghttp2", "bytes_per_second", 1e-9, "GB/s"},
                                   {"HEADERS+DATA mix, frames/s", "BM_ReadMixed_h2",
                                    "BM_ReadMixed_nghttp2", "items_per_second", 1e-6, "M/s"}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios(std::cout);
  benchmark::Shutdown();
  return 0;
}
