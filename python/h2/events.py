"""
h2/events
~~~~~~~~~

The events receive_data returns: plain data classes with h2's fields and reprs. The binding
creates them directly (filling every field) from the core's events.
"""
from __future__ import annotations

import binascii
from typing import Any


class Event:
    """Base class for h2 events (plain objects: users may add attributes, as with h2's)."""

    _fields: tuple[str, ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        defaults = self._defaults()
        for name in self._fields:
            setattr(self, name, kwargs.pop(name, defaults.get(name)))
        if kwargs:
            msg = f"{type(self).__name__}() got unexpected keyword arguments {sorted(kwargs)}"
            raise TypeError(msg)

    @classmethod
    def _defaults(cls) -> dict[str, Any]:
        return {}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f, None) == getattr(other, f, None) for f in self._fields)

    __hash__ = None  # type: ignore[assignment]


class RequestReceived(Event):
    """A complete request header block arrived on a new stream."""

    _fields = ("stream_id", "headers", "stream_ended", "priority_updated")

    def __repr__(self) -> str:
        return f"<RequestReceived stream_id:{self.stream_id}, headers:{self.headers}>"


class ResponseReceived(Event):
    """A final response header block arrived."""

    _fields = ("stream_id", "headers", "stream_ended", "priority_updated")

    def __repr__(self) -> str:
        return f"<ResponseReceived stream_id:{self.stream_id}, headers:{self.headers}>"


class TrailersReceived(Event):
    """Trailers arrived (they always end the stream)."""

    _fields = ("stream_id", "headers", "stream_ended", "priority_updated")

    def __repr__(self) -> str:
        return f"<TrailersReceived stream_id:{self.stream_id}, headers:{self.headers}>"


class InformationalResponseReceived(Event):
    """A 1xx header block arrived before the final response."""

    _fields = ("stream_id", "headers", "priority_updated")

    def __repr__(self) -> str:
        return (f"<InformationalResponseReceived stream_id:{self.stream_id}, "
                f"headers:{self.headers}>")


class DataReceived(Event):
    """A DATA frame arrived; acknowledge flow_controlled_length once it is consumed."""

    _fields = ("stream_id", "data", "flow_controlled_length", "stream_ended")

    def __repr__(self) -> str:
        data = _bytes_representation(self.data[:20]) if self.data else ""
        return (f"<DataReceived stream_id:{self.stream_id}, "
                f"flow_controlled_length:{self.flow_controlled_length}, data:{data}>")


class WindowUpdated(Event):
    """A flow-control window grew (stream_id 0: the connection)."""

    _fields = ("stream_id", "delta")

    def __repr__(self) -> str:
        return f"<WindowUpdated stream_id:{self.stream_id}, delta:{self.delta}>"


class RemoteSettingsChanged(Event):
    """The peer's SETTINGS arrived (already applied and acknowledged)."""

    _fields = ("changed_settings",)

    @classmethod
    def _defaults(cls) -> dict[str, Any]:
        return {"changed_settings": {}}

    @classmethod
    def from_settings(cls, old_settings: Any, new_settings: dict[int, int]) -> RemoteSettingsChanged:
        """Builds the event from the old settings and the changed values."""
        from .settings import ChangedSetting, _setting_code_from_int
        e = cls()
        for setting, new_value in new_settings.items():
            s = _setting_code_from_int(setting)
            e.changed_settings[s] = ChangedSetting(s, old_settings.get(s), new_value)
        return e

    def __repr__(self) -> str:
        s = ", ".join(repr(cs) for cs in self.changed_settings.values())
        return f"<RemoteSettingsChanged changed_settings:{{{s}}}>"


class PingReceived(Event):
    """A PING arrived (its ACK is already queued)."""

    _fields = ("ping_data",)

    def __repr__(self) -> str:
        return f"<PingReceived ping_data:{_bytes_representation(self.ping_data)}>"


class PingAckReceived(Event):
    """The ACK of one of our PINGs arrived."""

    _fields = ("ping_data",)

    def __repr__(self) -> str:
        return f"<PingAckReceived ping_data:{_bytes_representation(self.ping_data)}>"


