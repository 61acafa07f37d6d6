// H2Connection h2c upgrade (RFC 7540 §3.2; BEHAVIOUR.md §2.13, §3 test_h2_upgrade.py).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

// MAX_CONCURRENT_STREAMS=100, INITIAL_WINDOW_SIZE=65535, unpadded base64url.
constexpr std::string_view kSettingsHeader = "AAMAAABkAAQAAP__";

std::string base64url_decode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      v = ch - '0' + 52;
    } else if (ch == '-') {
      v = 62;
    } else if (ch == '_') {
      v = 63;
    } else {
      ADD_FAILURE() << "not base64url: " << ch;
      return out;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

TEST(ConnectionUpgradeClient, ReturnsUnpaddedBase64urlOfTheSettingsPayload) {
  H2Connection client;
  std::optional<std::string> header = client.initiate_upgrade_connection();
  ASSERT_TRUE(header);
  EXPECT_EQ(header->find('='), std::string::npos);
  const std::string payload = base64url_decode(*header);
  std::vector<frame::Setting> expected = client.local_settings().current();
  ASSERT_EQ(payload.size(), expected.size() * 6);
  std::vector<frame::Setting> decoded;
  for (frame::Setting s : frame::SettingsView(as_bytes(payload))) decoded.push_back(s);
  EXPECT_EQ(decoded, expected);
}

TEST(ConnectionUpgradeClient, QueuesPrefaceAndTheFullSettingsFrame) {
  H2Connection client;
  std::optional<std::string> header = client.initiate_upgrade_connection();
  ASSERT_TRUE(header);
  std::string sent = drain(client);
  ASSERT_EQ(sent.substr(0, 24), frame::kClientPreface);
  FrameFactory f;
  EXPECT_EQ(sent.substr(24), f.settings(client.local_settings().current()));
  EXPECT_EQ(client.stream_state(1), StreamState::kHalfClosedLocal);
  EXPECT_EQ(client.get_next_available_stream_id(), 3u);
}

TEST(ConnectionUpgradeClient, ResponseOnStreamOneIsReceivedNormally) {
  H2Connection client;
  client.initiate_upgrade_connection();
  drain(client);
  FrameFactory f;
  const std::string bytes = f.headers(1, kResponse) + f.data(1, "hello", true);
  auto events = receive(client, bytes);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(event_at<ResponseReceived>(events, 0).stream_id, 1u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), kResponse);
  EXPECT_EQ(event_at<DataReceived>(events, 1).stream_id, 1u);
  EXPECT_EQ(event_at<StreamEnded>(events, 2).stream_id, 1u);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionUpgradeClient, PushPromiseOnStreamOneIsAccepted) {
  H2Connection client;
  client.initiate_upgrade_connection();
  drain(client);
  FrameFactory f;
  auto events = receive(client, f.push_promise(1, 2, kRequest));
  ASSERT_EQ(events.size(), 1u);
  auto& p = event_at<PushedStreamReceived>(events, 0);
  EXPECT_EQ(p.parent_stream_id, 1u);
  EXPECT_EQ(p.pushed_stream_id, 2u);
  EXPECT_EQ(to_pairs(p.headers), kRequest);
}

