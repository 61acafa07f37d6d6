// Steady-state HPACK decoding and encoding allocate nothing.
//
// This binary replaces the global allocation functions with counting versions. Only
// allocations between start_counting() and stop_counting() are counted, so GoogleTest's own
// bookkeeping does not interfere.
#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "proto/hpack_test_util.h"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<size_t> g_allocations{0};

void* counted_alloc(std::size_t size, std::size_t alignment = 0) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (size == 0) size = 1;
  void* p = nullptr;
  if (alignment > alignof(std::max_align_t)) {
    p = std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  } else {
    p = std::malloc(size);
  }
  return p;
}

void start_counting() {
  g_allocations = 0;
  g_counting = true;
}

size_t stop_counting() {
  g_counting = false;
  return g_allocations.load();
}

}  // namespace

// g++ 12 warns about free() on memory from a replaced operator new once both are inlined;
// every form here allocates with malloc/aligned_alloc, so the pairing is right.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t al) {
  if (void* p = counted_alloc(size, static_cast<std::size_t>(al))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t al) {
  if (void* p = counted_alloc(size, static_cast<std::size_t>(al))) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size);
}
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_alloc(size, static_cast<std::size_t>(al));
}
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_alloc(size, static_cast<std::size_t>(al));
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}

#pragma GCC diagnostic pop

namespace h2::hpack {
namespace {

TEST(HpackAlloc, CounterSeesAllocations) {
  // Guards the tests below: without the replacement they would pass vacuously. The volatile
  // pointer keeps the compiler from eliding the new/delete pair.
  start_counting();
  std::string* volatile p = new std::string(100, 'x');
  delete p;
  EXPECT_GE(stop_counting(), 1u);
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
    for (int pass = 0; pass < 2; ++pass) {
      reset_table(decoder);
      if (pass == 1) start_counting();
      for (const testing::StoryCase& c : story.cases) {
        if (c.header_table_size) decoder.set_max_allowed_table_size(*c.header_table_size);
        const DecodeError err = decoder.decode(c.wire, out);
        if (err) {
          stop_counting();
          FAIL() << describe(err.kind);
        }
      }
      const size_t allocations = stop_counting();
      if (pass == 1) {
        EXPECT_EQ(allocations, 0u);
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
      if (pass == 1) start_counting();
      for (const std::vector<HeaderField>& fields : blocks) {
        out.clear();
        encoder.encode(fields, out);
      }
      const size_t allocations = stop_counting();
      if (pass == 1) {
        EXPECT_EQ(allocations, 0u);
      }
    }
  }
}

}  // namespace
}  // namespace h2::hpack
