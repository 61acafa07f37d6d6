// hpack-check: runs hpack-test-case story files through h2::hpack.
//
// Decode mode checks that every case's `wire` decodes to its `headers`, one Decoder per story
// (the cases of a story share one compression context). Encode mode (--encode) encodes every
// case's `headers` with each EncoderStrategy and decodes the result back, which also works on
// raw-data/ stories that carry no wire. The last line is always "N passed, M failed".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "h2/byte_buffer.h"
#include "h2/error_code.h"
#include "h2/hpack.h"

namespace {

namespace fs = std::filesystem;
using h2::hpack::HeaderField;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kUsage =
    "usage: hpack-check [--encode] PATH...\n"
    "\n"
    "Checks hpack-test-case story files (PATH is a story .json or a folder searched\n"
    "recursively for *.json). Each story gets one compression context.\n"
    "\n"
    "  (default)  decode each case's \"wire\" and compare with its \"headers\"\n"
    "  --encode   encode each case's \"headers\" (strategies kDefault, then kPythonHpack)\n"
    "             and decode them back\n"
    "  --help     print this help\n"
    "\n"
    "Prints one line per failing story, then \"N passed, M failed\".\n"
    "Exit status: 0 all passed, 1 a story failed, 2 usage error.\n";

struct Header {
  std::string name;
  std::string value;
};

struct Case {
  int64_t seqno = 0;
  std::optional<uint32_t> header_table_size;
  std::vector<uint8_t> wire;
  std::vector<Header> headers;
};

// Why a story failed; `seqno` is absent when the file itself is at fault.
struct Failure {
  std::optional<int64_t> seqno;
  std::string reason;
};

std::optional<std::vector<uint8_t>> parse_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return bytes;
}

// Reads one story; in decode mode every case must carry a hex `wire`.
std::optional<Failure> load_story(const fs::path& path, bool need_wire, std::vector<Case>& cases) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Failure{std::nullopt, "cannot open file"};
  nlohmann::json story = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (story.is_discarded()) return Failure{std::nullopt, "invalid JSON"};
  if (!story.is_object() || !story.contains("cases") || !story["cases"].is_array()) {
    return Failure{std::nullopt, "invalid story: no \"cases\" array"};
  }
  int64_t index = 0;
  for (const nlohmann::json& item : story["cases"]) {
    Case c;
    c.seqno = index++;
    auto bad = [&c](std::string what) { return Failure{c.seqno, "invalid story: " + what}; };
    if (!item.is_object()) return bad("case is not an object");
    if (auto it = item.find("seqno"); it != item.end()) {
      if (!it->is_number_integer()) return bad("seqno is not an integer");
      c.seqno = it->get<int64_t>();
    }
    if (auto it = item.find("header_table_size"); it != item.end()) {
      if (!it->is_number_unsigned() || it->get<uint64_t>() > UINT32_MAX) {
        return bad("header_table_size is not a 32-bit unsigned integer");
      }
      c.header_table_size = it->get<uint32_t>();
    }
    if (auto it = item.find("wire"); it != item.end()) {
      std::optional<std::vector<uint8_t>> wire;
      if (it->is_string()) wire = parse_hex(it->get_ref<const std::string&>());
      if (!wire) return bad("wire is not a hex string");
      c.wire = std::move(*wire);
    } else if (need_wire) {
      return bad("no wire");
    }
    auto headers = item.find("headers");
    if (headers == item.end() || !headers->is_array()) return bad("no \"headers\" array");
    for (const nlohmann::json& h : *headers) {
      if (!h.is_object() || h.size() != 1 || !h.begin().value().is_string()) {
        return bad("header is not a single-key object with a string value");
      }
      c.headers.push_back({h.begin().key(), h.begin().value().get<std::string>()});
    }
    cases.push_back(std::move(c));
  }
  return std::nullopt;
}

// Quotes a name or value for a one-line report, escaping bytes that are not printable ASCII.
std::string printable(std::string_view s) {
  constexpr size_t kMaxShown = 60;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
    auto byte = static_cast<unsigned char>(s[i]);
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += static_cast<char>(byte);
    } else if (byte >= 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", byte);
      out += buf;
    }
  }
  if (s.size() > kMaxShown) out += "...";
  return out + "\"";
}

// Compares in order and byte for byte; never_indexed is deliberately not compared.
std::optional<std::string> compare(const std::vector<HeaderField>& got,
                                   const std::vector<Header>& expected) {
  for (size_t i = 0; i < got.size() && i < expected.size(); ++i) {
    if (got[i].name != expected[i].name || got[i].value != expected[i].value) {
      return "header " + std::to_string(i) + ": got " + printable(got[i].name) + ": " +
             printable(got[i].value) + ", expected " + printable(expected[i].name) + ": " +
             printable(expected[i].value);
    }
  }
  if (got.size() != expected.size()) {
    return "got " + std::to_string(got.size()) + " headers, expected " +
           std::to_string(expected.size());
  }
  return std::nullopt;
}

