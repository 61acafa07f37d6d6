// The incremental reader gives the same frames however the input is split, and hands DATA
// out as views into the caller's input.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "h2/frame.h"
#include "h2/frame_reader.h"
#include "proto/frame_test_util.h"

namespace {

using namespace h2::frame;
using h2::as_bytes;
using h2::ByteBuffer;
using h2::ErrorCode;

// A captured client→server byte stream touching every frame type, padding, CONTINUATION,
// a DATA frame larger than a typical read, and an unknown type.
std::string captured_stream() {
  ByteBuffer b;
  b.append(kClientPreface);
  std::vector<Setting> settings = {{setting_id::kMaxFrameSize, 65535},
                                   {setting_id::kInitialWindowSize, 1 << 20}};
  write_settings(b, settings);
  write_window_update(b, 0, 1 << 24);
  std::string block(300, '\x82');
  write_headers(b, 1, as_bytes(block), false, PrioritySpec{0, 200, true}, uint8_t{7}, 128);
  write_data(b, 1, as_bytes(std::string(5000, 'd')), false, uint8_t{33});
  write_data(b, 1, as_bytes(std::string(40000, 'e')), false);
  write_data(b, 1, {}, false, uint8_t{0});
  write_data(b, 1, as_bytes("tail"), true);
  write_priority(b, 3, PrioritySpec{1, 5, false});
  write_rst_stream(b, 3, ErrorCode::kCancel);
  write_push_promise(b, 1, 2, as_bytes("\x82\x84"), uint8_t{2});
  write_ping(b, {1, 2, 3, 4, 5, 6, 7, 8}, false);
  write_settings_ack(b);
  write_altsvc(b, 0, as_bytes("https://example.org"), as_bytes("h2=\":443\""));
  std::vector<std::string_view> origins = {"https://example.org", "https://cdn.example.org"};
  write_origin(b, origins);
  write_priority_update(b, 1, as_bytes("u=2"));
  write_unknown(b, 0xf0, 0x5, 7, as_bytes("extension"));
  write_goaway(b, 1, ErrorCode::kNoError, as_bytes("done"));
  return std::string(b.string_view());
}

Reader server_reader() {
  Reader r(65535);
  r.expect_client_preface();
  return r;
}

TEST(FrameReader, ReadsTheCapturedStreamWhole) {
  std::string bytes = captured_stream();
  Reader reader = server_reader();
  auto log = h2test::read_all(reader, bytes);
  EXPECT_FALSE(log.connection_error) << describe(log.connection_error.kind);
  EXPECT_TRUE(log.stream_errors.empty());
  EXPECT_EQ(log.frames.size(), 19u);  // the 300-byte block takes HEADERS + 2 CONTINUATION
  EXPECT_EQ(log.data_pieces, 4u);     // one piece per DATA frame when input is whole
  std::string joined(kClientPreface);
  for (auto& f : log.frames) joined += f;
  EXPECT_EQ(joined, bytes);  // the reader loses nothing and invents nothing
}

TEST(FrameReader, EveryTwoWaySplitGivesTheSameFrames) {
  std::string bytes = captured_stream();
  Reader whole_reader = server_reader();
  auto expected = h2test::read_all(whole_reader, bytes);
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    Reader reader = server_reader();
    auto log = h2test::read_all(reader, {bytes.substr(0, cut), bytes.substr(cut)});
    ASSERT_FALSE(log.connection_error) << "cut at " << cut;
    ASSERT_EQ(log.frames, expected.frames) << "cut at " << cut;
  }
}

TEST(FrameReader, OneByteAtATimeGivesTheSameFrames) {
  std::string bytes = captured_stream();
  Reader whole_reader = server_reader();
  auto expected = h2test::read_all(whole_reader, bytes);
  std::vector<std::string> chunks;
  for (char c : bytes) chunks.emplace_back(1, c);
  Reader reader = server_reader();
  auto log = h2test::read_all(reader, chunks);
  EXPECT_FALSE(log.connection_error);
  EXPECT_EQ(log.frames, expected.frames);
}

TEST(FrameReader, RandomMultiWaySplitsGiveTheSameFrames) {
  std::string bytes = captured_stream();
  Reader whole_reader = server_reader();
  auto expected = h2test::read_all(whole_reader, bytes);
  std::mt19937 rng(20261125);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> chunks;
    size_t at = 0;
    std::uniform_int_distribution<size_t> len(0, round % 2 ? 64 : 9000);
    while (at < bytes.size()) {
      size_t n = std::min(len(rng), bytes.size() - at);
      chunks.push_back(bytes.substr(at, n));
      at += n;
    }
    Reader reader = server_reader();
    auto log = h2test::read_all(reader, chunks);
    ASSERT_FALSE(log.connection_error) << "round " << round;
    ASSERT_EQ(log.frames, expected.frames) << "round " << round;
  }
}

