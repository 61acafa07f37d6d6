// Every frame type written by the writer reads back with the same fields.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "h2/frame.h"
#include "h2/frame_reader.h"
#include "proto/frame_test_util.h"

namespace {

using namespace h2::frame;
using h2::as_bytes;
using h2::as_string_view;
using h2::ByteBuffer;
using h2::ErrorCode;

// Reads exactly one frame from `bytes` and returns it.
Frame read_one(const ByteBuffer& bytes, uint32_t max_frame_size = kDefaultMaxFrameSize) {
  Reader reader(max_frame_size);
  h2::Bytes input = bytes.view();
  Reader::Result r = reader.next(input);
  EXPECT_EQ(r.status, Reader::Status::kFrame) << describe(r.error.kind);
  EXPECT_TRUE(input.empty()) << "trailing bytes after one frame";
  return r.frame;
}

std::string str(h2::Bytes b) {
  return std::string(as_string_view(b));
}

TEST(FrameRoundTrip, Data) {
  ByteBuffer out;
  write_data(out, 3, as_bytes("hello"), true);
  auto f = std::get<DataFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 3u);
  EXPECT_EQ(str(f.data), "hello");
  EXPECT_TRUE(f.end_stream());
  EXPECT_FALSE(f.padded());
  EXPECT_EQ(f.flow_controlled_length, 5u);
  EXPECT_TRUE(f.first && f.last);
}

TEST(FrameRoundTrip, DataWithPaddingCountsPaddingForFlowControl) {
  ByteBuffer out;
  write_data(out, 5, as_bytes("abc"), false, uint8_t{10});
  EXPECT_EQ(out.size(), 9u + 1 + 3 + 10);
  auto f = std::get<DataFrame>(read_one(out));
  EXPECT_EQ(str(f.data), "abc");
  EXPECT_TRUE(f.padded());
  EXPECT_EQ(f.pad_length, 10);
  EXPECT_EQ(f.flow_controlled_length, 14u);
  EXPECT_FALSE(f.end_stream());
}

TEST(FrameRoundTrip, EmptyDataWithEndStream) {
  ByteBuffer out;
  write_data(out, 1, {}, true);
  auto f = std::get<DataFrame>(read_one(out));
  EXPECT_TRUE(f.data.empty());
  EXPECT_TRUE(f.end_stream());
}

TEST(FrameRoundTrip, HeadersWithPriorityAndPadding) {
  ByteBuffer out;
  write_headers(out, 7, as_bytes("\x82\x86"), true, PrioritySpec{3, 200, true}, uint8_t{4});
  auto f = std::get<HeadersFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 7u);
  EXPECT_EQ(str(f.fragment), "\x82\x86");
  EXPECT_TRUE(f.end_stream());
  EXPECT_TRUE(f.end_headers());
  ASSERT_TRUE(f.priority.has_value());
  EXPECT_EQ(*f.priority, (PrioritySpec{3, 200, true}));
  EXPECT_EQ(f.pad_length, 4);
}

TEST(FrameRoundTrip, HeadersSplitIntoContinuationsAtMaxFrameSize) {
  std::string block(40000, 'x');
  ByteBuffer out;
  write_headers(out, 1, as_bytes(block), true, std::nullopt, std::nullopt, 16384);
  Reader reader;
  auto log = h2test::read_all(reader, std::string(out.string_view()));
  ASSERT_EQ(log.frames.size(), 3u);
  Frame first, second, third;
  auto header_of = [](const std::string& s) {
    return decode_frame_header(reinterpret_cast<const uint8_t*>(s.data()));
  };
  auto h0 = header_of(log.frames[0]), h1 = header_of(log.frames[1]), h2 = header_of(log.frames[2]);
  EXPECT_EQ(h0.type, static_cast<uint8_t>(FrameType::kHeaders));
  EXPECT_EQ(h0.flags, flags::kEndStream);  // END_STREAM only on the first, no END_HEADERS
  EXPECT_EQ(h0.length, 16384u);
  EXPECT_EQ(h1.type, static_cast<uint8_t>(FrameType::kContinuation));
  EXPECT_EQ(h1.flags, 0);
  EXPECT_EQ(h2.type, static_cast<uint8_t>(FrameType::kContinuation));
  EXPECT_EQ(h2.flags, flags::kEndHeaders);
  EXPECT_EQ(h0.length + h1.length + h2.length, 40000u);
}

TEST(FrameRoundTrip, HeadersWithPriorityLeaveRoomForItInTheFirstFrame) {
  std::string block(16384, 'y');
  ByteBuffer out;
  write_headers(out, 1, as_bytes(block), false, PrioritySpec{0, 15, false}, std::nullopt, 16384);
  auto h0 = decode_frame_header(out.data());
  EXPECT_EQ(h0.length, 16384u);  // 5 priority bytes + 16379 of the block
  auto h1 = decode_frame_header(out.data() + 9 + h0.length);
  EXPECT_EQ(h1.type, static_cast<uint8_t>(FrameType::kContinuation));
  EXPECT_EQ(h1.length, 5u);
}

