// Decoder rules: every error kind with its HTTP/2 code, size updates, header-list limit.
#include <gtest/gtest.h>

#include "h2/arena.h"
#include "hpack/hash.h"
#include "hpack/static_table.h"
#include "proto/hpack_test_util.h"

namespace h2::hpack {
namespace {

using testing::from_hex;

DecodeError decode_hex(Decoder& decoder, std::string_view hex, std::vector<HeaderField>& out,
                       std::vector<uint8_t>& storage) {
  storage = from_hex(hex);
  return decoder.decode(storage, out);
}

DecodeError decode_hex(std::string_view hex) {
  Decoder decoder;
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  return decode_hex(decoder, hex, out, storage);
}

void expect_compression_error(std::string_view hex, DecodeErrorKind kind) {
  const DecodeError err = decode_hex(hex);
  EXPECT_EQ(err.kind, kind) << hex << ": " << describe(err.kind);
  EXPECT_EQ(err.code(), ErrorCode::kCompressionError) << hex;
  EXPECT_EQ(error_code_of(kind), ErrorCode::kCompressionError);
}

TEST(HpackDecoder, EmptyBlockDecodesToNothing) {
  Decoder decoder;
  std::vector<HeaderField> out{{"stale", "x", false}};
  EXPECT_FALSE(decoder.decode({}, out));
  EXPECT_TRUE(out.empty());
}

TEST(HpackDecoder, TruncatedIntegerIsTruncated) {
  expect_compression_error("ff", DecodeErrorKind::kTruncated);  // index continues
  expect_compression_error("41", DecodeErrorKind::kTruncated);  // value length missing
  expect_compression_error("40", DecodeErrorKind::kTruncated);  // name length missing
}

TEST(HpackDecoder, HugeIndexIsIntegerOverflow) {
  expect_compression_error("ffffffffff7f", DecodeErrorKind::kIntegerOverflow);
  expect_compression_error("ff80808080808001", DecodeErrorKind::kIntegerOverflow);
}

TEST(HpackDecoder, IndexZeroIsInvalid) {
  expect_compression_error("80", DecodeErrorKind::kInvalidIndex);
}

TEST(HpackDecoder, IndexPastTablesIsInvalid) {
  expect_compression_error("be", DecodeErrorKind::kInvalidIndex);      // 62, table empty
  expect_compression_error("7e0161", DecodeErrorKind::kInvalidIndex);  // literal name idx 62
}

TEST(HpackDecoder, StringPastEndIsStringTooLong) {
  expect_compression_error("410561", DecodeErrorKind::kStringTooLong);
  expect_compression_error("00ff0061", DecodeErrorKind::kStringTooLong);
}

TEST(HpackDecoder, HuffmanEosIsInvalid) {
  expect_compression_error("4184ffffffff", DecodeErrorKind::kHuffmanInvalid);
}

TEST(HpackDecoder, HuffmanPaddingErrors) {
  expect_compression_error("41821fff", DecodeErrorKind::kHuffmanBadPadding);  // 11 bits
  expect_compression_error("418118", DecodeErrorKind::kHuffmanBadPadding);    // zeros
}

TEST(HpackDecoder, SizeUpdateAfterFieldIsRejected) {
  expect_compression_error("8220", DecodeErrorKind::kSizeUpdateNotAtStart);
}

TEST(HpackDecoder, SeveralSizeUpdatesAtStartAreAllowed) {
  Decoder decoder;
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  ASSERT_FALSE(decode_hex(decoder, "203fe10182", out, storage));  // 0, then 256, then :method
  EXPECT_EQ(decoder.table_capacity(), 256u);
  ASSERT_EQ(out.size(), 1u);
}

TEST(HpackDecoder, SizeUpdateAboveAllowedIsRejected) {
  expect_compression_error("3fe21f", DecodeErrorKind::kSizeUpdateTooLarge);  // 4097
  Decoder decoder;
  decoder.set_max_allowed_table_size(8192);
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  EXPECT_FALSE(decode_hex(decoder, "3fe13f", out, storage));  // 8192 now fine
  EXPECT_EQ(decoder.table_capacity(), 8192u);
}

TEST(HpackDecoder, ShrunkLimitRequiresSizeUpdate) {
  Decoder decoder;
  decoder.set_max_allowed_table_size(100);
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  const DecodeError err = decode_hex(decoder, "82", out, storage);
  EXPECT_EQ(err.kind, DecodeErrorKind::kSizeUpdateMissing);
  EXPECT_EQ(err.code(), ErrorCode::kCompressionError);
}

TEST(HpackDecoder, ShrunkLimitSatisfiedByUpdateAtOrBelowIt) {
  Decoder decoder;
  decoder.set_max_allowed_table_size(100);
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  ASSERT_FALSE(decode_hex(decoder, "3f4582", out, storage));  // update to 100
  EXPECT_EQ(decoder.table_capacity(), 100u);
  ASSERT_FALSE(decode_hex(decoder, "82", out, storage));  // no longer required
}

TEST(HpackDecoder, ShrinkThenGrowRequiresTheMinimum) {
  Decoder decoder;
  decoder.set_max_allowed_table_size(0);
  decoder.set_max_allowed_table_size(4096);
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  // Jumping straight to 4096 skips the eviction the encoder had to do at 0.
  EXPECT_EQ(decode_hex(decoder, "3fe11f82", out, storage).kind,
            DecodeErrorKind::kSizeUpdateMissing);
  Decoder ok;
  ok.set_max_allowed_table_size(0);
  ok.set_max_allowed_table_size(4096);
  EXPECT_FALSE(decode_hex(ok, "203fe11f82", out, storage));
}

TEST(HpackDecoder, RaisedLimitNeedsNoUpdate) {
  Decoder decoder;
  decoder.set_max_allowed_table_size(65536);
  EXPECT_FALSE(decode_hex("82"));
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  EXPECT_FALSE(decode_hex(decoder, "82", out, storage));
}

TEST(HpackDecoder, HeaderListLimitIsEnhanceYourCalm) {
  Decoder decoder;
  decoder.set_max_header_list_size(40);  // ":method: GET" is 7 + 3 + 32 = 42
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  const DecodeError err = decode_hex(decoder, "82", out, storage);
  EXPECT_EQ(err.kind, DecodeErrorKind::kHeaderListTooLarge);
  EXPECT_EQ(err.code(), ErrorCode::kEnhanceYourCalm);
  Decoder exact;
  exact.set_max_header_list_size(42);
  EXPECT_FALSE(decode_hex(exact, "82", out, storage));
}

TEST(HpackDecoder, HpackBombStopsEarly) {
  // One 4000-byte value enters the table, then the block references it 10000 times.
  Decoder decoder;
  std::string block = "4001";
  block += "61";                                  // name "a"
  block += "7f";                                  // value length 127 + ...
  block += "a11e";                                // ... 3873 = 4000 total
  block += std::string(4000 * 2, '6');            // "ffff..." -> 0x66 bytes
  for (int i = 0; i < 10000; ++i) block += "be";  // index 62
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  const DecodeError err = decode_hex(decoder, block, out, storage);
  EXPECT_EQ(err.kind, DecodeErrorKind::kHeaderListTooLarge);
  // 65536 / 4033 per field: the 17th field crosses the limit.
  EXPECT_LT(err.offset, 4010u + 20u);
  EXPECT_LE(out.size(), 17u);
}

TEST(HpackDecoder, NeverIndexedWithIndexedName) {
  Decoder decoder;
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  ASSERT_FALSE(decode_hex(decoder, "1f1003616263", out, storage));  // never, idx 31, "abc"
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (HeaderField{"content-type", "abc", true}));
}

TEST(HpackDecoder, ViewsSurviveEvictionLaterInTheBlock) {
  // Table of 64 bytes: each literal evicts the previous entry, while the output still shows
  // the earlier indexed copy.
  Decoder decoder;
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  // size update 64; add x:1 (34); index it (62); add y:2 (evicts x:1); add z:3 by dynamic
  // name of y (evicts y).
  ASSERT_FALSE(decode_hex(decoder,
                          "3f21"
                          "4001780131"
                          "be"
                          "4001790132"
                          "7e0133",
                          out, storage));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1], (HeaderField{"x", "1", false}));
  EXPECT_EQ(out[3], (HeaderField{"y", "3", false}));
  EXPECT_EQ(decoder.table_entries(), 1u);
}

