// Settings as the connection uses them (BEHAVIOUR.md §1.5, §3 test_settings.py). The Settings
// object on its own is covered by settings_test.cc; here: the connection's local and remote
// settings, update_settings and acknowledgements.
#include <gtest/gtest.h>

#include "proto/connection_test_util.h"

namespace h2 {
namespace {

using namespace h2test;

void expect_rfc_defaults(const Settings& s, bool push) {
  EXPECT_EQ(s.header_table_size(), 4096u);
  EXPECT_EQ(s.enable_push(), push);
  EXPECT_EQ(s.initial_window_size(), 65535u);
  EXPECT_EQ(s.max_frame_size(), 16384u);
  EXPECT_FALSE(s.enable_connect_protocol());
}

TEST(ConnectionSettings, RoleDefaults) {
  H2Connection client;
  expect_rfc_defaults(client.local_settings(), true);
  expect_rfc_defaults(client.remote_settings(), false);  // the server's, as h2 models them
  H2Connection server(server_config());
  expect_rfc_defaults(server.local_settings(), false);
  expect_rfc_defaults(server.remote_settings(), true);
  EXPECT_EQ(server.remote_settings().max_concurrent_streams(),
            Settings::kUnboundedConcurrentStreams);
  EXPECT_FALSE(server.remote_settings().max_header_list_size());
}

TEST(ConnectionSettings, LocalInitialValuesAreCurrentAtOnce) {
  for (bool client : {true, false}) {
    H2Configuration cfg;
    cfg.client_side = client;
    H2Connection c(cfg);
    EXPECT_EQ(c.local_settings().max_concurrent_streams(), 100u);
    EXPECT_EQ(c.local_settings().max_header_list_size(), 65536u);
    EXPECT_EQ(c.local_settings().size(), 7u);
    EXPECT_FALSE(c.local_settings().has_pending());
  }
}

TEST(ConnectionSettings, InvalidUpdateSettingsValuesAreRejectedAndNothingChanges) {
  struct Case {
    uint16_t id;
    int64_t value;
    ErrorCode code;
  };
  for (Case c :
       {Case{frame::setting_id::kEnablePush, 2, ErrorCode::kProtocolError},
        Case{frame::setting_id::kEnablePush, -1, ErrorCode::kProtocolError},
        Case{frame::setting_id::kInitialWindowSize, -1, ErrorCode::kFlowControlError},
        Case{frame::setting_id::kInitialWindowSize, int64_t{1} << 34, ErrorCode::kFlowControlError},
        Case{frame::setting_id::kMaxFrameSize, 1, ErrorCode::kProtocolError},
        Case{frame::setting_id::kMaxFrameSize, int64_t{1} << 30, ErrorCode::kProtocolError},
        Case{frame::setting_id::kMaxHeaderListSize, -1, ErrorCode::kProtocolError},
        Case{frame::setting_id::kEnableConnectProtocol, -1, ErrorCode::kProtocolError}}) {
    H2Connection client;
    FrameFactory f;
    open_client(client, f);
    try {
      // A valid entry first: the whole call must be refused.
      client.update_settings({{frame::setting_id::kHeaderTableSize, 100}, {c.id, c.value}});
      ADD_FAILURE() << c.id << " " << c.value;
    } catch (const InvalidSettingsValueError& e) {
      EXPECT_EQ(e.error_code(), c.code);
    }
    EXPECT_EQ(client.outbound_buffer_size(), 0u);
    EXPECT_FALSE(client.local_settings().has_pending());
    receive(client, f.settings_ack());
    EXPECT_EQ(client.local_settings().header_table_size(), 4096u);
    EXPECT_NE(client.state(), ConnectionState::kClosed);
  }
}

TEST(ConnectionSettings, UpdatesAreInvisibleUntilAcknowledged) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  client.update_settings(
      {{frame::setting_id::kMaxFrameSize, 20000}, {frame::setting_id::kEnablePush, 0}});
  EXPECT_EQ(client.local_settings().max_frame_size(), 16384u);
  EXPECT_TRUE(client.local_settings().enable_push());
  EXPECT_EQ(client.max_inbound_frame_size(), 16384u);
  auto events = receive(client, f.settings_ack());
  ASSERT_EQ(events.size(), 1u);
  const auto& changed = event_at<SettingsAcknowledged>(events, 0).changed_settings;
  ASSERT_EQ(changed.size(), 2u);  // only the settings that had pending values
  EXPECT_EQ(client.local_settings().max_frame_size(), 20000u);
  EXPECT_FALSE(client.local_settings().enable_push());
  EXPECT_EQ(client.max_inbound_frame_size(), 20000u);
}

TEST(ConnectionSettings, UnknownLocalSettingHasNoValueUntilAcknowledged) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  client.update_settings({{80, 81}});
  EXPECT_FALSE(client.local_settings().get(80));
  EXPECT_THROW((void)client.local_settings().at(80), std::out_of_range);
  auto events = receive(client, f.settings_ack());
  ASSERT_EQ(events.size(), 1u);
  const auto& changed = event_at<SettingsAcknowledged>(events, 0).changed_settings;
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0], (ChangedSetting{80, std::nullopt, 81}));
  EXPECT_EQ(client.local_settings().get(80), 81u);
}

TEST(ConnectionSettings, SpuriousAckChangesNothing) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  auto events = receive(client, f.settings_ack());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(event_at<SettingsAcknowledged>(events, 0).changed_settings.empty());
  EXPECT_EQ(client.local_settings().max_concurrent_streams(), 100u);
  EXPECT_EQ(client.outbound_buffer_size(), 0u);
}

TEST(ConnectionSettings, OutstandingUpdatesAreAppliedOnePerAck) {
  H2Connection client;
  FrameFactory f;
  open_client(client, f);
  client.update_settings({{frame::setting_id::kMaxConcurrentStreams, 5}});
  client.update_settings({{frame::setting_id::kMaxConcurrentStreams, 6}});
  auto events = receive(client, f.settings_ack());
  EXPECT_EQ(event_at<SettingsAcknowledged>(events, 0).changed_settings[0],
            (ChangedSetting{frame::setting_id::kMaxConcurrentStreams, 100, 5}));
  EXPECT_EQ(client.local_settings().max_concurrent_streams(), 5u);
  events = receive(client, f.settings_ack());
  EXPECT_EQ(event_at<SettingsAcknowledged>(events, 0).changed_settings[0],
            (ChangedSetting{frame::setting_id::kMaxConcurrentStreams, 5, 6}));
  EXPECT_EQ(client.local_settings().max_concurrent_streams(), 6u);
}

TEST(ConnectionSettings, RemoteSettingsAreCurrentAsSoonAsReceived) {
  H2Connection client;
  client.initiate_connection();
  FrameFactory f;
  receive(client, f.settings({{frame::setting_id::kMaxConcurrentStreams, 7},
                              {frame::setting_id::kMaxFrameSize, 20000},
                              {frame::setting_id::kMaxHeaderListSize, 0}}));
  EXPECT_EQ(client.remote_settings().max_concurrent_streams(), 7u);
  EXPECT_EQ(client.remote_settings().max_header_list_size(), 0u);  // 0 is valid (h2 2.5.1)
  EXPECT_EQ(client.max_outbound_frame_size(), 20000u);
  EXPECT_FALSE(client.remote_settings().has_pending());
}

}  // namespace
}  // namespace h2
