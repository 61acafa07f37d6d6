// H2Connection basic logic (BEHAVIOUR.md §3, test_basic_logic.py): the bullets that
// connection_basic_test.cc does not already cover.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

H2Configuration server_config() {
  H2Configuration c;
  c.client_side = false;
  c.encoder_strategy = hpack::EncoderStrategy::kPythonHpack;
  return c;
}

H2Configuration client_config() {
  H2Configuration c;
  c.encoder_strategy = hpack::EncoderStrategy::kPythonHpack;
  return c;
}

std::vector<SentFrame> sent_frames(H2Connection& c) {
  SentParser parser;
  return parser.parse(drain(c));
}

constexpr uint8_t type_of(frame::FrameType t) {
  return static_cast<uint8_t>(t);
}

// A client with stream 1 open (request sent, nothing queued).
void open_stream_1(H2Connection& client, FrameFactory& f, bool end_stream = false) {
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, end_stream);
  drain(client);
}

// A server that received a request on stream 1 (nothing queued).
void receive_request_1(H2Connection& server, FrameFactory& f, bool end_stream = false) {
  open_server(server, f);
  receive(server, f.headers(1, kRequest, end_stream));
  drain(server);
}

// ---- Client ----

TEST(ConnectionBasicLogicClient, SendHeadersIsByteExactWithAnIndependentEncoder) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.headers(1, kRequest));
}

TEST(ConnectionBasicLogicClient, SendDataIsOneByteExactDataFrame) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f);
  client.send_data(1, as_bytes("some data"));
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.data(1, "some data"));
}

TEST(ConnectionBasicLogicClient, SendDataWithPaddingAddsPadLengthAndZeroBytes) {
  for (int pad : {5, 0}) {
    H2Connection client(client_config());
    FrameFactory f;
    open_stream_1(client, f);
    const int64_t before = client.local_flow_control_window(1);
    client.send_data(1, as_bytes("some data"), false, pad);
    FrameFactory expect;
    const std::string sent = drain(client);
    EXPECT_EQ(sent, expect.data(1, "some data", false, static_cast<uint8_t>(pad)));
    EXPECT_EQ(static_cast<uint8_t>(sent[4]), frame::flags::kPadded);
    EXPECT_EQ(static_cast<uint8_t>(sent[9]), pad);
    EXPECT_EQ(sent.size(), 9u + 1 + 9 + static_cast<size_t>(pad));
    EXPECT_EQ(before - client.local_flow_control_window(1), 9 + pad + 1);
  }
}

TEST(ConnectionBasicLogicClient, PadLengthRangeIsChecked) {
  for (std::optional<int> pad :
       {std::optional<int>(0), std::optional<int>(255), std::optional<int>()}) {
    H2Connection client(client_config());
    FrameFactory f;
    open_stream_1(client, f);
    EXPECT_NO_THROW(client.send_data(1, as_bytes("x"), false, pad));
  }
  for (int pad : {-1, 256}) {
    H2Connection client(client_config());
    FrameFactory f;
    open_stream_1(client, f);
    EXPECT_THROW(client.send_data(1, as_bytes("x"), false, pad), std::invalid_argument);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
  }
}

TEST(ConnectionBasicLogicClient, SendDataWithEndStreamSetsTheFlag) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f);
  client.send_data(1, as_bytes("some data"), true);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.data(1, "some data", true));
  EXPECT_EQ(client.stream_state(1), StreamState::kHalfClosedLocal);
}

// C++: headers are always views of bytes; kUtf8 validates them (h2 decodes to text). The
// configuration is read live, as in h2.
TEST(ConnectionBasicLogicClient, HeaderEncodingIsReadLiveFromTheConfig) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(1, req, true);
  client.send_headers(3, req, true);
  client.config().header_encoding = HeaderEncoding::kUtf8;
  HeaderPairs resp = {{":status", "200"}, {"x-text", "caf\xc3\xa9"}};
  auto events = receive(client, f.headers(1, resp));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), resp);
  client.config().header_encoding = HeaderEncoding::kBytes;
  HeaderPairs latin1 = {{":status", "200"}, {"x-text", "caf\xe9"}};
  events = receive(client, f.headers(3, latin1));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), latin1);
}