TEST(FrameReader, StraddlingDataIsHandedOutAsViewsIntoTheCallersInput) {
  ByteBuffer b;
  write_data(b, 1, as_bytes(std::string(1000, 'q')), true, uint8_t{10});
  std::string bytes(b.string_view());
  std::string part1 = bytes.substr(0, 400), part2 = bytes.substr(400);
  Reader reader;
  std::string gathered;
  int pieces = 0;
  bool saw_end_stream = false;
  for (const std::string* part : {&part1, &part2}) {
    h2::Bytes input = as_bytes(*part);
    const uint8_t* lo = input.data();
    const uint8_t* hi = input.data() + input.size();
    for (;;) {
      auto r = reader.next(input);
      if (r.status == Reader::Status::kNeedMore) break;
      ASSERT_EQ(r.status, Reader::Status::kFrame);
      auto& d = std::get<DataFrame>(r.frame);
      if (!d.data.empty()) {
        EXPECT_GE(d.data.data(), lo);  // a view, not a copy
        EXPECT_LE(d.data.data() + d.data.size(), hi);
      }
      EXPECT_EQ(d.first, pieces == 0);
      EXPECT_EQ(d.flow_controlled_length, 1011u);
      EXPECT_EQ(d.pad_length, 10);
      if (d.end_stream()) saw_end_stream = true;
      EXPECT_EQ(d.end_stream(), d.last);
      gathered.append(h2::as_string_view(d.data));
      ++pieces;
    }
  }
  EXPECT_EQ(pieces, 2);
  EXPECT_TRUE(saw_end_stream);
  EXPECT_EQ(gathered, std::string(1000, 'q'));
}

TEST(FrameReader, DataWholeInOneReadIsOneViewIntoTheInput) {
  ByteBuffer b;
  write_data(b, 1, as_bytes(std::string(16000, 'w')), false);
  Reader reader;
  h2::Bytes input = b.view();
  auto r = reader.next(input);
  ASSERT_EQ(r.status, Reader::Status::kFrame);
  auto& d = std::get<DataFrame>(r.frame);
  EXPECT_EQ(d.data.data(), b.data() + 9);
  EXPECT_EQ(d.data.size(), 16000u);
  EXPECT_TRUE(d.first && d.last);
}

TEST(FrameReader, PaddingArrivingLateCompletesTheFrameWithAnEmptyLastPiece) {
  ByteBuffer b;
  write_data(b, 1, as_bytes("abc"), true, uint8_t{5});
  std::string bytes(b.string_view());
  // Everything but the last two padding bytes, then those.
  Reader reader;
  auto log =
      h2test::read_all(reader, {bytes.substr(0, bytes.size() - 2), bytes.substr(bytes.size() - 2)});
  ASSERT_EQ(log.frames.size(), 1u);
  EXPECT_EQ(log.frames[0], bytes);
  EXPECT_EQ(log.data_pieces, 2u);
}

TEST(FrameReader, StraddlingControlFrameIsBufferedOnlyUpToItsLength) {
  ByteBuffer b;
  write_goaway(b, 1, ErrorCode::kNoError, as_bytes(std::string(1000, 'g')));
  std::string bytes(b.string_view());
  Reader reader;
  h2::Bytes first = as_bytes(bytes).first(500);
  EXPECT_EQ(reader.next(first).status, Reader::Status::kNeedMore);
  EXPECT_EQ(reader.buffered_bytes(), 500u - 9u);
  h2::Bytes rest = as_bytes(bytes).subspan(500);
  auto r = reader.next(rest);
  ASSERT_EQ(r.status, Reader::Status::kFrame);
  EXPECT_EQ(std::get<GoawayFrame>(r.frame).debug_data.size(), 1000u);
}

TEST(FrameReader, NeedMoreOnlyWhenAllInputIsConsumed) {
  std::string bytes = captured_stream();
  Reader reader = server_reader();
  h2::Bytes input = as_bytes(bytes).first(777);
  for (;;) {
    auto r = reader.next(input);
    if (r.status == Reader::Status::kNeedMore) break;
  }
  EXPECT_TRUE(input.empty());
}

