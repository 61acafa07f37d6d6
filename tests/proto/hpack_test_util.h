// Helpers shared by the HPACK tests: hex conversion and the hpack-test-case story loader.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "h2/hpack.h"

namespace h2::hpack::testing {

inline std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int high = -1;
  for (char c : hex) {
    const int v = nibble(c);
    if (v < 0) continue;  // spaces allowed
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

inline std::string to_hex(Bytes bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// Owning header list (the decoder's output is views).
using OwnedHeaders = std::vector<std::pair<std::string, std::string>>;

inline OwnedHeaders own(const std::vector<HeaderField>& fields) {
  OwnedHeaders out;
  for (const HeaderField& f : fields) out.emplace_back(f.name, f.value);
  return out;
}

inline std::vector<HeaderField> view(const OwnedHeaders& headers) {
  std::vector<HeaderField> out;
  for (const auto& [name, value] : headers) out.push_back({name, value, false});
  return out;
}

struct StoryCase {
  std::optional<uint32_t> header_table_size;
  std::vector<uint8_t> wire;  // empty in raw-data stories
  OwnedHeaders headers;
};

struct Story {
  std::string name;  // "<dir>/<file>"
  std::vector<StoryCase> cases;
};

inline std::filesystem::path corpus_dir() {
  return std::filesystem::path(H2_SHARED_DIR) / "hpack-test-case";
}

// Story files of one implementation folder, sorted so test names are stable.
inline std::vector<std::string> story_names(std::string_view dir) {
  std::vector<std::string> names;
  const auto folder = corpus_dir() / dir;
  if (!std::filesystem::is_directory(folder)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with("story_") && file.ends_with(".json")) {
      names.push_back(std::string(dir) + "/" + file);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline Story load_story(const std::string& name) {
  std::ifstream in(corpus_dir() / name);
  const nlohmann::json json = nlohmann::json::parse(in);
  Story story{name, {}};
  for (const auto& c : json.at("cases")) {
    StoryCase sc;
    if (c.contains("header_table_size"))
      sc.header_table_size = c["header_table_size"].get<uint32_t>();
    if (c.contains("wire")) sc.wire = from_hex(c["wire"].get<std::string>());
    for (const auto& h : c.at("headers")) {
      for (const auto& [k, v] : h.items()) sc.headers.emplace_back(k, v.get<std::string>());
    }
    story.cases.push_back(std::move(sc));
  }
  return story;
}

// A gtest-friendly parameter name: "nghttp2/story_00.json" -> "nghttp2_story_00".
inline std::string param_name(const std::string& story) {
  std::string out;
  for (char c : story.substr(0, story.size() - 5)) {
    out.push_back((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c
                                                                                             : '_');
  }
  return out;
}

}  // namespace h2::hpack::testing
