// Encoder strategies: representation choices, size updates, and corpus round trips.
#include <gtest/gtest.h>

#include "proto/hpack_test_util.h"
#include "hpack/hash.h"
#include "hpack/static_table.h"

namespace h2::hpack {
namespace {

using testing::from_hex;
using testing::OwnedHeaders;
using testing::to_hex;

std::string encode_hex(Encoder& encoder, const std::vector<HeaderField>& fields) {
  ByteBuffer out;
  encoder.encode(fields, out);
  return to_hex(out.view());
}

// ---- kPythonHpack -------------------------------------------------------------------------

TEST(HpackPythonEncoder, HuffmanCodesEveryLiteralEvenWhenLonger) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  // "\n" has a 30-bit code (3ffffffc): 4 Huffman bytes instead of 1 raw byte, still Huffman.
  EXPECT_EQ(encode_hex(encoder, {{"x", "\n", false}}), "4081f384fffffff3");
}

TEST(HpackPythonEncoder, EmptyValueFullMatchIsEncodedAsNameMatch) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  // ":authority" "" is static entry 1 in full, but python tests the value's truthiness.
  EXPECT_EQ(encode_hex(encoder, {{":authority", "", false}}), "4180");
  EXPECT_EQ(encoder.table_entries(), 1u);
  // Now in the dynamic table too, and still encoded as a literal (static wins the search).
  EXPECT_EQ(encode_hex(encoder, {{":authority", "", false}}), "4180");
  EXPECT_EQ(encoder.table_entries(), 2u);
}

TEST(HpackPythonEncoder, EmptyValueDynamicFullMatchUsesItsIndex) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  EXPECT_EQ(encode_hex(encoder, {{"x", "", false}}), "4081f380");
  EXPECT_EQ(encode_hex(encoder, {{"x", "", false}}), "7e80");  // literal, name index 62
}

TEST(HpackPythonEncoder, SensitiveUsesNeverIndexedAndIsNotAdded) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  EXPECT_EQ(encode_hex(encoder, {{"authorization", "s", true}}), "1f088147");
  EXPECT_EQ(encoder.table_entries(), 0u);
  EXPECT_EQ(encode_hex(encoder, {{"x", "s", true}}).substr(0, 2), "10");
  EXPECT_EQ(encoder.table_entries(), 0u);
}

TEST(HpackPythonEncoder, SensitiveFullMatchIsStillIndexed) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  EXPECT_EQ(encode_hex(encoder, {{":method", "GET", true}}), "82");
}

TEST(HpackPythonEncoder, StaticPartialBeatsNewerDynamicNameMatch) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  encode_hex(encoder, {{"cache-control", "a", false}});
  // Name index 24 (static), not 62 (dynamic "cache-control").
  EXPECT_EQ(encode_hex(encoder, {{"cache-control", "b", false}}).substr(0, 2), "58");
}

TEST(HpackPythonEncoder, EmitsEverySizeChangeInOrder) {
  Encoder encoder(EncoderStrategy::kPythonHpack);
  encoder.set_max_table_size(100);
  encoder.set_max_table_size(100);  // no change, not recorded
  encoder.set_max_table_size(4096);
  EXPECT_EQ(encode_hex(encoder, {{":method", "GET", false}}),
            "3f45"
            "3fe11f"
            "82");
  EXPECT_EQ(encode_hex(encoder, {{":method", "GET", false}}), "82");
}

TEST(HpackPythonEncoder, SameSizeCallAfterAChangeHoldsTheChangesBack) {
  // python-hpack emits its recorded changes only if the *last* size assignment changed the
  // size; they wait for the next change and then all go out (checked against python3-hpack).
  Encoder encoder(EncoderStrategy::kPythonHpack);
  encoder.set_max_table_size(100);
  encoder.set_max_table_size(4096);
  encoder.set_max_table_size(4096);
  EXPECT_EQ(encode_hex(encoder, {{":method", "GET", false}}), "82");
  encoder.set_max_table_size(200);
  EXPECT_EQ(encode_hex(encoder, {{":method", "GET", false}}), "3f453fe11f3fa90182");
}

// ---- kDefault -----------------------------------------------------------------------------

