"""HEAD responses and content-length (BEHAVIOUR.md §3 test_head_request,
test_invalid_content_lengths, §2.11)."""
from __future__ import annotations

import pytest

import h2.events
import h2.exceptions
from conftest import EXAMPLE_REQUEST_HEADERS, open_client, open_server

HEAD = [(":authority", "example.com"), (":path", "/"), (":scheme", "https"), (":method", "HEAD")]


@pytest.mark.parametrize("length", [None, "0", "100"])
def test_head_response_with_end_stream(frame_factory, length):
    c = open_client(frame_factory)
    c.send_headers(1, HEAD, end_stream=True)
    headers = [(":status", "200")] + ([("content-length", length)] if length else [])
    events = c.receive_data(frame_factory.build_headers_frame(
        headers, flags=["END_STREAM"]).serialize())
    assert [type(e) for e in events] == [h2.events.ResponseReceived, h2.events.StreamEnded]


def test_head_response_body_is_invalid(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, HEAD, end_stream=True)
    c.receive_data(frame_factory.build_headers_frame(
        [(":status", "200"), ("content-length", "100")]).serialize())
    with pytest.raises(h2.exceptions.InvalidBodyLengthError):
        c.receive_data(frame_factory.build_data_frame(b"x").serialize())


def request(frame_factory, length_values):
    return frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS + [("content-length", v) for v in length_values]).serialize()


def test_repeated_identical_lengths(frame_factory):
    s = open_server(frame_factory)
    events = s.receive_data(request(frame_factory, ["15", "15"]) +
                            frame_factory.build_data_frame(b"x" * 15, ["END_STREAM"]).serialize())
    assert [type(e) for e in events] == [h2.events.RequestReceived, h2.events.DataReceived,
                                         h2.events.StreamEnded]
    assert s.data_to_send() == b""


@pytest.mark.parametrize("value", ["15a", "15.0", "-15", "+15", " 15", "15 ", "1e2", "0xF",
                                   "15_000", "15,000", "NaN", "\x00", "0b1111", "0o17", "",
                                   "twelve", "9" * 5000])
def test_invalid_values(frame_factory, value):
    s = open_server(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(request(frame_factory, [value]))
    assert "Invalid content-length header" in str(e.value)
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 1).serialize()


def test_conflicting_values(frame_factory):
    s = open_server(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(request(frame_factory, ["15", "16"]))
    assert "Conflicting content-length headers: 15 and 16" in str(e.value)


@pytest.mark.parametrize("chunks,end_separately,expected_actual", [
    ([15, 1], False, 16), ([13, 1], False, 14), ([14], True, 14)])
def test_body_length_mismatch(frame_factory, chunks, end_separately, expected_actual):
    s = open_server(frame_factory)
    s.receive_data(request(frame_factory, ["15"]))
    frames = [frame_factory.build_data_frame(b"x" * n) for n in chunks]
    if end_separately:
        frames.append(frame_factory.build_data_frame(b"", ["END_STREAM"]))
    elif expected_actual < 15:
        frames[-1].flags.add("END_STREAM")
    s.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.InvalidBodyLengthError) as e:
        s.receive_data(b"".join(f.serialize() for f in frames))
    assert (e.value.expected_length, e.value.actual_length) == (15, expected_actual)
    assert str(e.value) == f"InvalidBodyLengthError: Expected 15 bytes, received {expected_actual}"
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 1).serialize()
