// h2::Settings: per-setting value queues with h2's acknowledgement semantics (BEHAVIOUR.md §1.5).
#include "h2/settings.h"

#include <algorithm>

#include <stdexcept>
#include <string>

#include "h2/exceptions.h"

namespace h2 {
namespace {

namespace id = frame::setting_id;

constexpr int64_t kMaxWindow = 0x7fffffff;  // RFC 9113 §6.5.2: 2^31-1
constexpr int64_t kMaxUint32 = 0xffffffff;

// h2's _validate_setting, plus the rule that every value must fit the 32-bit wire field (h2
// accepts any Python int for the unchecked settings; a C++ value has to be representable).
// INITIAL_WINDOW_SIZE is checked first so that every bad value of it is a FLOW_CONTROL_ERROR.
ErrorCode validate(uint16_t code, int64_t value) noexcept {
  switch (code) {
    case id::kEnablePush:
    case id::kEnableConnectProtocol:  // RFC 8441 §3
      return value == 0 || value == 1 ? ErrorCode::kNoError : ErrorCode::kProtocolError;
    case id::kInitialWindowSize:
      return value >= 0 && value <= kMaxWindow ? ErrorCode::kNoError : ErrorCode::kFlowControlError;
    case id::kMaxFrameSize:
      return value >= frame::kDefaultMaxFrameSize && value <= frame::kLargestMaxFrameSize
                 ? ErrorCode::kNoError
                 : ErrorCode::kProtocolError;
    default:  // MAX_HEADER_LIST_SIZE (>= 0), HEADER_TABLE_SIZE, MAX_CONCURRENT_STREAMS, unknown
      return value >= 0 && value <= kMaxUint32 ? ErrorCode::kNoError : ErrorCode::kProtocolError;
  }
}

uint32_t checked(uint16_t code, int64_t value) {
  if (ErrorCode error = validate(code, value); error != ErrorCode::kNoError) {
    throw InvalidSettingsValueError(
        "Setting " + std::to_string(code) + " has invalid value " + std::to_string(value), error);
  }
  return static_cast<uint32_t>(value);
}

}  // namespace

Settings::Settings(bool client, std::initializer_list<std::pair<uint16_t, int64_t>> initial) {
  // Room for the defaults, the values given, and the two a peer usually adds
  // (MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE) without growing.
  entries_.reserve(std::max<size_t>(7, 5 + initial.size()));
  const std::pair<uint16_t, uint32_t> defaults[] = {
      {id::kHeaderTableSize, 4096},    {id::kEnablePush, client ? 1 : 0},
      {id::kInitialWindowSize, 65535}, {id::kMaxFrameSize, frame::kDefaultMaxFrameSize},
      {id::kEnableConnectProtocol, 0},
  };
  for (const auto& [code, value] : defaults) entries_.push_back(Entry{code, true, value, 0});
  // Like h2's `self._settings[key] = deque([value])`: a known key keeps its place, a new one
  // goes last, and a repeated key keeps the last value.
  for (const auto& [code, value] : initial) {
    const uint32_t v = checked(code, value);
    if (Entry* e = find(code)) {
      e->current = v;
      e->has_current = true;
    } else {
      entries_.push_back(Entry{code, true, v, 0});
    }
  }
  refresh_cache();
}

void Settings::refresh_cache() noexcept {
  // The fallbacks are the RFC 9113 §6.5.2 initial values, like the typed views below.
  // (INITIAL_WINDOW_SIZE values above 2^31-1 are refused by validate(): the mask loses nothing.)
  hot_ = get(id::kInitialWindowSize).value_or(65535) & kWindowMask;
  if (const std::optional<uint32_t> max_streams = get(id::kMaxConcurrentStreams))
    hot_ |= kHasMaxStreams | (uint64_t{*max_streams} << 32);
}

const Settings::Entry* Settings::find(uint16_t code) const noexcept {
  for (const Entry& e : entries_) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

Settings::Entry* Settings::find(uint16_t code) noexcept {
  return const_cast<Entry*>(std::as_const(*this).find(code));
}

std::optional<uint32_t> Settings::get(uint16_t code) const noexcept {
  const Entry* e = find(code);
  if (e == nullptr || !e->has_current) return std::nullopt;
  return e->current;
}

uint32_t Settings::at(uint16_t code) const {
  if (std::optional<uint32_t> v = get(code)) return *v;
  throw std::out_of_range("setting " + std::to_string(code) + " has no current value");
}

bool Settings::contains(uint16_t code) const noexcept {
  return get(code).has_value();
}

size_t Settings::size() const noexcept {
  size_t n = 0;
  for (const Entry& e : entries_) n += e.has_current ? 1 : 0;
  return n;
}

void Settings::erase(uint16_t code) noexcept {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->code == code) {
      entries_.erase(it);
      std::erase_if(pending_, [code](const Pending& p) { return p.code == code; });
      refresh_cache();
      return;
    }
  }
}

void Settings::set(uint16_t code, int64_t value) {
  const uint32_t v = checked(code, value);  // throws before anything is queued
  pending_.push_back({code, v});
  if (Entry* e = find(code)) {
    ++e->pending;
  } else {
    entries_.push_back(Entry{code, false, 0, 1});
  }
}

uint32_t Settings::take_pending(Entry& e) noexcept {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [&](const Pending& p) { return p.code == e.code; });
  const uint32_t value = it->value;
  pending_.erase(it);
  --e.pending;
  return value;
}

// One level of `e`: a setting created by set() gets its first pending value as current, one
// with a current value moves to its next pending value.
void Settings::acknowledge_entry(Entry& e, ChangedSettings& changed) {
  if (!e.has_current) {
    e.current = take_pending(e);
    e.has_current = true;
    changed.push_back({e.code, std::nullopt, e.current});
  } else if (e.pending > 0) {
    const uint32_t old_value = e.current;
    e.current = take_pending(e);
    changed.push_back({e.code, old_value, e.current});
  }
}

ChangedSettings Settings::acknowledge() {
  ChangedSettings changed;
  for (Entry& e : entries_) acknowledge_entry(e, changed);
  refresh_cache();
  return changed;
}

ChangedSettings Settings::acknowledge(std::span<const uint16_t> codes) {
  ChangedSettings changed;
  for (Entry& e : entries_) {
    if (std::find(codes.begin(), codes.end(), e.code) == codes.end()) continue;
    acknowledge_entry(e, changed);
  }
  refresh_cache();
  return changed;
}

bool Settings::has_pending() const noexcept {
  return !pending_.empty();
}

std::vector<frame::Setting> Settings::current() const {
  std::vector<frame::Setting> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) {
    if (e.has_current) out.push_back({e.code, e.current});
  }
  return out;
}

// The typed views fall back to the RFC 9113 §6.5.2 initial values when a setting was erased
// (h2 raises KeyError there; nothing in the connection erases these).
uint32_t Settings::header_table_size() const noexcept {
  return get(id::kHeaderTableSize).value_or(4096);
}

bool Settings::enable_push() const noexcept {
  return get(id::kEnablePush).value_or(1) != 0;
}

uint32_t Settings::max_frame_size() const noexcept {
  return get(id::kMaxFrameSize).value_or(frame::kDefaultMaxFrameSize);
}

std::optional<uint32_t> Settings::max_header_list_size() const noexcept {
  return get(id::kMaxHeaderListSize);
}

bool Settings::enable_connect_protocol() const noexcept {
  return get(id::kEnableConnectProtocol).value_or(0) != 0;
}

}  // namespace h2
