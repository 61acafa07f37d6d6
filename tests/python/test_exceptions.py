"""The exception hierarchy and its codes (BEHAVIOUR.md §1.4, §3 test_exceptions)."""
from __future__ import annotations

import h2.errors
import h2.exceptions as ex


def test_stream_id_too_low_text():
    assert str(ex.StreamIDTooLowError(5, 10)) == "StreamIDTooLowError: 5 is lower than 10"


def test_hierarchy_and_codes():
    codes = h2.errors.ErrorCodes
    for cls, code in [(ex.ProtocolError, codes.PROTOCOL_ERROR),
                      (ex.FrameTooLargeError, codes.FRAME_SIZE_ERROR),
                      (ex.FrameDataMissingError, codes.FRAME_SIZE_ERROR),
                      (ex.TooManyStreamsError, codes.PROTOCOL_ERROR),
                      (ex.FlowControlError, codes.FLOW_CONTROL_ERROR),
                      (ex.NoAvailableStreamIDError, codes.PROTOCOL_ERROR),
                      (ex.UnsupportedFrameError, codes.PROTOCOL_ERROR),
                      (ex.DenialOfServiceError, codes.ENHANCE_YOUR_CALM)]:
        assert issubclass(cls, ex.ProtocolError) and cls.error_code == code
    assert ex.StreamClosedError(3).error_code == codes.STREAM_CLOSED
    assert issubclass(ex.StreamClosedError, ex.NoSuchStreamError)
    assert issubclass(ex.InvalidSettingsValueError, ValueError)
    assert not issubclass(ex.RFC1122Error, ex.ProtocolError)
    assert issubclass(ex.RFC1122Error, ex.H2Error)
    e = ex.InvalidBodyLengthError(15, 14)
    assert str(e) == "InvalidBodyLengthError: Expected 15 bytes, received 14"


def test_error_codes():
    assert [int(c) for c in h2.errors.ErrorCodes] == list(range(14))
    assert h2.errors.ErrorCodes.HTTP_1_1_REQUIRED == 0xd
