#pragma once
// Why a request did not succeed at the transport or protocol level. A response with a 4xx or
// 5xx status is not a failure reason: it is a "failed" request (as in h2load) but not an
// "errored" one. Names are stable: they are JSON keys and summary words.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace h2bench {

enum class FailureReason : std::uint8_t {
  kConnectRefused,      // ECONNREFUSED
  kConnectTimeout,      // --connect-timeout expired
  kConnectError,        // any other failure to connect (unreachable, DNS, ...)
  kConnectionClosed,    // the peer closed or reset the TCP connection mid-request
  kGoaway,              // the peer sent GOAWAY and the stream was above last-stream-id
  kStreamReset,         // the peer reset the stream (RST_STREAM)
  kProtocolError,       // the peer broke HTTP/2 (connection error on our side)
  kMalformedResponse,   // bad response headers (no :status, bad content-length, ...)
  kInactivityTimeout,   // -N / --inactivity-timeout expired
  kActiveTimeout,       // -T / --connection-active-timeout expired
  kStopped,             // the run ended (duration over, interrupted) before the response
  kOther,
};

inline constexpr std::size_t kFailureReasonCount = static_cast<std::size_t>(FailureReason::kOther) + 1;

inline constexpr std::array<std::string_view, kFailureReasonCount> kFailureReasonNames = {
    "connect_refused",   "connect_timeout",    "connect_error",      "connection_closed",
    "goaway",            "stream_reset",       "protocol_error",     "malformed_response",
    "inactivity_timeout", "active_timeout",    "stopped",            "other",
};

constexpr std::string_view name_of(FailureReason reason) {
  return kFailureReasonNames[static_cast<std::size_t>(reason)];
}

// h2load's "timeout" column counts these.
constexpr bool is_timeout(FailureReason reason) {
  return reason == FailureReason::kConnectTimeout || reason == FailureReason::kInactivityTimeout ||
         reason == FailureReason::kActiveTimeout;
}

}  // namespace h2bench
