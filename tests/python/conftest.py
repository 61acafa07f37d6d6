"""
Shared fixtures for the binding's tests, in the style of h2's own suite: expected bytes are
built with hyperframe and an independent hpack Encoder (FrameFactory), and compared with
what our h2 (the C++ core behind h2._h2) queues.

Run with PYTHONPATH=<build>/python so `import h2` is ours; the first check below fails loudly
if Debian's python3-h2 was picked up instead.
"""
from __future__ import annotations

import pytest
from hpack import Encoder
from hypothesis import settings
from hyperframe.frame import (
    AltSvcFrame,
    ContinuationFrame,
    DataFrame,
    GoAwayFrame,
    HeadersFrame,
    PingFrame,
    PriorityFrame,
    PushPromiseFrame,
    RstStreamFrame,
    SettingsFrame,
    WindowUpdateFrame,
)

import h2

assert hasattr(h2, "_h2"), f"these tests need our h2 binding, got {h2.__file__}"

# No example database: nothing is written into the source or build tree.
settings.register_profile("h2-binding", database=None)
settings.load_profile("h2-binding")

PREAMBLE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

EXAMPLE_REQUEST_HEADERS = [
    (":authority", "example.com"),
    (":path", "/"),
    (":scheme", "https"),
    (":method", "GET"),
]
EXAMPLE_REQUEST_HEADERS_BYTES = [
    (b":authority", b"example.com"),
    (b":path", b"/"),
    (b":scheme", b"https"),
    (b":method", b"GET"),
]
EXAMPLE_RESPONSE_HEADERS = [(":status", "200"), ("server", "fake-serv/0.1.0")]
EXAMPLE_RESPONSE_HEADERS_BYTES = [(b":status", b"200"), (b"server", b"fake-serv/0.1.0")]


class FrameFactory:
    """Builds frames the way a peer would send them (hyperframe + its own hpack Encoder)."""

    def __init__(self) -> None:
        self.encoder = Encoder()

    def refresh_encoder(self) -> None:
        self.encoder = Encoder()

    @staticmethod
    def preamble() -> bytes:
        return PREAMBLE

    def build_headers_frame(self, headers, flags=(), stream_id=1, **priority):
        f = HeadersFrame(stream_id)
        f.data = self.encoder.encode(headers)
        f.flags.add("END_HEADERS")
        for flag in flags:
            f.flags.add(flag)
        for k, v in priority.items():
            setattr(f, k, v)
        return f

    @staticmethod
    def build_continuation_frame(header_block, flags=(), stream_id=1):
        f = ContinuationFrame(stream_id)
        f.data = header_block
        f.flags = set(flags)
        return f

    @staticmethod
    def build_data_frame(data, flags=None, stream_id=1, padding_len=0):
        flags = set(flags) if flags is not None else set()
        f = DataFrame(stream_id)
        f.data = data
        f.flags = flags
        if padding_len:
            f.flags.add("PADDED")
            f.pad_length = padding_len
        return f

    @staticmethod
    def build_settings_frame(settings, ack=False):
        f = SettingsFrame(0)
        if ack:
            f.flags.add("ACK")
        f.settings = settings
        return f

    @staticmethod
    def build_window_update_frame(stream_id, increment):
        f = WindowUpdateFrame(stream_id)
        f.window_increment = increment
        return f

    @staticmethod
    def build_ping_frame(ping_data, flags=None):
        f = PingFrame(0)
        f.opaque_data = ping_data
        if flags:
            f.flags = set(flags)
        return f

    @staticmethod
    def build_goaway_frame(last_stream_id, error_code=0, additional_data=b""):
        f = GoAwayFrame(0)
        f.error_code = error_code
        f.last_stream_id = last_stream_id
        f.additional_data = additional_data
        return f

    @staticmethod
    def build_rst_stream_frame(stream_id, error_code=0):
        f = RstStreamFrame(stream_id)
        f.error_code = error_code
        return f

    def build_push_promise_frame(self, stream_id, promised_stream_id, headers, flags=()):
        f = PushPromiseFrame(stream_id)
        f.promised_stream_id = promised_stream_id
        f.data = self.encoder.encode(headers)
        f.flags = set(flags)
        f.flags.add("END_HEADERS")
        return f

    @staticmethod
    def build_priority_frame(stream_id, weight, depends_on=0, exclusive=False):
        f = PriorityFrame(stream_id)
        f.depends_on = depends_on
        f.stream_weight = weight
        f.exclusive = exclusive
        return f

    @staticmethod
    def build_alt_svc_frame(stream_id, origin, field):
        f = AltSvcFrame(stream_id)
        f.origin = origin
        f.field = field
        return f


@pytest.fixture
def frame_factory() -> FrameFactory:
    return FrameFactory()


def server_config(**kwargs):
    import h2.config
    return h2.config.H2Configuration(client_side=False, **kwargs)


def open_client(frame_factory, **config):
    """A client after the SETTINGS exchange (peer settings empty, ours acknowledged)."""
    import h2.config
    import h2.connection
    c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, **config))
    c.initiate_connection()
    # The server's SETTINGS and its ACK of ours (each ACK answers one SETTINGS frame).
    c.receive_data(frame_factory.build_settings_frame({}).serialize() +
                   frame_factory.build_settings_frame({}, ack=True).serialize())
    c.clear_outbound_data_buffer()
    return c


def open_server(frame_factory, **config):
    """A server after the preamble and the SETTINGS exchange (ours acknowledged)."""
    import h2.connection
    c = h2.connection.H2Connection(server_config(**config))
    c.initiate_connection()
    c.receive_data(frame_factory.preamble() + frame_factory.build_settings_frame({}).serialize() +
                   frame_factory.build_settings_frame({}, ack=True).serialize())
    c.clear_outbound_data_buffer()
    return c
