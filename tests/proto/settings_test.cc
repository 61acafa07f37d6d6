// h2::Settings (BEHAVIOUR.md §1.5; the Settings-object parts of h2's tests/test_settings.py).
#include "h2/settings.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "h2/exceptions.h"

namespace h2 {
namespace {

namespace id = frame::setting_id;

constexpr int64_t k2Pow31 = int64_t{1} << 31;
constexpr int64_t k2Pow32 = int64_t{1} << 32;

// The error code a rejected set() throws, or nullopt when it is accepted.
std::optional<ErrorCode> set_error(Settings& s, uint16_t code, int64_t value) {
  try {
    s.set(code, value);
  } catch (const InvalidSettingsValueError& e) {
    return e.error_code();
  }
  return std::nullopt;
}

std::optional<ErrorCode> construct_error(bool client, uint16_t code, int64_t value) {
  try {
    Settings s(client, {{code, value}});
  } catch (const InvalidSettingsValueError& e) {
    return e.error_code();
  }
  return std::nullopt;
}

void expect_defaults(const Settings& s, bool client) {
  EXPECT_EQ(s.at(id::kHeaderTableSize), 4096u);
  EXPECT_EQ(s.at(id::kEnablePush), client ? 1u : 0u);
  EXPECT_EQ(s.at(id::kInitialWindowSize), 65535u);
  EXPECT_EQ(s.at(id::kMaxFrameSize), 16384u);
  EXPECT_EQ(s.at(id::kEnableConnectProtocol), 0u);
  EXPECT_FALSE(s.get(id::kMaxConcurrentStreams));
  EXPECT_FALSE(s.get(id::kMaxHeaderListSize));
  EXPECT_EQ(s.size(), 5u);
  EXPECT_FALSE(s.has_pending());
}

TEST(SettingsDefaults, ClientRole) {
  expect_defaults(Settings(true), true);
}

TEST(SettingsDefaults, ServerRole) {
  expect_defaults(Settings(false), false);
}

TEST(SettingsDefaults, DefaultConstructedIsClient) {
  expect_defaults(Settings(), true);
}

TEST(SettingsDefaults, TypedAccessorsReadDefaults) {
  Settings s(false);
  EXPECT_EQ(s.header_table_size(), 4096u);
  EXPECT_FALSE(s.enable_push());
  EXPECT_EQ(s.initial_window_size(), 65535u);
  EXPECT_EQ(s.max_frame_size(), 16384u);
  EXPECT_EQ(s.max_concurrent_streams(), Settings::kUnboundedConcurrentStreams);
  EXPECT_EQ(Settings::kUnboundedConcurrentStreams, 4294967297u);  // h2: 2**32+1
  EXPECT_EQ(s.max_header_list_size(), std::nullopt);
  EXPECT_FALSE(s.enable_connect_protocol());
  EXPECT_TRUE(Settings(true).enable_push());
}

TEST(SettingsDefaults, CurrentListsDefaultsInH2Order) {
  const std::vector<frame::Setting> expected = {{id::kHeaderTableSize, 4096},
                                                {id::kEnablePush, 1},
                                                {id::kInitialWindowSize, 65535},
                                                {id::kMaxFrameSize, 16384},
                                                {id::kEnableConnectProtocol, 0}};
  EXPECT_EQ(Settings(true).current(), expected);
}

class SettingsInitialValues : public ::testing::TestWithParam<bool> {};

TEST_P(SettingsInitialValues, AreCurrentImmediatelyAndOtherDefaultsUntouched) {
  const bool client = GetParam();
  Settings s(client, {{id::kHeaderTableSize, 8080},
                      {id::kMaxFrameSize, 16388},
                      {id::kMaxConcurrentStreams, 100},
                      {id::kMaxHeaderListSize, 65536},
                      {id::kEnableConnectProtocol, 1}});
  EXPECT_EQ(s.header_table_size(), 8080u);
  EXPECT_EQ(s.max_frame_size(), 16388u);
  EXPECT_EQ(s.max_concurrent_streams(), 100u);
  EXPECT_EQ(s.max_header_list_size(), 65536u);
  EXPECT_TRUE(s.enable_connect_protocol());
  EXPECT_EQ(s.enable_push(), client);
  EXPECT_EQ(s.initial_window_size(), 65535u);
  EXPECT_EQ(s.size(), 7u);
  EXPECT_FALSE(s.has_pending());
  EXPECT_TRUE(s.acknowledge().empty());
}

INSTANTIATE_TEST_SUITE_P(BothRoles, SettingsInitialValues, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "Client" : "Server"; });

TEST(SettingsInitialValues, KnownKeyKeepsItsPlaceNewKeyGoesLast) {
  Settings s(true, {{0x50, 7}, {id::kEnablePush, 0}});
  const std::vector<frame::Setting> expected = {
      {id::kHeaderTableSize, 4096},    {id::kEnablePush, 0},
      {id::kInitialWindowSize, 65535}, {id::kMaxFrameSize, 16384},
      {id::kEnableConnectProtocol, 0}, {0x50, 7}};
  EXPECT_EQ(s.current(), expected);
}

TEST(SettingsInitialValues, RepeatedKeyKeepsLastValue) {
  Settings s(true, {{id::kHeaderTableSize, 1}, {id::kHeaderTableSize, 2}});
  EXPECT_EQ(s.header_table_size(), 2u);
  EXPECT_EQ(s.size(), 5u);
  EXPECT_FALSE(s.has_pending());
}

struct BadValue {
  uint16_t code;
  int64_t value;
  ErrorCode error;
};

class SettingsInvalidInitialValue : public ::testing::TestWithParam<BadValue> {};

TEST_P(SettingsInvalidInitialValue, IsRejectedWithTheRulesCode) {
  const BadValue& bad = GetParam();
  EXPECT_EQ(construct_error(true, bad.code, bad.value), bad.error);
  EXPECT_EQ(construct_error(false, bad.code, bad.value), bad.error);
}

// The values of h2's test_invalid_initial_values.
INSTANTIATE_TEST_SUITE_P(
    H2Cases, SettingsInvalidInitialValue,
    ::testing::Values(BadValue{id::kEnablePush, 2, ErrorCode::kProtocolError},
                      BadValue{id::kEnablePush, -1, ErrorCode::kProtocolError},
                      BadValue{id::kInitialWindowSize, -1, ErrorCode::kFlowControlError},
                      BadValue{id::kInitialWindowSize, int64_t{1} << 34,
                               ErrorCode::kFlowControlError},
                      BadValue{id::kMaxFrameSize, 1, ErrorCode::kProtocolError},
                      BadValue{id::kMaxFrameSize, int64_t{1} << 30, ErrorCode::kProtocolError},
                      BadValue{id::kMaxHeaderListSize, -1, ErrorCode::kProtocolError},
                      BadValue{id::kEnableConnectProtocol, -1, ErrorCode::kProtocolError}));

TEST(SettingsInvalidInitialValue, MessageNamesSettingAndValue) {
  try {
    Settings s(true, {{id::kEnablePush, 2}});
    FAIL() << "no exception";
  } catch (const InvalidSettingsValueError& e) {
    EXPECT_STREQ(e.what(), "Setting 2 has invalid value 2");
  }
}

TEST(SettingsPending, AssignmentsAreInvisibleUntilAcknowledged) {
  Settings s(true);
  s.set(id::kHeaderTableSize, 8000);
  s.set(id::kEnablePush, 0);
  s.set(id::kInitialWindowSize, 60);
  s.set(id::kMaxFrameSize, 16385);
  s.set(id::kEnableConnectProtocol, 1);
  expect_defaults(Settings(true), true);
  EXPECT_EQ(s.header_table_size(), 4096u);
  EXPECT_TRUE(s.enable_push());
  EXPECT_EQ(s.initial_window_size(), 65535u);
  EXPECT_EQ(s.max_frame_size(), 16384u);
  EXPECT_FALSE(s.enable_connect_protocol());
  EXPECT_TRUE(s.has_pending());

  s.acknowledge();
  EXPECT_EQ(s.header_table_size(), 8000u);
  EXPECT_FALSE(s.enable_push());
  EXPECT_EQ(s.initial_window_size(), 60u);
  EXPECT_EQ(s.max_frame_size(), 16385u);
  EXPECT_TRUE(s.enable_connect_protocol());
  EXPECT_FALSE(s.has_pending());
}

TEST(SettingsPending, AcknowledgeReportsOnlySettingsWithPendingValues) {
  Settings s(true);
  s.set(id::kHeaderTableSize, 8000);
  s.set(id::kInitialWindowSize, 60);
  s.set(id::kMaxFrameSize, 16385);
  const ChangedSettings expected = {{id::kHeaderTableSize, 4096, 8000},
                                    {id::kInitialWindowSize, 65535, 60},
                                    {id::kMaxFrameSize, 16384, 16385}};
  EXPECT_EQ(s.acknowledge(), expected);
}

TEST(SettingsPending, ChangedSettingsFollowFirstSetOrderNotSetCallOrder) {
  Settings s(true);
  s.set(0x99, 5);
  s.set(id::kMaxFrameSize, 16385);
  s.set(id::kHeaderTableSize, 1);
  const ChangedSettings expected = {
      {id::kHeaderTableSize, 4096, 1}, {id::kMaxFrameSize, 16384, 16385}, {0x99, std::nullopt, 5}};
  EXPECT_EQ(s.acknowledge(), expected);
}

TEST(SettingsPending, AcknowledgeWithNothingPendingChangesNothing) {
  Settings s(false);
  EXPECT_TRUE(s.acknowledge().empty());
  expect_defaults(s, false);
}

TEST(SettingsPending, SettingTheSameValueStillReportsAChange) {
  Settings s(true);
  s.set(id::kHeaderTableSize, 4096);
  const ChangedSettings expected = {{id::kHeaderTableSize, 4096, 4096}};
  EXPECT_EQ(s.acknowledge(), expected);
}

TEST(SettingsPending, SeveralPendingLevelsAreAppliedOnePerAcknowledge) {
  Settings s(true);
  s.set(id::kInitialWindowSize, 1);
  s.set(id::kInitialWindowSize, 2);
  s.set(id::kHeaderTableSize, 10);
  s.set(id::kInitialWindowSize, 3);

  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{id::kHeaderTableSize, 4096, 10},
                                              {id::kInitialWindowSize, 65535, 1}}));
  EXPECT_EQ(s.initial_window_size(), 1u);
  EXPECT_TRUE(s.has_pending());
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{id::kInitialWindowSize, 1, 2}}));
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{id::kInitialWindowSize, 2, 3}}));
  EXPECT_FALSE(s.has_pending());
  EXPECT_TRUE(s.acknowledge().empty());
  EXPECT_EQ(s.initial_window_size(), 3u);
  EXPECT_EQ(s.header_table_size(), 10u);
}

