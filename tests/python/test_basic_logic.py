"""Client and server basics (BEHAVIOUR.md §3 test_basic_logic), byte for byte against
hyperframe + hpack."""
from __future__ import annotations

import pytest
from hpack import HeaderTuple, NeverIndexedHeaderTuple

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings
from conftest import (
    EXAMPLE_REQUEST_HEADERS,
    EXAMPLE_REQUEST_HEADERS_BYTES,
    EXAMPLE_RESPONSE_HEADERS,
    PREAMBLE,
    open_client,
    open_server,
    server_config,
)


class TestClient:
    def test_initiate_connection_queues_preamble_and_all_local_settings(self, frame_factory):
        c = h2.connection.H2Connection()
        assert c.initiate_connection() is None
        expected = PREAMBLE + frame_factory.build_settings_frame(
            dict(c.local_settings)).serialize()
        assert c.data_to_send() == expected

    @pytest.mark.parametrize("headers", [EXAMPLE_REQUEST_HEADERS, EXAMPLE_REQUEST_HEADERS_BYTES])
    def test_send_headers_is_byte_exact(self, frame_factory, headers):
        c = open_client(frame_factory)
        assert c.send_headers(1, headers) is None
        assert c.data_to_send() == frame_factory.build_headers_frame(headers).serialize()

    @pytest.mark.parametrize("data", [b"some data", bytearray(b"some data"),
                                      memoryview(b"some data")])
    def test_send_data_accepts_bytes_like(self, frame_factory, data):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        c.clear_outbound_data_buffer()
        assert c.send_data(1, data) is None
        assert c.data_to_send() == frame_factory.build_data_frame(b"some data").serialize()

    @pytest.mark.parametrize("pad", [0, 5, 255])
    def test_padding(self, frame_factory, pad):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        c.clear_outbound_data_buffer()
        before = c.local_flow_control_window(1)
        c.send_data(1, b"some data", pad_length=pad)
        f = frame_factory.build_data_frame(b"some data", padding_len=pad)
        if pad == 0:
            f.flags.add("PADDED")
        assert c.data_to_send() == f.serialize()
        assert before - c.local_flow_control_window(1) == 9 + pad + 1

    @pytest.mark.parametrize("pad", [-1, 256])
    def test_pad_length_out_of_range_is_value_error(self, frame_factory, pad):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        with pytest.raises(ValueError):
            c.send_data(1, b"x", pad_length=pad)

    @pytest.mark.parametrize("pad", ["5", {}, [], 1.0, 3.5])
    def test_pad_length_not_int_is_type_error(self, frame_factory, pad):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        with pytest.raises(TypeError):
            c.send_data(1, b"x", pad_length=pad)

    def test_end_stream_flag_and_end_stream_call(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        c.send_headers(3, EXAMPLE_REQUEST_HEADERS)
        c.clear_outbound_data_buffer()
        c.send_data(1, b"abc", end_stream=True)
        assert c.data_to_send() == frame_factory.build_data_frame(
            b"abc", flags=["END_STREAM"]).serialize()
        c.end_stream(3)
        assert c.data_to_send() == frame_factory.build_data_frame(
            b"", flags=["END_STREAM"], stream_id=3).serialize()

    def test_header_encoding_changes_later_events(self, frame_factory):
        c = open_client(frame_factory, header_encoding="utf-8")
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        c.send_headers(3, EXAMPLE_REQUEST_HEADERS)
        f = frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS)
        events = c.receive_data(f.serialize())
        assert events[0].headers == [(":status", "200"), ("server", "fake-serv/0.1.0")]
        c.config.header_encoding = None
        f = frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS, stream_id=3)
        events = c.receive_data(f.serialize())
        assert events[0].headers == [(b":status", b"200"), (b"server", b"fake-serv/0.1.0")]

    def test_end_stream_on_unknown_ids(self, frame_factory):
        c = open_client(frame_factory)
        with pytest.raises(h2.exceptions.NoSuchStreamError):
            c.end_stream(1)
        c.send_headers(3, EXAMPLE_REQUEST_HEADERS)
        with pytest.raises(h2.exceptions.StreamClosedError):
            c.end_stream(1)

    def test_stream_id_too_low(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(5, EXAMPLE_REQUEST_HEADERS)
        with pytest.raises(h2.exceptions.StreamIDTooLowError) as e:
            c.send_headers(3, EXAMPLE_REQUEST_HEADERS)
        assert (e.value.stream_id, e.value.max_stream_id) == (3, 5)

    def test_push_promise_then_pushed_response(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
        frames = [frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS),
                  frame_factory.build_push_promise_frame(1, 2, EXAMPLE_REQUEST_HEADERS)]
        events = c.receive_data(b"".join(f.serialize() for f in frames))
        assert isinstance(events[1], h2.events.PushedStreamReceived)
        assert (events[1].pushed_stream_id, events[1].parent_stream_id) == (2, 1)
        assert events[1].headers == EXAMPLE_REQUEST_HEADERS_BYTES
        events = c.receive_data(
            frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS, stream_id=2).serialize())
        assert isinstance(events[0], h2.events.ResponseReceived) and events[0].stream_id == 2

    def test_push_refused_when_our_enable_push_is_zero(self, frame_factory):
        c = open_client(frame_factory)
        c.update_settings({h2.settings.SettingCodes.ENABLE_PUSH: 0})
        c.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        c.clear_outbound_data_buffer()
        f = frame_factory.build_push_promise_frame(1, 2, EXAMPLE_REQUEST_HEADERS)
        with pytest.raises(h2.exceptions.ProtocolError):
            c.receive_data(f.serialize())
        assert c.data_to_send() == frame_factory.build_goaway_frame(0, 1).serialize()

    def test_headers_split_into_continuations(self, frame_factory):
        c = open_client(frame_factory)
        c.max_outbound_frame_size = 48
        headers = EXAMPLE_REQUEST_HEADERS + [("x-big", "a" * 256)]
        c.send_headers(1, headers, end_stream=True)
        out = c.data_to_send()
        block = frame_factory.encoder.encode(headers)
        frames, offset = [], 0
        while offset < len(out):
            length = int.from_bytes(out[offset:offset + 3], "big")
            frames.append(out[offset:offset + 9 + length])
            offset += 9 + length
        assert len(frames) > 2
        assert all(len(f) - 9 <= 48 for f in frames)
        assert frames[0][3] == 0x1 and frames[0][4] == 0x1  # HEADERS, END_STREAM only
        assert all(f[3] == 0x9 for f in frames[1:])
        assert frames[-1][4] == 0x4 and all(f[4] == 0 for f in frames[1:-1])
        assert b"".join(f[9:] for f in frames) == block

    @pytest.mark.parametrize("code", list(h2.errors.ErrorCodes) + [0xFA])
    def test_rst_stream_received(self, frame_factory, code):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        events = c.receive_data(frame_factory.build_rst_stream_frame(1, code).serialize())
        assert len(events) == 1
        e = events[0]
        assert isinstance(e, h2.events.StreamReset) and e.remote_reset and e.stream_id == 1
        assert e.error_code == code
        assert isinstance(e.error_code, h2.errors.ErrorCodes) == (code != 0xFA)

    def test_data_to_send_amount(self, frame_factory):
        c = h2.connection.H2Connection()
        c.initiate_connection()
        everything = c.data_to_send()
        c = h2.connection.H2Connection()
        c.initiate_connection()
        assert c.data_to_send(10) == everything[:10]
        assert c.data_to_send(10) == everything[10:20]
        assert c.data_to_send() == everything[20:]
        assert c.data_to_send() == b""

    def test_update_settings_and_ack(self, frame_factory):
        c = open_client(frame_factory)
        new = {h2.settings.SettingCodes.HEADER_TABLE_SIZE: 4000,
               h2.settings.SettingCodes.MAX_FRAME_SIZE: 20000}
        assert c.update_settings(new) is None
        assert c.data_to_send() == frame_factory.build_settings_frame(new).serialize()
        events = c.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
        assert isinstance(events[0], h2.events.SettingsAcknowledged)
        assert {k: v.new_value for k, v in events[0].changed_settings.items()} == new

    def test_peer_concurrency_limit(self, frame_factory):
        c = open_client(frame_factory)
        c.receive_data(frame_factory.build_settings_frame(
            {h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 1}).serialize())
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        with pytest.raises(h2.exceptions.TooManyStreamsError):
            c.send_headers(3, EXAMPLE_REQUEST_HEADERS)

    def test_trailers_received_and_missing_end_stream(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS, end_stream=True)
        c.receive_data(frame_factory.build_headers_frame(EXAMPLE_RESPONSE_HEADERS).serialize())
        trailers = [("content-length", "0")]
        events = c.receive_data(frame_factory.build_headers_frame(
            trailers, flags=["END_STREAM"]).serialize())
        assert [type(e) for e in events] == [h2.events.TrailersReceived, h2.events.StreamEnded]
        assert events[0].headers == [(b"content-length", b"0")]
        c.send_headers(3, EXAMPLE_REQUEST_HEADERS, end_stream=True)
        c.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_RESPONSE_HEADERS, stream_id=3).serialize())
        c.clear_outbound_data_buffer()
        with pytest.raises(h2.exceptions.ProtocolError):
            c.receive_data(frame_factory.build_headers_frame(trailers, stream_id=3).serialize())
        assert c.data_to_send() == frame_factory.build_goaway_frame(0, 1).serialize()

    def test_sending_trailers(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
        c.send_data(1, b"x")
        c.clear_outbound_data_buffer()
        frame_factory.encoder.encode(EXAMPLE_REQUEST_HEADERS)
        with pytest.raises(h2.exceptions.ProtocolError):
            c.send_headers(1, [("trailer", "x")])
        c.send_headers(1, [("trailer", "x")], end_stream=True)
        assert c.data_to_send() == frame_factory.build_headers_frame(
            [("trailer", "x")], flags=["END_STREAM"]).serialize()

    def test_outbound_names_lowercased(self, frame_factory):
        c = open_client(frame_factory)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [("X-Custom", "Value")])
        assert c.data_to_send() == frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS + [("x-custom", "Value")]).serialize()

    def test_split_outbound_cookies(self, frame_factory):
        c = open_client(frame_factory, split_outbound_cookies=True)
        s = open_server(frame_factory, normalize_inbound_headers=False)
        c.send_headers(1, EXAMPLE_REQUEST_HEADERS + [
            NeverIndexedHeaderTuple("cookie", "a=b; c=d; e=f")])
        events = s.receive_data(c.data_to_send())
        cookies = [h for h in events[0].headers if h[0] == b"cookie"]
        assert cookies == [(b"cookie", b"a=b"), (b"cookie", b"c=d"), (b"cookie", b"e=f")]
        assert all(isinstance(h, NeverIndexedHeaderTuple) for h in cookies)

    def test_cookies_in_push_promise_joined(self, frame_factory):
        for normalize in (True, False):
            c = open_client(frame_factory, normalize_inbound_headers=normalize)
            frame_factory.refresh_encoder()
            c.send_headers(1, EXAMPLE_REQUEST_HEADERS)
            cookies = [("cookie", "a=b"), ("cookie", "c=d"), ("cookie", "e=f")]
            f = frame_factory.build_push_promise_frame(1, 2, EXAMPLE_REQUEST_HEADERS + cookies)
            events = c.receive_data(f.serialize())
            got = [h for h in events[0].headers if h[0] == b"cookie"]
            if normalize:
                assert got == [(b"cookie", b"a=b; c=d; e=f")]
                assert isinstance(got[0], NeverIndexedHeaderTuple)
            else:
                assert got == [(b"cookie", b"a=b"), (b"cookie", b"c=d"), (b"cookie", b"e=f")]

    @pytest.mark.parametrize("size", [2**14, 2**14 + 1, 65535, 2**24 - 1])
    def test_larger_max_frame_size_after_ack(self, frame_factory, size):
        s = open_server(frame_factory)
        s.update_settings({h2.settings.SettingCodes.MAX_FRAME_SIZE: size})
        s.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
        s.receive_data(frame_factory.build_settings_frame(
            {h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2**31 - 1}).serialize())
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        # Open our receive windows wide enough for the frame.
        s.increment_flow_control_window(2**31 - 1 - 65535)
        s.increment_flow_control_window(2**31 - 1 - 65535, stream_id=1)
        events = s.receive_data(frame_factory.build_data_frame(b"x" * size).serialize())
        assert events[0].flow_controlled_length == size
        if size == 2**24 - 1:
            return  # one byte more does not fit the 24-bit length field
        with pytest.raises(h2.exceptions.ProtocolError):
            s.receive_data(frame_factory.build_data_frame(b"x" * (size + 1)).serialize())


