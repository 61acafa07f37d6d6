// HPACK throughput: h2::hpack beside libnghttp2's HPACK on the hpack-test-case corpus.
//
// Decode: every encoded story of nghttp2, nghttp2-change-table-size, go-hpack and python-hpack;
// one iteration decodes all of them, each story from a fresh context, honouring
// header_table_size. Encode: every raw-data story, one fresh context per story. Input is loaded
// and hex-decoded before timing, and checked once (both libraries must decode what the other
// encodes) so the figures compare correct work. After the run a "Ratios" block compares the
// pairs that ran, so --benchmark_filter subsets still get their summary.
//
// The corpus is looked up in $H2_SHARED_DIR/hpack-test-case, else in the folder configured as
// H2_BENCH_SHARED_DIR.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <nghttp2/nghttp2.h>
#include <nlohmann/json.hpp>

#include "h2/byte_buffer.h"
#include "h2/hpack.h"
#include "ratio_reporter.h"

#ifndef H2_BENCH_SHARED_DIR
#define H2_BENCH_SHARED_DIR "../shared"
#endif

namespace {

namespace fs = std::filesystem;
using h2::hpack::EncoderStrategy;
using h2::hpack::HeaderField;

struct Header {
  std::string name;
  std::string value;
  friend bool operator==(const Header&, const Header&) = default;
};
using HeaderList = std::vector<Header>;

// One encoded case of a story.
struct Block {
  std::optional<uint32_t> table_size;
  std::vector<uint8_t> wire;
  HeaderList headers;
};

struct WireStory {
  std::string path;
  std::vector<Block> blocks;
};

// One raw-data case with views over its headers in each library's shape. The views point into
// `headers`, so they are bound once the corpus is in its final place (see bind_views).
struct HeaderSet {
  HeaderList headers;
  std::vector<HeaderField> fields;
  std::vector<nghttp2_nv> nvs;
};

struct RawStory {
  std::string path;
  std::vector<HeaderSet> sets;
};

struct Corpus {
  std::vector<WireStory> wire_stories;
  size_t wire_bytes = 0;
  size_t wire_headers = 0;
  std::vector<RawStory> raw_stories;
  size_t raw_headers = 0;
};

Corpus& corpus() {
  static Corpus instance;
  return instance;
}

// ---------------------------------------------------------------------------------------------
// Loading

std::vector<uint8_t> parse_hex(std::string_view hex) {
  auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<uint8_t>(c - 'A' + 10);
    return 0xff;
  };
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    uint8_t hi = nibble(hex[i]);
    uint8_t lo = nibble(hex[i + 1]);
    if (hi > 0xf || lo > 0xf || hex.size() % 2 != 0) {
      throw std::invalid_argument("bad hex in wire");
    }
    bytes.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return bytes;
}

std::vector<fs::path> story_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::invalid_argument("no story files in " + dir.string());
  return files;
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

HeaderList parse_headers(const nlohmann::json& list) {
  HeaderList headers;
  for (const nlohmann::json& h : list) {
    for (const auto& [name, value] : h.items()) headers.push_back({name, value.get<std::string>()});
  }
  return headers;
}

void bind_views(HeaderSet& set) {
  for (Header& h : set.headers) {
    set.fields.push_back({h.name, h.value});
    set.nvs.push_back({reinterpret_cast<uint8_t*>(h.name.data()),
                       reinterpret_cast<uint8_t*>(h.value.data()), h.name.size(), h.value.size(),
                       NGHTTP2_NV_FLAG_NONE});
  }
}