TEST(SettingsPending, UnknownCodeHasNoValueUntilAcknowledged) {
  Settings s(true);
  s.set(80, 81);
  EXPECT_EQ(s.get(80), std::nullopt);
  EXPECT_THROW(s.at(80), std::out_of_range);
  EXPECT_FALSE(s.contains(80));
  EXPECT_EQ(s.size(), 5u);
  EXPECT_TRUE(s.has_pending());

  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{80, std::nullopt, 81}}));
  EXPECT_EQ(s.at(80), 81u);
  EXPECT_TRUE(s.contains(80));
  EXPECT_EQ(s.size(), 6u);
}

TEST(SettingsPending, NewKnownSettingHasNoValueUntilAcknowledged) {
  Settings s(false);
  s.set(id::kMaxConcurrentStreams, 7);
  s.set(id::kMaxHeaderListSize, 0);
  EXPECT_EQ(s.max_concurrent_streams(), Settings::kUnboundedConcurrentStreams);
  EXPECT_EQ(s.max_header_list_size(), std::nullopt);
  EXPECT_THROW(s.at(id::kMaxConcurrentStreams), std::out_of_range);
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{id::kMaxConcurrentStreams, std::nullopt, 7},
                                              {id::kMaxHeaderListSize, std::nullopt, 0}}));
  EXPECT_EQ(s.max_concurrent_streams(), 7u);
  EXPECT_EQ(s.max_header_list_size(), 0u);
}

