"""Related-event links are the same objects as the events that follow
(BEHAVIOUR.md §3 test_related_events)."""
from __future__ import annotations

import pytest

import h2.events
from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_RESPONSE_HEADERS, open_client, open_server

PRIO = {"stream_weight": 15, "depends_on": 0, "exclusive": False}


@pytest.mark.parametrize("end,prio", [(True, True), (False, True), (True, False),
                                      (False, False)])
def test_request_links(frame_factory, end, prio):
    s = open_server(frame_factory)
    flags = (["END_STREAM"] if end else []) + (["PRIORITY"] if prio else [])
    events = s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, flags=flags, **(PRIO if prio else {})).serialize())
    first = events[0]
    assert isinstance(first, h2.events.RequestReceived)
    ended = [e for e in events if isinstance(e, h2.events.StreamEnded)]
    priority = [e for e in events if isinstance(e, h2.events.PriorityUpdated)]
    assert first.stream_ended is (ended[0] if end else None)
    assert first.priority_updated is (priority[0] if prio else None)
    assert len(events) == 1 + end + prio


@pytest.mark.parametrize("kind", ["response", "trailers"])
def test_response_and_trailer_links(frame_factory, kind):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
    if kind == "trailers":
        c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())
        headers = [("trailer", "x")]
    else:
        headers = EXAMPLE_RESPONSE_HEADERS
    events = c.receive_data(frame_factory.build_headers_frame(
        headers, flags=["END_STREAM", "PRIORITY"], **PRIO).serialize())
    assert events[0].stream_ended is events[1] and events[0].priority_updated is events[2]


def test_informational_links(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
    events = c.receive_data(frame_factory.build_headers_frame([(":status", "100")]).serialize())
    assert events[0].priority_updated is None
    events = c.receive_data(frame_factory.build_headers_frame(
        [(":status", "100")], flags=["PRIORITY"], **PRIO).serialize())
    assert events[0].priority_updated is events[1]


@pytest.mark.parametrize("end", [True, False])
def test_data_links(frame_factory, end):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    events = s.receive_data(frame_factory.build_data_frame(
        b"x", flags=["END_STREAM"] if end else []).serialize())
    assert events[0].stream_ended is (events[1] if end else None)
