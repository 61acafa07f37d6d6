#include "uri.h"

#include <gtest/gtest.h>

namespace h2bench {
namespace {

Uri parsed(std::string_view text) {
  auto result = parse_uri(text);
  EXPECT_TRUE(std::holds_alternative<Uri>(result)) << text;
  return std::holds_alternative<Uri>(result) ? std::get<Uri>(result) : Uri{};
}

std::string error_of(std::string_view text) {
  auto result = parse_uri(text);
  EXPECT_TRUE(std::holds_alternative<UriError>(result)) << text;
  return std::holds_alternative<UriError>(result) ? std::get<UriError>(result).message : "";
}

TEST(ParseUri, SplitsHostPortAndPath) {
  const Uri uri = parsed("http://127.0.0.1:8080/index.html?x=1");
  EXPECT_EQ(uri.host, "127.0.0.1");
  EXPECT_EQ(uri.port, 8080);
  EXPECT_EQ(uri.authority, "127.0.0.1:8080");
  EXPECT_EQ(uri.path, "/index.html?x=1");
}

TEST(ParseUri, DefaultsPortTo80AndPathToSlash) {
  const Uri uri = parsed("http://example.test");
  EXPECT_EQ(uri.port, 80);
  EXPECT_EQ(uri.path, "/");
  EXPECT_EQ(uri.authority, "example.test");
}

TEST(ParseUri, SchemeIsCaseInsensitive) { EXPECT_EQ(parsed("HTTP://h/").scheme, "http"); }

TEST(ParseUri, AcceptsIpv6Literals) {
  const Uri uri = parsed("http://[::1]:9000/a");
  EXPECT_EQ(uri.host, "::1");
  EXPECT_EQ(uri.port, 9000);
  EXPECT_EQ(uri.authority, "[::1]:9000");
}

TEST(ParseUri, QueryWithoutPathGetsASlash) { EXPECT_EQ(parsed("http://h?q=1").path, "/?q=1"); }

TEST(ParseUri, DropsTheFragment) { EXPECT_EQ(parsed("http://h/a#frag").path, "/a"); }

TEST(ParseUri, KeepsPathTemplates) { EXPECT_EQ(parsed("http://h/item/{n}").path, "/item/{n}"); }

TEST(ParseUri, RefusesHttpsWithAReason) {
  EXPECT_NE(error_of("https://h/").find("https is not supported"), std::string::npos);
}

TEST(ParseUri, RefusesOtherSchemesAndBadAuthorities) {
  EXPECT_NE(error_of("ftp://h/").find("unsupported scheme"), std::string::npos);
  EXPECT_NE(error_of("h:80/x").find("not a URI"), std::string::npos);
  EXPECT_NE(error_of("http:///path").find("no host"), std::string::npos);
  EXPECT_NE(error_of("http://h:0/").find("bad port"), std::string::npos);
  EXPECT_NE(error_of("http://h:70000/").find("bad port"), std::string::npos);
  EXPECT_NE(error_of("http://h:80x/").find("bad port"), std::string::npos);
  EXPECT_NE(error_of("http://u@h/").find("user information"), std::string::npos);
  EXPECT_NE(error_of("http://[::1/").find("IPv6"), std::string::npos);
}

}  // namespace
}  // namespace h2bench
