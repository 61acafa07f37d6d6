"""CONNECT and extended CONNECT (BEHAVIOUR.md §3 test_connect_pseudo_headers,
test_connect_roundtrip_and_edges, test_rfc8441)."""
from __future__ import annotations

import pytest

import h2.connection
import h2.events
import h2.exceptions
import h2.utilities
from conftest import open_client, open_server, server_config

CLIENT_REQUEST = h2.utilities.HeaderValidationFlags(
    is_client=True, is_trailer=False, is_response_header=False, is_push_promise=False)

CONNECT = [(b":method", b"CONNECT"), (b":authority", b"example.com:443")]
EXTENDED = [(b":method", b"CONNECT"), (b":protocol", b"websocket"), (b":scheme", b"https"),
            (b":path", b"/chat"), (b":authority", b"example.com"), (b"user-agent", b"x")]


def pair():
    c = h2.connection.H2Connection()
    s = h2.connection.H2Connection(server_config())
    c.initiate_connection()
    s.initiate_connection()
    s.receive_data(c.data_to_send())
    c.receive_data(s.data_to_send())
    s.receive_data(c.data_to_send())
    return c, s


def test_plain_connect_validates_and_round_trips():
    assert h2.utilities.validate_outbound_headers(CONNECT, CLIENT_REQUEST) == CONNECT
    c, s = pair()
    c.send_headers(1, CONNECT)
    events = s.receive_data(c.data_to_send())
    assert isinstance(events[0], h2.events.RequestReceived) and events[0].headers == CONNECT


@pytest.mark.parametrize("extra", [(b":path", b"/"), (b":scheme", b"https")])
def test_plain_connect_with_path_or_scheme_rejected(frame_factory, extra):
    with pytest.raises(h2.exceptions.ProtocolError):
        h2.utilities.validate_outbound_headers(CONNECT + [extra], CLIENT_REQUEST)
    c = open_client(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_headers(1, CONNECT + [extra])


def test_extended_connect_needs_no_setting():
    c, s = pair()
    assert h2.utilities.validate_outbound_headers(EXTENDED, CLIENT_REQUEST) == EXTENDED
    c.send_headers(1, EXTENDED)
    events = s.receive_data(c.data_to_send())
    assert events[0].headers == EXTENDED


def test_extended_connect_missing_scheme_and_path_rejected():
    bad = [h for h in EXTENDED if h[0] not in (b":scheme", b":path")]
    with pytest.raises(h2.exceptions.ProtocolError):
        h2.utilities.validate_outbound_headers(bad, CLIENT_REQUEST)


def test_get_without_scheme_and_path_rejected():
    with pytest.raises(h2.exceptions.ProtocolError):
        h2.utilities.validate_outbound_headers(
            [(b":method", b"GET"), (b":authority", b"example.com")], CLIENT_REQUEST)


@pytest.mark.parametrize("headers", [
    [(b"user-agent", b"x")] + CONNECT,  # regular before pseudo
    CONNECT + [(b":method", b"CONNECT")],  # duplicate pseudo
    CONNECT + [(b"te", b"gzip")],
])
def test_bad_connect_blocks_rejected_inbound(frame_factory, headers):
    s = open_server(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(frame_factory.build_headers_frame(headers).serialize())


def test_te_trailers_and_large_connect_block_cross():
    c, s = pair()
    big = CONNECT + [(b"te", b"trailers")] + [(f"x-h{i}".encode(), b"v" * 200)
                                               for i in range(200)]
    c.send_headers(1, big)
    c.send_headers(3, CONNECT)
    events = s.receive_data(c.data_to_send())
    requests = [e for e in events if isinstance(e, h2.events.RequestReceived)]
    assert [e.stream_id for e in requests] == [1, 3]
    assert requests[0].headers == big
