"""Stream ids, method extraction, SizeLimitDict, header utilities
(BEHAVIOUR.md §3 test_utility_functions)."""
from __future__ import annotations

import pytest
from hpack import HeaderTuple, NeverIndexedHeaderTuple

import h2.connection
import h2.events
import h2.exceptions
import h2.utilities
from conftest import EXAMPLE_REQUEST_HEADERS, open_client, open_server


def test_client_ids_advance_only_when_used(frame_factory):
    c = open_client(frame_factory)
    assert c.get_next_available_stream_id() == 1
    assert c.get_next_available_stream_id() == 1
    for expected in range(1, 2 * 200, 2):
        sid = c.get_next_available_stream_id()
        assert sid == expected
        c.send_headers(sid, EXAMPLE_REQUEST_HEADERS, end_stream=True)
        c.receive_data(frame_factory.build_headers_frame(
            [(":status", "200")], flags=["END_STREAM"], stream_id=sid).serialize())


def test_client_ids_run_out(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(2**31 - 1, EXAMPLE_REQUEST_HEADERS)
    with pytest.raises(h2.exceptions.NoAvailableStreamIDError):
        c.get_next_available_stream_id()


def test_server_ids(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    assert s.get_next_available_stream_id() == 2
    s.push_stream(1, 2, EXAMPLE_REQUEST_HEADERS)
    assert s.get_next_available_stream_id() == 4
    s.push_stream(1, 2**31 - 2, EXAMPLE_REQUEST_HEADERS)
    with pytest.raises(h2.exceptions.NoAvailableStreamIDError):
        s.get_next_available_stream_id()


def test_extract_method_header():
    assert h2.utilities.extract_method_header([(b":me", b"x"), (b":method", b"GET")]) == b"GET"
    assert h2.utilities.extract_method_header([(":method", "PUT")]) == b"PUT"
    assert h2.utilities.extract_method_header([(b":me", b"x")]) is None


def test_size_limit_dict():
    d = h2.utilities.SizeLimitDict(size_limit=2)
    for i in range(4):
        d[i] = i
    assert list(d) == [2, 3]
    d = h2.utilities.SizeLimitDict([(i, i) for i in range(5)], size_limit=3)
    assert list(d) == [2, 3, 4]
    d = h2.utilities.SizeLimitDict()
    for i in range(100):
        d[i] = i
    assert len(d) == 100


def test_utf8_encode_headers_keeps_flavour():
    out = h2.utilities.utf8_encode_headers(
        [("a", "b"), HeaderTuple("c", "d"), NeverIndexedHeaderTuple("e", "caf\u00e9")])
    assert out == [(b"a", b"b"), (b"c", b"d"), (b"e", "caf\u00e9".encode())]
    assert type(out[0]) is tuple and type(out[1]) is HeaderTuple
    assert type(out[2]) is NeverIndexedHeaderTuple


def test_normalize_outbound_headers():
    out = h2.utilities.normalize_outbound_headers(
        [(b"Name", b"  value "), (b"connection", b"close"), (b"authorization", b"x"),
         (b"cookie", b"a=b; c=d")], None, should_split_outbound_cookies=True)
    assert out == [(b"name", b"value"), (b"authorization", b"x"), (b"cookie", b"a=b"),
                   (b"cookie", b"c=d")]
    assert isinstance(out[1], NeverIndexedHeaderTuple)


def test_normalize_inbound_headers_joins_cookies():
    out = h2.utilities.normalize_inbound_headers(
        [(b"cookie", b"a=b"), (b"x", b"y"), (b"cookie", b"c=d")], None)
    assert out == [(b"x", b"y"), (b"cookie", b"a=b; c=d")]
    assert isinstance(out[-1], NeverIndexedHeaderTuple)
