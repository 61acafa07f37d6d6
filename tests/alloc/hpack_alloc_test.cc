// Steady-state HPACK decoding and encoding allocate nothing.
//
// This binary replaces the global allocation functions with counting versions
// (tests/support/counting_allocator.h); only allocations made while an AllocationCounter is
// looked at are compared, so GoogleTest's own bookkeeping does not interfere.
#include <gtest/gtest.h>

#include "proto/hpack_test_util.h"
#include "support/counting_allocator.h"

namespace h2::hpack {
namespace {

TEST(HpackAlloc, CounterSeesAllocations) {
  // Guards the tests below: without the replacement they would pass vacuously. The volatile
  // pointer keeps the compiler from eliding the new/delete pair.
  h2test::AllocationCounter counter;
  std::string* volatile p = new std::string(100, 'x');
  delete p;
  EXPECT_GE(counter.count(), 1u);
}

// Long stories with Huffman strings, dynamic-table hits, evictions and table-size changes.
constexpr const char* kWireStories[] = {"nghttp2/story_30.json", "go-hpack/story_12.json",
                                        "python-hpack/story_21.json",
                                        "nghttp2-change-table-size/story_05.json"};

// Brings a used decoder back to a fresh one's table state (empty table, capacity 4096) while
// keeping its warm storage: a block made of two size updates, to 0 and back to 4096.
void reset_table(Decoder& decoder) {
  decoder.set_max_allowed_table_size(Decoder::kDefaultTableSize);
  std::vector<HeaderField> out;
  const std::vector<uint8_t> block = testing::from_hex("203fe11f");
  ASSERT_FALSE(decoder.decode(block, out));
  ASSERT_EQ(decoder.table_entries(), 0u);
}

TEST(HpackAlloc, DecodingAWarmContextAllocatesNothing) {
  for (const char* name : kWireStories) {
    SCOPED_TRACE(name);
    const testing::Story story = testing::load_story(name);
    ASSERT_FALSE(story.cases.empty());
    Decoder decoder;
    std::vector<HeaderField> out;
    for (int pass = 0; pass < 2; ++pass) {  // pass 0 warms the storage up
      reset_table(decoder);
      h2test::AllocationCounter counter;
      for (const testing::StoryCase& c : story.cases) {
        if (c.header_table_size) decoder.set_max_allowed_table_size(*c.header_table_size);
        const DecodeError err = decoder.decode(c.wire, out);
        ASSERT_FALSE(err) << describe(err.kind);
      }
      if (pass == 1) {
        EXPECT_EQ(counter.count(), 0u);
      }
    }
  }
}

constexpr const char* kRawStories[] = {"raw-data/story_30.json", "raw-data/story_12.json",
                                       "raw-data/story_05.json"};

TEST(HpackAlloc, EncodingIntoAReservedBufferAllocatesNothing) {
  for (const char* name : kRawStories) {
    SCOPED_TRACE(name);
    const testing::Story story = testing::load_story(name);
    ASSERT_FALSE(story.cases.empty());
    std::vector<std::vector<HeaderField>> blocks;
    for (const testing::StoryCase& c : story.cases) blocks.push_back(testing::view(c.headers));
    Encoder encoder(EncoderStrategy::kDefault);
    ByteBuffer out(1 << 16);
    for (int pass = 0; pass < 2; ++pass) {
      // Empty the table (as a fresh encoder would have it) but keep its storage.
      encoder.set_max_table_size(0);
      encoder.set_max_table_size(Encoder::kDefaultTableSize);
      h2test::AllocationCounter counter;
      for (const std::vector<HeaderField>& fields : blocks) {
        out.clear();
        encoder.encode(fields, out);
      }
      if (pass == 1) {
        EXPECT_EQ(counter.count(), 0u);
      }
    }
  }
}

}  // namespace
}  // namespace h2::hpack
