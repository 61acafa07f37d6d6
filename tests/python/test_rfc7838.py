"""ALTSVC (BEHAVIOUR.md §3 test_rfc7838, §2.14)."""
from __future__ import annotations

import pytest

import h2.events
import h2.exceptions
from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_RESPONSE_HEADERS, open_client, open_server

FIELD = b'h2=":8000"; ma=60'


def altsvc(frame_factory, stream_id, origin):
    return frame_factory.build_alt_svc_frame(stream_id, origin, FIELD).serialize()


class TestClient:
    def test_stream_zero_with_origin(self, frame_factory):
        c = open_client(frame_factory)
        events = c.receive_data(altsvc(frame_factory, 0, b"example.com"))
        assert len(events) == 1 and isinstance(events[0], h2.events.AlternativeServiceAvailable)
        assert (events[0].origin, events[0].field_value) == (b"example.com", FIELD)
        assert c.data_to_send() == b""

    def test_ignored_cases(self, frame_factory):
        c = open_client(frame_factory)
        assert c.receive_data(altsvc(frame_factory, 0, b"")) == []
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        c.clear_outbound_data_buffer()
        assert c.receive_data(altsvc(frame_factory, 1, b"example.com")) == []
        assert c.receive_data(altsvc(frame_factory, 3, b"")) == []
        assert c.receive_data(altsvc(frame_factory, 2, b"")) == []
        c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())
        assert c.receive_data(altsvc(frame_factory, 1, b"")) == []
        assert c.data_to_send() == b""

    def test_open_stream_uses_authority(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        events = c.receive_data(altsvc(frame_factory, 1, b""))
        assert events[0].origin == b"example.com"

    def test_promised_stream_uses_pushed_authority(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        pushed = [(":authority", "push.example"), (":path", "/p"), (":scheme", "https"),
                  (":method", "GET")]
        c.receive_data(frame_factory.build_push_promise_frame(1, 2, pushed).serialize())
        events = c.receive_data(altsvc(frame_factory, 2, b""))
        assert events[0].origin == b"push.example"

    def test_client_cannot_advertise(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)  # the connection machine is CLIENT_OPEN
        with pytest.raises(h2.exceptions.ProtocolError):
            c.advertise_alternative_service(FIELD, origin=b"example.com")
        with pytest.raises(h2.exceptions.ProtocolError):
            c.advertise_alternative_service(FIELD, stream_id=1)


class TestServer:
    def test_received_altsvc_ignored(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        assert s.receive_data(altsvc(frame_factory, 0, b"example.com")) == []
        assert s.receive_data(altsvc(frame_factory, 1, b"")) == []

    def test_advertise_with_origin(self, frame_factory):
        s = open_server(frame_factory)
        s.advertise_alternative_service(FIELD, origin=b"example.com")
        assert s.data_to_send() == altsvc(frame_factory, 0, b"example.com")

    def test_advertise_on_stream(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        s.clear_outbound_data_buffer()
        s.advertise_alternative_service(FIELD, stream_id=1)
        assert s.data_to_send() == altsvc(frame_factory, 1, b"")
        s.send_headers(1, EXAMPLE_RESPONSE_HEADERS)
        with pytest.raises(h2.exceptions.ProtocolError):
            s.advertise_alternative_service(FIELD, stream_id=1)

    def test_advertise_on_unopened_stream(self, frame_factory):
        s = open_server(frame_factory)
        with pytest.raises(h2.exceptions.ProtocolError):
            s.advertise_alternative_service(FIELD, stream_id=1)

    def test_argument_errors(self, frame_factory):
        s = open_server(frame_factory)
        with pytest.raises(ValueError):
            s.advertise_alternative_service(FIELD, origin=b"example.com", stream_id=1)
        with pytest.raises(ValueError):
            s.advertise_alternative_service(FIELD.decode(), origin=b"example.com")
