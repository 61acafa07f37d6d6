"""1xx responses both ways (BEHAVIOUR.md §3 test_informational_responses)."""
from __future__ import annotations

import pytest

import h2.events
import h2.exceptions
from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_RESPONSE_HEADERS, open_client, open_server

INFO = [(":status", "100"), ("server", "fake-serv/0.1.0")]


@pytest.fixture(params=[True, False], ids=["request-ended", "request-open"])
def end_request(request):
    return request.param


def client(frame_factory, end_request):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=end_request)
    c.clear_outbound_data_buffer()
    return c


def test_single_informational(frame_factory, end_request):
    c = client(frame_factory, end_request)
    events = c.receive_data(frame_factory.build_headers_frame(INFO).serialize())
    assert [type(e) for e in events] == [h2.events.InformationalResponseReceived]
    assert events[0].headers == [(b":status", b"100"), (b"server", b"fake-serv/0.1.0")]


def test_informational_final_trailers(frame_factory, end_request):
    c = client(frame_factory, end_request)
    data = b"".join(f.serialize() for f in [
        frame_factory.build_headers_frame(INFO),
        frame_factory.build_headers_frame([(":status", "101")]),
        frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS),
        frame_factory.build_headers_frame([("trailer", "x")], flags=["END_STREAM"])])
    events = c.receive_data(data)
    assert [type(e) for e in events] == [
        h2.events.InformationalResponseReceived, h2.events.InformationalResponseReceived,
        h2.events.ResponseReceived, h2.events.TrailersReceived, h2.events.StreamEnded]


def test_informational_with_end_stream(frame_factory, end_request):
    c = client(frame_factory, end_request)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(frame_factory.build_headers_frame(INFO, flags=["END_STREAM"]).serialize())
    assert c.data_to_send() == frame_factory.build_goaway_frame(0, 1).serialize()


def test_informational_after_final(frame_factory, end_request):
    c = client(frame_factory, end_request)
    c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(frame_factory.build_headers_frame(INFO).serialize())
    assert c.data_to_send() == frame_factory.build_goaway_frame(0, 1).serialize()


def server(frame_factory, end_request):
    s = open_server(frame_factory)
    flags = ["END_STREAM"] if end_request else []
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS, flags).serialize())
    s.clear_outbound_data_buffer()
    frame_factory.refresh_encoder()
    return s


def test_sending_informational_final_trailers(frame_factory, end_request):
    s = server(frame_factory, end_request)
    s.send_headers(1, INFO)
    s.send_headers(1, [(":status", "101")])
    s.send_headers(1, EXAMPLE_RESPONSE_HEADERS)
    s.send_headers(1, [("trailer", "x")], end_stream=True)
    assert s.data_to_send() == b"".join(f.serialize() for f in [
        frame_factory.build_headers_frame(INFO),
        frame_factory.build_headers_frame([(":status", "101")]),
        frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS),
        frame_factory.build_headers_frame([("trailer", "x")], flags=["END_STREAM"])])


def test_sending_informational_errors(frame_factory, end_request):
    s = server(frame_factory, end_request)
    with pytest.raises(h2.exceptions.ProtocolError):
        s.send_headers(1, INFO, end_stream=True)
    s.send_headers(1, EXAMPLE_RESPONSE_HEADERS)
    with pytest.raises(h2.exceptions.ProtocolError):
        s.send_headers(1, INFO)
