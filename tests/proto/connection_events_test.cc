// Events as the connection builds them (BEHAVIOUR.md §1.3, §3 test_events.py). The Python
// reprs and base-class checks have no C++ counterpart: every event is an alternative of the
// Event variant (checked by the compiler) and event_name() spells h2's class names.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

// h2 builds RemoteSettingsChanged from (old settings, new frame) for arbitrary codes and
// values (hypothesis); here random SETTINGS frames go through a connection. Values are kept
// valid for the known settings the receiver checks.
TEST(ConnectionEvents, RemoteSettingsChangedHasOneEntryPerSettingInTheFrame) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 50; ++round) {
    H2Connection server(server_config());
    FrameFactory f;
    open_server(server, f);
    std::map<uint16_t, uint32_t> previous;  // what the peer sent before, per code
    for (int frame_no = 0; frame_no < 3; ++frame_no) {
      std::vector<frame::Setting> settings;
      std::map<uint16_t, uint32_t> in_frame;
      const int n = static_cast<int>(rng() % 6);
      for (int i = 0; i < n; ++i) {
        uint16_t code = static_cast<uint16_t>(rng() % 3 == 0 ? rng() % 10 : rng() % 65536);
        uint32_t value = static_cast<uint32_t>(rng());
        if (code == frame::setting_id::kEnablePush ||
            code == frame::setting_id::kEnableConnectProtocol ||
            code == frame::setting_id::kNoRfc7540Priorities)
          value %= 2;
        if (code == frame::setting_id::kInitialWindowSize) value %= 0x80000000u;
        if (code == frame::setting_id::kMaxFrameSize) value = 16384 + value % (16777215 - 16384);
        settings.push_back({code, value});
        in_frame[code] = value;
      }
      const std::vector<std::pair<uint16_t, std::optional<uint32_t>>> originals = [&] {
        std::vector<std::pair<uint16_t, std::optional<uint32_t>>> o;
        for (auto& [code, v] : in_frame) o.emplace_back(code, server.remote_settings().get(code));
        return o;
      }();
      auto events = receive(server, f.settings(settings));
      ASSERT_EQ(events.size(), 1u);
      const ChangedSettings& changed = event_at<RemoteSettingsChanged>(events, 0).changed_settings;
      ASSERT_EQ(changed.size(), in_frame.size());
      for (const ChangedSetting& c : changed) {
        ASSERT_TRUE(in_frame.count(c.setting));
        EXPECT_EQ(c.new_value, in_frame[c.setting]);
        for (auto& [code, orig] : originals) {
          if (code == c.setting) {
            EXPECT_EQ(c.original_value, orig);
          }
        }
        previous[c.setting] = c.new_value;
      }
      drain(server);
    }
    for (auto& [code, v] : previous) {
      EXPECT_EQ(server.remote_settings().get(code), v);
    }
  }
}

TEST(ConnectionEvents, UnknownSettingFirstSentHasNoOriginalValue) {
  H2Connection server(server_config());
  FrameFactory f;
  open_server(server, f);
  auto events = receive(server, f.settings({{80, 7}, {frame::setting_id::kHeaderTableSize, 4096}}));
  ASSERT_EQ(events.size(), 1u);
  const ChangedSettings& changed = event_at<RemoteSettingsChanged>(events, 0).changed_settings;
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(changed[0], (ChangedSetting{80, std::nullopt, 7}));
  EXPECT_EQ(changed[1], (ChangedSetting{frame::setting_id::kHeaderTableSize, 4096, 4096}));
}

TEST(ConnectionEvents, EventNamesAreH2ClassNames) {
  const std::vector<std::pair<Event, std::string_view>> cases = {
      {RequestReceived{}, "RequestReceived"},
      {ResponseReceived{}, "ResponseReceived"},
      {TrailersReceived{}, "TrailersReceived"},
      {InformationalResponseReceived{}, "InformationalResponseReceived"},
      {DataReceived{}, "DataReceived"},
      {WindowUpdated{}, "WindowUpdated"},
      {RemoteSettingsChanged{}, "RemoteSettingsChanged"},
      {SettingsAcknowledged{}, "SettingsAcknowledged"},
      {PingReceived{}, "PingReceived"},
      {PingAckReceived{}, "PingAckReceived"},
      {StreamEnded{}, "StreamEnded"},
      {StreamReset{}, "StreamReset"},
      {PushedStreamReceived{}, "PushedStreamReceived"},
      {PriorityUpdated{}, "PriorityUpdated"},
      {ConnectionTerminated{}, "ConnectionTerminated"},
      {AlternativeServiceAvailable{}, "AlternativeServiceAvailable"},
      {UnknownFrameReceived{}, "UnknownFrameReceived"},
  };
  ASSERT_EQ(cases.size(), std::variant_size_v<Event>);
  for (const auto& [event, name] : cases) EXPECT_EQ(event_name(event), name);
}

TEST(ConnectionEvents, EventDefaultsMatchH2) {
  StreamReset r;
  EXPECT_TRUE(r.remote_reset);
  EXPECT_EQ(r.error_code, ErrorCode::kNoError);
  PriorityUpdated p;
  EXPECT_EQ(p.weight, 16u);
  EXPECT_EQ(p.depends_on, 0u);
  EXPECT_FALSE(p.exclusive);
  ConnectionTerminated t;
  EXPECT_FALSE(t.additional_data);
}

}  // namespace
}  // namespace h2
