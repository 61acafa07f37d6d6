// Every per-frame rule (RFC 9113 §4-§6, RFC 7838, RFC 8336, RFC 9218) with a bad input, the
// error kind, its HTTP/2 code and its scope (stream vs connection).
#include <gtest/gtest.h>

#include <string>

#include "h2/frame.h"
#include "h2/frame_reader.h"
#include "proto/frame_test_util.h"

namespace {

using namespace h2::frame;
using h2::ErrorCode;
using h2test::raw_frame;

constexpr uint8_t kData = 0x0, kHeaders = 0x1, kPriority = 0x2, kRst = 0x3, kSettings = 0x4,
                  kPush = 0x5, kPing = 0x6, kGoaway = 0x7, kWindowUpdate = 0x8, kCont = 0x9,
                  kAltsvc = 0xa, kOrigin = 0xc, kPrioUpdate = 0x10;

struct Outcome {
  Reader::Status status;
  FrameError error;
};

// Feeds `bytes` whole and returns the first non-frame outcome (or kNeedMore if all was fine).
Outcome first_error(const std::string& bytes, uint32_t max_frame_size = kDefaultMaxFrameSize) {
  Reader reader(max_frame_size);
  h2::Bytes input = h2::as_bytes(bytes);
  for (;;) {
    Reader::Result r = reader.next(input);
    if (r.status != Reader::Status::kFrame) return {r.status, r.error};
  }
}

void expect_connection_error(const std::string& bytes, FrameErrorKind kind, ErrorCode code) {
  Outcome o = first_error(bytes);
  EXPECT_EQ(o.status, Reader::Status::kConnectionError);
  EXPECT_EQ(o.error.kind, kind) << describe(o.error.kind);
  EXPECT_EQ(o.error.code, code) << h2::error_code_name(o.error.code);
  EXPECT_FALSE(o.error.stream_level);
}

void expect_stream_error(const std::string& bytes, FrameErrorKind kind, ErrorCode code,
                         uint32_t stream_id) {
  Outcome o = first_error(bytes);
  EXPECT_EQ(o.status, Reader::Status::kStreamError);
  EXPECT_EQ(o.error.kind, kind) << describe(o.error.kind);
  EXPECT_EQ(o.error.code, code) << h2::error_code_name(o.error.code);
  EXPECT_TRUE(o.error.stream_level);
  EXPECT_EQ(o.error.stream_id, stream_id);
}

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string setting(uint16_t id, uint32_t value) {
  return std::string{static_cast<char>(id >> 8), static_cast<char>(id)} + be32(value);
}

TEST(FrameValidation, OversizedFrameRejectedFromItsHeaderAlone) {
  Reader reader;  // limit 16384
  std::string header = raw_frame(16385, kData, 0, 1, "");
  h2::Bytes input = h2::as_bytes(header);
  Reader::Result r = reader.next(input);
  EXPECT_EQ(r.status, Reader::Status::kConnectionError);
  EXPECT_EQ(r.error.kind, FrameErrorKind::kFrameTooLarge);
  EXPECT_EQ(r.error.code, ErrorCode::kFrameSizeError);
  EXPECT_LE(reader.buffered_bytes(), kFrameHeaderSize);
}

TEST(FrameValidation, OversizedNonDataFrameIsNotBuffered) {
  // A 16 MiB SETTINGS announced in 9 bytes: rejected before any payload arrives.
  Reader reader;
  std::string header = raw_frame(kLargestMaxFrameSize, kHeaders, 0, 1, "");
  h2::Bytes input = h2::as_bytes(header).first(9);
  EXPECT_EQ(reader.next(input).status, Reader::Status::kConnectionError);
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(FrameValidation, FrameAtExactlyTheLimitIsAccepted) {
  Outcome o = first_error(raw_frame(kData, 0, 1, std::string(16384, 'a')));
  EXPECT_EQ(o.status, Reader::Status::kNeedMore);
}

TEST(FrameValidation, RaisedLimitAppliesToLaterFrames) {
  std::string big = raw_frame(kData, 0, 1, std::string(20000, 'a'));
  EXPECT_EQ(first_error(big).status, Reader::Status::kConnectionError);
  EXPECT_EQ(first_error(big, 20000).status, Reader::Status::kNeedMore);
}

class StreamBoundTypes : public ::testing::TestWithParam<uint8_t> {};
TEST_P(StreamBoundTypes, OnStreamZeroAreProtocolErrors) {
  std::string payload = GetParam() == kPriority ? std::string(5, '\0')
                        : GetParam() == kRst    ? std::string(4, '\0')
                        : GetParam() == kPush   ? be32(2)
                                                : std::string("x");
  expect_connection_error(raw_frame(GetParam(), flags::kEndHeaders, 0, payload),
                          FrameErrorKind::kStreamIdRequired, ErrorCode::kProtocolError);
}
INSTANTIATE_TEST_SUITE_P(Rfc9113, StreamBoundTypes,
                         ::testing::Values(kData, kHeaders, kPriority, kRst, kPush, kCont));

class ConnectionTypes : public ::testing::TestWithParam<uint8_t> {};
TEST_P(ConnectionTypes, OnAStreamAreProtocolErrors) {
  std::string payload = GetParam() == kSettings ? std::string() : std::string(8, '\1');
  expect_connection_error(raw_frame(GetParam(), 0, 1, payload), FrameErrorKind::kStreamIdForbidden,
                          ErrorCode::kProtocolError);
}
INSTANTIATE_TEST_SUITE_P(Rfc9113, ConnectionTypes,
                         ::testing::Values(kSettings, kPing, kGoaway, kPrioUpdate));

struct LengthCase {
  uint8_t type;
  uint32_t stream;
  size_t length;
};
class WrongFixedLengths : public ::testing::TestWithParam<LengthCase> {};
TEST_P(WrongFixedLengths, AreConnectionFrameSizeErrors) {
  auto c = GetParam();
  expect_connection_error(raw_frame(c.type, 0, c.stream, std::string(c.length, '\1')),
                          FrameErrorKind::kBadLength, ErrorCode::kFrameSizeError);
}
INSTANTIATE_TEST_SUITE_P(Rfc9113, WrongFixedLengths,
                         ::testing::Values(LengthCase{kRst, 1, 3}, LengthCase{kRst, 1, 5},
                                           LengthCase{kPing, 0, 7}, LengthCase{kPing, 0, 9},
                                           LengthCase{kWindowUpdate, 0, 3},
                                           LengthCase{kWindowUpdate, 1, 5},
                                           LengthCase{kSettings, 0, 5}, LengthCase{kSettings, 0, 7},
                                           LengthCase{kGoaway, 0, 7}, LengthCase{kGoaway, 0, 0},
                                           LengthCase{kPrioUpdate, 0, 3}, LengthCase{kAltsvc, 0, 1},
                                           LengthCase{kAltsvc, 0, 0}));

TEST(FrameValidation, PriorityWithWrongLengthIsAStreamFrameSizeError) {
  for (size_t len : {4u, 6u}) {
    expect_stream_error(raw_frame(kPriority, 0, 3, std::string(len, '\0')),
                        FrameErrorKind::kBadLength, ErrorCode::kFrameSizeError, 3);
  }
}

TEST(FrameValidation, StreamErrorSkipsTheFrameAndReadingGoesOn) {
  Reader reader;
  std::string bytes = raw_frame(kPriority, 0, 3, std::string(6, '\0')) +
                      raw_frame(kPing, 0, 0, std::string(8, 'p'));
  auto log = h2test::read_all(reader, bytes);
  ASSERT_EQ(log.stream_errors.size(), 1u);
  ASSERT_EQ(log.frames.size(), 1u);
  EXPECT_EQ(log.frames[0], raw_frame(kPing, 0, 0, std::string(8, 'p')));
}

TEST(FrameValidation, SettingsAckWithPayloadIsAFrameSizeError) {
  expect_connection_error(raw_frame(kSettings, flags::kAck, 0, setting(1, 0)),
                          FrameErrorKind::kSettingsAckWithPayload, ErrorCode::kFrameSizeError);
}

struct SettingCase {
  uint16_t id;
  uint32_t value;
  ErrorCode code;
};
class InvalidSettingValues : public ::testing::TestWithParam<SettingCase> {};
TEST_P(InvalidSettingValues, AreRejectedWithTheirCode) {
  auto c = GetParam();
  expect_connection_error(raw_frame(kSettings, 0, 0, setting(c.id, c.value)),
                          FrameErrorKind::kInvalidSettingValue, c.code);
}
INSTANTIATE_TEST_SUITE_P(
    Rfc9113, InvalidSettingValues,
    ::testing::Values(
        SettingCase{setting_id::kEnablePush, 2, ErrorCode::kProtocolError},
        SettingCase{setting_id::kInitialWindowSize, 0x80000000u, ErrorCode::kFlowControlError},
        SettingCase{setting_id::kMaxFrameSize, 16383, ErrorCode::kProtocolError},
        SettingCase{setting_id::kMaxFrameSize, 1u << 24, ErrorCode::kProtocolError},
        SettingCase{setting_id::kEnableConnectProtocol, 2, ErrorCode::kProtocolError}));

TEST(FrameValidation, BoundarySettingValuesAndUnknownIdentifiersAreAccepted) {
  std::string payload = setting(setting_id::kEnablePush, 1) +
                        setting(setting_id::kInitialWindowSize, 0x7fffffff) +
                        setting(setting_id::kMaxFrameSize, 16384) +
                        setting(setting_id::kMaxFrameSize, (1u << 24) - 1) +
                        setting(setting_id::kHeaderTableSize, 0xffffffff) + setting(0x77, 12345);
  EXPECT_EQ(first_error(raw_frame(kSettings, 0, 0, payload)).status, Reader::Status::kNeedMore);
}

TEST(FrameValidation, ZeroWindowIncrementOnConnectionIsAConnectionError) {
  expect_connection_error(raw_frame(kWindowUpdate, 0, 0, be32(0)),
                          FrameErrorKind::kZeroWindowIncrement, ErrorCode::kProtocolError);
}

TEST(FrameValidation, ZeroWindowIncrementOnStreamIsAStreamError) {
  // RFC 9113 §6.9 (python-h2 makes this a connection error; see behaviour-differences.md).
  expect_stream_error(raw_frame(kWindowUpdate, 0, 5, be32(0)), FrameErrorKind::kZeroWindowIncrement,
                      ErrorCode::kProtocolError, 5);
}

TEST(FrameValidation, ReservedBitOfIncrementIsIgnored) {
  Reader reader;
  auto log = h2test::read_all(reader, raw_frame(kWindowUpdate, 0, 0, be32(0x80000001u)));
  ASSERT_EQ(log.frames.size(), 1u);
  EXPECT_EQ(log.frames[0], raw_frame(kWindowUpdate, 0, 0, be32(1)));
}

TEST(FrameValidation, ReservedStreamIdBitIsMasked) {
  std::string bytes = raw_frame(kData, 0, 1, "x");
  bytes[5] = static_cast<char>(bytes[5] | 0x80);
  Reader reader;
  h2::Bytes input = h2::as_bytes(bytes);
  auto r = reader.next(input);
  ASSERT_EQ(r.status, Reader::Status::kFrame);
  EXPECT_EQ(std::get<DataFrame>(r.frame).stream_id, 1u);
}

TEST(FrameValidation, PushPromiseOfStreamZeroOrOddIsAProtocolError) {
  for (uint32_t promised : {0u, 3u}) {
    expect_connection_error(raw_frame(kPush, flags::kEndHeaders, 1, be32(promised)),
                            FrameErrorKind::kInvalidPromisedStreamId, ErrorCode::kProtocolError);
  }
}

TEST(FrameValidation, PushPromiseWithoutPromisedIdIsAFrameSizeError) {
  expect_connection_error(raw_frame(kPush, flags::kEndHeaders, 1, "\0\0"),
                          FrameErrorKind::kPaddingMissing, ErrorCode::kFrameSizeError);
}

class PaddedTypes : public ::testing::TestWithParam<uint8_t> {};
TEST_P(PaddedTypes, PaddedFlagWithoutPadLengthIsAFrameSizeError) {
  expect_connection_error(raw_frame(GetParam(), flags::kPadded | flags::kEndHeaders, 1, ""),
                          FrameErrorKind::kPaddingMissing, ErrorCode::kFrameSizeError);
}
TEST_P(PaddedTypes, PadLengthNotSmallerThanPayloadIsAProtocolError) {
  // Pad length 5 but only 4 bytes follow it (plus a promised id for PUSH_PROMISE).
  std::string fixed = GetParam() == kPush ? be32(2) : "";
  expect_connection_error(
      raw_frame(GetParam(), flags::kPadded | flags::kEndHeaders, 1, "\x05" + fixed + "abcd"),
      FrameErrorKind::kPaddingTooLong, ErrorCode::kProtocolError);
}
TEST_P(PaddedTypes, PaddingFillingTheWholeRestIsAccepted) {
  std::string fixed = GetParam() == kPush ? be32(2) : "";
  Outcome o = first_error(
      raw_frame(GetParam(), flags::kPadded | flags::kEndHeaders, 1, "\x04" + fixed + "abcd"));
  EXPECT_EQ(o.status, Reader::Status::kNeedMore);
}
INSTANTIATE_TEST_SUITE_P(Rfc9113, PaddedTypes, ::testing::Values(kData, kHeaders, kPush));

TEST(FrameValidation, PaddedDataSplitAcrossReadsChecksPadLengthToo) {
  Reader reader;
  std::string bytes = raw_frame(kData, flags::kPadded, 1,
                                "\x09"
                                "abcd");
  auto log =
      h2test::read_all(reader, std::vector<std::string>{bytes.substr(0, 11), bytes.substr(11)});
  EXPECT_EQ(log.connection_error.kind, FrameErrorKind::kPaddingTooLong);
  EXPECT_EQ(log.connection_error.code, ErrorCode::kProtocolError);
}

TEST(FrameValidation, HeadersWithPriorityFlagButNoPriorityFieldsIsAFrameSizeError) {
  expect_connection_error(raw_frame(kHeaders, flags::kPriority | flags::kEndHeaders, 1, "abcd"),
                          FrameErrorKind::kPaddingMissing, ErrorCode::kFrameSizeError);
}

TEST(FrameValidation, StreamDependingOnItselfIsAStreamProtocolError) {
  expect_stream_error(raw_frame(kPriority, 0, 3, be32(3) + "\x10"), FrameErrorKind::kSelfDependency,
                      ErrorCode::kProtocolError, 3);
}

TEST(FrameValidation, SelfDependentHeadersStillReachTheConnectionForHpack) {
  // The block must be decoded to keep HPACK in sync (RFC 9113 §4.3); the connection resets
  // the stream afterwards.
  Reader reader;
  std::string bytes =
      raw_frame(kHeaders, flags::kPriority | flags::kEndHeaders, 5, be32(5) + "\x10" + "\x82");
  h2::Bytes input = h2::as_bytes(bytes);
  auto r = reader.next(input);
  ASSERT_EQ(r.status, Reader::Status::kFrame);
  EXPECT_EQ(std::get<HeadersFrame>(r.frame).priority->depends_on, 5u);
}

TEST(FrameValidation, AltsvcOriginLongerThanPayloadIsAFrameSizeError) {
  expect_connection_error(raw_frame(kAltsvc, 0, 0, std::string("\x00\x09", 2) + "short"),
                          FrameErrorKind::kMalformedAltsvc, ErrorCode::kFrameSizeError);
}

TEST(FrameValidation, OriginEntryRunningPastThePayloadIsAFrameSizeError) {
  expect_connection_error(raw_frame(kOrigin, 0, 0, std::string("\x00\x03", 2) + "ab"),
                          FrameErrorKind::kMalformedOrigin, ErrorCode::kFrameSizeError);
  expect_connection_error(
      raw_frame(kOrigin, 0, 0, std::string("\x00\x01", 2) + "a" + std::string(1, '\0')),
      FrameErrorKind::kMalformedOrigin, ErrorCode::kFrameSizeError);
}

TEST(FrameValidation, OriginOnAStreamIsIgnoredAsAnUnknownFrame) {
  Reader reader;
  std::string bytes = raw_frame(kOrigin, 0, 3, "garbage");
  h2::Bytes input = h2::as_bytes(bytes);
  auto r = reader.next(input);
  ASSERT_EQ(r.status, Reader::Status::kFrame);
  EXPECT_TRUE(std::holds_alternative<UnknownFrame>(r.frame));
}

TEST(FrameValidation, PriorityUpdateForStreamZeroIsAProtocolError) {
  expect_connection_error(raw_frame(kPrioUpdate, 0, 0, be32(0) + "u=1"),
                          FrameErrorKind::kInvalidPrioritizedStream, ErrorCode::kProtocolError);
}

TEST(FrameValidation, UnknownFlagsAreIgnored) {
  Reader reader;
  std::string bytes = raw_frame(kPing, 0xfe, 0, std::string(8, 'z'));
  h2::Bytes input = h2::as_bytes(bytes);
  auto r = reader.next(input);
  ASSERT_EQ(r.status, Reader::Status::kFrame);
  EXPECT_FALSE(std::get<PingFrame>(r.frame).ack);
}

TEST(FrameValidation, BadPrefaceIsAProtocolError) {
  Reader reader;
  reader.expect_client_preface();
  std::string bytes = "PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n";
  h2::Bytes input = h2::as_bytes(bytes);
  auto r = reader.next(input);
  EXPECT_EQ(r.status, Reader::Status::kConnectionError);
  EXPECT_EQ(r.error.kind, FrameErrorKind::kBadPreface);
  EXPECT_EQ(r.error.code, ErrorCode::kProtocolError);
}

TEST(FrameValidation, PrefaceIsCheckedAcrossOneByteReads) {
  Reader reader;
  reader.expect_client_preface();
  std::string bytes = std::string(kClientPreface) + raw_frame(kSettings, 0, 0, "");
  std::vector<std::string> chunks;
  for (char c : bytes) chunks.emplace_back(1, c);
  auto log = h2test::read_all(reader, chunks);
  EXPECT_FALSE(log.connection_error);
  ASSERT_EQ(log.frames.size(), 1u);
  // And a mismatch in the middle of the preface is caught early.
  Reader bad;
  bad.expect_client_preface();
  std::string wrong = "PRI * HTTX";
  h2::Bytes input = h2::as_bytes(wrong);
  EXPECT_EQ(bad.next(input).status, Reader::Status::kConnectionError);
}

TEST(FrameValidation, AfterAConnectionErrorTheReaderStaysFailed) {
  Reader reader;
  std::string bytes = raw_frame(kData, 0, 0, "x");
  h2::Bytes input = h2::as_bytes(bytes);
  EXPECT_EQ(reader.next(input).status, Reader::Status::kConnectionError);
  std::string good = raw_frame(kPing, 0, 0, std::string(8, '\0'));
  h2::Bytes more = h2::as_bytes(good);
  auto r = reader.next(more);
  EXPECT_EQ(r.status, Reader::Status::kConnectionError);
  EXPECT_EQ(r.error.kind, FrameErrorKind::kStreamIdRequired);
  EXPECT_TRUE(reader.failed());
}

TEST(FrameValidation, ParseFrameRejectsPayloadOfTheWrongSize) {
  Frame f;
  FrameHeader h{8, kPing, 0, 0};
  std::string payload(4, '\0');
  FrameError e = parse_frame(h, h2::as_bytes(payload), f);
  EXPECT_EQ(e.kind, FrameErrorKind::kBadLength);
  EXPECT_EQ(e.code, ErrorCode::kFrameSizeError);
}

TEST(FrameValidation, EveryErrorKindHasADescription) {
  for (int k = 0; k <= static_cast<int>(FrameErrorKind::kInvalidPrioritizedStream); ++k) {
    EXPECT_NE(describe(static_cast<FrameErrorKind>(k)), "unknown frame error");
  }
}

}  // namespace
