"""h2c upgrade (BEHAVIOUR.md §3 test_h2_upgrade, §2.13)."""
from __future__ import annotations

import base64

import pytest

import h2.connection
import h2.events
import h2.exceptions
from conftest import (
    EXAMPLE_REQUEST_HEADERS,
    EXAMPLE_RESPONSE_HEADERS,
    PREAMBLE,
    server_config,
)


def test_client_upgrade_returns_settings_payload(frame_factory):
    c = h2.connection.H2Connection()
    value = c.initiate_upgrade_connection()
    settings = frame_factory.build_settings_frame(dict(c.local_settings))
    assert value == base64.urlsafe_b64encode(settings.serialize_body()).rstrip(b"=")
    assert c.data_to_send() == PREAMBLE + settings.serialize()


def test_client_after_upgrade_receives_response_and_push(frame_factory):
    c = h2.connection.H2Connection()
    c.initiate_upgrade_connection()
    c.clear_outbound_data_buffer()
    events = c.receive_data(
        frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize() +
        frame_factory.build_push_promise_frame(1, 2, EXAMPLE_REQUEST_HEADERS).serialize() +
        frame_factory.build_data_frame(b"abc", flags=["END_STREAM"]).serialize())
    assert [type(e) for e in events] == [h2.events.ResponseReceived,
                                         h2.events.PushedStreamReceived,
                                         h2.events.DataReceived, h2.events.StreamEnded]
    assert c.data_to_send() == b""
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)


def test_client_cannot_send_data_on_upgraded_stream():
    c = h2.connection.H2Connection()
    c.initiate_upgrade_connection()
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_data(1, b"x")


def test_server_upgrade(frame_factory):
    s = h2.connection.H2Connection(server_config())
    assert s.initiate_upgrade_connection(b"AAMAAABkAAQAAP__") is None
    assert s.data_to_send() == frame_factory.build_settings_frame(
        dict(s.local_settings)).serialize()
    assert s.remote_settings.max_concurrent_streams == 100
    assert s.remote_settings.initial_window_size == 65535
    s.send_headers(1, EXAMPLE_RESPONSE_HEADERS)
    s.push_stream(1, 2, EXAMPLE_REQUEST_HEADERS)
    s.send_data(1, b"abc", end_stream=True)


def test_server_applies_client_settings_without_ack(frame_factory):
    c = h2.connection.H2Connection()
    value = c.initiate_upgrade_connection()
    s = h2.connection.H2Connection(server_config())
    s.initiate_upgrade_connection(value)
    assert dict(s.remote_settings) == dict(c.local_settings)
    s.clear_outbound_data_buffer()
    events = s.receive_data(c.data_to_send())
    assert [type(e) for e in events] == [h2.events.RemoteSettingsChanged]


@pytest.mark.parametrize("frame", ["headers", "data"])
def test_server_frames_on_upgraded_stream_reset_it(frame_factory, frame):
    s = h2.connection.H2Connection(server_config())
    s.initiate_upgrade_connection(b"AAMAAABkAAQAAP__")
    s.receive_data(PREAMBLE)
    s.clear_outbound_data_buffer()
    f = (frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS) if frame == "headers"
         else frame_factory.build_data_frame(b"x"))
    events = s.receive_data(f.serialize())
    assert [type(e) for e in events] == [h2.events.StreamReset]
    assert s.data_to_send() == frame_factory.build_rst_stream_frame(1, 5).serialize()
