"""The core's options beyond h2's, reachable from H2Configuration (keyword-only extras):
RFC 9113 behaviours h2 lacks, the denial-of-service limits, the encoder strategy."""
from __future__ import annotations

import pytest

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_RESPONSE_HEADERS, open_client, open_server


def test_defaults_are_h2s():
    config = h2.config.H2Configuration()
    assert config.complete_streams_after_goaway is False
    assert config.refuse_excess_streams is False
    assert config.limits is None
    assert config.encoder_strategy == "python-hpack"


def test_refuse_excess_streams(frame_factory):
    s = open_server(frame_factory, refuse_excess_streams=True)
    s.update_settings({h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 1})
    s.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
    s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
    s.clear_outbound_data_buffer()
    events = s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS, stream_id=3).serialize())
    assert events == []
    assert s.data_to_send() == frame_factory.build_rst_stream_frame(3, 7).serialize()


def test_complete_streams_after_goaway(frame_factory):
    c = open_client(frame_factory, complete_streams_after_goaway=True)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
    events = c.receive_data(frame_factory.build_goaway_frame(1).serialize() +
                            frame_factory.build_headers_frame(
                                EXAMPLE_RESPONSE_HEADERS, flags=["END_STREAM"]).serialize())
    assert [type(e) for e in events] == [h2.events.ConnectionTerminated,
                                         h2.events.ResponseReceived, h2.events.StreamEnded]


def test_goaway_closes_at_once_by_default(frame_factory):
    c = open_client(frame_factory)
    c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
    with pytest.raises(h2.exceptions.ProtocolError):
        c.receive_data(frame_factory.build_goaway_frame(1).serialize() +
                       frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())


def test_limits_apply_and_can_change_live(frame_factory):
    s = open_server(frame_factory, limits={"max_queued_ping_acks": 2})
    ping = frame_factory.build_ping_frame(b"\x00" * 8).serialize()
    s.receive_data(ping * 2)
    with pytest.raises(h2.exceptions.DenialOfServiceError):
        s.receive_data(ping)
    s = open_server(frame_factory, limits={"max_queued_ping_acks": 2})
    s.config.limits = None  # back to the core's default (1000)
    s.receive_data(ping * 3)


def test_unknown_limit_rejected():
    with pytest.raises(ValueError):
        h2.config.H2Configuration(limits={"max_pings": 1})
    with pytest.raises(ValueError):
        h2.config.H2Configuration(encoder_strategy="gzip")


def test_default_encoder_strategy_round_trips(frame_factory):
    c = h2.connection.H2Connection(h2.config.H2Configuration(encoder_strategy="default"))
    s = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    c.initiate_connection()
    s.initiate_connection()
    s.receive_data(c.data_to_send())
    c.receive_data(s.data_to_send())
    s.receive_data(c.data_to_send())
    headers = EXAMPLE_REQUEST_HEADERS + [("x-odd", "{{{{}}}}")]  # Huffman would be longer
    c.send_headers(1, headers)
    wire = c.data_to_send()
    assert wire != frame_factory.build_headers_frame(headers).serialize()
    events = s.receive_data(wire)
    assert events[0].headers == [(n.encode(), v.encode()) for n, v in headers]
