// Every encoded story of hpack-test-case decodes to exactly its headers.
#include <gtest/gtest.h>

#include "proto/hpack_test_util.h"

namespace h2::hpack {
namespace {

constexpr const char* kEncodedDirs[] = {"nghttp2", "nghttp2-change-table-size", "go-hpack",
                                        "python-hpack"};

std::vector<std::string> encoded_stories() {
  std::vector<std::string> all;
  for (const char* dir : kEncodedDirs) {
    for (std::string& name : testing::story_names(dir)) all.push_back(std::move(name));
  }
  return all;
}

TEST(HpackCorpus, EveryEncodedFolderHasStories) {
  for (const char* dir : kEncodedDirs) {
    EXPECT_FALSE(testing::story_names(dir).empty()) << dir << " under " << testing::corpus_dir();
  }
  EXPECT_FALSE(testing::story_names("raw-data").empty());
}

class HpackCorpusDecode : public ::testing::TestWithParam<std::string> {};

TEST_P(HpackCorpusDecode, DecodesEveryCaseToItsHeaders) {
  const testing::Story story = testing::load_story(GetParam());
  ASSERT_FALSE(story.cases.empty());
  Decoder decoder;
  std::vector<HeaderField> out;
  for (size_t i = 0; i < story.cases.size(); ++i) {
    const testing::StoryCase& c = story.cases[i];
    SCOPED_TRACE("case " + std::to_string(i));
    if (c.header_table_size) decoder.set_max_allowed_table_size(*c.header_table_size);
    const DecodeError err = decoder.decode(c.wire, out);
    ASSERT_FALSE(err) << describe(err.kind) << " at " << err.offset;
    ASSERT_EQ(testing::own(out), c.headers);
  }
}

INSTANTIATE_TEST_SUITE_P(Stories, HpackCorpusDecode, ::testing::ValuesIn(encoded_stories()),
                         [](const auto& story) { return testing::param_name(story.param); });

}  // namespace
}  // namespace h2::hpack
