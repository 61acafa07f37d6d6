"""
h2/exceptions
~~~~~~~~~~~~~

The h2 exception hierarchy. The C++ core raises its own exceptions; the binding turns each
into the class of the same name here, with the same constructor arguments and error_code.
"""
from __future__ import annotations

from .errors import ErrorCodes


class H2Error(Exception):
    """The base class for all exceptions of the HTTP/2 module."""


class ProtocolError(H2Error):
    """An action was attempted in violation of the HTTP/2 protocol."""

    error_code = ErrorCodes.PROTOCOL_ERROR


class FrameTooLargeError(ProtocolError):
    """The frame that we tried to send or that we received was too large."""

    error_code = ErrorCodes.FRAME_SIZE_ERROR


class FrameDataMissingError(ProtocolError):
    """The frame that we received is missing some data."""

    error_code = ErrorCodes.FRAME_SIZE_ERROR


class TooManyStreamsError(ProtocolError):
    """Opening the stream would exceed the peer's concurrency limit."""


class FlowControlError(ProtocolError):
    """An attempted action violates flow control constraints."""

    error_code = ErrorCodes.FLOW_CONTROL_ERROR


class StreamIDTooLowError(ProtocolError):
    """A stream was opened with an ID lower than the highest seen on the connection."""

    def __init__(self, stream_id: int, max_stream_id: int) -> None:
        self.stream_id = stream_id
        self.max_stream_id = max_stream_id

    def __str__(self) -> str:
        return f"StreamIDTooLowError: {self.stream_id} is lower than {self.max_stream_id}"


class NoAvailableStreamIDError(ProtocolError):
    """All stream IDs of this connection are used up."""


class NoSuchStreamError(ProtocolError):
    """A stream-specific action referenced a stream that does not exist."""

    def __init__(self, stream_id: int) -> None:
        self.stream_id = stream_id


class StreamClosedError(NoSuchStreamError):
    """The stream has been closed and its state removed."""

    def __init__(self, stream_id: int) -> None:
        self.stream_id = stream_id
        self.error_code = ErrorCodes.STREAM_CLOSED
        self._events: list = []


class InvalidSettingsValueError(ProtocolError, ValueError):
    """An attempt was made to set an invalid Settings value."""

    def __init__(self, msg: str, error_code: ErrorCodes) -> None:
        super().__init__(msg)
        self.error_code = error_code


class InvalidBodyLengthError(ProtocolError):
    """The peer sent more or less data than its content-length announced."""

    def __init__(self, expected: int, actual: int) -> None:
        self.expected_length = expected
        self.actual_length = actual

    def __str__(self) -> str:
        return (f"InvalidBodyLengthError: Expected {self.expected_length} bytes, "
                f"received {self.actual_length}")


class UnsupportedFrameError(ProtocolError):
    """The remote peer sent a frame that is unsupported in this context."""


class RFC1122Error(H2Error):
    """Something the RFC allows but that is unwise to do (e.g. a server prioritising)."""


class DenialOfServiceError(ProtocolError):
    """The peer behaves like a denial-of-service attack."""

    error_code = ErrorCodes.ENHANCE_YOUR_CALM
