// Frames that break the protocol's sequencing rules (BEHAVIOUR.md §2.3-§2.5, §3
// test_invalid_frame_sequences.py).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

void expect_goaway(H2Connection& c, uint32_t last, ErrorCode code) {
  FrameFactory expect;
  EXPECT_EQ(drain(c), expect.goaway(last, code));
  EXPECT_EQ(c.state(), ConnectionState::kClosed);
}

TEST(ConnectionInvalidFrameSequences, SendDataAfterOurEndStreamIsAProtocolError) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  drain(client);
  EXPECT_THROW(client.send_data(1, as_bytes("some data")), ProtocolError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionInvalidFrameSequences, ServerFedFramesWithoutThePrefaceFails) {
  H2Connection server(server_config());
  server.initiate_connection();
  drain(server);
  FrameFactory f;
  EXPECT_THROW(receive(server, f.headers(1, kRequest)), ProtocolError);
}

TEST(ConnectionInvalidFrameSequences, ServerReceivingHeadersOnAnEvenStreamFails) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  EXPECT_THROW(receive(server, f.headers(2, kRequest)), ProtocolError);
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
}

TEST(ConnectionInvalidFrameSequences, ClientReceivingAPromiseOfAnOddStreamFails) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  drain(client);
  EXPECT_THROW(receive(client, f.push_promise(1, 3, kRequest)), ProtocolError);
  expect_goaway(client, 0, ErrorCode::kProtocolError);
}

TEST(ConnectionInvalidFrameSequences, DataWithPaddingLongerThanThePayloadFails) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  drain(server);
  ByteBuffer b;
  // PADDED, pad length 10, only 5 bytes follow.
  frame::write_unknown(b, static_cast<uint8_t>(frame::FrameType::kData), frame::flags::kPadded, 1,
                       as_bytes(std::string_view("\x0a"
                                                 "abcde",
                                                 6)));
  EXPECT_THROW(server.receive_data(b.view()), ProtocolError);
  expect_goaway(server, 1, ErrorCode::kProtocolError);
}

TEST(ConnectionInvalidFrameSequences, ShortWindowUpdateIsAFrameSizeError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  ByteBuffer b;
  frame::write_unknown(b, static_cast<uint8_t>(frame::FrameType::kWindowUpdate), 0, 0,
                       as_bytes(std::string_view("\x00\x00\x01", 3)));
  EXPECT_THROW(server.receive_data(b.view()), FrameDataMissingError);
  expect_goaway(server, 0, ErrorCode::kFrameSizeError);
}

TEST(ConnectionInvalidFrameSequences, DataOnAStreamThePeerEndedIsAStreamError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  drain(server);
  EXPECT_NO_THROW(receive(server, f.data(1, "some data")));
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kStreamClosed));
}

TEST(ConnectionInvalidFrameSequences, ContinuationWithoutABlockOnAnEndedStreamFails) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  drain(server);
  ByteBuffer b;
  const std::string blk = f.block({{"x-extra", "1"}});
  frame::write_continuation(b, 1, as_bytes(blk), true);
  EXPECT_THROW(server.receive_data(b.view()), ProtocolError);
  expect_goaway(server, 1, ErrorCode::kProtocolError);
}

TEST(ConnectionInvalidFrameSequences, SixtyFifthFrameOfAHeaderBlockFails) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  const std::string blk = f.block(kRequest);
  ByteBuffer b;
  frame::write_unknown(b, static_cast<uint8_t>(frame::FrameType::kHeaders), 0, 1,
                       as_bytes(std::string_view(blk).substr(0, 1)));
  for (int i = 0; i < 63; ++i) frame::write_continuation(b, 1, {}, false);
  EXPECT_TRUE(server.receive_data(b.view()).empty());
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  ByteBuffer last;
  frame::write_continuation(last, 1, {}, false);
  EXPECT_THROW(server.receive_data(last.view()), ProtocolError);
  expect_goaway(server, 0, ErrorCode::kProtocolError);
}

TEST(ConnectionInvalidFrameSequences, InvalidSettingValuesFromThePeer) {
  struct Case {
    uint16_t id;
    uint32_t value;
    ErrorCode code;
  };
  for (Case c :
       {Case{frame::setting_id::kEnablePush, 5, ErrorCode::kProtocolError},
        Case{frame::setting_id::kMaxFrameSize, 5, ErrorCode::kProtocolError},
        Case{frame::setting_id::kMaxFrameSize, 1u << 24, ErrorCode::kProtocolError},
        Case{frame::setting_id::kInitialWindowSize, 1u << 31, ErrorCode::kFlowControlError}}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    try {
      receive(server, f.settings({{c.id, c.value}}));
      ADD_FAILURE() << c.id;
    } catch (const InvalidSettingsValueError& e) {
      EXPECT_EQ(e.error_code(), c.code);
    }
    expect_goaway(server, 0, c.code);
  }
}

