"""Priority signals (BEHAVIOUR.md §3 test_priority, §2.15)."""
from __future__ import annotations

import pytest

import h2.events
import h2.exceptions
from conftest import EXAMPLE_REQUEST_HEADERS, open_client, open_server


def test_priority_frame_for_unopened_stream(frame_factory):
    s = open_server(frame_factory)
    events = s.receive_data(frame_factory.build_priority_frame(1, 255).serialize())
    assert len(events) == 1 and isinstance(events[0], h2.events.PriorityUpdated)
    e = events[0]
    assert (e.stream_id, e.depends_on, e.weight, e.exclusive) == (1, 0, 256, False)
    assert s.data_to_send() == b""


def test_headers_with_priority(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    events = s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, flags=["PRIORITY"], stream_id=3, stream_weight=15,
        depends_on=1, exclusive=True).serialize())
    assert [type(e) for e in events] == [h2.events.RequestReceived, h2.events.PriorityUpdated]
    e = events[1]
    assert (e.stream_id, e.depends_on, e.weight, e.exclusive) == (3, 1, 16, True)
    assert events[0].priority_updated is e
    assert s.data_to_send() == b""


def test_priority_frame_self_dependency_resets_stream(frame_factory):
    # RFC 9113 §5.3.1: a stream error (h2: connection error; behaviour-differences.md).
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, stream_id=3).serialize())
    s.clear_outbound_data_buffer()
    s.receive_data(frame_factory.build_priority_frame(3, 10, depends_on=3).serialize())
    assert s.data_to_send() == frame_factory.build_rst_stream_frame(3, 1).serialize()


@pytest.mark.parametrize("depends_on,weight,exclusive", [(0, 256, False), (3, 128, False),
                                                         (3, 128, True)])
def test_prioritize_sends_priority(frame_factory, depends_on, weight, exclusive):
    c = open_client(frame_factory)
    c.prioritize(1, weight=weight, depends_on=depends_on, exclusive=exclusive)
    assert c.data_to_send() == frame_factory.build_priority_frame(
        1, weight - 1, depends_on, exclusive).serialize()


@pytest.mark.parametrize("depends_on,weight,exclusive", [(0, 256, False), (1, 128, False),
                                                         (1, 128, True)])
def test_send_headers_with_priority(frame_factory, depends_on, weight, exclusive):
    c = open_client(frame_factory)
    c.send_headers(3, EXAMPLE_REQUEST_HEADERS, priority_weight=weight,
                   priority_depends_on=depends_on, priority_exclusive=exclusive)
    assert c.data_to_send() == frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, flags=["PRIORITY"], stream_id=3, stream_weight=weight - 1,
        depends_on=depends_on, exclusive=exclusive).serialize()


@pytest.mark.parametrize("kwargs", [{"priority_weight": 32}, {"priority_depends_on": 0},
                                    {"priority_exclusive": False}])
def test_single_priority_argument_fills_defaults(frame_factory, kwargs):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, **kwargs)
    weight = kwargs.get("priority_weight", 16)
    assert c.data_to_send() == frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, flags=["PRIORITY"], stream_id=1, stream_weight=weight - 1,
        depends_on=0, exclusive=False).serialize()


def test_prioritize_defaults(frame_factory):
    c = open_client(frame_factory)
    c.prioritize(1)
    assert c.data_to_send() == frame_factory.build_priority_frame(1, 15).serialize()


@pytest.mark.parametrize("weight", [0, -15, 257, 2**70])
def test_bad_weights(frame_factory, weight):
    c = open_client(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.prioritize(1, weight=weight)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS, priority_weight=weight)
    assert c.data_to_send() == b""


def test_self_dependency_rejected_locally(frame_factory):
    c = open_client(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.prioritize(3, depends_on=3)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_headers(3, EXAMPLE_REQUEST_HEADERS, priority_depends_on=3)
    assert c.data_to_send() == b""


def test_server_cannot_prioritize(frame_factory):
    s = open_server(frame_factory)
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    with pytest.raises(h2.exceptions.RFC1122Error):
        s.prioritize(1)
    with pytest.raises(h2.exceptions.RFC1122Error):
        s.send_headers(1, [(":status", "200")], priority_weight=16)
