// Frames arriving on streams we reset (BEHAVIOUR.md §2.3, §3 test_stream_reset.py).
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

TEST(ConnectionStreamReset, ResponseOnAResetStreamIsRefusedButStillDecoded) {
  H2Connection client;
  FrameFactory f;
  open_client_with_stream_1_reset(client, f);
  // The peer's encoder indexes these fields in the first block and refers to them in the
  // second: the refused block must still reach our decoder.
  HeaderPairs resp = {{":status", "200"}, {"x-custom", "a-value-worth-indexing"}};
  auto events = receive(client, f.headers(1, resp));
  EXPECT_TRUE(events.empty());
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.rst_stream(1, ErrorCode::kStreamClosed));
  events = receive(client, f.headers(3, resp));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), resp);
}

TEST(ConnectionStreamReset, DataOnAResetStreamIsRefusedButConsumesTheConnectionWindow) {
  for (uint32_t reset_id : {1u, 3u}) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    client.send_headers(3, req, true);
    std::string responses = f.headers(1, kResponse);  // encoded in wire order
    responses += f.headers(3, kResponse);
    receive(client, responses);
    client.reset_stream(reset_id);
    drain(client);
    const uint32_t other = reset_id == 1 ? 3 : 1;
    EXPECT_TRUE(receive(client, f.data(reset_id, std::string(1000, 'x'))).empty());
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.rst_stream(reset_id, ErrorCode::kStreamClosed));
    EXPECT_EQ(client.remote_flow_control_window(other), 65535 - 1000);
  }
}

TEST(ConnectionStreamReset, PushPromiseOnAResetParentIsRefused) {
  for (bool count_first : {false, true}) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    client.reset_stream(1);
    drain(client);
    if (count_first) {
      EXPECT_EQ(client.open_outbound_streams(), 0u);
    }
    EXPECT_TRUE(receive(client, f.push_promise(1, 2, kRequest)).empty());
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.rst_stream(2, ErrorCode::kRefusedStream));
  }
}

}  // namespace
}  // namespace h2