TEST(HpackDefaultEncoder, HuffmanOnlyWhenShorter) {
  Encoder encoder;
  EXPECT_EQ(encode_hex(encoder, {{"x", "\n", false}}),
            "4001780"
            "10a");
  EXPECT_EQ(encode_hex(encoder, {{"custom-key", "custom-value", false}}),
            "408825a849e95ba97d7f8925a849e95bb8e8b4bf");
}

TEST(HpackDefaultEncoder, RepeatedFieldBecomesIndexed) {
  Encoder encoder;
  encode_hex(encoder, {{"custom-key", "custom-value", false}});
  EXPECT_EQ(encode_hex(encoder, {{"custom-key", "custom-value", false}}), "be");
  EXPECT_EQ(encode_hex(encoder, {{":authority", "", false}}), "81");  // static full match
}

TEST(HpackDefaultEncoder, CredentialsAndShortCookiesAreNeverIndexed) {
  Encoder encoder;
  for (const char* name : {"authorization", "proxy-authorization"}) {
    for (int i = 0; i < 2; ++i) {
      const std::string hex = encode_hex(encoder, {{name, "secret", false}});
      EXPECT_EQ(hex[0], '1') << name;  // 0001xxxx
    }
  }
  EXPECT_EQ(encode_hex(encoder, {{"cookie", "a=b", false}}).substr(0, 2), "1f");
  EXPECT_EQ(encoder.table_entries(), 0u);
  // A long cookie is indexed.
  EXPECT_EQ(encode_hex(encoder, {{"cookie", std::string(20, 'a'), false}}).substr(0, 2), "60");
  EXPECT_EQ(encoder.table_entries(), 1u);
  // never_indexed wins even on a full match.
  EXPECT_EQ(encode_hex(encoder, {{":method", "GET", true}}).substr(0, 2), "12");
}

TEST(HpackDefaultEncoder, VolatileFieldsAreNotIndexed) {
  Encoder encoder;
  for (const char* name : {":path", "age", "content-length", "etag", "if-modified-since",
                           "if-none-match", "location", "set-cookie"}) {
    const std::string hex = encode_hex(encoder, {{name, "/some/value", false}});
    EXPECT_EQ(hex[0], '0') << name;  // 0000xxxx: without indexing
  }
  EXPECT_EQ(encoder.table_entries(), 0u);
}

TEST(HpackDefaultEncoder, HugeEntriesAreNotIndexed) {
  Encoder encoder;
  encode_hex(encoder, {{"x", std::string(3100, 'a'), false}});  // > 3/4 of 4096
  EXPECT_EQ(encoder.table_entries(), 0u);
  encode_hex(encoder, {{"x", std::string(3000, 'a'), false}});
  EXPECT_EQ(encoder.table_entries(), 1u);
}

TEST(HpackDefaultEncoder, SizeUpdatesSignalMinimumThenFinal) {
  Encoder encoder;
  encoder.set_max_table_size(0);
  encoder.set_max_table_size(100);
  encoder.set_max_table_size(4096);
  EXPECT_EQ(encode_hex(encoder, {}),
            "20"
            "3fe11f");
  encoder.set_max_table_size(100);
  EXPECT_EQ(encode_hex(encoder, {}), "3f45");
  EXPECT_EQ(encode_hex(encoder, {}), "");
}

TEST(HpackDefaultEncoder, ShrinkingEvictsAndDecoderAgrees) {
  Encoder encoder;
  Decoder decoder;
  const std::vector<HeaderField> fields{{"a", "1", false}, {"b", "2", false}, {"c", "3", false}};
  ByteBuffer out;
  encoder.encode(fields, out);
  std::vector<HeaderField> decoded;
  ASSERT_FALSE(decoder.decode(out.view(), decoded));
  encoder.set_max_table_size(70);  // room for two 34-byte entries
  decoder.set_max_allowed_table_size(70);
  EXPECT_EQ(encoder.table_entries(), 2u);
  out.clear();
  encoder.encode(fields, out);
  ASSERT_FALSE(decoder.decode(out.view(), decoded));
  EXPECT_EQ(testing::own(decoded), testing::own(fields));
  EXPECT_EQ(decoder.table_entries(), encoder.table_entries());
}

// ---- Corpus -------------------------------------------------------------------------------