std::vector<uint8_t> literal_with_indexing(const std::string& name, const std::string& value) {
  // Built with push_back: g++ 12 reports false -Warray-bounds on vector::insert here.
  std::vector<uint8_t> out;
  out.push_back(0x40);
  out.push_back(static_cast<uint8_t>(name.size()));
  for (char c : name) out.push_back(static_cast<uint8_t>(c));
  out.push_back(static_cast<uint8_t>(value.size()));
  for (char c : value) out.push_back(static_cast<uint8_t>(c));
  return out;
}

TEST(HpackDecoder, IndexedViewsSurviveTableStorageMovingInTheBlock) {
  // Indexed fields view the table's bytes; inserting many entries in the same block compacts
  // and regrows that storage. Every earlier field must still read the same.
  Decoder decoder;
  std::vector<HeaderField> out;
  const std::vector<uint8_t> first = literal_with_indexing("k0", std::string(100, 'A'));
  ASSERT_FALSE(decoder.decode(first, out));
  std::vector<uint8_t> block{0xbe};  // k0
  testing::OwnedHeaders expected{{"k0", std::string(100, 'A')}};
  for (int i = 1; i <= 120; ++i) {
    std::string name(1, 'k');  // not "k" + ...: g++ 12 false -Wrestrict
    name += std::to_string(i);
    const std::string value(100, static_cast<char>('A' + i % 26));
    const std::vector<uint8_t> lit = literal_with_indexing(name, value);
    for (uint8_t b : lit) block.push_back(b);
    expected.emplace_back(name, value);
    if (i % 3 == 0) {
      block.push_back(0xbe);  // the entry just added
      expected.emplace_back(name, value);
    }
  }
  ASSERT_FALSE(decoder.decode(block, out));
  EXPECT_EQ(testing::own(out), expected);
}