void load_corpus(const fs::path& root) {
  Corpus& c = corpus();
  for (const char* implementation :
       {"nghttp2", "nghttp2-change-table-size", "go-hpack", "python-hpack"}) {
    for (const fs::path& path : story_files(root / implementation)) {
      WireStory story{path.string(), {}};
      const nlohmann::json json = read_json(path);  // not a temporary in the loop: C++20 range-for
      for (const nlohmann::json& item : json.at("cases")) {
        Block block;
        if (item.contains("header_table_size")) {
          block.table_size = item.at("header_table_size").get<uint32_t>();
        }
        block.wire = parse_hex(item.at("wire").get<std::string>());
        block.headers = parse_headers(item.at("headers"));
        c.wire_bytes += block.wire.size();
        c.wire_headers += block.headers.size();
        story.blocks.push_back(std::move(block));
      }
      c.wire_stories.push_back(std::move(story));
    }
  }
  for (const fs::path& path : story_files(root / "raw-data")) {
    RawStory story{path.string(), {}};
    const nlohmann::json json = read_json(path);
    for (const nlohmann::json& item : json.at("cases")) {
      story.sets.push_back({parse_headers(item.at("headers")), {}, {}});
      c.raw_headers += story.sets.back().headers.size();
    }
    c.raw_stories.push_back(std::move(story));
  }
  for (RawStory& story : c.raw_stories) {
    for (HeaderSet& set : story.sets) bind_views(set);
  }
}

// ---------------------------------------------------------------------------------------------
// libnghttp2 glue

struct InflaterDelete {
  void operator()(nghttp2_hd_inflater* p) const { nghttp2_hd_inflate_del(p); }
};
struct DeflaterDelete {
  void operator()(nghttp2_hd_deflater* p) const { nghttp2_hd_deflate_del(p); }
};
using Inflater = std::unique_ptr<nghttp2_hd_inflater, InflaterDelete>;
using Deflater = std::unique_ptr<nghttp2_hd_deflater, DeflaterDelete>;

Inflater new_inflater() {
  nghttp2_hd_inflater* p = nullptr;
  if (nghttp2_hd_inflate_new(&p) != 0) std::abort();
  return Inflater(p);
}

Deflater new_deflater() {
  nghttp2_hd_deflater* p = nullptr;
  if (nghttp2_hd_deflate_new(&p, 4096) != 0) std::abort();
  return Deflater(p);
}

// Inflates one complete block, calling on_header(nv) per field; false on a decoding error.
template <typename OnHeader>
bool inflate_block(nghttp2_hd_inflater* inflater, h2::Bytes block, OnHeader&& on_header) {
  const uint8_t* in = block.data();
  size_t left = block.size();
  for (;;) {
    nghttp2_nv nv;
    int flags = 0;
    ssize_t used = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, in, left, /*in_final=*/1);
    if (used < 0) return false;
    in += used;
    left -= static_cast<size_t>(used);
    if (flags & NGHTTP2_HD_INFLATE_EMIT) on_header(nv);
    if (flags & NGHTTP2_HD_INFLATE_FINAL) {
      nghttp2_hd_inflate_end_headers(inflater);
      return true;
    }
    if (used == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT)) return false;  // no progress
  }
}

// Deflates one block into the front of `buffer` (grown only when the bound needs it, so a
// reused buffer costs nothing per block); the encoded length, or nothing on error.
std::optional<size_t> deflate_block(nghttp2_hd_deflater* deflater,
                                    const std::vector<nghttp2_nv>& nvs,
                                    std::vector<uint8_t>& buffer) {
  size_t bound = nghttp2_hd_deflate_bound(deflater, nvs.data(), nvs.size());
  if (buffer.size() < bound) buffer.resize(bound);
  ssize_t written =
      nghttp2_hd_deflate_hd(deflater, buffer.data(), buffer.size(), nvs.data(), nvs.size());
  if (written < 0) return std::nullopt;
  return static_cast<size_t>(written);
}

// ---------------------------------------------------------------------------------------------
// One-off correctness check before timing: each library decodes the corpus to its headers, and
// decodes what the other library's encoder produced from raw-data.

std::optional<HeaderList> decode_with_h2(h2::hpack::Decoder& decoder, h2::Bytes block) {
  std::vector<HeaderField> fields;
  if (decoder.decode(block, fields)) return std::nullopt;
  HeaderList out;
  for (const HeaderField& f : fields) out.push_back({std::string(f.name), std::string(f.value)});
  return out;
}

std::optional<HeaderList> decode_with_nghttp2(nghttp2_hd_inflater* inflater, h2::Bytes block) {
  HeaderList out;
  bool ok = inflate_block(inflater, block, [&out](const nghttp2_nv& nv) {
    out.push_back({std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                   std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen)});
  });
  if (!ok) return std::nullopt;
  return out;
}