TEST(ConnectionInvalidFrameSequences, ClientRejectsEnablePushFromTheServer) {
  H2Connection client;
  client.initiate_connection();
  drain(client);
  FrameFactory f;
  try {
    receive(client, f.settings({{frame::setting_id::kEnablePush, 1}}));
    FAIL();
  } catch (const InvalidSettingsValueError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kProtocolError);
  }
  expect_goaway(client, 0, ErrorCode::kProtocolError);
}

// h2's message is "Received frame with invalid header"; ours names the rule broken.
TEST(ConnectionInvalidFrameSequences, StreamBoundFrameOnStreamZeroFails) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  ByteBuffer b;
  frame::write_unknown(b, static_cast<uint8_t>(frame::FrameType::kRstStream), 0, 0,
                       as_bytes(std::string_view("\0\0\0\0", 4)));
  try {
    client.receive_data(b.view());
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kProtocolError);
    EXPECT_NE(std::string(e.what()).find("stream id"), std::string::npos) << e.what();
  }
  expect_goaway(client, 0, ErrorCode::kProtocolError);
}

TEST(ConnectionInvalidFrameSequences, ClientReceivingDataBeforeHeadersFails) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  drain(client);
  try {
    receive(client, f.data(1, "some data"));
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot receive data before headers"), std::string::npos)
        << e.what();
  }
  expect_goaway(client, 0, ErrorCode::kProtocolError);
}

TEST(ConnectionInvalidFrameSequences, DataOnAnEndedStreamResetsOnceButAnswersEveryFrame) {
  for (int count : {1, 5}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    receive(server, f.headers(1, kRequest, true));
    drain(server);
    std::string bytes;
    for (int i = 0; i < count; ++i) bytes += f.data(1, "some data");
    auto events = receive(server, bytes);
    ASSERT_EQ(events.size(), 1u);
    auto& r = event_at<StreamReset>(events, 0);
    EXPECT_EQ(r.stream_id, 1u);
    EXPECT_EQ(r.error_code, ErrorCode::kStreamClosed);
    EXPECT_FALSE(r.remote_reset);
    FrameFactory expect;
    std::string rst;
    for (int i = 0; i < count; ++i) rst += expect.rst_stream(1, ErrorCode::kStreamClosed);
    EXPECT_EQ(drain(server), rst);
  }
}

TEST(ConnectionInvalidFrameSequences, EmptyOrWordyContentLengthFails) {
  for (std::string value : {"", "twelve"}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    HeaderPairs req = kRequest;
    req.emplace_back("content-length", value);
    EXPECT_THROW(receive(server, f.headers(1, req)), ProtocolError);
    expect_goaway(server, 1, ErrorCode::kProtocolError);
  }
}

// h2: PROTOCOL_ERROR. Ours: COMPRESSION_ERROR (RFC 9113 §4.3, docs/behaviour-differences.md).
TEST(ConnectionInvalidFrameSequences, UndecodableHeaderBlockIsACompressionError) {
  const std::string garbage("\0\0\0\0", 4);
  {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    ByteBuffer b;
    frame::write_headers(b, 1, as_bytes(garbage), false);
    EXPECT_THROW(server.receive_data(b.view()), ProtocolError);
    expect_goaway(server, 0, ErrorCode::kCompressionError);
  }
  {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    drain(client);
    ByteBuffer b;
    frame::write_push_promise(b, 1, 2, as_bytes(garbage));
    EXPECT_THROW(client.receive_data(b.view()), ProtocolError);
    expect_goaway(client, 0, ErrorCode::kCompressionError);
  }
}

TEST(ConnectionInvalidFrameSequences, PushPromiseOnAPushedStreamFails) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  receive(client, f.push_promise(1, 2, kRequest));
  receive(client, f.headers(2, kResponse));
  drain(client);
  EXPECT_THROW(receive(client, f.push_promise(2, 4, kRequest)), ProtocolError);
  expect_goaway(client, 2, ErrorCode::kProtocolError);
}

TEST(ConnectionInvalidFrameSequences, ServerCannotPushOnAPushedStream) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest, true));
  auto req = to_headers(kRequest);
  server.push_stream(1, 2, req);
  auto resp = to_headers(kResponse);
  server.send_headers(2, resp);
  drain(server);
  EXPECT_THROW(server.push_stream(2, 4, req), ProtocolError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_EQ(server.get_next_available_stream_id(), 4u);
}

}  // namespace
}  // namespace h2
