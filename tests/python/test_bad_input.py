"""Wrong Python types and hostile bytes: always a Python exception of the kind h2 raises,
never a crash, and core errors only ever as h2.exceptions classes."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import h2.config
import h2.connection
import h2.exceptions
from conftest import EXAMPLE_REQUEST_HEADERS, PREAMBLE, open_client, open_server

WEIRD = [None, 1.5, "text", b"bytes", [], {}, object(), -1, 2**80, -(2**80), True]


@pytest.mark.parametrize("value", WEIRD)
def test_every_method_with_weird_arguments(frame_factory, value):
    calls = [
        lambda c: c.send_headers(value, EXAMPLE_REQUEST_HEADERS),
        lambda c: c.send_headers(1, value),
        lambda c: c.send_headers(1, [value]),
        lambda c: c.send_headers(1, [(value, value)]),
        lambda c: c.send_headers(1, EXAMPLE_REQUEST_HEADERS, priority_weight=value),
        lambda c: c.send_headers(1, EXAMPLE_REQUEST_HEADERS, priority_depends_on=value),
        lambda c: c.send_data(value, b"x"),
        lambda c: c.send_data(1, value),
        lambda c: c.send_data(1, b"x", pad_length=value),
        lambda c: c.end_stream(value),
        lambda c: c.push_stream(1, value, EXAMPLE_REQUEST_HEADERS),
        lambda c: c.reset_stream(value),
        lambda c: c.reset_stream(1, value),
        lambda c: c.increment_flow_control_window(value),
        lambda c: c.increment_flow_control_window(1, stream_id=value),
        lambda c: c.acknowledge_received_data(value, 1),
        lambda c: c.acknowledge_received_data(1, value),
        lambda c: c.ping(value),
        lambda c: c.close_connection(value),
        lambda c: c.close_connection(0, additional_data=value),
        lambda c: c.close_connection(0, last_stream_id=value),
        lambda c: c.update_settings(value),
        lambda c: c.update_settings({1: value}),
        lambda c: c.update_settings({value: 1}),
        lambda c: c.advertise_alternative_service(value),
        lambda c: c.advertise_alternative_service(b"x", origin=value),
        lambda c: c.prioritize(value),
        lambda c: c.prioritize(1, weight=value),
        lambda c: c.data_to_send(value),
        lambda c: c.receive_data(value),
        lambda c: c.local_flow_control_window(value),
        lambda c: c.remote_flow_control_window(value),
        lambda c: c.initiate_upgrade_connection(value),
    ]
    for call in calls:
        for make in (open_client, open_server):
            conn = make(frame_factory)
            try:
                call(conn)
            except (h2.exceptions.H2Error, ValueError, TypeError, KeyError, AttributeError,
                    IndexError, OverflowError, BufferError):
                pass
            conn.data_to_send()  # still usable


def test_core_errors_are_h2_exceptions(frame_factory):
    s = open_server(frame_factory)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        s.receive_data(b"\x00\x00\x04\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00")  # RST on 0
    assert isinstance(e.value.error_code, int)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.booleans())
def test_random_bytes_only_raise_protocol_errors(data, server):
    config = h2.config.H2Configuration(client_side=not server)
    conn = h2.connection.H2Connection(config)
    conn.initiate_connection()
    try:
        conn.receive_data((PREAMBLE if server else b"") + data)
    except h2.exceptions.ProtocolError:
        pass
    conn.data_to_send()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.binary(max_size=10), st.text(max_size=10)),
                          st.one_of(st.binary(max_size=10), st.text(max_size=10))),
                max_size=8))
def test_random_header_lists(headers):
    c = h2.connection.H2Connection()
    try:
        c.send_headers(1, headers)
    except (h2.exceptions.ProtocolError, UnicodeEncodeError):
        pass
    c.data_to_send()


@pytest.mark.parametrize("call", [
    lambda c, v: c.send_data(v, b"x"), lambda c, v: c.end_stream(v),
    lambda c, v: c.reset_stream(v), lambda c, v: c.local_flow_control_window(v),
    lambda c, v: c.increment_flow_control_window(1, stream_id=v)])
def test_stream_ids_beyond_32_bits_name_no_stream(frame_factory, call):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
    with pytest.raises(h2.exceptions.StreamClosedError) as e:
        call(c, -1)
    assert e.value.stream_id == -1
    with pytest.raises(h2.exceptions.NoSuchStreamError) as e:
        call(c, 2**40)
    assert e.value.stream_id == 2**40


def test_new_stream_ids_out_of_range(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(3, EXAMPLE_REQUEST_HEADERS)
    with pytest.raises(h2.exceptions.StreamIDTooLowError) as e:
        c.send_headers(-1, EXAMPLE_REQUEST_HEADERS)
    assert (e.value.stream_id, e.value.max_stream_id) == (-1, 3)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.send_headers(2**80, EXAMPLE_REQUEST_HEADERS)


def test_header_items_indexed_like_h2(frame_factory):
    c = open_client(frame_factory)
    with pytest.raises(KeyError):
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [{"a": "b"}])
    with pytest.raises(IndexError):
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [["a"]])
    with pytest.raises(AttributeError):
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [("x", bytearray(b"v"))])
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [["x-list", "pair"]])


@pytest.mark.parametrize("value,error", [(None, TypeError), (5, TypeError),
                                         ("text", ValueError)])
def test_update_settings_needs_a_mapping(frame_factory, value, error):
    c = open_client(frame_factory)
    with pytest.raises(error):
        c.update_settings(value)


def test_data_to_send_negative_amount_slices(frame_factory):
    size = len(PREAMBLE) + 9 + 6 * 7  # preamble + SETTINGS with the 7 local settings
    c = h2.connection.H2Connection()
    c.initiate_connection()
    first = c.data_to_send(-10)
    assert len(first) == size - 10
    assert len(c.data_to_send()) == 10


def test_reentrant_calls_refused(frame_factory):
    holder = {}

    class Reentrant:
        def encode(self, codec):
            holder["conn"].send_headers(3, EXAMPLE_REQUEST_HEADERS)
            return b"value"

    c = open_client(frame_factory)
    holder["conn"] = c
    with pytest.raises(RuntimeError):
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [("x", Reentrant())])
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS)  # the connection still works
    assert c.data_to_send() == frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS).serialize()


def test_logger_calling_back_cannot_break_the_core(frame_factory, monkeypatch):
    import sys

    import h2.events

    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_type))

    class Meddler:
        def debug(self, *args):
            self.conn.data_to_send()

        def trace(self, *args):
            self.conn.send_headers(99, EXAMPLE_REQUEST_HEADERS)

    logger = Meddler()
    s = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, logger=logger))
    logger.conn = s
    s.initiate_connection()
    events = s.receive_data(PREAMBLE + frame_factory.build_settings_frame({}).serialize())
    assert [type(e) for e in events] == [h2.events.RemoteSettingsChanged]
    assert reported and set(reported) == {RuntimeError}