class HpackCorpusRoundTrip
    : public ::testing::TestWithParam<std::tuple<std::string, EncoderStrategy>> {};

TEST_P(HpackCorpusRoundTrip, EncodesAndDecodesEveryCase) {
  const auto& [name, strategy] = GetParam();
  const testing::Story story = testing::load_story(name);
  ASSERT_FALSE(story.cases.empty());
  Encoder encoder(strategy);
  Decoder decoder;
  ByteBuffer out;
  std::vector<HeaderField> decoded;
  for (size_t i = 0; i < story.cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const std::vector<HeaderField> fields = testing::view(story.cases[i].headers);
    out.clear();
    encoder.encode(fields, out);
    const DecodeError err = decoder.decode(out.view(), decoded);
    ASSERT_FALSE(err) << describe(err.kind);
    ASSERT_EQ(testing::own(decoded), story.cases[i].headers);
    ASSERT_EQ(decoder.table_size(), encoder.table_size());
  }
}

std::string strategy_name(EncoderStrategy s) {
  return s == EncoderStrategy::kDefault ? "Default" : "PythonHpack";
}

INSTANTIATE_TEST_SUITE_P(RawData, HpackCorpusRoundTrip,
                         ::testing::Combine(::testing::ValuesIn(testing::story_names("raw-data")),
                                            ::testing::Values(EncoderStrategy::kDefault,
                                                              EncoderStrategy::kPythonHpack)),
                         [](const auto& param) {
                           return testing::param_name(std::get<0>(param.param)) + "_" +
                                  strategy_name(std::get<1>(param.param));
                         });

TEST(HpackCorpus, RawDataHasStories) {
  EXPECT_FALSE(testing::story_names("raw-data").empty());
}

// The python-hpack folder says "Python HPACK library, version 2.3.0"; its choices for these
// stories (Huffman everywhere, index every literal, static partial first) are the ones 4.x
// still makes, and every case is reproduced exactly, so the whole folder is asserted.
class HpackPythonCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(HpackPythonCorpus, ReproducesWireByteForByte) {
  const testing::Story story = testing::load_story(GetParam());
  ASSERT_FALSE(story.cases.empty());
  Encoder encoder(EncoderStrategy::kPythonHpack);
  for (size_t i = 0; i < story.cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const std::vector<HeaderField> fields = testing::view(story.cases[i].headers);
    ByteBuffer out;
    encoder.encode(fields, out);
    ASSERT_EQ(to_hex(out.view()), to_hex(story.cases[i].wire));
  }
}

INSTANTIATE_TEST_SUITE_P(Stories, HpackPythonCorpus,
                         ::testing::ValuesIn(testing::story_names("python-hpack")),
                         [](const auto& story) { return testing::param_name(story.param); });

}  // namespace
}  // namespace h2::hpack

namespace h2::hpack {
namespace {

// encode() with the caller's static-name indices produces the very bytes of encode(), and
// leaves the table in the same state, block after block.
TEST(HpackEncoderStaticNames, SameBytesAsTheEncoderOwnLookup) {
  Encoder plain, hinted;
  const std::vector<std::vector<HeaderField>> blocks = {
      {{":method", "GET", false}, {":scheme", "https", false}, {":path", "/", false},
       {":authority", "example.com", false}, {"user-agent", "ua/1", false},
       {"cookie", "short", false}, {"cookie", "a-much-longer-cookie-value=1234", false},
       {"authorization", "secret", false}, {"x-custom", "v", false}, {"te", "trailers", false}},
      {{":status", "200", false}, {":status", "201", false}, {"content-length", "100", false},
       {"content-type", "text/html", true}, {"x-custom", "v", false}, {"x-custom", "w", false},
       {"proxy-authorization", "p", false}, {"set-cookie", "id=1", false}, {"etag", "e", false}},
      {{":method", "POST", false}, {"x-custom", "v", false}, {"user-agent", "ua/1", false},
       {"accept-encoding", "gzip, deflate", false}, {"connection", "close", false}},
  };
  for (int pass = 0; pass < 3; ++pass) {
    for (const auto& block : blocks) {
      std::vector<uint8_t> names;
      for (const HeaderField& f : block)
        names.push_back(detail::find_static_name(f.name, detail::hash_string(f.name)).first);
      ByteBuffer a, b;
      plain.encode(block, a);
      hinted.encode(block, names, b);
      EXPECT_EQ(to_hex(a.view()), to_hex(b.view())) << "pass " << pass;
      EXPECT_EQ(plain.table_entries(), hinted.table_entries());
      EXPECT_EQ(plain.table_size(), hinted.table_size());
    }
  }
}

TEST(HpackEncoderStaticNames, ValuesAboveTheStaticTableMeanNotStatic) {
  Encoder plain, hinted;
  const std::vector<HeaderField> block = {{"te", "trailers", false}, {"x-a", "1", false}};
  const std::vector<uint8_t> names = {62, 200};
  ByteBuffer a, b;
  plain.encode(block, a);
  hinted.encode(block, names, b);
  EXPECT_EQ(to_hex(a.view()), to_hex(b.view()));
}

}  // namespace
}  // namespace h2::hpack

