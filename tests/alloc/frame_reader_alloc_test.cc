// The frame reader and writer allocate nothing per frame once warm.
#include <gtest/gtest.h>

#include <string>

#include "h2/frame.h"
#include "h2/frame_reader.h"
#include "support/counting_allocator.h"

namespace {

using namespace h2::frame;

std::string mixed_stream() {
  h2::ByteBuffer b;
  for (uint32_t i = 0; i < 100; ++i) {
    const uint32_t stream = 1 + 2 * i;
    write_headers(b, stream, h2::as_bytes(std::string(40, '\x82')), false);
    write_data(b, stream, h2::as_bytes(std::string(3000, 'd')), true, uint8_t{3});
    write_window_update(b, 0, 3004);
    write_ping(b, {1, 2, 3, 4, 5, 6, 7, 8}, false);
  }
  write_goaway(b, 199, h2::ErrorCode::kNoError, h2::as_bytes(std::string(500, 'g')));
  return std::string(b.string_view());
}

// Reads `bytes` in chunks of `chunk` bytes; returns the number of frames or pieces seen.
size_t read_in_chunks(Reader& reader, const std::string& bytes, size_t chunk) {
  size_t events = 0;
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    h2::Bytes input = h2::as_bytes(bytes).subspan(at, std::min(chunk, bytes.size() - at));
    for (;;) {
      auto r = reader.next(input);
      if (r.status == Reader::Status::kNeedMore) break;
      EXPECT_EQ(r.status, Reader::Status::kFrame);
      ++events;
    }
  }
  return events;
}

TEST(FrameReaderAllocations, NoneForFramesWholeInTheInput) {
  std::string bytes = mixed_stream();
  Reader reader;
  h2test::AllocationCounter counter;
  size_t events = read_in_chunks(reader, bytes, bytes.size());
  EXPECT_EQ(events, 401u);
  EXPECT_EQ(counter.count(), 0u);
}

TEST(FrameReaderAllocations, NoneInSteadyStateWhenFramesStraddleReads) {
  std::string bytes = mixed_stream();
  Reader reader;
  read_in_chunks(reader, bytes, 1000);  // warm-up: the straddle buffer reaches its size once
  h2test::AllocationCounter counter;
  for (int round = 0; round < 5; ++round) read_in_chunks(reader, bytes, 1000);
  EXPECT_EQ(counter.count(), 0u);
}

TEST(FrameWriterAllocations, NoneIntoAReservedBuffer) {
  h2::ByteBuffer out(1 << 16);
  std::string body(4000, 'x');
  h2test::AllocationCounter counter;
  for (int i = 0; i < 1000; ++i) {
    out.clear();
    write_headers(out, 1, h2::as_bytes(std::string_view("\x82\x86\x84")), false);
    write_data(out, 1, h2::as_bytes(body), true);
    write_rst_stream(out, 1, h2::ErrorCode::kCancel);
    write_window_update(out, 0, 1000);
  }
  EXPECT_EQ(counter.count(), 0u);
}

TEST(CountingAllocator, SeesAllocations) {
  // Guards the tests above: if the replacement were not linked in, they would pass vacuously.
  h2test::AllocationCounter counter;
  auto* p = new std::string(100, 'x');
  delete p;
  EXPECT_GE(counter.count(), 1u);
}

}  // namespace