TEST(ConnectionBasicLogicClient, InvalidUtf8HeaderIsAProtocolErrorWithUtf8Encoding) {
  H2Configuration cfg = client_config();
  cfg.header_encoding = HeaderEncoding::kUtf8;
  H2Connection client(cfg);
  FrameFactory f;
  open_stream_1(client, f, true);
  EXPECT_THROW(receive(client, f.headers(1, {{":status", "200"}, {"x-text", "caf\xe9"}})),
               ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
}

TEST(ConnectionBasicLogicClient, EndStreamQueuesAnEmptyDataFrameWithEndStream) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f);
  client.end_stream(1);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.data(1, "", true));
}

TEST(ConnectionBasicLogicClient, EndStreamOnUnknownIdsRaisesNoSuchOrClosed) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  try {
    client.end_stream(1);
    FAIL();
  } catch (const StreamClosedError&) {
    FAIL() << "a higher unknown id is not closed";
  } catch (const NoSuchStreamError& e) {
    EXPECT_EQ(e.stream_id, 1u);
  }
  auto req = to_headers(kRequest);
  client.send_headers(3, req);
  try {
    client.end_stream(1);
    FAIL();
  } catch (const StreamClosedError& e) {
    EXPECT_EQ(e.stream_id, 1u);
  }
}

TEST(ConnectionBasicLogicClient, SendHeadersOnALowerIdIsStreamIdTooLow) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  auto req = to_headers(kRequest);
  client.send_headers(3, req);
  try {
    client.send_headers(1, req);
    FAIL();
  } catch (const StreamIDTooLowError& e) {
    EXPECT_EQ(e.stream_id, 1u);
    EXPECT_EQ(e.max_stream_id, 3u);
  }
}

TEST(ConnectionBasicLogicClient, PushPromiseGivesPushedStreamThenResponseOnThePushedStream) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f, true);
  receive(client, f.headers(1, kResponse));
  auto events = receive(client, f.push_promise(1, 2, kRequest));
  ASSERT_EQ(events.size(), 1u);
  auto& p = event_at<PushedStreamReceived>(events, 0);
  EXPECT_EQ(p.pushed_stream_id, 2u);
  EXPECT_EQ(p.parent_stream_id, 1u);
  EXPECT_EQ(to_pairs(p.headers), kRequest);
  events = receive(client, f.headers(2, kResponse));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<ResponseReceived>(events, 0).stream_id, 2u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), kResponse);
}

TEST(ConnectionBasicLogicClient, PushPromiseWithPushDisabledIsAProtocolError) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f, true);
  client.update_settings({{frame::setting_id::kEnablePush, 0}});
  receive(client, f.settings_ack());
  drain(client);
  EXPECT_THROW(receive(client, f.push_promise(1, 2, kRequest)), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
}

TEST(ConnectionBasicLogicClient, ResponseWithEndStreamGivesResponseThenStreamEnded) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f, true);
  auto events = receive(client, f.headers(1, kResponse, true));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<ResponseReceived>(events, 0).headers), kResponse);
  EXPECT_EQ(event_at<StreamEnded>(events, 1).stream_id, 1u);
}

TEST(ConnectionBasicLogicClient, LargeHeaderBlockIsSplitIntoContinuations) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  client.set_max_outbound_frame_size(48);
  HeaderPairs req = kRequest;
  req.push_back({"x-big", std::string(256, 'a')});
  auto headers = to_headers(req);
  client.send_headers(1, headers, true);
  auto frames = sent_frames(client);
  ASSERT_GT(frames.size(), 2u);
  EXPECT_EQ(frames[0].header.type, type_of(frame::FrameType::kHeaders));
  EXPECT_EQ(frames[0].header.flags, frame::flags::kEndStream);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_LE(frames[i].header.length, 48u);
    if (i > 0) {
      EXPECT_EQ(frames[i].header.type, type_of(frame::FrameType::kContinuation));
      EXPECT_EQ(frames[i].header.flags,
                i + 1 == frames.size() ? frame::flags::kEndHeaders : uint8_t{0});
    }
  }
  EXPECT_EQ(frames.back().headers, req);
}