TEST(SettingsPending, NewKeyWithSeveralValuesGoesFromNoneToFirstThenSecond) {
  Settings s(true);
  s.set(0x77, 1);
  s.set(0x77, 2);
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{0x77, std::nullopt, 1}}));
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{0x77, 1, 2}}));
  EXPECT_EQ(s.get(0x77), 2u);
}

TEST(SettingsPending, NamedSettersArePendingUntilAcknowledged) {
  Settings s(true);
  s.set(static_cast<uint16_t>(SettingCode::kMaxConcurrentStreams), 1);
  s.set(static_cast<uint16_t>(SettingCode::kMaxHeaderListSize), 2);
  s.set(static_cast<uint16_t>(SettingCode::kEnablePush), 0);
  EXPECT_EQ(s.max_concurrent_streams(), Settings::kUnboundedConcurrentStreams);
  EXPECT_TRUE(s.enable_push());
  s.acknowledge();
  EXPECT_EQ(s.max_concurrent_streams(), 1u);
  EXPECT_EQ(s.max_header_list_size(), 2u);
  EXPECT_FALSE(s.enable_push());
}

TEST(SettingsMissing, NeverSetCodeReadsAsAbsent) {
  const Settings s(true);
  EXPECT_EQ(s.get(0x1234), std::nullopt);
  EXPECT_FALSE(s.contains(0x1234));
  EXPECT_THROW(s.at(0x1234), std::out_of_range);
}

