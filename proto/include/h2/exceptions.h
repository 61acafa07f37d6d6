// The h2 error hierarchy (BEHAVIOUR.md §1.4), as C++ exceptions.
//
// API misuse by the local application throws one of these (or std::invalid_argument, h2's
// ValueError) and leaves the connection unchanged. A peer's connection-level error throws a
// ProtocolError (or subclass) from receive_data after the GOAWAY carrying error_code() is
// queued.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "h2/error_code.h"

namespace h2 {

class H2Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ProtocolError : public H2Error {
 public:
  explicit ProtocolError(const std::string& what, ErrorCode code = ErrorCode::kProtocolError)
      : H2Error(what), code_(code) {}
  // The code that goes into the GOAWAY (or RST_STREAM) this error causes.
  ErrorCode error_code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

class FrameTooLargeError : public ProtocolError {
 public:
  explicit FrameTooLargeError(const std::string& what)
      : ProtocolError(what, ErrorCode::kFrameSizeError) {}
};

class FrameDataMissingError : public ProtocolError {
 public:
  explicit FrameDataMissingError(const std::string& what)
      : ProtocolError(what, ErrorCode::kFrameSizeError) {}
};

class TooManyStreamsError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

class FlowControlError : public ProtocolError {
 public:
  explicit FlowControlError(const std::string& what)
      : ProtocolError(what, ErrorCode::kFlowControlError) {}
};

class StreamIDTooLowError : public ProtocolError {
 public:
  StreamIDTooLowError(uint32_t id, uint32_t max_id)
      : ProtocolError("StreamIDTooLowError: " + std::to_string(id) + " is lower than " +
                      std::to_string(max_id)),
        stream_id(id),
        max_stream_id(max_id) {}
  uint32_t stream_id;
  uint32_t max_stream_id;
};

class NoAvailableStreamIDError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

class NoSuchStreamError : public ProtocolError {
 public:
  explicit NoSuchStreamError(uint32_t id, ErrorCode code = ErrorCode::kProtocolError)
      : ProtocolError("NoSuchStreamError: stream " + std::to_string(id), code), stream_id(id) {}
  uint32_t stream_id;
};

class StreamClosedError : public NoSuchStreamError {
 public:
  explicit StreamClosedError(uint32_t id, bool reset_required = false)
      : NoSuchStreamError(id, ErrorCode::kStreamClosed), reset_required_(reset_required) {}
  // Set when the stream machine closed the stream because of a peer's stream error: the
  // connection answers RST_STREAM(STREAM_CLOSED) and reports StreamReset(remote_reset=false)
  // (h2 carries that event inside the exception).
  bool reset_required() const noexcept { return reset_required_; }

 private:
  bool reset_required_;
};

class InvalidSettingsValueError : public ProtocolError {
 public:
  InvalidSettingsValueError(const std::string& what, ErrorCode code) : ProtocolError(what, code) {}
};

class InvalidBodyLengthError : public ProtocolError {
 public:
  InvalidBodyLengthError(uint64_t expected, uint64_t actual)
      : ProtocolError("InvalidBodyLengthError: Expected " + std::to_string(expected) +
                      " bytes, received " + std::to_string(actual)),
        expected_length(expected),
        actual_length(actual) {}
  uint64_t expected_length;
  uint64_t actual_length;
};

class UnsupportedFrameError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

class DenialOfServiceError : public ProtocolError {
 public:
  explicit DenialOfServiceError(const std::string& what)
      : ProtocolError(what, ErrorCode::kEnhanceYourCalm) {}
};

// "Legal but unwise" use of the API (e.g. a server sending priority information). Not a
// ProtocolError: it never causes a GOAWAY.
class RFC1122Error : public H2Error {
 public:
  using H2Error::H2Error;
};

}  // namespace h2