// Decodes one block and compares it; the reason on failure.
std::optional<std::string> decode_and_compare(h2::hpack::Decoder& decoder, h2::Bytes block,
                                              const std::vector<Header>& expected,
                                              std::vector<HeaderField>& scratch) {
  h2::hpack::DecodeError error = decoder.decode(block, scratch);
  if (error) {
    return "decode error " + std::string(h2::hpack::describe(error.kind)) + " (" +
           std::string(h2::error_code_name(error.code())) + ") at offset " +
           std::to_string(error.offset);
  }
  return compare(scratch, expected);
}

std::optional<Failure> check_decode(const std::vector<Case>& cases) {
  h2::hpack::Decoder decoder;
  std::vector<HeaderField> decoded;
  for (const Case& c : cases) {
    if (c.header_table_size) decoder.set_max_allowed_table_size(*c.header_table_size);
    if (auto reason = decode_and_compare(decoder, c.wire, c.headers, decoded)) {
      return Failure{c.seqno, std::move(*reason)};
    }
  }
  return std::nullopt;
}

std::optional<Failure> check_round_trip(const std::vector<Case>& cases,
                                        h2::hpack::EncoderStrategy strategy,
                                        std::string_view strategy_name) {
  h2::hpack::Encoder encoder(strategy);
  h2::hpack::Decoder decoder;
  h2::ByteBuffer block;
  std::vector<HeaderField> fields;
  std::vector<HeaderField> decoded;
  for (const Case& c : cases) {
    // A SETTINGS_HEADER_TABLE_SIZE change is seen by both ends before this block.
    if (c.header_table_size) {
      encoder.set_max_table_size(*c.header_table_size);
      decoder.set_max_allowed_table_size(*c.header_table_size);
    }
    fields.clear();
    for (const Header& h : c.headers) fields.push_back({h.name, h.value});
    block.clear();
    encoder.encode(fields, block);
    if (auto reason = decode_and_compare(decoder, block.view(), c.headers, decoded)) {
      return Failure{c.seqno, std::string(strategy_name) + ": " + *reason};
    }
  }
  return std::nullopt;
}

std::optional<Failure> check_story(const fs::path& path, bool encode) {
  std::vector<Case> cases;
  if (auto failure = load_story(path, /*need_wire=*/!encode, cases)) return failure;
  if (!encode) return check_decode(cases);
  if (auto failure = check_round_trip(cases, h2::hpack::EncoderStrategy::kDefault, "kDefault")) {
    return failure;
  }
  return check_round_trip(cases, h2::hpack::EncoderStrategy::kPythonHpack, "kPythonHpack");
}

// Expands the arguments into story files: folders give their *.json, sorted, recursively.
std::optional<std::string> collect_stories(const std::vector<std::string>& args,
                                           std::vector<fs::path>& stories) {
  for (const std::string& arg : args) {
    std::error_code ec;
    fs::file_status status = fs::status(arg, ec);
    if (fs::is_regular_file(status)) {
      stories.emplace_back(arg);
    } else if (fs::is_directory(status)) {
      std::vector<fs::path> found;
      for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".json") {
          found.push_back(it->path());
        }
      }
      if (ec) return "cannot read " + arg + ": " + ec.message();
      std::sort(found.begin(), found.end());
      stories.insert(stories.end(), found.begin(), found.end());
    } else {
      return "cannot read " + arg + (ec ? ": " + ec.message() : ": not a file or folder");
    }
  }
  if (stories.empty()) return "no story files found";
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  bool encode = false;
  bool options_done = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done || arg.empty() || arg[0] != '-') {
      paths.emplace_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "--encode") {
      encode = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "hpack-check: unknown option " << arg << "\n" << kUsage;
      return kExitUsage;
    }
  }
  if (paths.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::vector<fs::path> stories;
  if (auto error = collect_stories(paths, stories)) {
    std::cerr << "hpack-check: " << *error << "\n";
    return kExitUsage;
  }

  size_t passed = 0;
  size_t failed = 0;
  for (const fs::path& story : stories) {
    std::optional<Failure> failure = check_story(story, encode);
    if (!failure) {
      ++passed;
      continue;
    }
    ++failed;
    std::cout << story.string() << ": ";
    if (failure->seqno) std::cout << "case " << *failure->seqno << ": ";
    std::cout << failure->reason << "\n";
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : kExitFailed;
}
