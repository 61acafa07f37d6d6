// Stream counting and header blocks spread over CONTINUATION frames (BEHAVIOUR.md §2.2,
// §2.4, §3 test_complex_logic.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

std::string str(const ByteBuffer& b) {
  return std::string(b.string_view());
}

// A HEADERS frame carrying `block` split into HEADERS + CONTINUATIONs of `chunk` bytes.
std::string split_headers(FrameFactory& f, uint32_t stream, const HeaderPairs& headers,
                          bool end_stream, uint32_t chunk) {
  return f.headers(stream, headers, end_stream, chunk);
}

// The first frame of a split block (without END_HEADERS) and the CONTINUATIONs, separately.
struct SplitBlock {
  std::string first;
  std::vector<std::string> continuations;
};

SplitBlock split_push_promise(FrameFactory& f, uint32_t stream, uint32_t promised,
                              const HeaderPairs& headers, size_t chunk) {
  const std::string blk = f.block(headers);
  SplitBlock out;
  ByteBuffer b;
  // Built by hand: promised id + first chunk, no END_HEADERS.
  std::string payload(4, '\0');
  payload[0] = static_cast<char>((promised >> 24) & 0x7f);
  payload[1] = static_cast<char>((promised >> 16) & 0xff);
  payload[2] = static_cast<char>((promised >> 8) & 0xff);
  payload[3] = static_cast<char>(promised & 0xff);
  payload += blk.substr(0, chunk);
  frame::write_unknown(b, static_cast<uint8_t>(frame::FrameType::kPushPromise), 0, stream,
                       as_bytes(payload));
  out.first = str(b);
  for (size_t at = chunk; at < blk.size(); at += chunk) {
    ByteBuffer c;
    const std::string piece = blk.substr(at, chunk);
    frame::write_continuation(c, stream, as_bytes(piece), at + chunk >= blk.size());
    out.continuations.push_back(str(c));
  }
  return out;
}

SplitBlock split_headers_parts(FrameFactory& f, uint32_t stream, const HeaderPairs& headers,
                               size_t chunk) {
  const std::string blk = f.block(headers);
  SplitBlock out;
  ByteBuffer b;
  frame::write_unknown(b, static_cast<uint8_t>(frame::FrameType::kHeaders), 0, stream,
                       as_bytes(std::string_view(blk).substr(0, chunk)));
  out.first = str(b);
  for (size_t at = chunk; at < blk.size(); at += chunk) {
    ByteBuffer c;
    const std::string piece = blk.substr(at, chunk);
    frame::write_continuation(c, stream, as_bytes(piece), at + chunk >= blk.size());
    out.continuations.push_back(str(c));
  }
  return out;
}

std::string unknown_frame(uint32_t stream) {
  ByteBuffer b;
  frame::write_unknown(b, 0x88, 0, stream, as_bytes("abcdef"));
  return str(b);
}

TEST(ConnectionComplexLogic, ClientCountsOutboundAndPushedStreams) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  size_t n = 0;
  for (uint32_t id = 1; id <= 13; id += 2) {
    client.send_headers(id, req);
    EXPECT_EQ(client.open_outbound_streams(), ++n);
  }
  for (uint32_t id = 1; id <= 13; id += 2) {
    receive(client, f.push_promise(id, id + 1, kRequest));
    EXPECT_EQ(client.open_inbound_streams(), 0u);  // reserved streams do not count
  }
  n = 0;
  for (uint32_t id = 2; id <= 14; id += 2) {
    receive(client, f.headers(id, kResponse));
    EXPECT_EQ(client.open_inbound_streams(), ++n);
  }
  // Our streams count until both sides ended them.
  n = 7;
  for (uint32_t id = 1; id <= 13; id += 2) {
    client.end_stream(id);
    EXPECT_EQ(client.open_outbound_streams(), n);
    receive(client, f.headers(id, kResponse, true));
    EXPECT_EQ(client.open_outbound_streams(), --n);
  }
  n = 7;
  for (uint32_t id = 2; id <= 14; id += 2) {
    const std::string frame = f.data(id, "x", true);
    receive(client, frame);
    EXPECT_EQ(client.open_inbound_streams(), --n);
  }
  EXPECT_EQ(client.live_streams(), 0u);
}

TEST(ConnectionComplexLogic, ServerCountsInboundAndPushedStreams) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  size_t n = 0;
  for (uint32_t id = 1; id <= 13; id += 2) {
    receive(server, f.headers(id, kRequest));
    EXPECT_EQ(server.open_inbound_streams(), ++n);
  }
  auto req = to_headers(kRequest);
  auto resp = to_headers(kResponse);
  for (uint32_t id = 1; id <= 13; id += 2) {
    server.push_stream(id, id + 1, req);
    EXPECT_EQ(server.open_outbound_streams(), 0u);
  }
  n = 0;
  for (uint32_t id = 2; id <= 14; id += 2) {
    server.send_headers(id, resp);
    EXPECT_EQ(server.open_outbound_streams(), ++n);
  }
  n = 7;
  for (uint32_t id = 1; id <= 13; id += 2) {
    receive(server, f.data(id, "", true));
    EXPECT_EQ(server.open_inbound_streams(), n);
    server.send_headers(id, resp, true);
    EXPECT_EQ(server.open_inbound_streams(), --n);
  }
  n = 7;
  for (uint32_t id = 2; id <= 14; id += 2) {
    server.end_stream(id);
    EXPECT_EQ(server.open_outbound_streams(), --n);
  }
  EXPECT_EQ(server.live_streams(), 0u);
}

