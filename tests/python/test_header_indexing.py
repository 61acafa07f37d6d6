"""Header tuple flavours and sensitive headers (BEHAVIOUR.md §3 test_header_indexing, §1.6):
never-indexed fields are encoded as python-hpack encodes them and come back as
NeverIndexedHeaderTuple."""
from __future__ import annotations

import pytest
from hpack import HeaderTuple, NeverIndexedHeaderTuple

from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_RESPONSE_HEADERS, open_client, open_server


def as_bytes(headers):
    out = []
    for h in headers:
        pair = (h[0].encode(), h[1].encode())
        out.append(type(h)(*pair) if isinstance(h, HeaderTuple) else pair)
    return out


FORMS = [
    [HeaderTuple(":authority", "example.com"), HeaderTuple(":path", "/"),
     HeaderTuple(":scheme", "https"), HeaderTuple(":method", "GET")],
    [NeverIndexedHeaderTuple(":authority", "example.com"), HeaderTuple(":path", "/"),
     HeaderTuple(":scheme", "https"), NeverIndexedHeaderTuple(":method", "PATCH")],
    [(":authority", "example.com"), NeverIndexedHeaderTuple(":path", "/index.html?q=1"),
     (":scheme", "https"), (":method", "GET"), NeverIndexedHeaderTuple("secret", "value")],
]
# A never-indexed field that matches a static-table entry exactly (":method: GET") goes out as
# an index (python-hpack does so), and so comes back as a plain HeaderTuple: the forms above
# avoid exact matches for their never-indexed fields.


@pytest.mark.parametrize("headers", FORMS + [as_bytes(f) for f in FORMS])
def test_send_headers_encodes_like_hpack(frame_factory, headers):
    c = open_client(frame_factory)
    c.send_headers(1, headers)
    assert c.data_to_send() == frame_factory.build_headers_frame(headers).serialize()


@pytest.mark.parametrize("headers", FORMS)
def test_push_stream_encodes_like_hpack(frame_factory, headers):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    s.clear_outbound_data_buffer()
    s.push_stream(1, 2, headers)
    frame_factory.refresh_encoder()
    assert s.data_to_send() == frame_factory.build_push_promise_frame(1, 2, headers).serialize()


@pytest.mark.parametrize("encoding", [None, "utf-8"])
@pytest.mark.parametrize("headers", FORMS)
def test_received_flavours_preserved(frame_factory, encoding, headers):
    s = open_server(frame_factory, header_encoding=encoding)
    events = s.receive_data(frame_factory.build_headers_frame(headers).serialize())
    got = events[0].headers
    expected = headers if encoding else as_bytes(headers)
    assert got == expected
    for g, e in zip(got, headers):
        assert isinstance(g, NeverIndexedHeaderTuple) == isinstance(e, NeverIndexedHeaderTuple)
        assert isinstance(g, HeaderTuple)


@pytest.mark.parametrize("event_kind", ["response", "informational", "trailers", "push"])
def test_client_events_keep_flavours(frame_factory, event_kind):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    secret = NeverIndexedHeaderTuple("x-secret", "v")
    if event_kind == "response":
        f = frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS + [secret])
    elif event_kind == "informational":
        f = frame_factory.build_headers_frame([(":status", "100"), secret])
    elif event_kind == "trailers":
        c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())
        f = frame_factory.build_headers_frame([secret], flags=["END_STREAM"])
    else:
        f = frame_factory.build_push_promise_frame(1, 2, EXAMPLE_REQUEST_HEADERS + [secret])
    events = c.receive_data(f.serialize())
    assert isinstance(events[0].headers[-1], NeverIndexedHeaderTuple)
    assert events[0].headers[-1] == (b"x-secret", b"v")


SENSITIVE = [("authorization", "basic xxx"), ("Authorization", "x" * 40),
             ("proxy-authorization", "y"), ("PROXY-AUTHORIZATION", "z" * 50),
             ("cookie", "short=1"), ("Cookie", "a=b")]


@pytest.mark.parametrize("flavour", [tuple, HeaderTuple])
@pytest.mark.parametrize("name,value", SENSITIVE)
def test_sensitive_headers_never_indexed(frame_factory, flavour, name, value):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [flavour((name, value)) if flavour is tuple
                                                 else flavour(name, value)])
    expected = EXAMPLE_REQUEST_HEADERS + [NeverIndexedHeaderTuple(name.lower(), value)]
    assert c.data_to_send() == frame_factory.build_headers_frame(expected).serialize()


def test_long_cookie_indexable_unless_marked(frame_factory):
    c = open_client(frame_factory)
    long = "session=8f14e45fceea167a5a36dedd4bea2543"
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [("cookie", long)])
    c.send_headers(3, EXAMPLE_REQUEST_HEADERS + [NeverIndexedHeaderTuple("cookie", long)])
    assert c.data_to_send() == (
        frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS + [("cookie", long)]).serialize() +
        frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS + [NeverIndexedHeaderTuple("cookie", long)],
            stream_id=3).serialize())


@pytest.mark.parametrize("name", ["cook", "okie", "oo", "cooki", "ookie"])
def test_cookie_substrings_are_not_sensitive(frame_factory, name):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [(name, "v")])
    assert c.data_to_send() == frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS + [(name, "v")]).serialize()