TEST(HpackDecoder, EntryLargerThanTableEmptiesIt) {
  Decoder decoder;
  std::vector<HeaderField> out;
  std::vector<uint8_t> storage;
  ASSERT_FALSE(decode_hex(decoder,
                          "3f11"
                          "4001780131",
                          out, storage));  // capacity 48, x:1
  EXPECT_EQ(decoder.table_entries(), 1u);
  ASSERT_FALSE(decode_hex(decoder, "40017810" + std::string(32, '6'), out, storage));
  EXPECT_EQ(decoder.table_entries(), 0u);
  EXPECT_EQ(decoder.table_size(), 0u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value.size(), 16u);
}

TEST(HpackDecoder, EveryKindHasADescription) {
  for (int k = 0; k <= static_cast<int>(DecodeErrorKind::kHeaderListTooLarge); ++k) {
    EXPECT_FALSE(describe(static_cast<DecodeErrorKind>(k)).empty());
  }
  EXPECT_EQ(error_code_of(DecodeErrorKind::kNone), ErrorCode::kNoError);
}

}  // namespace
}  // namespace h2::hpack

namespace h2::hpack {
namespace {

// decode_stable: fields appended, every string in the caller's arena (or static), so they
// survive the block's bytes and later blocks that evict or move the dynamic table.
TEST(HpackDecoderStable, SameFieldsAsDecodeAndTheyOutliveBlocksAndTable) {
  Encoder encoder;
  Decoder stable_decoder, plain_decoder;
  // A small table: later blocks evict (and the table compacts over) earlier entries.
  encoder.set_max_table_size(256);
  stable_decoder.set_max_allowed_table_size(256);
  plain_decoder.set_max_allowed_table_size(256);
  Arena arena;
  std::vector<HeaderField> kept;
  std::vector<uint8_t> static_names;
  std::vector<std::string> names, values;  // owned copies of what decode() returned
  for (int round = 0; round < 60; ++round) {
    std::string v = std::to_string(round);
    v.append(static_cast<size_t>(round), 'x');
    std::string cookie = "a=";
    cookie += v;
    const std::vector<HeaderField> fields = {{":status", "200", false},
                                             {"content-type", "text/html", false},
                                             {"x-round", v, round % 4 == 1},
                                             {"cookie", cookie, false},
                                             {"x-round", "again", false},
                                             {"user-agent", v, false}};
    ByteBuffer block;
    encoder.encode(fields, block);
    std::vector<uint8_t> bytes(block.data(), block.data() + block.size());
    std::vector<HeaderField> plain;
    ASSERT_FALSE(plain_decoder.decode(bytes, plain));
    for (const HeaderField& f : plain) {
      names.emplace_back(f.name);
      values.emplace_back(f.value);
    }
    const size_t before = kept.size();
    ASSERT_FALSE(stable_decoder.decode_stable(bytes, kept, arena, &static_names));
    ASSERT_EQ(kept.size() - before, plain.size());
    ASSERT_EQ(static_names.size(), kept.size());
    const auto* lo = reinterpret_cast<const char*>(bytes.data());
    const auto* hi = lo + bytes.size();
    for (size_t i = before; i < kept.size(); ++i) {
      EXPECT_FALSE(kept[i].value.data() >= lo && kept[i].value.data() < hi);
      EXPECT_FALSE(kept[i].name.data() >= lo && kept[i].name.data() < hi);
      EXPECT_EQ(kept[i].never_indexed, plain[i - before].never_indexed);
    }
    std::fill(bytes.begin(), bytes.end(), 0);
  }
  ASSERT_EQ(kept.size(), names.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].name, names[i]) << i;
    EXPECT_EQ(kept[i].value, values[i]) << i;
    EXPECT_EQ(static_names[i] & ~kValueChecked,
              detail::find_static_name(names[i], detail::hash_string(names[i])).first)
        << names[i];
  }
}

