// H2Connection priority (BEHAVIOUR.md §2.15, §3 test_priority.py): received PRIORITY frames
// and PRIORITY flags become PriorityUpdated; sending priority is client-only and validated
// before anything is queued.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

std::string headers_with_priority(FrameFactory& f, uint32_t stream, const HeaderPairs& headers,
                                  frame::PrioritySpec prio, bool end_stream = false) {
  std::string blk = f.block(headers);
  ByteBuffer b;
  frame::write_headers(b, stream, as_bytes(blk), end_stream, prio);
  return std::string(b.string_view());
}

const uint8_t kPriorityType = static_cast<uint8_t>(frame::FrameType::kPriority);
const uint8_t kHeadersType = static_cast<uint8_t>(frame::FrameType::kHeaders);

TEST(ConnectionPriority, PriorityFrameForANeverOpenedStreamGivesPriorityUpdated) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.priority(1, 0, 255, false));
  ASSERT_EQ(events.size(), 1u);
  auto& p = event_at<PriorityUpdated>(events, 0);
  EXPECT_EQ(p.stream_id, 1u);
  EXPECT_EQ(p.depends_on, 0u);
  EXPECT_EQ(p.weight, 256);
  EXPECT_FALSE(p.exclusive);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_FALSE(server.stream_state(1));  // PRIORITY never creates streams
}

TEST(ConnectionPriority, HeadersWithPriorityFlagGiveRequestThenPriorityUpdated) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  auto events = receive(server, headers_with_priority(f, 3, kRequest, {1, 15, true}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(event_at<RequestReceived>(events, 0).stream_id, 3u);
  auto& p = event_at<PriorityUpdated>(events, 1);
  EXPECT_EQ(p.stream_id, 3u);
  EXPECT_EQ(p.depends_on, 1u);
  EXPECT_EQ(p.weight, 16);
  EXPECT_TRUE(p.exclusive);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

// Deliberate difference (docs/behaviour-differences.md): a self-dependent PRIORITY frame is a
// stream error (RFC 9113 §5.3.1), h2 makes it a connection PROTOCOL_ERROR.
TEST(ConnectionPriority, SelfDependentPriorityFrameIsAStreamError) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  receive(server, f.headers(3, kRequest));
  auto events = receive(server, f.priority(3, 3, 15, false));
  ASSERT_EQ(events.size(), 1u);
  auto& r = event_at<StreamReset>(events, 0);
  EXPECT_EQ(r.stream_id, 3u);
  EXPECT_EQ(r.error_code, ErrorCode::kProtocolError);
  EXPECT_FALSE(r.remote_reset);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.rst_stream(3, ErrorCode::kProtocolError));
  EXPECT_NE(server.state(), ConnectionState::kClosed);
}

// Deliberate difference: a self-dependent HEADERS resets the stream (block still decoded).
TEST(ConnectionPriority, SelfDependentHeadersResetsTheStreamAndKeepsHpackInSync) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, headers_with_priority(f, 1, kRequest, {1, 15, false}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<StreamReset>(events, 0).error_code, ErrorCode::kProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kProtocolError));
  // The next block refers to the dynamic table entries the refused block added.
  events = receive(server, f.headers(3, kRequest));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), kRequest);
}

struct PrioCase {
  uint32_t depends_on;
  int weight;
  bool exclusive;
};
const PrioCase kPrioCases[] = {{0, 256, false}, {3, 128, false}, {3, 128, true}};

TEST(ConnectionPriority, ClientPrioritizeSendsPriorityFrameWithWireWeightMinusOne) {
  for (const PrioCase& pc : kPrioCases) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    client.prioritize(1, {pc.weight, pc.depends_on, pc.exclusive});
    FrameFactory expect;
    EXPECT_EQ(drain(client),
              expect.priority(1, pc.depends_on, static_cast<uint8_t>(pc.weight - 1), pc.exclusive));
  }
}