TEST(SettingsErase, DropsValueAndCountsKeys) {
  Settings s(true);
  s.set(id::kHeaderTableSize, 8000);
  EXPECT_EQ(s.size(), 5u);
  s.acknowledge();
  EXPECT_EQ(s.size(), 5u);
  s.erase(id::kHeaderTableSize);
  EXPECT_EQ(s.size(), 4u);
  EXPECT_THROW(s.at(id::kHeaderTableSize), std::out_of_range);
  EXPECT_EQ(s.get(id::kHeaderTableSize), std::nullopt);
}

TEST(SettingsErase, DropsPendingValuesToo) {
  Settings s(true);
  s.set(id::kMaxFrameSize, 20000);
  s.set(0x70, 1);
  s.erase(id::kMaxFrameSize);
  s.erase(0x70);
  EXPECT_FALSE(s.has_pending());
  EXPECT_TRUE(s.acknowledge().empty());
  EXPECT_FALSE(s.contains(id::kMaxFrameSize));
  EXPECT_FALSE(s.contains(0x70));
}

TEST(SettingsErase, OfAbsentCodeIsHarmless) {
  Settings s(true);
  s.erase(0x4242);
  expect_defaults(s, true);
}

TEST(SettingsErase, ResetThenSetMovesKeyToTheEndWithoutCurrentValue) {
  Settings s(true);
  s.erase(id::kHeaderTableSize);
  s.set(id::kHeaderTableSize, 100);
  EXPECT_EQ(s.get(id::kHeaderTableSize), std::nullopt);
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{id::kHeaderTableSize, std::nullopt, 100}}));
  EXPECT_EQ(s.current().back(), (frame::Setting{id::kHeaderTableSize, 100}));
}

TEST(SettingsErase, TypedAccessorsFallBackToRfcDefaults) {
  Settings s(false, {{id::kMaxConcurrentStreams, 3}, {id::kMaxHeaderListSize, 9}});
  for (uint16_t code :
       {id::kHeaderTableSize, id::kEnablePush, id::kInitialWindowSize, id::kMaxFrameSize,
        id::kEnableConnectProtocol, id::kMaxConcurrentStreams, id::kMaxHeaderListSize}) {
    s.erase(code);
  }
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.header_table_size(), 4096u);
  EXPECT_TRUE(s.enable_push());
  EXPECT_EQ(s.initial_window_size(), 65535u);
  EXPECT_EQ(s.max_frame_size(), 16384u);
  EXPECT_FALSE(s.enable_connect_protocol());
  EXPECT_EQ(s.max_concurrent_streams(), Settings::kUnboundedConcurrentStreams);
  EXPECT_EQ(s.max_header_list_size(), std::nullopt);
  EXPECT_TRUE(s.current().empty());
}