TEST(ConnectionBasicLogicClient, RstStreamGivesStreamResetWithKnownAndUnknownCodes) {
  for (uint32_t code : {0x1u, 0x8u, 0xfau}) {
    H2Connection client(client_config());
    FrameFactory f;
    open_stream_1(client, f);
    auto events = receive(client, f.rst_stream(1, static_cast<ErrorCode>(code)));
    ASSERT_EQ(events.size(), 1u);
    auto& r = event_at<StreamReset>(events, 0);
    EXPECT_EQ(r.stream_id, 1u);
    EXPECT_EQ(static_cast<uint32_t>(r.error_code), code);  // 0xfa = 250 kept as is
    EXPECT_TRUE(r.remote_reset);
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
  }
}

TEST(ConnectionBasicLogicClient, DataToSendWithAnAmountDrainsProgressively) {
  H2Connection client(client_config());
  client.initiate_connection();
  const size_t total = client.outbound_buffer_size();
  std::string all;
  for (;;) {
    Bytes chunk = client.data_to_send(5);
    if (chunk.empty()) break;
    EXPECT_LE(chunk.size(), 5u);
    all += as_string_view(chunk);
  }
  EXPECT_EQ(all.size(), total);
  EXPECT_EQ(all.substr(0, 24), frame::kClientPreface);
  EXPECT_TRUE(client.data_to_send().empty());
}

TEST(ConnectionBasicLogicClient, TakeDataToSendHandsOverTheRestWithoutACopy) {
  H2Connection client(client_config());
  client.initiate_connection();
  const size_t total = client.outbound_buffer_size();
  EXPECT_EQ(as_string_view(client.data_to_send(5)), "PRI *");
  client.ping(std::array<uint8_t, 8>{1, 2, 3, 4, 5, 6, 7, 8});
  // Bytes already handed out by data_to_send are not handed out again; what `taken` held
  // before is discarded.
  h2::ByteBuffer taken(64);
  taken.append(std::string_view("stale"));
  client.take_data_to_send(taken);
  ASSERT_EQ(taken.size(), total - 5 + 17);
  EXPECT_EQ(taken.string_view().substr(0, 19), " HTTP/2.0\r\n\r\nSM\r\n\r\n");
  EXPECT_EQ(taken[taken.size() - 17 + 3], 0x6);  // the PING frame comes last
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_TRUE(client.data_to_send().empty());
  // The connection goes on queueing into the storage it was given.
  client.ping(std::array<uint8_t, 8>{});
  EXPECT_EQ(client.outbound_buffer_size(), 17u);
}

TEST(ConnectionBasicLogicClient, UpdateSettingsQueuesExactlyTheGivenEntries) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  client.update_settings({{frame::setting_id::kHeaderTableSize, 4096},
                          {frame::setting_id::kInitialWindowSize, 65535},
                          {frame::setting_id::kMaxConcurrentStreams, 1000}});
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.settings({{frame::setting_id::kHeaderTableSize, 4096},
                                            {frame::setting_id::kInitialWindowSize, 65535},
                                            {frame::setting_id::kMaxConcurrentStreams, 1000}}));
}

TEST(ConnectionBasicLogicClient, SettingsAckReportsEachUpdatedSetting) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  client.update_settings({{frame::setting_id::kHeaderTableSize, 4000},
                          {frame::setting_id::kInitialWindowSize, 60000},
                          {frame::setting_id::kMaxConcurrentStreams, 1000}});
  drain(client);
  auto events = receive(client, f.settings_ack());
  ASSERT_EQ(events.size(), 1u);
  const ChangedSettings& changed = event_at<SettingsAcknowledged>(events, 0).changed_settings;
  ASSERT_EQ(changed.size(), 3u);
  auto find = [&](uint16_t code) {
    for (const auto& c : changed)
      if (c.setting == code) return c;
    ADD_FAILURE() << "setting " << code << " not reported";
    return ChangedSetting{};
  };
  EXPECT_EQ(find(frame::setting_id::kHeaderTableSize),
            (ChangedSetting{frame::setting_id::kHeaderTableSize, 4096, 4000}));
  EXPECT_EQ(find(frame::setting_id::kInitialWindowSize),
            (ChangedSetting{frame::setting_id::kInitialWindowSize, 65535, 60000}));
  EXPECT_EQ(find(frame::setting_id::kMaxConcurrentStreams),
            (ChangedSetting{frame::setting_id::kMaxConcurrentStreams, 100, 1000}));
}