bool expect(const std::optional<HeaderList>& got, const HeaderList& want, std::string_view what,
            const std::string& path, size_t index) {
  if (got && *got == want) return true;
  std::cerr << "bench_hpack: sanity check failed: " << what << ", " << path << " case " << index
            << ": " << (got ? "got " + std::to_string(got->size()) + " headers" : "decode error")
            << ", expected " << want.size() << " headers\n";
  return false;
}

bool sanity_check() {
  for (const WireStory& story : corpus().wire_stories) {
    h2::hpack::Decoder decoder;
    Inflater inflater = new_inflater();
    for (size_t i = 0; i < story.blocks.size(); ++i) {
      const Block& b = story.blocks[i];
      if (b.table_size) {
        decoder.set_max_allowed_table_size(*b.table_size);
        nghttp2_hd_inflate_change_table_size(inflater.get(), *b.table_size);
      }
      if (!expect(decode_with_h2(decoder, b.wire), b.headers, "h2 decode", story.path, i) ||
          !expect(decode_with_nghttp2(inflater.get(), b.wire), b.headers, "nghttp2 decode",
                  story.path, i)) {
        return false;
      }
    }
  }
  for (const RawStory& story : corpus().raw_stories) {
    h2::hpack::Encoder ours_default(EncoderStrategy::kDefault);
    h2::hpack::Encoder ours_python(EncoderStrategy::kPythonHpack);
    Inflater inflate_default = new_inflater();
    Inflater inflate_python = new_inflater();
    Deflater deflater = new_deflater();
    h2::hpack::Decoder decoder;
    for (size_t i = 0; i < story.sets.size(); ++i) {
      const HeaderSet& set = story.sets[i];
      h2::ByteBuffer block;
      ours_default.encode(set.fields, block);
      if (!expect(decode_with_nghttp2(inflate_default.get(), block.view()), set.headers,
                  "h2 kDefault encode, nghttp2 decode", story.path, i)) {
        return false;
      }
      block.clear();
      ours_python.encode(set.fields, block);
      if (!expect(decode_with_nghttp2(inflate_python.get(), block.view()), set.headers,
                  "h2 kPythonHpack encode, nghttp2 decode", story.path, i)) {
        return false;
      }
      std::vector<uint8_t> deflated;
      std::optional<HeaderList> decoded;
      if (std::optional<size_t> size = deflate_block(deflater.get(), set.nvs, deflated)) {
        decoded = decode_with_h2(decoder, h2::Bytes(deflated.data(), *size));
      }
      if (!expect(decoded, set.headers, "nghttp2 encode, h2 decode", story.path, i)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

void set_header_counters(benchmark::State& state, size_t headers_per_iteration) {
  double headers =
      static_cast<double>(headers_per_iteration) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(headers));
  // Seconds per header (a rate, inverted); the console prints it with an SI prefix ("152n").
  state.counters["time/header"] =
      benchmark::Counter(headers, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Decode_h2(benchmark::State& state) {
  const Corpus& c = corpus();
  std::vector<HeaderField> out;
  out.reserve(128);
  bool failed = false;
  for (auto _ : state) {
    for (const WireStory& story : c.wire_stories) {
      h2::hpack::Decoder decoder;
      for (const Block& b : story.blocks) {
        if (b.table_size) decoder.set_max_allowed_table_size(*b.table_size);
        failed |= static_cast<bool>(decoder.decode(b.wire, out));
        benchmark::DoNotOptimize(out.data());
      }
    }
    if (failed) {
      state.SkipWithError("h2 decode failed");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(c.wire_bytes) * state.iterations());
  set_header_counters(state, c.wire_headers);
}

void BM_Decode_nghttp2(benchmark::State& state) {
  const Corpus& c = corpus();
  bool ok = true;
  for (auto _ : state) {
    for (const WireStory& story : c.wire_stories) {
      Inflater inflater = new_inflater();
      for (const Block& b : story.blocks) {
        if (b.table_size) nghttp2_hd_inflate_change_table_size(inflater.get(), *b.table_size);
        ok &= inflate_block(inflater.get(), b.wire,
                            [](const nghttp2_nv& nv) { benchmark::DoNotOptimize(nv.value); });
      }
    }
    if (!ok) {
      state.SkipWithError("nghttp2 decode failed");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(c.wire_bytes) * state.iterations());
  set_header_counters(state, c.wire_headers);
}

void BM_Encode_h2(benchmark::State& state, EncoderStrategy strategy) {
  const Corpus& c = corpus();
  h2::ByteBuffer out(64 * 1024);
  double encoded = 0;
  for (auto _ : state) {
    for (const RawStory& story : c.raw_stories) {
      h2::hpack::Encoder encoder(strategy);
      for (const HeaderSet& set : story.sets) {
        out.clear();
        encoder.encode(set.fields, out);
        encoded += static_cast<double>(out.size());
        benchmark::DoNotOptimize(out.data());
      }
    }
  }
  set_header_counters(state, c.raw_headers);
  state.counters["encoded_bytes"] = benchmark::Counter(encoded, benchmark::Counter::kAvgIterations);
}

void BM_Encode_nghttp2(benchmark::State& state) {
  const Corpus& c = corpus();
  std::vector<uint8_t> out(64 * 1024);
  double encoded = 0;
  bool ok = true;
  for (auto _ : state) {
    for (const RawStory& story : c.raw_stories) {
      Deflater deflater = new_deflater();
      for (const HeaderSet& set : story.sets) {
        std::optional<size_t> size = deflate_block(deflater.get(), set.nvs, out);
        ok &= size.has_value();
        encoded += static_cast<double>(size.value_or(0));
        benchmark::DoNotOptimize(out.data());
      }
    }
    if (!ok) {
      state.SkipWithError("nghttp2 encode failed");
      break;
    }
  }
  set_header_counters(state, c.raw_headers);
  state.counters["encoded_bytes"] = benchmark::Counter(encoded, benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_Decode_h2);
BENCHMARK(BM_Decode_nghttp2);
BENCHMARK_CAPTURE(BM_Encode_h2, default, EncoderStrategy::kDefault);
BENCHMARK_CAPTURE(BM_Encode_h2, python, EncoderStrategy::kPythonHpack);
BENCHMARK(BM_Encode_nghttp2);

// ---------------------------------------------------------------------------------------------
// Reporting

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const char* shared = std::getenv("H2_SHARED_DIR");
  fs::path root = fs::path(shared ? shared : H2_BENCH_SHARED_DIR) / "hpack-test-case";
  try {
    load_corpus(root);
  } catch (const std::exception& e) {
    std::cerr << "bench_hpack: cannot load the corpus from " << root << ": " << e.what() << "\n";
    return 1;
  }
  const Corpus& c = corpus();
  std::cout << "corpus: " << c.wire_stories.size() << " encoded stories (" << c.wire_bytes
            << " wire bytes, " << c.wire_headers << " headers), " << c.raw_stories.size()
            << " raw stories (" << c.raw_headers << " headers)\n";
  if (!sanity_check()) return 1;

  h2bench::RatioReporter reporter(
      "h2", "nghttp2",
      {{"decode throughput", "BM_Decode_h2", "BM_Decode_nghttp2", "bytes_per_second", 1e-6, "MB/s"},
       {"decode time per header", "BM_Decode_h2", "BM_Decode_nghttp2", "time/header", 1e9, "ns"},
       {"encode kDefault headers/s", "BM_Encode_h2/default", "BM_Encode_nghttp2",
        "items_per_second", 1e-6, "M/s"},
       {"encode kPythonHpack headers/s", "BM_Encode_h2/python", "BM_Encode_nghttp2",
        "items_per_second", 1e-6, "M/s"},
       {"encoded size kDefault", "BM_Encode_h2/default", "BM_Encode_nghttp2", "encoded_bytes", 1,
        "B", true},
       {"encoded size kPythonHpack", "BM_Encode_h2/python", "BM_Encode_nghttp2", "encoded_bytes", 1,
        "B", true}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios(std::cout);
  benchmark::Shutdown();
  return 0;
}
