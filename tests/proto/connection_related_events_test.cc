// H2Connection related events (BEHAVIOUR.md §1.3, §3 test_related_events.py): header and
// DATA events carry copies of the StreamEnded / PriorityUpdated that follow them.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

std::string headers_frame(FrameFactory& f, uint32_t stream, const HeaderPairs& headers,
                          bool end_stream, std::optional<frame::PrioritySpec> prio) {
  std::string blk = f.block(headers);
  ByteBuffer b;
  frame::write_headers(b, stream, as_bytes(blk), end_stream, prio);
  return std::string(b.string_view());
}

const frame::PrioritySpec kPrio{0, 15, false};

// A client with stream 1 requested (request ended), ready for a response.
void open_request(H2Connection& client, FrameFactory& f) {
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  drain(client);
}

template <typename HeadersEvent>
void expect_both_links(const std::vector<Event>& events, uint32_t stream) {
  ASSERT_EQ(events.size(), 3u);
  auto& h = event_at<HeadersEvent>(events, 0);
  auto& ended = event_at<StreamEnded>(events, 1);
  auto& prio = event_at<PriorityUpdated>(events, 2);
  ASSERT_TRUE(h.stream_ended);
  ASSERT_TRUE(h.priority_updated);
  EXPECT_EQ(h.stream_ended->stream_id, ended.stream_id);
  EXPECT_EQ(ended.stream_id, stream);
  EXPECT_EQ(h.priority_updated->stream_id, prio.stream_id);
  EXPECT_EQ(h.priority_updated->weight, prio.weight);
  EXPECT_EQ(h.priority_updated->depends_on, prio.depends_on);
  EXPECT_EQ(h.priority_updated->exclusive, prio.exclusive);
}

TEST(ConnectionRelatedEvents, RequestWithEndStreamAndPriorityLinksBoth) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, headers_frame(f, 1, kRequest, true, kPrio));
  expect_both_links<RequestReceived>(events, 1);
}

TEST(ConnectionRelatedEvents, ResponseWithEndStreamAndPriorityLinksBoth) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  auto events = receive(client, headers_frame(f, 1, kResponse, true, kPrio));
  expect_both_links<ResponseReceived>(events, 1);
}

TEST(ConnectionRelatedEvents, TrailersWithEndStreamAndPriorityLinksBoth) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  receive(client, f.headers(1, kResponse));
  auto events = receive(client, headers_frame(f, 1, {{"content-md5", "x"}}, true, kPrio));
  expect_both_links<TrailersReceived>(events, 1);
}

TEST(ConnectionRelatedEvents, HeadersWithPriorityOnlyLinkPriorityNotStreamEnded) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, headers_frame(f, 1, kRequest, false, kPrio));
  ASSERT_EQ(events.size(), 2u);
  auto& r = event_at<RequestReceived>(events, 0);
  EXPECT_FALSE(r.stream_ended);
  ASSERT_TRUE(r.priority_updated);
  EXPECT_EQ(r.priority_updated->stream_id, event_at<PriorityUpdated>(events, 1).stream_id);

  H2Connection client;
  FrameFactory g;
  open_request(client, g);
  events = receive(client, headers_frame(g, 1, kResponse, false, kPrio));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(event_at<ResponseReceived>(events, 0).stream_ended);
  EXPECT_TRUE(event_at<ResponseReceived>(events, 0).priority_updated);
}

TEST(ConnectionRelatedEvents, HeadersWithEndStreamOnlyLinkStreamEndedNotPriority) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.headers(1, kRequest, true));
  ASSERT_EQ(events.size(), 2u);
  auto& r = event_at<RequestReceived>(events, 0);
  ASSERT_TRUE(r.stream_ended);
  EXPECT_EQ(r.stream_ended->stream_id, 1u);
  EXPECT_FALSE(r.priority_updated);

  H2Connection client;
  FrameFactory g;
  open_request(client, g);
  events = receive(client, g.headers(1, kResponse, true));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(event_at<ResponseReceived>(events, 0).stream_ended);
  EXPECT_FALSE(event_at<ResponseReceived>(events, 0).priority_updated);
}

TEST(ConnectionRelatedEvents, PlainResponseHasNoLinks) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  auto events = receive(client, f.headers(1, kResponse));
  ASSERT_EQ(events.size(), 1u);
  auto& r = event_at<ResponseReceived>(events, 0);
  EXPECT_FALSE(r.stream_ended);
  EXPECT_FALSE(r.priority_updated);
}

TEST(ConnectionRelatedEvents, InformationalResponseLinksPriorityOnlyWhenFlagged) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  auto events = receive(client, f.headers(1, {{":status", "100"}}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(event_at<InformationalResponseReceived>(events, 0).priority_updated);
  events = receive(client, headers_frame(f, 1, {{":status", "103"}}, false, kPrio));
  ASSERT_EQ(events.size(), 2u);
  auto& i = event_at<InformationalResponseReceived>(events, 0);
  ASSERT_TRUE(i.priority_updated);
  EXPECT_EQ(i.priority_updated->stream_id, event_at<PriorityUpdated>(events, 1).stream_id);
  EXPECT_EQ(i.priority_updated->weight, 16);
}

TEST(ConnectionRelatedEvents, DataLinksStreamEndedOnlyWithEndStream) {
  H2Connection client;
  FrameFactory f;
  open_request(client, f);
  receive(client, f.headers(1, kResponse));
  const std::string first = f.data(1, "abc");
  auto events = receive(client, first);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(event_at<DataReceived>(events, 0).stream_ended);
  const std::string last = f.data(1, "def", true);
  events = receive(client, last);
  ASSERT_EQ(events.size(), 2u);
  auto& d = event_at<DataReceived>(events, 0);
  ASSERT_TRUE(d.stream_ended);
  EXPECT_EQ(d.stream_ended->stream_id, event_at<StreamEnded>(events, 1).stream_id);
}

}  // namespace
}  // namespace h2