TEST(ConnectionBasicLogicClient, PeerMaxConcurrentStreamsLimitsNewStreams) {
  H2Connection client(client_config());
  FrameFactory f;
  client.initiate_connection();
  receive(client, f.settings({{frame::setting_id::kMaxConcurrentStreams, 1}}));
  drain(client);
  auto req = to_headers(kRequest);
  client.send_headers(1, req);
  drain(client);
  EXPECT_THROW(client.send_headers(3, req), TooManyStreamsError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_EQ(client.get_next_available_stream_id(), 3u);
}

TEST(ConnectionBasicLogicClient, ReceivedTrailersGiveTrailersThenStreamEnded) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f, true);
  receive(client, f.headers(1, kResponse));
  HeaderPairs trailers = {{"content-length", "0"}};
  auto events = receive(client, f.headers(1, trailers, true));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<TrailersReceived>(events, 0).headers), trailers);
  EXPECT_EQ(event_at<StreamEnded>(events, 1).stream_id, 1u);
}

TEST(ConnectionBasicLogicClient, ReceivedTrailersWithoutEndStreamAreAProtocolError) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f, true);
  receive(client, f.headers(1, kResponse));
  EXPECT_THROW(receive(client, f.headers(1, {{"x-trailer", "1"}})), ProtocolError);
  FrameFactory expect;
  EXPECT_EQ(drain(client), expect.goaway(0, ErrorCode::kProtocolError));
}

TEST(ConnectionBasicLogicClient, SendingTrailersSetsEndStream) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f);
  client.send_data(1, as_bytes("some data"));
  drain(client);
  HeaderPairs trailers = {{"content-length", "9"}};
  auto t = to_headers(trailers);
  client.send_headers(1, t, true);
  auto frames = sent_frames(client);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.type, type_of(frame::FrameType::kHeaders));
  EXPECT_EQ(frames[0].header.flags, frame::flags::kEndStream | frame::flags::kEndHeaders);
}

TEST(ConnectionBasicLogicClient, SendingTrailersWithoutEndStreamIsAProtocolError) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f);
  HeaderPairs trailers = {{"content-length", "0"}};
  auto t = to_headers(trailers);
  EXPECT_THROW(client.send_headers(1, t), ProtocolError);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
  EXPECT_EQ(client.stream_state(1), StreamState::kOpen);
}

TEST(ConnectionBasicLogicClient, OutboundHeaderNamesAreLowercasedValuesUntouched) {
  H2Connection client(client_config());
  FrameFactory f;
  open_client(client, f);
  HeaderPairs req = {{":method", "GET"},
                     {":path", "/"},
                     {":authority", "example.com"},
                     {":scheme", "https"},
                     {"User-Agent", "SomeUA/0.0.1"}};
  auto headers = to_headers(req);
  client.send_headers(1, headers);
  auto frames = sent_frames(client);
  ASSERT_EQ(frames.size(), 1u);
  HeaderPairs want = req;
  want.back() = {"user-agent", "SomeUA/0.0.1"};
  EXPECT_EQ(frames[0].headers, want);
}