namespace h2::hpack {
namespace {

// The default encoder first tries the entry each position matched last time. Fields that move
// between positions, values that change in place, entries evicted by a shrinking table and
// size updates must all still decode to what was sent (a stale entry taken for a match would
// decode to another field).
TEST(HpackEncoderPositionMemo, RoundTripsWhateverMovesAndIsEvicted) {
  Encoder encoder;
  Decoder decoder;
  std::vector<std::string> values = {"alpha-value-long-enough-to-matter-0123456789", "beta",
                                     "gamma-gamma-gamma", "delta"};
  const std::vector<std::string> names = {"x-field-0", "x-field-1", "x-field-2", "x-field-3"};
  const std::vector<std::string> agents = {"agent/0", "agent/1", "agent/2"};
  auto block_of = [&](size_t rotate, int round) {
    std::vector<HeaderField> b;  // views into names, values and agents
    for (size_t i = 0; i < values.size(); ++i) {
      const size_t k = (i + rotate) % values.size();
      b.push_back({names[k], values[k], false});
    }
    b.push_back({"user-agent", agents[static_cast<size_t>(round) % agents.size()], false});
    return b;
  };
  for (int round = 0; round < 200; ++round) {
    if (round % 17 == 5) values[static_cast<size_t>(round) % values.size()] += "+";
    if (round == 60) {
      encoder.set_max_table_size(128);  // evicts most entries
      decoder.set_max_allowed_table_size(128);
    }
    if (round == 120) {
      encoder.set_max_table_size(4096);
      decoder.set_max_allowed_table_size(4096);
    }
    const std::vector<HeaderField> block = block_of(static_cast<size_t>(round / 7), round);
    ByteBuffer out;
    encoder.encode(block, out);
    std::vector<HeaderField> decoded;
    ASSERT_FALSE(decoder.decode(out.view(), decoded)) << "round " << round;
    ASSERT_EQ(decoded, block) << "round " << round;
  }
}

// The position memo matches a static name by the static index kept with each entry, other
// names by their bytes: the same value at the same position under another name (static or
// not, spelled out or looked up by token) must not be taken for a match.
TEST(HpackEncoderPositionMemo, SameValueUnderAnotherNameIsNoMatch) {
  Encoder encoder;
  Decoder decoder;
  const std::string value = "a value long enough to be indexed";
  const std::vector<std::string> names = {"accept",          "accept-language", "x-custom",
                                          "accept",          "x-other",         "accept-charset",
                                          "accept-language", "x-custom"};
  for (size_t round = 0; round < names.size(); ++round) {
    const std::vector<HeaderField> block = {{names[round], value, false}};
    ByteBuffer out;
    if (round % 2 == 0) {
      encoder.encode(block, out);
    } else {  // the connection's form: the name's static index given by the caller
      const auto range = detail::find_static_name(names[round], detail::hash_string(names[round]));
      const std::vector<uint8_t> static_names = {range.first};
      encoder.encode(block, static_names, out);
    }
    std::vector<HeaderField> decoded;
    ASSERT_FALSE(decoder.decode(out.view(), decoded)) << names[round];
    ASSERT_EQ(decoded, block) << names[round];
  }
}

}  // namespace
}  // namespace h2::hpack