class TestServer:
    @pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
    def test_preamble_alone(self, frame_factory, kind):
        s = h2.connection.H2Connection(server_config())
        assert s.receive_data(kind(PREAMBLE)) == []
        assert s.data_to_send() == b""

    @pytest.mark.parametrize("chunk", range(1, 24))
    def test_preamble_dripped(self, frame_factory, chunk):
        s = h2.connection.H2Connection(server_config())
        data = PREAMBLE + frame_factory.build_settings_frame({}).serialize()
        events = []
        for i in range(0, len(data), chunk):
            events += s.receive_data(data[i:i + chunk])
        assert [type(e) for e in events] == [h2.events.RemoteSettingsChanged]

    def test_initiate_connection_has_no_preamble(self, frame_factory):
        s = h2.connection.H2Connection(server_config())
        s.initiate_connection()
        assert s.data_to_send() == frame_factory.build_settings_frame(
            dict(s.local_settings)).serialize()

    @pytest.mark.parametrize("headers", [EXAMPLE_REQUEST_HEADERS, EXAMPLE_REQUEST_HEADERS_BYTES])
    def test_request_received(self, frame_factory, headers):
        s = open_server(frame_factory)
        events = s.receive_data(frame_factory.build_headers_frame(headers).serialize())
        assert len(events) == 1 and isinstance(events[0], h2.events.RequestReceived)
        assert events[0].stream_id == 1
        assert events[0].headers == EXAMPLE_REQUEST_HEADERS_BYTES
        assert all(isinstance(h, HeaderTuple) for h in events[0].headers)

    @pytest.mark.parametrize("pad", [0, 20])
    def test_data_received(self, frame_factory, pad):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        events = s.receive_data(
            frame_factory.build_data_frame(b"some data", padding_len=pad).serialize())
        assert events[0].data == b"some data"
        assert events[0].flow_controlled_length == 9 + (pad + 1 if pad else 0)

    def test_ping(self, frame_factory):
        s = open_server(frame_factory)
        events = s.receive_data(frame_factory.build_ping_frame(b"\x01" * 8).serialize())
        assert isinstance(events[0], h2.events.PingReceived) and events[0].ping_data == b"\x01" * 8
        assert s.data_to_send() == frame_factory.build_ping_frame(
            b"\x01" * 8, flags=["ACK"]).serialize()
        events = s.receive_data(frame_factory.build_ping_frame(b"\x02" * 8, ["ACK"]).serialize())
        assert isinstance(events[0], h2.events.PingAckReceived)
        s.ping(b"\x03" * 8)
        assert s.data_to_send() == frame_factory.build_ping_frame(b"\x03" * 8).serialize()

    @pytest.mark.parametrize("data", [b"", b"\x01" * 7, "12345678", b"\x01" * 14, None, 8])
    def test_bad_ping_data(self, frame_factory, data):
        s = open_server(frame_factory)
        with pytest.raises(ValueError):
            s.ping(data)

    def test_remote_settings_changed(self, frame_factory):
        s = open_server(frame_factory)
        settings = {h2.settings.SettingCodes.HEADER_TABLE_SIZE: 4000,
                    h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 50,
                    h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1000}
        events = s.receive_data(frame_factory.build_settings_frame(settings).serialize())
        assert len(events) == 1 and len(events[0].changed_settings) == 3
        assert s.data_to_send() == frame_factory.build_settings_frame({}, ack=True).serialize()

    @pytest.mark.parametrize("code", list(h2.errors.ErrorCodes))
    @pytest.mark.parametrize("last,expected_last", [(None, 23), (0, 0), (42, 42)])
    @pytest.mark.parametrize("extra", [None, b"", b"foobar"])
    def test_close_connection(self, frame_factory, code, last, expected_last, extra):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS, stream_id=23).serialize())
        s.clear_outbound_data_buffer()
        s.close_connection(error_code=code, additional_data=extra, last_stream_id=last)
        assert s.data_to_send() == frame_factory.build_goaway_frame(
            expected_last, code, extra or b"").serialize()

    def test_close_connection_repeated(self, frame_factory):
        s = open_server(frame_factory)
        for _ in range(3):
            s.close_connection()
        assert s.data_to_send() == frame_factory.build_goaway_frame(0).serialize() * 3

    @pytest.mark.parametrize("code", list(h2.errors.ErrorCodes))
    def test_reset_stream(self, frame_factory, code):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        s.reset_stream(1, error_code=code)
        assert s.data_to_send() == frame_factory.build_rst_stream_frame(1, code).serialize()

    def test_reset_unknown_streams(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS, stream_id=3).serialize())
        for sid in (1, 5):
            with pytest.raises(h2.exceptions.NoSuchStreamError) as e:
                s.reset_stream(sid)
            assert e.value.stream_id == sid

    def test_push_stream_byte_exact(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        s.push_stream(1, 2, EXAMPLE_REQUEST_HEADERS)
        frame_factory.refresh_encoder()
        assert s.data_to_send() == frame_factory.build_push_promise_frame(
            1, 2, EXAMPLE_REQUEST_HEADERS).serialize()

    def test_push_refused_by_peer(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_settings_frame(
            {h2.settings.SettingCodes.ENABLE_PUSH: 0}).serialize())
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        with pytest.raises(h2.exceptions.ProtocolError):
            s.push_stream(1, 2, EXAMPLE_REQUEST_HEADERS)

    def test_header_table_sizes(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_settings_frame(
            {h2.settings.SettingCodes.HEADER_TABLE_SIZE: 80}).serialize())
        assert s.encoder.header_table_size == 80
        s.update_settings({h2.settings.SettingCodes.HEADER_TABLE_SIZE: 80})
        s.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
        assert s.decoder.header_table_size == 4096
        assert s.decoder.max_allowed_table_size == 80

    def test_frame_too_large_to_send_until_peer_allows(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        s.send_headers(1, EXAMPLE_RESPONSE_HEADERS)
        with pytest.raises(h2.exceptions.FrameTooLargeError):
            s.send_data(1, b"x" * 17000)
        s.receive_data(frame_factory.build_settings_frame(
            {h2.settings.SettingCodes.MAX_FRAME_SIZE: 17001}).serialize())
        s.send_data(1, b"x" * 17000)

    def test_frame_too_large_received(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        s.clear_outbound_data_buffer()
        with pytest.raises(h2.exceptions.ProtocolError) as e:
            s.receive_data(frame_factory.build_data_frame(b"x" * 17000).serialize())
        assert e.value.error_code == h2.errors.ErrorCodes.FRAME_SIZE_ERROR
        assert s.data_to_send() == frame_factory.build_goaway_frame(1, 6).serialize()

    def test_our_concurrency_limit(self, frame_factory):
        s = open_server(frame_factory)
        s.update_settings({h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 1})
        s.receive_data(frame_factory.build_settings_frame({}, ack=True).serialize())
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        s.clear_outbound_data_buffer()
        with pytest.raises(h2.exceptions.TooManyStreamsError):
            s.receive_data(frame_factory.build_headers_frame(
                EXAMPLE_REQUEST_HEADERS, stream_id=3).serialize())
        assert s.data_to_send() == frame_factory.build_goaway_frame(1, 1).serialize()

    @pytest.mark.parametrize("frame_type", [12, 13, 100, 255])
    def test_unknown_frames(self, frame_factory, frame_type):
        s = open_server(frame_factory)
        raw = bytes([0, 0, 3, frame_type, 0x5, 0, 0, 0, 1]) + b"abc"
        events = s.receive_data(raw)
        assert len(events) == 1 and isinstance(events[0], h2.events.UnknownFrameReceived)
        assert events[0].frame.type == frame_type and events[0].frame.body == b"abc"
        assert events[0].frame.serialize() == raw
        assert s.data_to_send() == b""

    @pytest.mark.parametrize("code", [h2.errors.ErrorCodes.PROTOCOL_ERROR, 0xFA])
    def test_goaway_received(self, frame_factory, code):
        s = open_server(frame_factory)
        s.ping(b"\x00" * 8)
        frames = [frame_factory.build_goaway_frame(5, code, b"debug"),
                  frame_factory.build_goaway_frame(3, code),
                  frame_factory.build_goaway_frame(1, code)]
        events = s.receive_data(b"".join(f.serialize() for f in frames))
        assert [type(e) for e in events] == [h2.events.ConnectionTerminated] * 3
        assert events[0].additional_data == b"debug" and events[1].additional_data is None
        assert [e.last_stream_id for e in events] == [5, 3, 1]
        assert events[0].error_code == code
        assert isinstance(events[0].error_code, h2.errors.ErrorCodes) == (code != 0xFA)
        assert s.state_machine.state == h2.connection.ConnectionState.CLOSED
        assert s.data_to_send() == b""

    def test_received_cookies_joined(self, frame_factory):
        cookies = [("cookie", "a=b"), ("cookie", "c=d")]
        s = open_server(frame_factory)
        events = s.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS + cookies).serialize())
        assert events[0].headers[-1] == (b"cookie", b"a=b; c=d")
        s = open_server(frame_factory, normalize_inbound_headers=False)
        frame_factory.refresh_encoder()
        events = s.receive_data(frame_factory.build_headers_frame(
            EXAMPLE_REQUEST_HEADERS + cookies).serialize())
        assert events[0].headers[-2:] == [(b"cookie", b"a=b"), (b"cookie", b"c=d")]

    def test_stream_repr(self, frame_factory):
        s = open_server(frame_factory)
        s.receive_data(frame_factory.build_headers_frame(EXAMPLE_REQUEST_HEADERS).serialize())
        assert repr(s.streams[1]) == "<H2Stream id:1 state:<StreamState.OPEN: 3>>"