TEST(ConnectionBasicLogicClient, SplitOutboundCookiesSendsOneFieldPerCrumb) {
  H2Configuration cfg = client_config();
  cfg.split_outbound_cookies = true;
  H2Connection client(cfg);
  H2Configuration scfg = server_config();
  scfg.normalize_inbound_headers = false;
  H2Connection server(scfg);
  client.initiate_connection();
  server.initiate_connection();
  std::string wire = drain(client);
  receive(server, wire);
  wire = drain(server);
  receive(client, wire);
  HeaderPairs req = kRequest;
  req.push_back({"cookie", "username=John Doe; expires=Thu, 18 Dec 2013 12:00:00 UTC"});
  auto headers = to_headers(req);
  client.send_headers(1, headers, true);
  wire = drain(client);
  auto events = receive(server, wire);
  const RequestReceived* r = nullptr;
  for (auto& e : events)
    if (auto* rr = std::get_if<RequestReceived>(&e)) r = rr;
  ASSERT_TRUE(r);
  HeaderPairs want = kRequest;
  want.push_back({"cookie", "username=John Doe"});
  want.push_back({"cookie", "expires=Thu, 18 Dec 2013 12:00:00 UTC"});
  EXPECT_EQ(to_pairs(r->headers), want);
}

// h2 tests every size 2^14..2^24-1 with hypothesis; a few representative ones here.
TEST(ConnectionBasicLogicClient, DataOfExactlyOurAckedMaxFrameSizeIsAccepted) {
  for (uint32_t size : {16384u, 16385u, 65535u, 100000u}) {
    H2Connection client(client_config());
    FrameFactory f;
    open_stream_1(client, f, true);
    client.update_settings({{frame::setting_id::kMaxFrameSize, size},
                            {frame::setting_id::kInitialWindowSize, 200000}});
    client.increment_flow_control_window(200000);
    receive(client, f.settings_ack() + f.headers(1, kResponse));
    const std::string ok = f.data(1, std::string(size, 'x'));
    auto events = receive(client, ok);
    ASSERT_EQ(events.size(), 1u) << size;
    EXPECT_EQ(event_at<DataReceived>(events, 0).flow_controlled_length, size);
    EXPECT_THROW(receive(client, f.data(1, std::string(size + 1, 'x'))), ProtocolError);
  }
}

TEST(ConnectionBasicLogicClient, CookiesInAPushPromiseAreJoined) {
  H2Connection client(client_config());
  FrameFactory f;
  open_stream_1(client, f, true);
  HeaderPairs req = kRequest;
  req.push_back({"cookie", "a=b"});
  req.push_back({"cookie", "c=d"});
  req.push_back({"cookie", "e=f"});
  auto events = receive(client, f.push_promise(1, 2, req));
  ASSERT_EQ(events.size(), 1u);
  auto& p = event_at<PushedStreamReceived>(events, 0);
  HeaderPairs want = kRequest;
  want.push_back({"cookie", "a=b; c=d; e=f"});
  EXPECT_EQ(to_pairs(p.headers), want);
  EXPECT_TRUE(p.headers.back().never_indexed);
}

TEST(ConnectionBasicLogicClient, CookiesInAPushPromiseAreKeptWithoutInboundNormalization) {
  H2Configuration cfg = client_config();
  cfg.normalize_inbound_headers = false;
  H2Connection client(cfg);
  FrameFactory f;
  open_stream_1(client, f, true);
  HeaderPairs req = kRequest;
  req.push_back({"cookie", "a=b"});
  req.push_back({"cookie", "c=d"});
  req.push_back({"cookie", "e=f"});
  auto events = receive(client, f.push_promise(1, 2, req));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(to_pairs(event_at<PushedStreamReceived>(events, 0).headers), req);
}

// ---- Server ----

TEST(ConnectionBasicLogicServer, DataReceivedWithoutPaddingCountsThePayload) {
  H2Connection server(server_config());
  FrameFactory f;
  receive_request_1(server, f);
  const std::string frame = f.data(1, "some data");
  auto events = receive(server, frame);
  ASSERT_EQ(events.size(), 1u);
  auto& d = event_at<DataReceived>(events, 0);
  EXPECT_EQ(as_string_view(d.data), "some data");
  EXPECT_EQ(d.flow_controlled_length, 9u);
  EXPECT_FALSE(d.stream_ended);
}

TEST(ConnectionBasicLogicServer, CloseConnectionQueuesGoawayWithEveryErrorCode) {
  for (uint32_t code = 0; code <= 0xd; ++code) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    server.close_connection(static_cast<ErrorCode>(code));
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.goaway(0, static_cast<ErrorCode>(code))) << code;
    EXPECT_EQ(server.state(), ConnectionState::kClosed);
  }
}