// decode_stable with TableViews: indexed dynamic entries are views into the table until an
// insertion is about to move its bytes; then every such field is copied first. The fields
// of many blocks (kept across them, as the connection keeps a call's blocks) stay right
// while later blocks evict entries and make the table compact and regrow.
TEST(HpackDecoderStable, TableViewsAreCopiedBeforeTheTableMoves) {
  Encoder encoder;
  Decoder stable_decoder, plain_decoder;
  encoder.set_max_table_size(512);
  stable_decoder.set_max_allowed_table_size(512);
  plain_decoder.set_max_allowed_table_size(512);
  Arena arena;
  std::vector<HeaderField> kept;
  Decoder::TableViews views;
  std::vector<std::string> names, values;
  size_t calls_with_views = 0, fixups = 0;
  for (int round = 0; round < 80; ++round) {
    std::string v = std::to_string(round);
    v.append(static_cast<size_t>(round % 23), 'y');
    const std::string new_name = "x-" + v;
    const std::vector<HeaderField> fields = {{":status", "200", false},
                                             {"x-round", v, false},
                                             {"content-type", "text/html", false},
                                             {new_name, "value of a new name", false},
                                             {"user-agent", v, false}};
    // Each block twice: the second time every field is an indexed dynamic entry.
    for (int repeat = 0; repeat < 2; ++repeat) {
      ByteBuffer block;
      encoder.encode(fields, block);
      std::vector<uint8_t> bytes(block.data(), block.data() + block.size());
      std::vector<HeaderField> plain;
      ASSERT_FALSE(plain_decoder.decode(bytes, plain));
      for (const HeaderField& f : plain) {
        names.emplace_back(f.name);
        values.emplace_back(f.value);
      }
      const size_t before_views = views.scan_from;
      const size_t before = kept.size();
      ASSERT_FALSE(stable_decoder.decode_stable(bytes, kept, arena, nullptr, &views));
      if (views.scan_from != SIZE_MAX) ++calls_with_views;
      if (before_views != SIZE_MAX && views.scan_from != before_views) ++fixups;
      std::fill(bytes.begin(), bytes.end(), 0);
      // Every field decoded so far, in every earlier block, still reads right.
      for (size_t i = 0; i < kept.size(); ++i) {
        ASSERT_EQ(kept[i].name, names[i]) << round << " " << i;
        ASSERT_EQ(kept[i].value, values[i]) << round << " " << i;
      }
      ASSERT_EQ(kept.size() - before, plain.size());
    }
  }
  // The test went through both paths: views handed out, and copied before the table moved.
  EXPECT_GT(calls_with_views, 0u);
  EXPECT_GT(fixups, 0u);
  // A caller that clears its fields resets the views; nothing of the old fields is touched.
  kept.clear();
  views.reset();
  const std::vector<uint8_t> indexed_get = {0x82};
  ASSERT_FALSE(stable_decoder.decode_stable(indexed_get, kept, arena, nullptr, &views));
  EXPECT_EQ(views.scan_from, SIZE_MAX);  // a static field views nothing
}

