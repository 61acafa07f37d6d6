"""Header validation both ways and HPACK limits (BEHAVIOUR.md §3 test_invalid_headers,
§2.9, §2.10)."""
from __future__ import annotations

import itertools

import pytest
from hpack import Encoder
from hypothesis import given, settings
from hypothesis import strategies as st

import h2.errors
import h2.events
import h2.exceptions
import h2.settings
import h2.utilities
from conftest import EXAMPLE_REQUEST_HEADERS, open_client, open_server

BASE = [(":authority", "example.com"), (":path", "/"), (":scheme", "https"), (":method", "GET")]
INVALID = [
    BASE + [("Uppercase", "x")],
    BASE[:2] + [("regular", "x"), (":late", "x")] + BASE[2:],
    BASE + [(":path", "/again")],
    BASE + [("connection", "close")],
    BASE + [("proxy-connection", "close")],
    BASE + [("keep-alive", "x")],
    BASE + [("transfer-encoding", "chunked")],
    BASE + [("upgrade", "h2c")],
    BASE + [("te", "chunked")],
    BASE + [("host", "example.com"), ("host", "example.com")],
    BASE + [("host", "other.com")],
    BASE + [(" name", "x")],
    BASE + [("name ", "x")],
    BASE + [("name", " x")],
    BASE + [("name", "x ")],
    BASE + [("na:me", "x")],
    BASE + [("na\rme", "x")],
    BASE + [("na\nme", "x")],
    BASE + [("na\x00me", "x")],
    BASE + [("na\x01me", "x")],
    BASE + [("name", "x\ry")],
    BASE + [("name", "x\ny")],
    BASE + [("name", "x\x00y")],
    [h for h in BASE if h[0] != ":authority"],
    BASE + [(":protocol", "websocket")],
]
IDS = [f"invalid{i}" for i in range(len(INVALID))]


def enc_bytes(headers):
    return [(n.encode(), v.encode()) for n, v in headers]


@pytest.mark.parametrize("headers", INVALID, ids=IDS)
@pytest.mark.parametrize("as_bytes", [False, True])
def test_server_rejects(frame_factory, headers, as_bytes):
    s = open_server(frame_factory)
    block = enc_bytes(headers) if as_bytes else headers
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(frame_factory.build_headers_frame(block).serialize())
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 1).serialize()


@pytest.mark.parametrize("headers", INVALID, ids=IDS)
def test_client_rejects_in_push_promise(frame_factory, headers):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    c.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(frame_factory.build_push_promise_frame(1, 2, headers).serialize())
    assert c.data_to_send() == frame_factory.build_goaway_frame(0, 1).serialize()


@pytest.mark.parametrize("headers", INVALID, ids=IDS)
def test_delivered_unchanged_without_validation(frame_factory, headers):
    s = open_server(frame_factory, validate_inbound_headers=False)
    events = s.receive_data(frame_factory.build_headers_frame(headers).serialize())
    assert events[0].headers == enc_bytes(headers)


def test_te_trailers_accepted(frame_factory):
    s = open_server(frame_factory)
    events = s.receive_data(frame_factory.build_headers_frame(
        BASE + [("te", "trailers")]).serialize())
    assert events[0].headers[-1] == (b"te", b"trailers")


def test_pseudo_header_in_trailers(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(BASE).serialize())
    s.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(frame_factory.build_headers_frame(
            [(":path", "/")], flags=["END_STREAM"]).serialize())
    assert "pseudo-header in trailer" in str(e.value)
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 1).serialize()


OUTBOUND_INVALID = [
    BASE[:2] + [("regular", "x"), (":late", "x")] + BASE[2:],
    BASE + [(":path", "/again")],
    BASE + [("te", "chunked")],
    BASE + [("host", "other.com")],
    [h for h in BASE if h[0] != ":authority"],
]


@pytest.mark.parametrize("headers", OUTBOUND_INVALID)
def test_outbound_rejected(frame_factory, headers):
    c = open_client(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_headers(1, headers)
    assert c.data_to_send() == b""
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(BASE).serialize())
    s.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.ProtocolError):
        s.push_stream(1, 2, headers)


@pytest.mark.parametrize("name", ["connection", "proxy-connection", "keep-alive",
                                  "transfer-encoding", "upgrade"])
def test_connection_specific_fields_stripped(frame_factory, name):
    c = open_client(frame_factory)
    c.send_headers(1, BASE + [(name, "x")])
    assert c.data_to_send() == frame_factory.build_headers_frame(BASE).serialize()


@pytest.mark.parametrize("headers", OUTBOUND_INVALID + [BASE + [("connection", "x")]])
def test_validation_off_sends_normalized(frame_factory, headers):
    c = open_client(frame_factory, validate_outbound_headers=False)
    c.send_headers(1, headers)
    normalized = [h for h in headers if h[0] != "connection"]
    assert c.data_to_send() == frame_factory.build_headers_frame(normalized).serialize()


@pytest.mark.parametrize("headers", INVALID, ids=IDS)
def test_validation_and_normalization_off_send_as_given(frame_factory, headers):
    c = open_client(frame_factory, validate_outbound_headers=False,
                    normalize_outbound_headers=False)
    c.send_headers(1, headers)
    assert c.data_to_send() == frame_factory.build_headers_frame(headers).serialize()