TEST(ConnectionUpgradeClient, CannotSendHeadersOrDataOnStreamOne) {
  H2Connection client;
  client.initiate_upgrade_connection();
  drain(client);
  auto req = to_headers(kRequest);
  EXPECT_THROW(client.send_headers(1, req), ProtocolError);
  EXPECT_THROW(client.send_data(1, as_bytes("x")), ProtocolError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_EQ(client.stream_state(1), StreamState::kHalfClosedLocal);
}

TEST(ConnectionUpgradeServer, ReturnsNothing) {
  H2Connection server(server_config());
  EXPECT_FALSE(server.initiate_upgrade_connection(kSettingsHeader));
}

TEST(ConnectionUpgradeServer, QueuesOnlyItsOwnSettingsFrame) {
  H2Connection server(server_config());
  server.initiate_upgrade_connection(kSettingsHeader);
  FrameFactory f;
  EXPECT_EQ(drain(server), f.settings(server.local_settings().current()));
  EXPECT_EQ(server.stream_state(1), StreamState::kHalfClosedRemote);
}

TEST(ConnectionUpgradeServer, CanRespondAndPushOnStreamOne) {
  H2Connection server(server_config());
  server.initiate_upgrade_connection(kSettingsHeader);
  drain(server);
  auto push = to_headers(kRequest);
  server.push_stream(1, 2, push);
  auto resp = to_headers(kResponse);
  server.send_headers(1, resp);
  server.send_data(1, as_bytes("hello"), true);
  SentParser parser;
  auto frames = parser.parse(drain(server));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].header.type, static_cast<uint8_t>(frame::FrameType::kPushPromise));
  EXPECT_EQ(frames[0].headers, kRequest);
  EXPECT_EQ(frames[1].headers, kResponse);
  EXPECT_EQ(frames[2].header.type, static_cast<uint8_t>(frame::FrameType::kData));
  EXPECT_TRUE(frames[2].header.has(frame::flags::kEndStream));
  EXPECT_FALSE(server.stream_state(1));  // closed and forgotten
  EXPECT_EQ(server.stream_state(2), StreamState::kReservedLocal);
}

TEST(ConnectionUpgradeServer, HeadersOrDataReceivedOnStreamOneResetTheStream) {
  for (bool data : {false, true}) {
    H2Connection server(server_config());
    server.initiate_upgrade_connection(kSettingsHeader);
    FrameFactory f;
    receive(server, f.preamble() + f.settings());
    drain(server);
    const std::string bytes = data ? f.data(1, "x") : f.headers(1, kRequest);
    auto events = receive(server, bytes);
    ASSERT_EQ(events.size(), 1u);
    auto& r = event_at<StreamReset>(events, 0);
    EXPECT_EQ(r.stream_id, 1u);
    EXPECT_EQ(r.error_code, ErrorCode::kStreamClosed);
    EXPECT_FALSE(r.remote_reset);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kStreamClosed));
  }
}

TEST(ConnectionUpgradeServer, ClientSettingsAreAppliedWithoutAnAck) {
  H2Connection client;
  std::optional<std::string> header = client.initiate_upgrade_connection();
  ASSERT_TRUE(header);
  H2Connection server(server_config());
  server.initiate_upgrade_connection(*header);
  EXPECT_EQ(server.remote_settings().current(), client.local_settings().current());
  FrameFactory f;
  EXPECT_EQ(drain(server), f.settings(server.local_settings().current()));  // no ACK
  // The client's preface and SETTINGS then arrive as usual and are acknowledged.
  std::string wire = drain(client);
  auto events = receive(server, wire);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<RemoteSettingsChanged>(events[0]));
  EXPECT_EQ(drain(server), f.settings_ack());
}

TEST(ConnectionUpgradeServer, PaddedSettingsHeaderIsAccepted) {
  H2Connection server(server_config());
  // Settings payloads are multiples of 6 bytes, so a correct value never needs '=' padding;
  // trailing padding is tolerated all the same.
  server.initiate_upgrade_connection(std::string(kSettingsHeader) + "==");
  EXPECT_EQ(server.remote_settings().max_concurrent_streams(), 100u);
}

TEST(ConnectionUpgradeServer, MalformedSettingsHeaderIsAProtocolError) {
  H2Connection server(server_config());
  EXPECT_THROW(server.initiate_upgrade_connection("AAMAAABkAAQAAP_"), ProtocolError);  // 11 bytes
  H2Connection other(server_config());
  EXPECT_THROW(other.initiate_upgrade_connection("AAMA*ABkAAQAAP__"), ProtocolError);
}

TEST(ConnectionUpgradeServer, InvalidSettingInTheHeaderLeavesRemoteSettingsUnchanged) {
  H2Connection server(server_config());
  // MAX_CONCURRENT_STREAMS=100, then ENABLE_PUSH=2 (invalid).
  EXPECT_THROW(server.initiate_upgrade_connection("AAMAAABkAAIAAAAC"), InvalidSettingsValueError);
  EXPECT_FALSE(server.remote_settings().has_pending());
  EXPECT_EQ(server.remote_settings().max_concurrent_streams(),
            Settings::kUnboundedConcurrentStreams);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_FALSE(server.stream_state(1));
}

}  // namespace
}  // namespace h2
