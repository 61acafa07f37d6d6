// field_name::classify: one token per header name, shared by the header rules and the HPACK
// encoder (proto/src/field_name.h).
#include "field_name.h"

#include <gtest/gtest.h>

#include <string>

#include "bytes_equal.h"
#include "hpack/static_table.h"

namespace h2 {
namespace {

using hpack::detail::kStaticTable;
using hpack::detail::kStaticTableSize;

TEST(FieldName, EveryStaticNameGetsTheIndexOfItsFirstEntry) {
  for (size_t i = 1; i <= kStaticTableSize; ++i) {
    size_t first = i;
    while (first > 1 && kStaticTable[first - 1].name == kStaticTable[i].name) --first;
    EXPECT_EQ(field_name::classify(kStaticTable[i].name), first) << kStaticTable[i].name;
    EXPECT_EQ(field_name::static_index(field_name::classify(kStaticTable[i].name)), first);
  }
}

TEST(FieldName, NamedTokensMatchTheirNames) {
  EXPECT_EQ(field_name::classify(":authority"), field_name::kAuthority);
  EXPECT_EQ(field_name::classify(":method"), field_name::kMethod);
  EXPECT_EQ(field_name::classify(":path"), field_name::kPath);
  EXPECT_EQ(field_name::classify(":scheme"), field_name::kScheme);
  EXPECT_EQ(field_name::classify(":status"), field_name::kStatus);
  EXPECT_EQ(field_name::classify(":protocol"), field_name::kProtocol);
  EXPECT_EQ(field_name::classify("authorization"), field_name::kAuthorization);
  EXPECT_EQ(field_name::classify("proxy-authorization"), field_name::kProxyAuthorization);
  EXPECT_EQ(field_name::classify("content-length"), field_name::kContentLength);
  EXPECT_EQ(field_name::classify("cookie"), field_name::kCookie);
  EXPECT_EQ(field_name::classify("host"), field_name::kHost);
  EXPECT_EQ(field_name::classify("te"), field_name::kTe);
  EXPECT_EQ(field_name::classify("connection"), field_name::kConnection);
  EXPECT_EQ(field_name::classify("keep-alive"), field_name::kKeepAlive);
  EXPECT_EQ(field_name::classify("proxy-connection"), field_name::kProxyConnection);
  EXPECT_EQ(field_name::classify("upgrade"), field_name::kUpgrade);
  EXPECT_EQ(field_name::classify("transfer-encoding"), field_name::kTransferEncoding);
  // Names outside the static table have no static index.
  for (field_name::Token t = field_name::kTe; t <= field_name::kLastToken; ++t)
    EXPECT_EQ(field_name::static_index(t), 0) << int{t};
}

TEST(FieldName, MatchingIsExact) {
  for (const char* name : {"", "Cookie", "COOKIE", "cookie ", " cookie", "cookies", "cooki",
                           ":Path", ":pat", ":paths", "x-custom", "te ", "TE", "t",
                           "content-lengtH", "content-lengths", "user-agent2", ":protocoL",
                           "www-authenticatE", "access-control-allow-origin-", "a:b"}) {
    EXPECT_EQ(field_name::classify(name), field_name::kOther) << name;
  }
  // Same length and first byte as a known name, different elsewhere.
  EXPECT_EQ(field_name::classify("content-lengtx"), field_name::kOther);
  EXPECT_EQ(field_name::classify("coolie"), field_name::kOther);
  EXPECT_EQ(field_name::classify(std::string(":status").substr(0, 6) + "x"), field_name::kOther);
  EXPECT_EQ(field_name::classify(std::string(200, 'a')), field_name::kOther);
  EXPECT_EQ(field_name::classify(std::string("cookie\0", 7)), field_name::kOther);
}

TEST(FieldName, Predicates) {
  for (const char* name : {"connection", "keep-alive", "proxy-connection", "upgrade",
                           "transfer-encoding"})
    EXPECT_TRUE(field_name::is_connection_specific(field_name::classify(name))) << name;
  for (const char* name : {"te", "cookie", "x", ":path"})
    EXPECT_FALSE(field_name::is_connection_specific(field_name::classify(name))) << name;
  for (const char* name : {":authority", ":method", ":path", ":scheme", ":status", ":protocol"})
    EXPECT_TRUE(field_name::is_pseudo(field_name::classify(name))) << name;
  for (const char* name : {":custom", "host", "cookie"})
    EXPECT_FALSE(field_name::is_pseudo(field_name::classify(name))) << name;
}

TEST(BytesEqual, EveryLengthAndEveryDifferingPosition) {
  for (size_t n = 0; n < 80; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
    EXPECT_TRUE(detail::bytes_equal(a, std::string(a)));
    for (size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = static_cast<char>(b[i] ^ 0x20);
      EXPECT_FALSE(detail::bytes_equal(a, b)) << n << " " << i;
    }
    EXPECT_FALSE(detail::bytes_equal(a, a + "y"));
  }
}

}  // namespace
}  // namespace h2