ALL_FLAGS = [h2.utilities.HeaderValidationFlags(*bits)
             for bits in itertools.product([False, True], repeat=4)]


@pytest.mark.parametrize("flags", ALL_FLAGS)
@given(headers=st.lists(st.tuples(st.binary(max_size=8), st.binary(max_size=8)), max_size=6))
@settings(max_examples=25, deadline=None)
def test_validators_return_input_or_raise(flags, headers):
    for validate in (h2.utilities.validate_headers, h2.utilities.validate_outbound_headers):
        try:
            assert list(validate(headers, flags)) == headers
        except h2.exceptions.ProtocolError:
            pass


@pytest.mark.parametrize("flags", ALL_FLAGS)
def test_custom_pseudo_header_always_rejected_inbound(flags):
    with pytest.raises(h2.exceptions.ProtocolError):
        h2.utilities.validate_headers([(b":custom", b"x")], flags)


REQUEST = h2.utilities.HeaderValidationFlags(False, False, False, False)
RESPONSE = h2.utilities.HeaderValidationFlags(True, False, True, False)


def test_request_and_response_pseudo_header_rules():
    both = (h2.utilities.validate_headers, h2.utilities.validate_outbound_headers)
    base = enc_bytes(BASE)
    for validate in both:
        validate(base + [(b"host", b"example.com")], REQUEST)
        for missing in (b":method", b":path", b":scheme"):
            with pytest.raises(h2.exceptions.ProtocolError):
                validate([h for h in base if h[0] != missing], REQUEST)
        with pytest.raises(h2.exceptions.ProtocolError):
            validate([(n, b"" if n == b":path" else v) for n, v in base], REQUEST)
        with pytest.raises(h2.exceptions.ProtocolError):
            validate(base + [(b":status", b"200")], REQUEST)
        with pytest.raises(h2.exceptions.ProtocolError):
            validate([(b"server", b"x")], RESPONSE)
        for name in (b":path", b":scheme", b":authority", b":method"):
            with pytest.raises(h2.exceptions.ProtocolError):
                validate([(b":status", b"200"), (name, b"x")], RESPONSE)


def test_empty_name_rejected(frame_factory):
    with pytest.raises(h2.exceptions.ProtocolError):
        h2.utilities.validate_headers(enc_bytes(BASE) + [(b"", b"x")], REQUEST)
    s = open_server(frame_factory)
    f = frame_factory.build_headers_frame(BASE)
    f.data += b"\x00\x00\x01x"  # literal without indexing, empty name, value "x"
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(f.serialize())
    assert "Received header name with zero length." in str(e.value)


BIG = [("x-bomb", "a" * 4057)]  # one 4095-byte entry fills the 4096-byte table
BOMB = b"\xbe" * 16000  # 16000 references to that entry (dynamic index 62)


@pytest.mark.parametrize("kind", ["request", "response", "push"])
def test_hpack_bomb(frame_factory, kind):
    if kind == "request":
        conn, last = open_server(frame_factory), 1
        first = frame_factory.build_headers_frame(BASE + BIG)
    else:
        conn, last = open_client(frame_factory), 0
        conn.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        conn.send_headers(3, EXAMPLE_REQUEST_HEADERS)
        first = frame_factory.build_headers_frame([(":status", "200")] + BIG)
    conn.receive_data(first.serialize())
    conn.clear_outbound_data_buffer()
    if kind == "push":
        bomb = frame_factory.build_push_promise_frame(1, 2, [])
    else:
        bomb = frame_factory.build_headers_frame([], stream_id=3)
    bomb.data = BOMB
    with pytest.raises(h2.exceptions.DenialOfServiceError):
        conn.receive_data(bomb.serialize())
    assert conn.data_to_send() == frame_factory.build_goaway_frame(last, 0xb).serialize()


def test_our_max_header_list_size(frame_factory):
    s = open_server(frame_factory)
    s.update_settings({h2.settings.SettingCodes.MAX_HEADER_LIST_SIZE: 50})
    s.receive_data(frame_factory.build_headers_frame(BASE).serialize())
    s.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
    s.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.DenialOfServiceError):
        s.receive_data(frame_factory.build_headers_frame(BASE, stream_id=3).serialize())
    # h2 names stream 3 as the last processed; the core names 1, as stream 3 never opened.
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 0xb).serialize()


def test_our_header_table_size_policed(frame_factory):
    s = open_server(frame_factory)
    s.update_settings({h2.settings.SettingCodes.HEADER_TABLE_SIZE: 128})
    s.receive_data(frame_factory.build_headers_frame(BASE).serialize())
    s.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
    s.clear_outbound_data_buffer()
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(frame_factory.build_headers_frame(BASE, stream_id=3).serialize())
    # COMPRESSION_ERROR (RFC 9113 §4.3), last stream 1 (stream 3 never opened).
    assert s.data_to_send() == frame_factory.build_goaway_frame(1, 9).serialize()


def test_peer_table_size_above_ours(frame_factory):
    s = open_server(frame_factory)
    encoder = Encoder()
    encoder.header_table_size = 8192
    f = frame_factory.build_headers_frame([])
    f.data = encoder.encode(BASE)
    with pytest.raises(h2.exceptions.ProtocolError):
        s.receive_data(f.serialize())
