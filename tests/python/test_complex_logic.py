"""Stream counting, CONTINUATION assembly, pushes (BEHAVIOUR.md §3 test_complex_logic)."""
from __future__ import annotations

import pytest

import h2.events
import h2.exceptions
from conftest import (
    EXAMPLE_REQUEST_HEADERS,
    EXAMPLE_REQUEST_HEADERS_BYTES,
    EXAMPLE_RESPONSE_HEADERS,
    open_client,
    open_server,
)


def split_headers(frame_factory, headers, chunk, stream_id=1, end_stream=True):
    """HEADERS + CONTINUATIONs carrying `headers`, `chunk` bytes of block per frame."""
    block = frame_factory.encoder.encode(headers)
    first = frame_factory.build_headers_frame([], stream_id=stream_id)
    first.data = block[:chunk]
    first.flags = {"END_STREAM"} if end_stream else set()
    frames = [first.serialize()]
    for i in range(chunk, len(block), chunk):
        flags = ["END_HEADERS"] if i + chunk >= len(block) else []
        frames.append(frame_factory.build_continuation_frame(
            block[i:i + chunk], flags=flags, stream_id=stream_id).serialize())
    return frames


def test_client_stream_counting_with_pushes(frame_factory):
    c = open_client(frame_factory)
    for sid in range(1, 15, 2):
        c.send_headers(sid, EXAMPLE_REQUEST_HEADERS)
        assert c.open_outbound_streams == (sid + 1) // 2
    for i, sid in enumerate(range(1, 15, 2)):
        c.receive_data(frame_factory.build_push_promise_frame(
            sid, 2 * (i + 1), EXAMPLE_REQUEST_HEADERS).serialize())
    assert c.open_inbound_streams == 0  # reserved streams do not count
    for pushed in range(2, 16, 2):
        c.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_RESPONSE_HEADERS, stream_id=pushed).serialize())
    assert c.open_inbound_streams == 7
    for sid in range(1, 15, 2):
        c.end_stream(sid)
        assert c.open_outbound_streams == 7  # half-closed still counts
    for sid in range(1, 15, 2):
        c.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_RESPONSE_HEADERS, stream_id=sid, flags=["END_STREAM"]).serialize())
    for pushed in range(2, 16, 2):
        c.receive_data(frame_factory.build_data_frame(
            b"x", flags=["END_STREAM"], stream_id=pushed).serialize())
    assert (c.open_outbound_streams, c.open_inbound_streams) == (0, 0)


def test_server_counts_pushed_streams_after_their_headers(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    assert s.open_inbound_streams == 1
    s.push_stream(1, 2, EXAMPLE_REQUEST_HEADERS)
    assert s.open_outbound_streams == 0
    s.send_headers(2, EXAMPLE_RESPONSE_HEADERS)
    assert s.open_outbound_streams == 1
    s.send_data(2, b"x", end_stream=True)
    assert s.open_outbound_streams == 0


def test_continuation_in_five_byte_chunks(frame_factory):
    s = open_server(frame_factory)
    events = s.receive_data(b"".join(split_headers(frame_factory, EXAMPLE_REQUEST_HEADERS, 5)))
    assert [type(e) for e in events] == [h2.events.RequestReceived, h2.events.StreamEnded]
    assert events[0].headers == EXAMPLE_REQUEST_HEADERS_BYTES


def test_three_split_requests_in_a_row(frame_factory):
    s = open_server(frame_factory)
    data = b"".join(b"".join(split_headers(frame_factory, EXAMPLE_REQUEST_HEADERS, 2, sid))
                    for sid in (1, 3, 5))
    events = s.receive_data(data)
    assert [e.stream_id for e in events if isinstance(e, h2.events.RequestReceived)] == [1, 3, 5]


@pytest.mark.parametrize("intruder", ["headers", "other-headers", "data", "unknown"])
def test_frame_inside_header_block_is_protocol_error(frame_factory, intruder):
    s = open_server(frame_factory)
    frames = split_headers(frame_factory, EXAMPLE_REQUEST_HEADERS, 5)
    bad = {
        "headers": frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize(),
        "other-headers": frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS, stream_id=3).serialize(),
        "data": frame_factory.build_data_frame(b"x").serialize(),
        "unknown": bytes([0, 0, 1, 0x99, 0, 0, 0, 0, 1, 0]),
    }[intruder]
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(frames[0] + frames[1] + bad)
    assert "invalid frame" in str(e.value).lower()


def test_push_promise_with_continuations(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    events = []
    for promised in (2, 4, 6):
        block = frame_factory.encoder.encode(EXAMPLE_REQUEST_HEADERS)
        pp = frame_factory.build_push_promise_frame(1, promised, [])
        pp.data = block[:3]
        pp.flags = set()
        cont = frame_factory.build_continuation_frame(block[3:], flags=["END_HEADERS"])
        events += c.receive_data(pp.serialize() + cont.serialize())
    assert [e.pushed_stream_id for e in events] == [2, 4, 6]
    assert all(e.headers == EXAMPLE_REQUEST_HEADERS_BYTES for e in events)


def test_push_promise_on_normally_closed_parent(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
    c.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_RESPONSE_HEADERS, flags=["END_STREAM"]).serialize())
    c.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(frame_factory.build_push_promise_frame(
            1, 2, EXAMPLE_REQUEST_HEADERS).serialize())
    goaway = c.data_to_send()
    assert goaway[3] == 0x7 and goaway[-4:] != b"\x00\x00\x00\x00"