TEST(ConnectionComplexLogic, RequestInFiveByteContinuationChunksIsAssembled) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, split_headers(f, 1, kRequest, true, 5));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), kRequest);
  EXPECT_EQ(event_at<StreamEnded>(events, 1).stream_id, 1u);
}

TEST(ConnectionComplexLogic, OtherFramesInsideAHeaderBlockAreInvalid) {
  std::vector<std::function<std::string(FrameFactory&)>> intruders = {
      [](FrameFactory& f) { return f.headers(1, kRequest); },
      [](FrameFactory& f) { return f.headers(3, kRequest); },
      [](FrameFactory& f) { return f.data(1, "hello"); },
      [](FrameFactory&) { return unknown_frame(1); },
  };
  for (size_t i = 0; i < intruders.size(); ++i) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    SplitBlock block = split_headers_parts(f, 1, kRequest, 5);
    std::string bytes = block.first + block.continuations[0] + intruders[i](f);
    try {
      receive(server, bytes);
      FAIL() << i;
    } catch (const ProtocolError& e) {
      EXPECT_NE(lower(e.what()).find("invalid frame"), std::string::npos) << e.what();
    }
  }
}

TEST(ConnectionComplexLogic, ThreeSplitRequestsInARowAllDecode) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  std::string bytes;
  for (uint32_t id : {1u, 3u, 5u}) bytes += split_headers(f, id, kRequest, true, 2);
  auto events = receive(server, bytes);
  ASSERT_EQ(events.size(), 6u);
  uint32_t id = 1;
  for (size_t i = 0; i < 6; i += 2, id += 2) {
    auto& r = event_at<RequestReceived>(events, i);
    EXPECT_EQ(r.stream_id, id);
    EXPECT_EQ(to_pairs(r.headers), kRequest);
  }
}

TEST(ConnectionComplexLogic, SplitPushPromiseGivesOnePushedStreamEvent) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  SplitBlock block = split_push_promise(f, 1, 2, kRequest, 5);
  std::string bytes = block.first;
  for (auto& c : block.continuations) bytes += c;
  auto events = receive(client, bytes);
  ASSERT_EQ(events.size(), 1u);
  auto& p = event_at<PushedStreamReceived>(events, 0);
  EXPECT_EQ(p.pushed_stream_id, 2u);
  EXPECT_EQ(p.parent_stream_id, 1u);
  EXPECT_EQ(to_pairs(p.headers), kRequest);
}

TEST(ConnectionComplexLogic, OtherFramesInsideAPushPromiseBlockAreInvalid) {
  std::vector<std::function<std::string(FrameFactory&)>> intruders = {
      [](FrameFactory& f) { return f.headers(3, kResponse); },
      [](FrameFactory& f) { return f.headers(1, kResponse); },
      [](FrameFactory& f) { return f.headers(2, kResponse); },
      [](FrameFactory& f) { return f.data(1, "hello"); },
      [](FrameFactory&) { return unknown_frame(1); },
  };
  for (size_t i = 0; i < intruders.size(); ++i) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    SplitBlock block = split_push_promise(f, 1, 2, kRequest, 5);
    std::string bytes = block.first + block.continuations[0] + intruders[i](f);
    try {
      receive(client, bytes);
      FAIL() << i;
    } catch (const ProtocolError& e) {
      EXPECT_NE(lower(e.what()).find("invalid frame"), std::string::npos) << e.what();
    }
  }
}

TEST(ConnectionComplexLogic, PushPromiseOnAParentClosedNormallyIsAProtocolError) {
  for (bool count_first : {false, true}) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    auto req = to_headers(kRequest);
    client.send_headers(1, req, true);
    receive(client, f.headers(1, kResponse, true));
    drain(client);
    if (count_first) {
      EXPECT_EQ(client.open_outbound_streams(), 0u);
    }
    EXPECT_THROW(receive(client, f.push_promise(1, 2, kRequest)), ProtocolError);
    FrameFactory expect;
    EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
  }
}

TEST(ConnectionComplexLogic, ThreeSplitPushPromisesGiveThreeEvents) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  std::string bytes;
  for (uint32_t promised : {2u, 4u, 6u}) {
    SplitBlock block = split_push_promise(f, 1, promised, kRequest, 2);
    bytes += block.first;
    for (auto& c : block.continuations) bytes += c;
  }
  auto events = receive(client, bytes);
  ASSERT_EQ(events.size(), 3u);
  uint32_t promised = 2;
  for (size_t i = 0; i < 3; ++i, promised += 2) {
    auto& p = event_at<PushedStreamReceived>(events, i);
    EXPECT_EQ(p.pushed_stream_id, promised);
    EXPECT_EQ(to_pairs(p.headers), kRequest);
  }
}

}  // namespace
}  // namespace h2
