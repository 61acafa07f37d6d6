"""
h2
~~

A drop-in replacement for Python's h2 4.4 whose protocol work is done by this project's C++
core (proto/). The Python files hold class layout only; h2._h2 is the engine.
"""
from __future__ import annotations

from hpack import HeaderTuple, NeverIndexedHeaderTuple

from . import _h2, errors, events, exceptions, settings, stream
from . import connection as _connection_module

__version__ = "4.4.1"

_h2._setup({
    "HeaderTuple": HeaderTuple,
    "NeverIndexedHeaderTuple": NeverIndexedHeaderTuple,
    "make_unknown_frame": events._make_unknown_frame,
    "ChangedSetting": settings.ChangedSetting,
    "ErrorCodes": errors.ErrorCodes,
    "SettingCodes": settings.SettingCodes,
    "ConnectionState": _connection_module.ConnectionState,
    "StreamState": stream.StreamState,
    "StreamClosedBy": stream.StreamClosedBy,
    **{name: getattr(events, name) for name in (
        "RequestReceived", "ResponseReceived", "TrailersReceived",
        "InformationalResponseReceived", "DataReceived", "WindowUpdated",
        "RemoteSettingsChanged", "SettingsAcknowledged", "PingReceived", "PingAckReceived",
        "StreamEnded", "StreamReset", "PushedStreamReceived", "PriorityUpdated",
        "ConnectionTerminated", "AlternativeServiceAvailable", "UnknownFrameReceived")},
    **{name: getattr(exceptions, name) for name in (
        "H2Error", "ProtocolError", "FrameTooLargeError", "FrameDataMissingError",
        "TooManyStreamsError", "FlowControlError", "StreamIDTooLowError",
        "NoAvailableStreamIDError", "NoSuchStreamError", "StreamClosedError",
        "InvalidSettingsValueError", "InvalidBodyLengthError", "UnsupportedFrameError",
        "DenialOfServiceError", "RFC1122Error")},
})