TEST(ConnectionBasicLogicServer, CloseConnectionLastStreamIdAndAdditionalData) {
  struct Case {
    std::optional<uint32_t> last;
    uint32_t expected;
  };
  for (Case c : {Case{std::nullopt, 23}, Case{0, 0}, Case{42, 42}}) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    receive(server, f.headers(23, kRequest));
    drain(server);
    server.close_connection(ErrorCode::kNoError, {}, c.last);
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.goaway(c.expected, ErrorCode::kNoError));
  }
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.close_connection(ErrorCode::kNoError, as_bytes("foobar"));
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.goaway(0, ErrorCode::kNoError, "foobar"));
}

TEST(ConnectionBasicLogicServer, ResetStreamQueuesRstStreamWithEveryErrorCode) {
  for (uint32_t code = 0; code <= 0xd; ++code) {
    H2Connection server(server_config());
    FrameFactory f;
    receive_request_1(server, f);
    server.reset_stream(1, static_cast<ErrorCode>(code));
    FrameFactory expect;
    EXPECT_EQ(drain(server), expect.rst_stream(1, static_cast<ErrorCode>(code))) << code;
  }
  H2Connection server(server_config());
  FrameFactory f;
  receive_request_1(server, f);
  server.reset_stream(1);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.rst_stream(1, ErrorCode::kNoError));
}

TEST(ConnectionBasicLogicServer, ResetStreamOnUnknownIdsIsNoSuchStream) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  receive(server, f.headers(3, kRequest));
  drain(server);
  for (uint32_t id : {1u, 7u}) {
    try {
      server.reset_stream(id);
      FAIL() << id;
    } catch (const NoSuchStreamError& e) {
      EXPECT_EQ(e.stream_id, id);
    }
  }
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionBasicLogicServer, PingQueuesAPingFrame) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.ping(as_bytes("\x01\x02\x03\x04\x05\x06\x07\x08"));
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.ping({1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(ConnectionBasicLogicServer, PingWithDataThatIsNotEightBytesIsInvalid) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  for (std::string_view data :
       {std::string_view(""), std::string_view("1234567"), std::string_view("12345678901234")}) {
    EXPECT_THROW(server.ping(as_bytes(data)), std::invalid_argument);
  }
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionBasicLogicServer, PingAckGivesPingAckReceived) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  std::array<uint8_t, 8> data = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
  auto events = receive(server, f.ping(data, true));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(event_at<PingAckReceived>(events, 0).ping_data, data);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionBasicLogicServer, DataWithEndStreamGivesDataThenStreamEnded) {
  H2Connection server(server_config());
  FrameFactory f;
  receive_request_1(server, f);
  const std::string frame = f.data(1, "some data", true);
  auto events = receive(server, frame);
  ASSERT_EQ(events.size(), 2u);
  auto& d = event_at<DataReceived>(events, 0);
  ASSERT_TRUE(d.stream_ended);
  EXPECT_EQ(d.stream_ended->stream_id, 1u);
  EXPECT_EQ(event_at<StreamEnded>(events, 1).stream_id, 1u);
}

TEST(ConnectionBasicLogicServer, PushStreamQueuesAByteExactPushPromise) {
  H2Connection server(server_config());
  FrameFactory f;
  receive_request_1(server, f);
  auto req = to_headers(kRequest);
  server.push_stream(1, 2, req);
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.push_promise(1, 2, kRequest));
  EXPECT_EQ(server.stream_state(2), StreamState::kReservedLocal);
}