TEST(SettingsCurrent, ListsCurrentValuesInFirstSetOrderSkippingPendingOnlyKeys) {
  Settings s(true, {{id::kMaxConcurrentStreams, 10}});
  s.set(0x60, 1);
  s.set(id::kHeaderTableSize, 1);  // pending: current() still shows 4096
  std::vector<frame::Setting> expected = {
      {id::kHeaderTableSize, 4096},    {id::kEnablePush, 1},
      {id::kInitialWindowSize, 65535}, {id::kMaxFrameSize, 16384},
      {id::kEnableConnectProtocol, 0}, {id::kMaxConcurrentStreams, 10}};
  EXPECT_EQ(s.current(), expected);
  s.acknowledge();
  expected[0].value = 1;
  expected.push_back({0x60, 1});
  EXPECT_EQ(s.current(), expected);
}

// --- validation -----------------------------------------------------------------------------

struct Rule {
  uint16_t code;
  int64_t lo;
  int64_t hi;
  ErrorCode error;
};

// Every rule of §1.5, plus the 32-bit bound for the settings h2 leaves unchecked.
const Rule kRules[] = {
    {id::kEnablePush, 0, 1, ErrorCode::kProtocolError},
    {id::kEnableConnectProtocol, 0, 1, ErrorCode::kProtocolError},
    {id::kInitialWindowSize, 0, k2Pow31 - 1, ErrorCode::kFlowControlError},
    {id::kMaxFrameSize, 16384, 16777215, ErrorCode::kProtocolError},
    {id::kMaxHeaderListSize, 0, k2Pow32 - 1, ErrorCode::kProtocolError},
    {id::kHeaderTableSize, 0, k2Pow32 - 1, ErrorCode::kProtocolError},
    {id::kMaxConcurrentStreams, 0, k2Pow32 - 1, ErrorCode::kProtocolError},
    {id::kNoRfc7540Priorities, 0, k2Pow32 - 1, ErrorCode::kProtocolError},  // unknown to h2
    {0xabcd, 0, k2Pow32 - 1, ErrorCode::kProtocolError},
};

std::vector<int64_t> interesting_values(const Rule& r) {
  return {INT64_MIN, -k2Pow32,         -1,          0,        1,
          2,         r.lo - 1,         r.lo,        r.lo + 1, r.hi - 1,
          r.hi,      r.hi + 1,         16383,       16384,    16385,
          16777215,  16777216,         k2Pow31 - 1, k2Pow31,  k2Pow32 - 1,
          k2Pow32,   int64_t{1} << 34, INT64_MAX};
}

void check_value(const Rule& r, int64_t value) {
  SCOPED_TRACE(::testing::Message() << "setting " << r.code << " value " << value);
  const bool valid = value >= r.lo && value <= r.hi;
  Settings s(true, {{id::kHeaderTableSize, 77}});
  const std::optional<uint32_t> before = s.get(r.code);
  const std::optional<ErrorCode> error = set_error(s, r.code, value);
  if (valid) {
    ASSERT_EQ(error, std::nullopt);
    s.acknowledge();
    EXPECT_EQ(s.get(r.code), static_cast<uint32_t>(value));
  } else {
    ASSERT_EQ(error, r.error);
    EXPECT_FALSE(s.has_pending());  // a rejected set leaves nothing pending
    EXPECT_TRUE(s.acknowledge().empty());
    EXPECT_EQ(s.get(r.code), before);
  }
  EXPECT_EQ(construct_error(true, r.code, value),
            valid ? std::nullopt : std::optional<ErrorCode>(r.error));
}

TEST(SettingsValidation, BoundaryValuesOfEveryRule) {
  for (const Rule& r : kRules) {
    for (int64_t value : interesting_values(r)) check_value(r, value);
  }
}

TEST(SettingsValidation, RandomValuesOfEveryRule) {  // h2's hypothesis tests over all integers
  std::mt19937_64 rng(20240607);
  for (const Rule& r : kRules) {
    for (int i = 0; i < 400; ++i) {
      int64_t value = 0;
      switch (i % 4) {
        case 0:
          value = static_cast<int64_t>(rng());
          break;
        case 1:
          value = static_cast<int64_t>(rng() % (uint64_t{1} << 35)) - (int64_t{1} << 34);
          break;
        case 2:
          value = r.lo + static_cast<int64_t>(rng() % 64) - 32;
          break;
        default:
          value = r.hi + static_cast<int64_t>(rng() % 64) - 32;
          break;
      }
      check_value(r, value);
    }
  }
}

