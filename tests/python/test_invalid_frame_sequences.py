"""Frames in the wrong place (BEHAVIOUR.md §3 test_invalid_frame_sequences, §2.4, §2.5)."""
from __future__ import annotations

import pytest

import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings
from conftest import (
    EXAMPLE_REQUEST_HEADERS,
    EXAMPLE_RESPONSE_HEADERS,
    open_client,
    open_server,
    server_config,
)

SC = h2.settings.SettingCodes


def test_send_data_after_end_stream(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_data(1, b"x")


def test_server_needs_preamble(frame_factory):
    s = h2.connection.H2Connection(server_config())
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())


def test_headers_on_even_stream_to_server(frame_factory):
    s = open_server(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS, stream_id=2).serialize())


def test_push_promise_promising_odd_stream(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(frame_factory.build_push_promise_frame(
            1, 3, EXAMPLE_REQUEST_HEADERS).serialize())


def test_pad_length_beyond_payload(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    s.clear_outbound_data_buffer()
    raw = bytes([0, 0, 5, 0, 0x8, 0, 0, 0, 1, 10]) + b"abcd"
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(raw)
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 1).serialize()


def test_short_window_update(frame_factory):
    c = open_client(frame_factory)
    with pytest.raises(h2.exceptions.FrameDataMissingError):
        c.receive_data(bytes([0, 0, 3, 8, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert c.data_to_send() == frame_factory.build_goaway_frame(0, 6).serialize()


def test_data_on_peer_ended_stream_resets_once(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, flags=["END_STREAM"]).serialize())
    s.clear_outbound_data_buffer()
    data = frame_factory.build_data_frame(b"x").serialize()
    events = s.receive_data(data * 5)
    assert len(events) == 1 and isinstance(events[0], h2.events.StreamReset)
    assert (events[0].stream_id, events[0].error_code, events[0].remote_reset) == (1, 5, False)
    assert s.data_to_send() == frame_factory.build_rst_stream_frame(1, 5).serialize() * 5


def test_continuation_without_block(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, flags=["END_STREAM"]).serialize())
    s.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(frame_factory.build_continuation_frame(
            b"", flags=["END_HEADERS"]).serialize())
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 1).serialize()


def test_continuation_flood_limit(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.clear_outbound_data_buffer()
    first = frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS)
    first.flags = set()
    cont = frame_factory.build_continuation_frame(b"").serialize()
    assert c.receive_data(first.serialize() + cont * 63) == []
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(cont)
    assert c.data_to_send() == frame_factory.build_goaway_frame(0, 1).serialize()


@pytest.mark.parametrize("setting,value,code", [
    (SC.ENABLE_PUSH, 5, 1), (SC.MAX_FRAME_SIZE, 5, 1), (SC.MAX_FRAME_SIZE, 2**24, 1),
    (SC.INITIAL_WINDOW_SIZE, 2**31, 3)])
def test_invalid_peer_settings(frame_factory, setting, value, code):
    s = open_server(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(frame_factory.build_settings_frame({setting: value}).serialize())
    assert e.value.error_code == code


def test_client_rejects_enable_push_from_server(frame_factory):
    c = open_client(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        c.receive_data(frame_factory.build_settings_frame({SC.ENABLE_PUSH: 1}).serialize())
    assert e.value.error_code == h2.errors.ErrorCodes.PROTOCOL_ERROR


def test_stream_frame_on_stream_zero(frame_factory):
    s = open_server(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(bytes([0, 0, 1, 0, 0, 0, 0, 0, 0]) + b"x")  # DATA on stream 0
    # The core's message names the rule ("... requires a non-zero stream id"), not h2's text.
    assert e.value.error_code == h2.errors.ErrorCodes.PROTOCOL_ERROR
    assert s.data_to_send() == frame_factory.build_goaway_frame(0, 1).serialize()


def test_data_before_headers(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        c.receive_data(frame_factory.build_data_frame(b"x").serialize())
    assert "cannot receive data before headers" in str(e.value)


@pytest.mark.parametrize("kind", ["headers", "push_promise"])
def test_undecodable_block(frame_factory, kind):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.clear_outbound_data_buffer()
    if kind == "headers":
        f = frame_factory.build_headers_frame([])
    else:
        f = frame_factory.build_push_promise_frame(1, 2, [])
    f.data = b"\x00\x00\x00\x00"
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        c.receive_data(f.serialize())
    # RFC 9113 §4.3: COMPRESSION_ERROR (h2 says PROTOCOL_ERROR; behaviour-differences.md).
    assert e.value.error_code == h2.errors.ErrorCodes.COMPRESSION_ERROR
    assert c.data_to_send() == frame_factory.build_goaway_frame(0, 9).serialize()


def test_push_promise_on_pushed_stream(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.receive_data(frame_factory.build_push_promise_frame(1, 2, EXAMPLE_REQUEST_HEADERS)
                   .serialize())
    c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS, stream_id=2)
                   .serialize())
    c.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(frame_factory.build_push_promise_frame(
            2, 4, EXAMPLE_REQUEST_HEADERS).serialize())
    assert c.data_to_send() == frame_factory.build_goaway_frame(2, 1).serialize()


def test_server_cannot_push_on_pushed_stream(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    s.push_stream(1, 2, EXAMPLE_REQUEST_HEADERS)
    s.send_headers(2, EXAMPLE_RESPONSE_HEADERS)
    with pytest.raises(h2.exceptions.ProtocolError):
        s.push_stream(2, 4, EXAMPLE_REQUEST_HEADERS)