TEST(ConnectionBasicLogicServer, PushStreamWithPushDisabledByThePeerIsAProtocolError) {
  H2Connection server(server_config());
  FrameFactory f;
  receive_request_1(server, f);
  receive(server, f.settings({{frame::setting_id::kEnablePush, 0}}));
  drain(server);
  auto req = to_headers(kRequest);
  EXPECT_THROW(server.push_stream(1, 2, req), ProtocolError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
}

TEST(ConnectionBasicLogicServer, SendDataAboveThePeerMaxFrameSizeIsRefusedUntilRaised) {
  H2Connection server(server_config());
  FrameFactory f;
  receive_request_1(server, f);
  auto resp = to_headers(kResponse);
  server.send_headers(1, resp);
  drain(server);
  const std::string body(17000, 'x');
  EXPECT_THROW(server.send_data(1, as_bytes(body)), FrameTooLargeError);
  EXPECT_EQ(server.outbound_buffer_size(), 0u);
  receive(server, f.settings({{frame::setting_id::kMaxFrameSize, 17001}}));
  drain(server);
  EXPECT_NO_THROW(server.send_data(1, as_bytes(body)));
  FrameFactory expect;
  EXPECT_EQ(drain(server), expect.data(1, body));
}

TEST(ConnectionBasicLogicServer, CloseConnectionRepeatedQueuesOneGoawayEach) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  server.close_connection();
  server.close_connection();
  server.close_connection();
  FrameFactory expect;
  const std::string one = expect.goaway(0, ErrorCode::kNoError);
  EXPECT_EQ(drain(server), one + one + one);
}

TEST(ConnectionBasicLogicServer, GoawayWithoutDebugDataHasNoAdditionalData) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.goaway(5, ErrorCode::kProtocolError));
  ASSERT_EQ(events.size(), 1u);
  auto& t = event_at<ConnectionTerminated>(events, 0);
  EXPECT_EQ(t.error_code, ErrorCode::kProtocolError);
  EXPECT_EQ(t.last_stream_id, 5u);
  EXPECT_FALSE(t.additional_data);
  EXPECT_EQ(server.state(), ConnectionState::kClosed);
}

TEST(ConnectionBasicLogicServer, ThreeGoawaysInOneReadGiveThreeEvents) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  const std::string bytes = f.goaway(0, ErrorCode::kNoError) +
                            f.goaway(0, ErrorCode::kProtocolError, "debug") +
                            f.goaway(0, static_cast<ErrorCode>(0xfa));
  auto events = receive(server, bytes);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(event_at<ConnectionTerminated>(events, 0).error_code, ErrorCode::kNoError);
  auto& second = event_at<ConnectionTerminated>(events, 1);
  EXPECT_EQ(second.error_code, ErrorCode::kProtocolError);
  ASSERT_TRUE(second.additional_data);
  EXPECT_EQ(as_string_view(*second.additional_data), "debug");
  EXPECT_EQ(static_cast<uint32_t>(event_at<ConnectionTerminated>(events, 2).error_code), 0xfau);
}

TEST(ConnectionBasicLogicServer, ReceivedCookiesAreJoinedIntoOneNeverIndexedField) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  HeaderPairs req = kRequest;
  req.push_back({"cookie", "username=John Doe"});
  req.push_back({"cookie", "expires=Thu, 18 Dec 2013 12:00:00 UTC"});
  auto events = receive(server, f.headers(1, req, true));
  ASSERT_EQ(events.size(), 2u);
  auto& r = event_at<RequestReceived>(events, 0);
  HeaderPairs want = kRequest;
  want.push_back({"cookie", "username=John Doe; expires=Thu, 18 Dec 2013 12:00:00 UTC"});
  EXPECT_EQ(to_pairs(r.headers), want);
  EXPECT_TRUE(r.headers.back().never_indexed);
}

TEST(ConnectionBasicLogicServer, ReceivedCookiesAreKeptWithoutInboundNormalization) {
  H2Configuration cfg = server_config();
  cfg.normalize_inbound_headers = false;
  H2Connection server(cfg);
  FrameFactory f;
  open_server(server, f);
  HeaderPairs req = kRequest;
  req.push_back({"cookie", "username=John Doe"});
  req.push_back({"cookie", "expires=Thu, 18 Dec 2013 12:00:00 UTC"});
  auto events = receive(server, f.headers(1, req, true));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(to_pairs(event_at<RequestReceived>(events, 0).headers), req);
}

}  // namespace
}  // namespace h2
