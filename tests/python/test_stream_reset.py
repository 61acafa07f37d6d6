"""Frames after our RST_STREAM (BEHAVIOUR.md §3 test_stream_reset)."""
from __future__ import annotations

from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_RESPONSE_HEADERS, open_client


def test_headers_on_reset_stream_still_decoded(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.send_headers(3, EXAMPLE_REQUEST_HEADERS)
    c.reset_stream(1)
    c.clear_outbound_data_buffer()
    headers = EXAMPLE_RESPONSE_HEADERS + [("x-new", "indexed")]
    assert c.receive_data(frame_factory.build_headers_frame(headers).serialize()) == []
    assert c.data_to_send() == frame_factory.build_rst_stream_frame(1, 5).serialize()
    events = c.receive_data(frame_factory.build_headers_frame(headers, stream_id=3).serialize())
    assert events[0].headers[-1] == (b"x-new", b"indexed")


def test_data_on_reset_stream_still_counts_on_connection(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.send_headers(3, EXAMPLE_REQUEST_HEADERS)
    c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())
    c.reset_stream(1)
    c.clear_outbound_data_buffer()
    assert c.receive_data(frame_factory.build_data_frame(b"x" * 100).serialize()) == []
    assert c.data_to_send() == frame_factory.build_rst_stream_frame(1, 5).serialize()
    assert c.remote_flow_control_window(3) == 65535 - 100


def test_push_on_reset_parent_refused(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.reset_stream(1)
    c.clear_outbound_data_buffer()
    events = c.receive_data(frame_factory.build_push_promise_frame(
        1, 2, EXAMPLE_REQUEST_HEADERS).serialize())
    assert events == []
    assert c.data_to_send() == frame_factory.build_rst_stream_frame(2, 7).serialize()
