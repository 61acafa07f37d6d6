// H2Configuration: the options of h2's config (BEHAVIOUR.md §1.1) plus the limits h2 lacks
// (§2.17), each on by default with safe values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "h2/hpack.h"

namespace h2 {

// h2's `logger`: debug and trace lines. Must not block. Empty functions = no logging (h2's
// DummyLogger); spdlog can back it (engine/).
struct Logger {
  std::function<void(std::string_view)> debug;
  std::function<void(std::string_view)> trace;
};

// How received header names/values are surfaced (h2: header_encoding None vs "utf-8").
enum class HeaderEncoding : uint8_t {
  kBytes,  // as received
  kUtf8,   // validated as UTF-8; invalid input is a PROTOCOL_ERROR (h2 raises a decode error)
};

// Denial-of-service limits (issue 3 point 6). Exceeding one ends the connection with
// GOAWAY(ENHANCE_YOUR_CALM) and a DenialOfServiceError. 0 disables a limit.
struct Limits {
  // Rapid reset (CVE-2023-44487): streams the peer resets before we answered, as a token
  // bucket (nghttp2: burst 1000, refill 33 per second).
  uint32_t rapid_reset_burst = 1000;
  uint32_t rapid_reset_per_second = 33;
  // CONTINUATION flood: frames and bytes per header block.
  uint32_t max_continuation_frames = 64;  // the block's frames, HEADERS included (h2: 64)
  size_t max_header_block_bytes = 256 * 1024;
  // Queued automatic ACKs (PING, SETTINGS) not yet drained by data_to_send (nghttp2: 1000).
  uint32_t max_queued_ping_acks = 1000;
  uint32_t max_queued_settings_acks = 1000;
  // Empty frames: DATA without payload and without END_STREAM, HEADERS with an empty block.
  uint32_t max_empty_frames = 1000;
  // PRIORITY frames per connection (h2o and nghttp2 cap these too; browsers send a few per
  // stream at most).
  uint32_t max_priority_frames = 10000;
  // Unsent output backlog in bytes (the application stopped draining data_to_send), checked
  // after each received frame.
  size_t max_outbound_buffer = 16 * 1024 * 1024;
  // Closed streams remembered to classify late frames (h2: 65536). Memory grows with use, up
  // to ~14 bytes per entry; a gateway holding many long-lived connections may lower it.
  size_t max_closed_streams = size_t{1} << 16;
  // The rapid-reset bucket needs the time. The connection reads no clock of its own unless
  // this is empty, in which case std::chrono::steady_clock is used (tests inject a fake).
  std::function<uint64_t()> now_ms;
};

struct H2Configuration {
  bool client_side = true;
  HeaderEncoding header_encoding = HeaderEncoding::kBytes;
  bool validate_outbound_headers = true;
  bool normalize_outbound_headers = true;
  bool split_outbound_cookies = false;
  bool validate_inbound_headers = true;
  bool normalize_inbound_headers = true;
  hpack::EncoderStrategy encoder_strategy = hpack::EncoderStrategy::kDefault;
  // What a received GOAWAY(NO_ERROR) does. false (h2): the connection is CLOSED at once, its
  // unsent output discarded, and any later frame is a ProtocolError — so streams the peer
  // promised to finish cannot. true (RFC 9113 §6.8): streams at or below the GOAWAY's
  // last-stream-id go on to completion, only new streams are refused (ProtocolError); a
  // GOAWAY with an error code still closes at once. The engine turns this on.
  bool complete_streams_after_goaway = false;
  // A HEADERS frame that opens a stream beyond our MAX_CONCURRENT_STREAMS. false (h2):
  // TooManyStreamsError, a connection error (GOAWAY PROTOCOL_ERROR). true (RFC 9113 §5.1.2,
  // which requires a stream error): the block is decoded (HPACK stays in step), the stream is
  // refused with RST_STREAM(REFUSED_STREAM), no event, the connection goes on; the client may
  // retry it. The engine turns this on.
  bool refuse_excess_streams = false;
  // Not in h2 (no behaviour change): a header list identical to the previous one sent, with
  // nothing changed that shapes its block, is sent from the remembered HPACK block instead of
  // being normalized, validated and encoded again (same bytes). Costs a copy of the last list
  // (a few hundred bytes) once headers are sent. Inbound likewise: a received block equal byte
  // for byte to the last one decoded, with the HPACK decoder's state unchanged since, takes its
  // fields from the remembered decoding (validation still runs per stream). false: always
  // encode and decode.
  bool memoize_header_blocks = true;
  Logger logger;
  Limits limits;
};

}  // namespace h2
