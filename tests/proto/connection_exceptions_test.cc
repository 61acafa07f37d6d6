// The error hierarchy as the connection raises it (BEHAVIOUR.md §1.4, §3 test_exceptions.py).
#include <gtest/gtest.h>

#include <string>
#include <type_traits>

#include "h2/exceptions.h"

namespace h2 {
namespace {

TEST(ConnectionExceptions, StreamIdTooLowErrorRendersLikeH2) {
  StreamIDTooLowError e(5, 10);
  EXPECT_EQ(std::string(e.what()), "StreamIDTooLowError: 5 is lower than 10");
  EXPECT_EQ(e.stream_id, 5u);
  EXPECT_EQ(e.max_stream_id, 10u);
}

// Not an h2 test: the codes of §1.4's table, which become the automatic GOAWAY's code.
TEST(ConnectionExceptions, ErrorCodesFollowTheHierarchyTable) {
  EXPECT_EQ(ProtocolError("x").error_code(), ErrorCode::kProtocolError);
  EXPECT_EQ(FrameTooLargeError("x").error_code(), ErrorCode::kFrameSizeError);
  EXPECT_EQ(FrameDataMissingError("x").error_code(), ErrorCode::kFrameSizeError);
  EXPECT_EQ(TooManyStreamsError("x").error_code(), ErrorCode::kProtocolError);
  EXPECT_EQ(FlowControlError("x").error_code(), ErrorCode::kFlowControlError);
  EXPECT_EQ(StreamIDTooLowError(1, 2).error_code(), ErrorCode::kProtocolError);
  EXPECT_EQ(NoAvailableStreamIDError("x").error_code(), ErrorCode::kProtocolError);
  EXPECT_EQ(NoSuchStreamError(1).error_code(), ErrorCode::kProtocolError);
  EXPECT_EQ(StreamClosedError(1).error_code(), ErrorCode::kStreamClosed);
  EXPECT_EQ(InvalidSettingsValueError("x", ErrorCode::kFlowControlError).error_code(),
            ErrorCode::kFlowControlError);
  EXPECT_EQ(InvalidBodyLengthError(15, 16).error_code(), ErrorCode::kProtocolError);
  EXPECT_EQ(std::string(InvalidBodyLengthError(15, 16).what()),
            "InvalidBodyLengthError: Expected 15 bytes, received 16");
  EXPECT_EQ(DenialOfServiceError("x").error_code(), ErrorCode::kEnhanceYourCalm);
  static_assert(std::is_base_of_v<NoSuchStreamError, StreamClosedError>);
  static_assert(std::is_base_of_v<H2Error, RFC1122Error>);
  static_assert(!std::is_base_of_v<ProtocolError, RFC1122Error>);
}

}  // namespace
}  // namespace h2
