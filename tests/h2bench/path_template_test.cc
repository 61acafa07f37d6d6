#include "path_template.h"

#include <gtest/gtest.h>

#include <vector>

namespace h2bench {
namespace {

TEST(PathTemplate, WithoutPlaceholderRendersTheTextItself) {
  const PathTemplate path("/index.html");
  EXPECT_FALSE(path.has_placeholder());
  EXPECT_EQ(path.render(42, {}), "/index.html");
}

TEST(PathTemplate, ReplacesThePlaceholderWithTheSequence) {
  const PathTemplate path("/item/{n}?v=1");
  std::vector<char> buffer(path.max_rendered_size());
  EXPECT_EQ(path.render(0, buffer), "/item/0?v=1");
  EXPECT_EQ(path.render(12345, buffer), "/item/12345?v=1");
}

TEST(PathTemplate, ReplacesEveryPlaceholder) {
  const PathTemplate path("/{n}/x/{n}");
  std::vector<char> buffer(path.max_rendered_size());
  EXPECT_EQ(path.render(7, buffer), "/7/x/7");
}

TEST(PathTemplate, LargestSequenceFitsTheAdvertisedBuffer) {
  const PathTemplate path("{n}{n}");
  std::vector<char> buffer(path.max_rendered_size());
  EXPECT_EQ(path.render(UINT64_MAX, buffer), "1844674407370955161518446744073709551615");
}

TEST(PathTemplate, OtherBracesAreLiteral) {
  const PathTemplate path("/{x}/{n");
  EXPECT_FALSE(path.has_placeholder());
  EXPECT_EQ(path.render(1, {}), "/{x}/{n");
}

}  // namespace
}  // namespace h2bench