TEST(ConnectionPriority, SendHeadersWithPriorityArgumentsSetsThePriorityFlag) {
  const PrioCase cases[] = {{0, 256, false}, {1, 128, false}, {1, 128, true}};
  for (const PrioCase& pc : cases) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(3, req, false, {pc.weight, pc.depends_on, pc.exclusive});
    SentParser parser;
    auto frames = parser.parse(drain(client));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].header.type, kHeadersType);
    EXPECT_TRUE(frames[0].header.has(frame::flags::kPriority));
    const std::string& p = frames[0].payload;
    ASSERT_GE(p.size(), 5u);
    const uint32_t dep = (uint32_t{static_cast<uint8_t>(p[0])} << 24) |
                         (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
                         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | static_cast<uint8_t>(p[3]);
    EXPECT_EQ(dep & 0x7fffffff, pc.depends_on);
    EXPECT_EQ((dep >> 31) != 0, pc.exclusive);
    EXPECT_EQ(static_cast<uint8_t>(p[4]), pc.weight - 1);
    EXPECT_EQ(frames[0].headers, kRequest);
  }
}

TEST(ConnectionPriority, SelfDependencyInPrioritizeOrSendHeadersIsRejectedAndQueuesNothing) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  EXPECT_THROW(client.prioritize(3, {std::nullopt, 3u, std::nullopt}), ProtocolError);
  auto req = to_headers(kRequest);
  EXPECT_THROW(client.send_headers(3, req, false, {std::nullopt, 3u, std::nullopt}), ProtocolError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_FALSE(client.stream_state(3));
  EXPECT_EQ(client.state(), ConnectionState::kIdle);  // local misuse changes nothing
}

TEST(ConnectionPriority, InvalidWeightsAreRejectedAndQueueNothing) {
  for (int weight : {0, -15, 257}) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    EXPECT_THROW(client.prioritize(1, {weight, std::nullopt, std::nullopt}), ProtocolError);
    auto req = to_headers(kRequest);
    EXPECT_THROW(client.send_headers(1, req, false, {weight, std::nullopt, std::nullopt}),
                 ProtocolError);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
    EXPECT_EQ(client.encoder().table_entries(), 0u);
    EXPECT_EQ(client.get_next_available_stream_id(), 1u);
  }
}

TEST(ConnectionPriority, PrioritizeWithoutArgumentsUsesDefaults) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  client.prioritize(1);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.priority(1, 0, 15, false));
}

TEST(ConnectionPriority, SendHeadersWithOnePriorityArgumentFillsTheOthersWithDefaults) {
  const PriorityArgs single[] = {{32, std::nullopt, std::nullopt},
                                 {std::nullopt, 0u, std::nullopt},
                                 {std::nullopt, std::nullopt, false}};
  for (const PriorityArgs& args : single) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, false, args);
    SentParser parser;
    auto frames = parser.parse(drain(client));
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_TRUE(frames[0].header.has(frame::flags::kPriority));
    const std::string& p = frames[0].payload;
    EXPECT_EQ(p.substr(0, 4), std::string(4, '\0'));
    EXPECT_EQ(static_cast<uint8_t>(p[4]), args.weight.value_or(16) - 1);
  }
}

TEST(ConnectionPriority, ServerPrioritizingIsAnRfc1122Error) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(1, kRequest));
  EXPECT_THROW(server.prioritize(1, {16, std::nullopt, std::nullopt}), RFC1122Error);
  auto resp = to_headers(kResponse);
  EXPECT_THROW(server.send_headers(1, resp, false, {16, std::nullopt, std::nullopt}), RFC1122Error);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  EXPECT_EQ(server.stream_state(1), StreamState::kOpen);
}

TEST(ConnectionPriority, PriorityFrameIsUnderstoodInEveryOpenConnectionState) {
  // IDLE (no HEADERS yet) and SERVER_OPEN.
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  EXPECT_EQ(server.state(), ConnectionState::kIdle);
  EXPECT_EQ(receive(server, f.priority(5, 0, 15, false)).size(), 1u);
  receive(server, f.headers(1, kRequest));
  EXPECT_EQ(receive(server, f.priority(5, 1, 15, false)).size(), 1u);
  // A client may send PRIORITY before any HEADERS.
  H2Connection client;
  open_client(client, f);
  EXPECT_NO_THROW(client.prioritize(1));
}

}  // namespace
}  // namespace h2