// kValueChecked: set for static values and for dynamic entries whose value passed RFC 9113
// §8.2.1's value rule when inserted; never for a value that fails it, nor for literals that
// are not indexed (the validator scans those).
TEST(HpackDecoderStable, FlagsValuesKnownToPassTheValueRule) {
  using namespace std::string_literals;
  Encoder encoder(EncoderStrategy::kPythonHpack);  // indexes every field, then refers to it
  Decoder decoder;
  Arena arena;
  const std::string nul = "a\0b"s;
  const std::string long_lf = std::string(40, 'z') + "\nzz";
  const std::vector<HeaderField> fields = {
      {":method", "GET", false},     {"x-clean", "a b\tc", false}, {"x-lead", " a", false},
      {"x-trail", "a\t", false},     {"x-cr", "a\rb", false},      {"x-nul", nul, false},
      {"x-long-lf", long_lf, false}, {"x-empty", "", false},       {"user-agent", "secret", true}};
  const std::vector<bool> checked = {true, true, false, false, false, false, false, true, false};
  for (int round = 0; round < 2; ++round) {  // literals with indexing, then indexed fields
    ByteBuffer block;
    encoder.encode(fields, block);
    std::vector<HeaderField> out;
    std::vector<uint8_t> names;
    ASSERT_FALSE(decoder.decode_stable(std::span(block.data(), block.size()), out, arena, &names));
    ASSERT_EQ(out.size(), fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      EXPECT_EQ(out[i].value, fields[i].value);
      EXPECT_EQ((names[i] & kValueChecked) != 0, checked[i]) << round << " " << fields[i].name;
    }
    EXPECT_EQ(names[8] & ~kValueChecked, 58);  // user-agent's static index stays intact
  }
}

TEST(HpackDecoderStable, AppendsAndReportsErrors) {
  Decoder decoder;
  Arena arena;
  std::vector<HeaderField> out = {{"kept", "as is", false}};
  const std::vector<uint8_t> indexed_get = {0x82};
  ASSERT_FALSE(decoder.decode_stable(indexed_get, out, arena));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], (HeaderField{"kept", "as is", false}));
  EXPECT_EQ(out[1], (HeaderField{":method", "GET", false}));
  const std::vector<uint8_t> bad_index = {0xff, 0x7f};
  EXPECT_EQ(decoder.decode_stable(bad_index, out, arena).kind, DecodeErrorKind::kInvalidIndex);
}

}  // namespace
}  // namespace h2::hpack