TEST(FrameRoundTrip, Priority) {
  ByteBuffer out;
  write_priority(out, 9, PrioritySpec{7, 0, false});
  auto f = std::get<PriorityFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 9u);
  EXPECT_EQ(f.priority, (PrioritySpec{7, 0, false}));
}

TEST(FrameRoundTrip, RstStreamKeepsUnknownErrorCodes) {
  ByteBuffer out;
  write_rst_stream(out, 11, static_cast<ErrorCode>(0xdeadbeef));
  auto f = std::get<RstStreamFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 11u);
  EXPECT_EQ(static_cast<uint32_t>(f.error_code), 0xdeadbeefu);
}

TEST(FrameRoundTrip, SettingsIncludingUnknownIdentifiers) {
  std::vector<Setting> settings = {
      {setting_id::kHeaderTableSize, 8192},     {setting_id::kEnablePush, 0},
      {setting_id::kMaxConcurrentStreams, 100}, {setting_id::kInitialWindowSize, 0x7fffffff},
      {setting_id::kMaxFrameSize, 16777215},    {setting_id::kMaxHeaderListSize, 65536},
      {setting_id::kEnableConnectProtocol, 1},  {0xabcd, 0xffffffff}};
  ByteBuffer out;
  write_settings(out, settings);
  auto f = std::get<SettingsFrame>(read_one(out));
  EXPECT_FALSE(f.ack);
  std::vector<Setting> got(f.settings.begin(), f.settings.end());
  EXPECT_EQ(got, settings);
  EXPECT_EQ(f.settings.size(), settings.size());
}

TEST(FrameRoundTrip, SettingsAck) {
  ByteBuffer out;
  write_settings_ack(out);
  auto f = std::get<SettingsFrame>(read_one(out));
  EXPECT_TRUE(f.ack);
  EXPECT_TRUE(f.settings.empty());
}

TEST(FrameRoundTrip, PushPromiseWithPadding) {
  ByteBuffer out;
  write_push_promise(out, 1, 2, as_bytes("\x82"), uint8_t{3});
  auto f = std::get<PushPromiseFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 1u);
  EXPECT_EQ(f.promised_stream_id, 2u);
  EXPECT_EQ(str(f.fragment), "\x82");
  EXPECT_TRUE(f.end_headers());
  EXPECT_EQ(f.pad_length, 3);
}

TEST(FrameRoundTrip, PushPromiseSplitIntoContinuations) {
  std::string block(20000, 'p');
  ByteBuffer out;
  write_push_promise(out, 1, 4, as_bytes(block));
  auto h0 = decode_frame_header(out.data());
  EXPECT_EQ(h0.type, static_cast<uint8_t>(FrameType::kPushPromise));
  EXPECT_EQ(h0.flags & flags::kEndHeaders, 0);
  auto h1 = decode_frame_header(out.data() + 9 + h0.length);
  EXPECT_EQ(h1.type, static_cast<uint8_t>(FrameType::kContinuation));
  EXPECT_EQ(h1.flags, flags::kEndHeaders);
  EXPECT_EQ(h0.length - 4 + h1.length, 20000u);
}

TEST(FrameRoundTrip, PingAndPingAck) {
  std::array<uint8_t, 8> opaque = {1, 2, 3, 4, 5, 6, 7, 8};
  for (bool ack : {false, true}) {
    ByteBuffer out;
    write_ping(out, opaque, ack);
    auto f = std::get<PingFrame>(read_one(out));
    EXPECT_EQ(f.ack, ack);
    EXPECT_EQ(f.opaque_data, opaque);
  }
}

TEST(FrameRoundTrip, GoawayWithDebugData) {
  ByteBuffer out;
  write_goaway(out, 41, ErrorCode::kEnhanceYourCalm, as_bytes("calm down"));
  auto f = std::get<GoawayFrame>(read_one(out));
  EXPECT_EQ(f.last_stream_id, 41u);
  EXPECT_EQ(f.error_code, ErrorCode::kEnhanceYourCalm);
  EXPECT_EQ(str(f.debug_data), "calm down");
}

TEST(FrameRoundTrip, WindowUpdateOnConnectionAndStream) {
  for (uint32_t stream : {0u, 5u}) {
    ByteBuffer out;
    write_window_update(out, stream, kMaxWindowIncrement);
    auto f = std::get<WindowUpdateFrame>(read_one(out));
    EXPECT_EQ(f.stream_id, stream);
    EXPECT_EQ(f.increment, kMaxWindowIncrement);
  }
}

TEST(FrameRoundTrip, Continuation) {
  ByteBuffer out;
  write_continuation(out, 3, as_bytes("frag"), true);
  auto f = std::get<ContinuationFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 3u);
  EXPECT_EQ(str(f.fragment), "frag");
  EXPECT_TRUE(f.end_headers());
}

TEST(FrameRoundTrip, Altsvc) {
  ByteBuffer out;
  write_altsvc(out, 0, as_bytes("https://example.com"), as_bytes("h2=\":8443\"; ma=60"));
  auto f = std::get<AltsvcFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 0u);
  EXPECT_EQ(str(f.origin), "https://example.com");
  EXPECT_EQ(str(f.field_value), "h2=\":8443\"; ma=60");
}