// The reader's fast path (a whole unpadded DATA or HEADERS frame without priority at the
// front of the input, nothing buffered) against its general path, frame by frame: the same
// Result in every field. The general path is forced by a pending client preface, which the
// fast path leaves to it, read in the same input as the frame.
void expect_same_result(const Reader::Result& a, const Reader::Result& b, const std::string& what) {
  EXPECT_EQ(a.status, b.status) << what;
  EXPECT_EQ(a.header, b.header) << what;
  EXPECT_EQ(a.error.kind, b.error.kind) << what;
  EXPECT_EQ(a.error.code, b.error.code) << what;
  EXPECT_EQ(a.error.stream_level, b.error.stream_level) << what;
  EXPECT_EQ(a.error.stream_id, b.error.stream_id) << what;
  ASSERT_EQ(a.frame.index(), b.frame.index()) << what;
  if (const auto* da = std::get_if<DataFrame>(&a.frame)) {
    const auto& db = std::get<DataFrame>(b.frame);
    EXPECT_EQ(da->stream_id, db.stream_id) << what;
    EXPECT_EQ(da->flags, db.flags) << what;
    EXPECT_EQ(h2::as_string_view(da->data), h2::as_string_view(db.data)) << what;
    EXPECT_EQ(da->pad_length, db.pad_length) << what;
    EXPECT_EQ(da->flow_controlled_length, db.flow_controlled_length) << what;
    EXPECT_EQ(da->first, db.first) << what;
    EXPECT_EQ(da->last, db.last) << what;
  } else if (const auto* ha = std::get_if<HeadersFrame>(&a.frame)) {
    const auto& hb = std::get<HeadersFrame>(b.frame);
    EXPECT_EQ(ha->stream_id, hb.stream_id) << what;
    EXPECT_EQ(ha->flags, hb.flags) << what;
    EXPECT_EQ(h2::as_string_view(ha->fragment), h2::as_string_view(hb.fragment)) << what;
    EXPECT_EQ(ha->pad_length, hb.pad_length) << what;
    EXPECT_EQ(ha->priority, hb.priority) << what;
  } else {
    ByteBuffer sa, sb;
    serialize(a.frame, sa);
    serialize(b.frame, sb);
    EXPECT_EQ(sa.string_view(), sb.string_view()) << what;
  }
}

TEST(FrameReader, FastPathFramesMatchTheGeneralPath) {
  constexpr uint32_t kMax = 100;
  std::vector<std::string> frames;
  for (const uint8_t type : {uint8_t{0}, uint8_t{1}, uint8_t{2}, uint8_t{8}}) {
    for (const uint8_t flags : {0x00, 0x01, 0x04, 0x05, 0x08, 0x20, 0x28, 0xd2, 0xff}) {
      for (const uint32_t stream : {0u, 1u, 2u, 0x7fffffffu}) {
        for (const uint32_t length : {0u, 1u, 5u, 6u, kMax, kMax + 1}) {
          std::string payload(length, 'p');
          if (length > 0) payload[0] = 3;  // a pad length / priority byte that fits
          frames.push_back(h2test::raw_frame(length, type, flags, stream, payload));
        }
      }
    }
  }
  int fast = 0;
  for (const std::string& frame : frames) {
    const std::string what = testing::PrintToString(frame.substr(0, 9));
    Reader fast_reader(kMax);
    h2::Bytes fast_input = h2::as_bytes(frame);
    const Reader::Result a = fast_reader.next(fast_input);

    Reader general_reader(kMax);
    general_reader.expect_client_preface();
    const std::string with_preface = std::string(kClientPreface) + frame;
    h2::Bytes general_input = h2::as_bytes(with_preface);
    const Reader::Result b = general_reader.next(general_input);
    expect_same_result(a, b, what);
    EXPECT_EQ(fast_input.size(), general_input.size()) << what;
    // Both readers go on alike: the next frame read whole is again the same.
    const std::string next = h2test::raw_frame(4, 0, 1, 3, "next");
    h2::Bytes fa = h2::as_bytes(next);
    h2::Bytes ga = h2::as_bytes(next);
    expect_same_result(fast_reader.next(fa), general_reader.next(ga), what + " then DATA");
    const uint8_t flags = static_cast<uint8_t>(frame[4]);
    fast += frame[3] <= 1 && (flags & 0x28) == 0 && frame.substr(5, 4) != std::string(4, '\0') &&
            frame.size() - 9 <= kMax;
  }
  EXPECT_GT(fast, 50);  // many of the frames were ones the fast path takes
}

}  // namespace
