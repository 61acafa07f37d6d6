"""Frames on closed streams (BEHAVIOUR.md §3 test_closed_streams, §2.3)."""
from __future__ import annotations

import pytest

import h2.errors
import h2.events
import h2.exceptions
from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_RESPONSE_HEADERS, open_client, open_server


def test_only_first_rst_stream_reports(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.clear_outbound_data_buffer()
    rst = frame_factory.build_rst_stream_frame(1, 8).serialize()
    events = c.receive_data(rst * 3)
    assert [type(e) for e in events] == [h2.events.StreamReset]
    assert c.receive_data(rst) == []
    assert c.data_to_send() == b""


def test_headers_on_lower_id_is_stream_id_too_low(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, stream_id=3).serialize())
    with pytest.raises(h2.exceptions.StreamIDTooLowError) as e:
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    assert (e.value.stream_id, e.value.max_stream_id) == (1, 3)
    assert s.data_to_send() == frame_factory.build_goaway_frame(3, 1).serialize()


def closed_by_end_stream(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, flags=["END_STREAM"]).serialize())
    s.send_headers(1, EXAMPLE_RESPONSE_HEADERS, end_stream=True)
    s.clear_outbound_data_buffer()
    return s


def test_window_update_and_rst_after_close_ignored(frame_factory):
    s = closed_by_end_stream(frame_factory)
    assert s.receive_data(frame_factory.build_window_update_frame(1, 10).serialize()) == []
    assert s.receive_data(frame_factory.build_rst_stream_frame(1).serialize()) == []
    assert s.data_to_send() == b""
    assert len(s.streams) == 0 and s.open_inbound_streams == 0


@pytest.mark.parametrize("end_stream", [True, False])
def test_headers_after_end_stream_close_is_goaway_stream_closed(frame_factory, end_stream):
    s = closed_by_end_stream(frame_factory)
    flags = ["END_STREAM"] if end_stream else []
    with pytest.raises(h2.exceptions.StreamClosedError):
        s.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS, flags=flags).serialize())
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 5).serialize()


def test_client_headers_after_close_goaway_last_zero(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
    c.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_RESPONSE_HEADERS, flags=["END_STREAM"]).serialize())
    c.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.StreamClosedError):
        c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())
    assert c.data_to_send() == frame_factory.build_goaway_frame(0, 5).serialize()


@pytest.mark.parametrize("frames", [1, 3])
@pytest.mark.parametrize("we_reset", [True, False])
def test_frames_on_reset_stream_answered_with_rst(frame_factory, frames, we_reset):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    if we_reset:
        s.reset_stream(1, h2.errors.ErrorCodes.INTERNAL_ERROR)
    else:
        s.receive_data(frame_factory.build_rst_stream_frame(1).serialize())
    s.clear_outbound_data_buffer()
    rst = frame_factory.build_rst_stream_frame(1, 5).serialize()
    headers = frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize()
    assert s.receive_data(headers * frames) == []
    assert s.data_to_send() == rst * frames
    data = frame_factory.build_data_frame(b"hello").serialize()
    assert s.receive_data(data * frames) == []
    assert s.data_to_send() == rst * frames


def test_pushed_and_parent_reset_leave_no_live_streams(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.receive_data(frame_factory.build_push_promise_frame(
        1, 2, EXAMPLE_REQUEST_HEADERS).serialize())
    c.receive_data(frame_factory.build_rst_stream_frame(2).serialize())
    c.reset_stream(1)
    assert c.open_outbound_streams == 0 and c.open_inbound_streams == 0
    assert len(c.streams) == 0 and list(c.streams) == []