TEST(FrameRoundTrip, AltsvcOnStreamWithEmptyOrigin) {
  ByteBuffer out;
  write_altsvc(out, 1, {}, as_bytes("h2=\"alt.example.com:443\""));
  auto f = std::get<AltsvcFrame>(read_one(out));
  EXPECT_EQ(f.stream_id, 1u);
  EXPECT_TRUE(f.origin.empty());
  EXPECT_EQ(str(f.field_value), "h2=\"alt.example.com:443\"");
}

TEST(FrameRoundTrip, Origin) {
  std::vector<std::string_view> origins = {"https://a.example", "", "https://b.example:8443"};
  ByteBuffer out;
  write_origin(out, origins);
  auto f = std::get<OriginFrame>(read_one(out));
  std::vector<std::string_view> got(f.origins.begin(), f.origins.end());
  EXPECT_EQ(got, origins);
}

TEST(FrameRoundTrip, PriorityUpdate) {
  ByteBuffer out;
  write_priority_update(out, 5, as_bytes("u=1, i"));
  auto f = std::get<PriorityUpdateFrame>(read_one(out));
  EXPECT_EQ(f.prioritized_stream_id, 5u);
  EXPECT_EQ(str(f.field_value), "u=1, i");
}

class UnknownFrameTypes : public ::testing::TestWithParam<int> {};

TEST_P(UnknownFrameTypes, AreCarriedOpaqueOnAnyStream) {
  const auto type = static_cast<uint8_t>(GetParam());
  for (uint32_t stream : {0u, 1u, 2u}) {
    ByteBuffer out;
    write_unknown(out, type, 0xff, stream, as_bytes("opaque"));
    auto f = std::get<UnknownFrame>(read_one(out));
    EXPECT_EQ(f.type, type);
    EXPECT_EQ(f.flags, 0xff);
    EXPECT_EQ(f.stream_id, stream);
    EXPECT_EQ(str(f.payload), "opaque");
  }
}

// 0x0b (BLOCKED, never standardised), 0x0d..0x0f, and everything from 0x11 up.
INSTANTIATE_TEST_SUITE_P(AllUnassigned, UnknownFrameTypes,
                         ::testing::Values(0x0b, 0x0d, 0x0e, 0x0f, 0x11, 0x20, 0x7f, 0x80, 0xfe,
                                           0xff));

TEST(FrameRoundTrip, SerializeReproducesWhatWasParsed) {
  // serialize(parse(x)) == x for one frame of every type, flags included.
  ByteBuffer all;
  write_data(all, 1, as_bytes("d"), true, uint8_t{2});
  write_headers(all, 1, as_bytes("h"), false, PrioritySpec{0, 1, true}, uint8_t{1});
  write_priority(all, 3, PrioritySpec{1, 2, false});
  write_rst_stream(all, 3, ErrorCode::kCancel);
  std::vector<Setting> s = {{1, 2}};
  write_settings(all, s);
  write_push_promise(all, 1, 2, as_bytes("pp"), uint8_t{0});
  write_ping(all, {9, 9, 9, 9, 9, 9, 9, 9}, true);
  write_goaway(all, 7, ErrorCode::kNoError, as_bytes("bye"));
  write_window_update(all, 0, 100);
  write_continuation(all, 1, as_bytes("c"), false);
  write_altsvc(all, 0, as_bytes("o"), as_bytes("v"));
  std::vector<std::string_view> o = {"https://x"};
  write_origin(all, o);
  write_priority_update(all, 1, as_bytes("u=0"));
  write_unknown(all, 0x42, 0x3, 9, as_bytes("?"));
  Reader reader;
  auto log = h2test::read_all(reader, std::string(all.string_view()));
  ASSERT_FALSE(log.connection_error) << describe(log.connection_error.kind);
  std::string joined;
  for (auto& f : log.frames) joined += f;
  EXPECT_EQ(log.frames.size(), 14u);
  EXPECT_EQ(joined, std::string(all.string_view()));
}

// write_headers_unprioritized writes exactly what write_headers does without priority and
// padding: one HEADERS frame, or HEADERS + CONTINUATIONs when the block exceeds the frame size.
TEST(FrameWriteHeaders, UnprioritizedFormWritesTheSameBytes) {
  for (size_t block_size : {0u, 1u, 100u, 16384u, 16385u, 40000u}) {
    std::vector<uint8_t> block(block_size);
    for (size_t i = 0; i < block_size; ++i) block[i] = static_cast<uint8_t>(i * 7);
    for (bool end_stream : {false, true}) {
      h2::ByteBuffer a, b;
      h2::frame::write_headers(a, 5, block, end_stream, std::nullopt, std::nullopt, 16384);
      h2::frame::write_headers_unprioritized(b, 5, block, end_stream, 16384);
      ASSERT_EQ(std::vector<uint8_t>(a.data(), a.data() + a.size()),
                std::vector<uint8_t>(b.data(), b.data() + b.size()))
          << block_size << " " << end_stream;
    }
  }
}

}  // namespace