class StreamEnded(Event):
    """The peer ended its side of the stream."""

    _fields = ("stream_id",)

    def __repr__(self) -> str:
        return f"<StreamEnded stream_id:{self.stream_id}>"


class StreamReset(Event):
    """The stream was reset, by the peer (remote_reset) or by us after a peer's error."""

    _fields = ("stream_id", "error_code", "remote_reset")

    @classmethod
    def _defaults(cls) -> dict[str, Any]:
        return {"remote_reset": True}

    def __repr__(self) -> str:
        return (f"<StreamReset stream_id:{self.stream_id}, error_code:{self.error_code!s}, "
                f"remote_reset:{self.remote_reset}>")


class PushedStreamReceived(Event):
    """The server promised a pushed stream."""

    _fields = ("pushed_stream_id", "parent_stream_id", "headers")

    def __repr__(self) -> str:
        return (f"<PushedStreamReceived pushed_stream_id:{self.pushed_stream_id}, "
                f"parent_stream_id:{self.parent_stream_id}, headers:{self.headers}>")


class SettingsAcknowledged(Event):
    """The peer acknowledged our SETTINGS; changed_settings lists what took effect."""

    _fields = ("changed_settings",)

    @classmethod
    def _defaults(cls) -> dict[str, Any]:
        return {"changed_settings": {}}

    def __repr__(self) -> str:
        s = ", ".join(repr(cs) for cs in self.changed_settings.values())
        return f"<SettingsAcknowledged changed_settings:{{{s}}}>"


class PriorityUpdated(Event):
    """Advisory priority information (RFC 7540 §5.3)."""

    _fields = ("stream_id", "weight", "depends_on", "exclusive")

    def __repr__(self) -> str:
        return (f"<PriorityUpdated stream_id:{self.stream_id}, weight:{self.weight}, "
                f"depends_on:{self.depends_on}, exclusive:{self.exclusive}>")


class ConnectionTerminated(Event):
    """The peer sent GOAWAY."""

    _fields = ("error_code", "last_stream_id", "additional_data")

    def __repr__(self) -> str:
        extra = _bytes_representation(self.additional_data[:20] if self.additional_data else None)
        return (f"<ConnectionTerminated error_code:{self.error_code!s}, "
                f"last_stream_id:{self.last_stream_id}, additional_data:{extra}>")


class AlternativeServiceAvailable(Event):
    """The server advertised an alternative service (RFC 7838)."""

    _fields = ("origin", "field_value")

    def __repr__(self) -> str:
        origin = (self.origin or b"").decode("utf-8", "ignore")
        field = (self.field_value or b"").decode("utf-8", "ignore")
        return f"<AlternativeServiceAvailable origin:{origin}, field_value:{field}>"


class UnknownFrameReceived(Event):
    """An extension frame h2 does not know (the frame is a hyperframe ExtensionFrame)."""

    _fields = ("frame",)

    def __repr__(self) -> str:
        return "<UnknownFrameReceived>"


def _bytes_representation(data: bytes | None) -> str | None:
    """Hex of the bytes, printable everywhere (for reprs only)."""
    if data is None:
        return None
    return binascii.hexlify(data).decode("ascii")


class _RawExtensionFrame:
    """Stand-in for hyperframe's ExtensionFrame when hyperframe is not installed."""

    def __init__(self, type: int, stream_id: int, flag_byte: int, body: bytes) -> None:  # noqa: A002
        self.type = type
        self.stream_id = stream_id
        self.flag_byte = flag_byte
        self.body = body


def _make_unknown_frame(frame_type: int, flags: int, stream_id: int, body: bytes) -> Any:
    """The frame object of UnknownFrameReceived: hyperframe's ExtensionFrame, as in h2."""
    try:
        from hyperframe.frame import ExtensionFrame
    except ImportError:  # pragma: no cover
        return _RawExtensionFrame(frame_type, stream_id, flags, body)
    f = ExtensionFrame(type=frame_type, stream_id=stream_id, flag_byte=flags, body=body)
    f.body_len = len(body)
    return f