TEST(SettingsValidation, RejectedSetAfterPendingOneKeepsTheEarlierPendingValue) {
  Settings s(true);
  s.set(id::kEnablePush, 0);
  EXPECT_THROW(s.set(id::kEnablePush, 2), InvalidSettingsValueError);
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{id::kEnablePush, 1, 0}}));
  EXPECT_FALSE(s.has_pending());
}

TEST(SettingsValidation, RejectedSetOfNewKeyCreatesNothing) {
  Settings s(true);
  EXPECT_THROW(s.set(id::kMaxHeaderListSize, -1), InvalidSettingsValueError);
  EXPECT_FALSE(s.has_pending());
  EXPECT_TRUE(s.acknowledge().empty());
  EXPECT_EQ(s.size(), 5u);
  s.set(id::kMaxHeaderListSize, 5);  // a later valid set still creates the key afresh
  EXPECT_EQ(s.acknowledge(), (ChangedSettings{{id::kMaxHeaderListSize, std::nullopt, 5}}));
}

TEST(SettingsValidation, ErrorIsAProtocolError) {
  Settings s(true);
  try {
    s.set(id::kInitialWindowSize, k2Pow31);
    FAIL() << "no exception";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kFlowControlError);
  }
}

// --- property test against a model of h2's dict-of-deques ---------------------------------

struct Model {
  struct Key {
    uint16_t code;
    std::deque<std::optional<uint32_t>> values;  // front: current (nullopt = none yet)
  };
  std::vector<Key> keys;

  explicit Model(bool client) {
    keys = {{id::kHeaderTableSize, {4096}},
            {id::kEnablePush, {client ? 1u : 0u}},
            {id::kInitialWindowSize, {65535}},
            {id::kMaxFrameSize, {16384}},
            {id::kEnableConnectProtocol, {0}}};
  }
  Key* find(uint16_t code) {
    for (Key& k : keys) {
      if (k.code == code) return &k;
    }
    return nullptr;
  }
  void set(uint16_t code, uint32_t value) {
    if (Key* k = find(code)) {
      k->values.push_back(value);
    } else {
      keys.push_back({code, {std::nullopt, value}});
    }
  }
  ChangedSettings acknowledge() {
    ChangedSettings out;
    for (Key& k : keys) {
      if (k.values.size() > 1) {
        const std::optional<uint32_t> old_value = k.values.front();
        k.values.pop_front();
        out.push_back({k.code, old_value, *k.values.front()});
      }
    }
    return out;
  }
  void erase(uint16_t code) {
    for (auto it = keys.begin(); it != keys.end(); ++it) {
      if (it->code == code) {
        keys.erase(it);
        return;
      }
    }
  }
  std::optional<uint32_t> get(uint16_t code) {
    Key* k = find(code);
    return k ? k->values.front() : std::nullopt;
  }
  std::vector<frame::Setting> current() const {
    std::vector<frame::Setting> out;
    for (const Key& k : keys) {
      if (k.values.front()) out.push_back({k.code, *k.values.front()});
    }
    return out;
  }
  bool has_pending() const {
    for (const Key& k : keys) {
      if (k.values.size() > 1) return true;
    }
    return false;
  }
};

// Every typed view against the current value it reads (RFC 9113 §6.5.2 initial values when
// there is none).
void expect_typed_views_match_values(const Settings& s) {
  EXPECT_EQ(s.header_table_size(), s.get(id::kHeaderTableSize).value_or(4096));
  EXPECT_EQ(s.enable_push(), s.get(id::kEnablePush).value_or(1) != 0);
  EXPECT_EQ(s.initial_window_size(), s.get(id::kInitialWindowSize).value_or(65535));
  EXPECT_EQ(s.max_frame_size(), s.get(id::kMaxFrameSize).value_or(16384));
  const std::optional<uint32_t> max_streams = s.get(id::kMaxConcurrentStreams);
  EXPECT_EQ(s.max_concurrent_streams(),
            max_streams ? uint64_t{*max_streams} : Settings::kUnboundedConcurrentStreams);
  EXPECT_EQ(s.max_header_list_size(), s.get(id::kMaxHeaderListSize));
  EXPECT_EQ(s.enable_connect_protocol(), s.get(id::kEnableConnectProtocol).value_or(0) != 0);
}

