"""
h2/errors
~~~~~~~~~

The HTTP/2 error codes (RFC 9113 §7), as h2 names them.
"""
from __future__ import annotations

import enum


class ErrorCodes(enum.IntEnum):
    """All known HTTP/2 error codes."""

    NO_ERROR = 0x0
    PROTOCOL_ERROR = 0x1
    INTERNAL_ERROR = 0x2
    FLOW_CONTROL_ERROR = 0x3
    SETTINGS_TIMEOUT = 0x4
    STREAM_CLOSED = 0x5
    FRAME_SIZE_ERROR = 0x6
    REFUSED_STREAM = 0x7
    CANCEL = 0x8
    COMPRESSION_ERROR = 0x9
    CONNECT_ERROR = 0xa
    ENHANCE_YOUR_CALM = 0xb
    INADEQUATE_SECURITY = 0xc
    HTTP_1_1_REQUIRED = 0xd


def _error_code_from_int(code: int) -> ErrorCodes | int:
    """The ErrorCodes member for a known code, else the int itself."""
    try:
        return ErrorCodes(code)
    except ValueError:
        return code


__all__ = ["ErrorCodes"]
