// HTTP/2 settings with h2's acknowledgement semantics (BEHAVIOUR.md §1.5).
//
// Per setting a queue of values: the head is the current value, later entries are pending
// (sent to the peer, not yet acknowledged). Reading returns the current value; set() appends a
// pending value after validation; acknowledge() pops one level for every setting that has a
// pending value and reports what changed.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "h2/frame.h"

namespace h2 {

// SETTINGS identifiers (RFC 9113 §6.5.2, RFC 8441 §3). Unknown codes are plain uint16_t.
enum class SettingCode : uint16_t {
  kHeaderTableSize = frame::setting_id::kHeaderTableSize,
  kEnablePush = frame::setting_id::kEnablePush,
  kMaxConcurrentStreams = frame::setting_id::kMaxConcurrentStreams,
  kInitialWindowSize = frame::setting_id::kInitialWindowSize,
  kMaxFrameSize = frame::setting_id::kMaxFrameSize,
  kMaxHeaderListSize = frame::setting_id::kMaxHeaderListSize,
  kEnableConnectProtocol = frame::setting_id::kEnableConnectProtocol,
};

struct ChangedSetting {
  uint16_t setting = 0;
  std::optional<uint32_t> original_value;  // nullopt when the setting had no current value
  uint32_t new_value = 0;
  friend bool operator==(const ChangedSetting&, const ChangedSetting&) = default;
};

// In the order the settings were first set (h2 returns a dict keyed by code).
using ChangedSettings = std::vector<ChangedSetting>;

class Settings {
 public:
  // "Unbounded" value reported for MAX_CONCURRENT_STREAMS when it was never set (h2: 2**32+1).
  static constexpr uint64_t kUnboundedConcurrentStreams = (uint64_t{1} << 32) + 1;

  // Defaults of both roles: HEADER_TABLE_SIZE 4096, ENABLE_PUSH 1 (client) / 0 (server),
  // INITIAL_WINDOW_SIZE 65535, MAX_FRAME_SIZE 16384, ENABLE_CONNECT_PROTOCOL 0. `initial`
  // values become current at once (validated; throws InvalidSettingsValueError).
  explicit Settings(bool client = true,
                    std::initializer_list<std::pair<uint16_t, int64_t>> initial = {});

  // Current value, or nullopt if the setting has none (never set, or set but not acked).
  std::optional<uint32_t> get(uint16_t code) const noexcept;
  // Current value; throws std::out_of_range (h2's KeyError) when there is none.
  uint32_t at(uint16_t code) const;
  bool contains(uint16_t code) const noexcept;  // has a current value
  size_t size() const noexcept;                 // settings with a current value
  void erase(uint16_t code) noexcept;           // drops current and pending values

  // Validates (RFC 9113 §6.5.2 rules, see frame::check_setting_value; MAX_HEADER_LIST_SIZE
  // must be >= 0; values must fit 32 bits) and queues a pending value. A rejected value
  // throws InvalidSettingsValueError with the rule's code and leaves nothing pending.
  void set(uint16_t code, int64_t value);
  // Pending values become current, one level per setting; returns what changed.
  ChangedSettings acknowledge();
  // The same, limited to `codes`: the settings one acknowledged SETTINGS frame carried
  // (RFC 9113 §6.5.3 — an ACK covers exactly the frame it answers).
  ChangedSettings acknowledge(std::span<const uint16_t> codes);
  bool has_pending() const noexcept;

  // Every setting with a current value, in first-set order (for initiate_connection).
  std::vector<frame::Setting> current() const;

  // Typed views of the current values.
  uint32_t header_table_size() const noexcept;
  bool enable_push() const noexcept;
  // The two the connection reads for every new stream are kept in plain fields, refreshed
  // wherever a current value changes (construction, acknowledge, erase): a load instead of
  // a search through the entries.
  uint32_t initial_window_size() const noexcept {
    return static_cast<uint32_t>(hot_ & kWindowMask);
  }
  uint32_t max_frame_size() const noexcept;
  uint64_t max_concurrent_streams() const noexcept {  // kUnboundedConcurrentStreams if unset
    return (hot_ & kHasMaxStreams) != 0 ? hot_ >> 32 : kUnboundedConcurrentStreams;
  }
  std::optional<uint32_t> max_header_list_size() const noexcept;
  bool enable_connect_protocol() const noexcept;

 private:
  // One entry per setting, in first-set order; its values not yet acknowledged wait in
  // pending_ (one queue for all settings, in set order). A setting created by set() has no
  // current value until its first pending value is acknowledged. No allocation per setting:
  // an idle connection's two Settings hold one small array each.
  struct Entry {
    uint16_t code;
    bool has_current;
    uint32_t current;
    uint32_t pending;  // values of this setting in pending_
  };
  struct Pending {
    uint16_t code;
    uint32_t value;
  };
  const Entry* find(uint16_t code) const noexcept;
  Entry* find(uint16_t code) noexcept;
  // Removes and returns the oldest pending value of `code` (there must be one).
  uint32_t take_pending(Entry& e) noexcept;
  void acknowledge_entry(Entry& e, ChangedSettings& changed);
  // Recomputes the cached typed views from the entries (after any change of a current value).
  void refresh_cache() noexcept;
  std::vector<Entry> entries_;
  std::vector<Pending> pending_;
  // The cached views in one word (every byte of a connection counts towards its idle heap):
  // bits 0-30 INITIAL_WINDOW_SIZE (at most 2^31-1), bit 31 set when MAX_CONCURRENT_STREAMS
  // has a value, bits 32-63 that value.
  static constexpr uint64_t kWindowMask = 0x7fffffff;
  static constexpr uint64_t kHasMaxStreams = uint64_t{1} << 31;
  uint64_t hot_ = 65535;
};

}  // namespace h2