TEST(SettingsProperty, RandomSetAcknowledgeEraseSequencesMatchModel) {
  const uint16_t codes[] = {id::kHeaderTableSize,
                            id::kEnablePush,
                            id::kMaxConcurrentStreams,
                            id::kInitialWindowSize,
                            id::kMaxFrameSize,
                            id::kMaxHeaderListSize,
                            id::kEnableConnectProtocol,
                            0x7,
                            0x50,
                            0xffff};
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    const bool client = rng() % 2 == 0;
    Settings s(client);
    Model m(client);
    for (int step = 0; step < 100; ++step) {
      SCOPED_TRACE(::testing::Message() << "round " << round << " step " << step);
      const unsigned op = rng() % 10;
      const uint16_t code = codes[rng() % std::size(codes)];
      if (op < 6) {
        // Small values hit the 0/1 rules; others the ranges. Invalid ones must change nothing.
        const int64_t value = rng() % 3 == 0 ? static_cast<int64_t>(rng() % 3) - 1
                                             : static_cast<int64_t>(rng() % 40000);
        bool rejected = false;
        try {
          s.set(code, value);
        } catch (const InvalidSettingsValueError&) {
          rejected = true;
        }
        if (!rejected) m.set(code, static_cast<uint32_t>(value));
      } else if (op < 9) {
        ASSERT_EQ(s.acknowledge(), m.acknowledge());
      } else {
        s.erase(code);
        m.erase(code);
      }
      ASSERT_EQ(s.current(), m.current());
      ASSERT_EQ(s.has_pending(), m.has_pending());
      ASSERT_EQ(s.size(), m.current().size());
      for (uint16_t c : codes) ASSERT_EQ(s.get(c), m.get(c));
      expect_typed_views_match_values(s);
    }
  }
}

// The typed views the connection reads per stream are cached fields; after each kind of
// change they must say what a lookup of the current value says.
TEST(SettingsTypedViews, CachedViewsFollowEveryKindOfChange) {
  Settings s(/*client=*/true, {{id::kMaxConcurrentStreams, 7}, {id::kInitialWindowSize, 100}});
  expect_typed_views_match_values(s);
  EXPECT_EQ(s.initial_window_size(), 100u);
  EXPECT_EQ(s.max_concurrent_streams(), 7u);

  s.set(id::kInitialWindowSize, 200);
  s.set(id::kMaxConcurrentStreams, 9);
  EXPECT_EQ(s.initial_window_size(), 100u);  // pending: not current yet
  EXPECT_EQ(s.max_concurrent_streams(), 7u);
  const uint16_t only_window[] = {id::kInitialWindowSize};
  s.acknowledge(only_window);
  expect_typed_views_match_values(s);
  EXPECT_EQ(s.initial_window_size(), 200u);
  EXPECT_EQ(s.max_concurrent_streams(), 7u);
  s.acknowledge();
  EXPECT_EQ(s.max_concurrent_streams(), 9u);

  const Settings copy = s;
  expect_typed_views_match_values(copy);
  EXPECT_EQ(copy.max_concurrent_streams(), 9u);

  // The largest values of both survive the caching.
  s.set(id::kInitialWindowSize, k2Pow31 - 1);
  s.set(id::kMaxConcurrentStreams, k2Pow32 - 1);
  s.acknowledge();
  expect_typed_views_match_values(s);
  EXPECT_EQ(s.initial_window_size(), uint32_t{0x7fffffff});
  EXPECT_EQ(s.max_concurrent_streams(), uint64_t{0xffffffff});
  s.set(id::kMaxConcurrentStreams, 0);
  s.acknowledge();
  EXPECT_EQ(s.max_concurrent_streams(), 0u);

  s.erase(id::kMaxConcurrentStreams);
  s.erase(id::kInitialWindowSize);
  expect_typed_views_match_values(s);
  EXPECT_EQ(s.max_concurrent_streams(), Settings::kUnboundedConcurrentStreams);
  EXPECT_EQ(s.initial_window_size(), 65535u);
}

}  // namespace
}  // namespace h2
