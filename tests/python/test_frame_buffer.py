"""h2.frame_buffer.FrameBuffer on the core's frame reader (BEHAVIOUR.md §2.4)."""
from __future__ import annotations

import pytest
from hyperframe.frame import ContinuationFrame, DataFrame, HeadersFrame, SettingsFrame

import h2.exceptions
import h2.frame_buffer
from conftest import EXAMPLE_REQUEST_HEADERS, PREAMBLE


def buffer(server=False):
    b = h2.frame_buffer.FrameBuffer(server=server)
    b.max_frame_size = 16384
    return b


def test_yields_frames_once_complete(frame_factory):
    b = buffer()
    data = frame_factory.build_data_frame(b"hello", padding_len=3).serialize()
    settings = frame_factory.build_settings_frame({1: 100}).serialize()
    b.add_data(data[:5])
    assert list(b) == []
    b.add_data(data[5:] + settings[:4])
    frames = list(b)
    assert len(frames) == 1 and isinstance(frames[0], DataFrame)
    assert frames[0].data == b"hello" and frames[0].pad_length == 3
    b.add_data(settings[4:])
    frames = list(b)
    assert isinstance(frames[0], SettingsFrame) and frames[0].settings == {1: 100}


def test_server_checks_preamble_as_it_arrives(frame_factory):
    b = buffer(server=True)
    for byte in PREAMBLE[:10]:
        b.add_data(bytes([byte]))
    with pytest.raises(h2.exceptions.ProtocolError, match="Invalid HTTP/2 preamble"):
        b.add_data(b"X")
    b = buffer(server=True)
    b.add_data(PREAMBLE + frame_factory.build_settings_frame({}).serialize())
    assert [type(f) for f in b] == [SettingsFrame]


def test_frame_size_checked_after_whole_frame(frame_factory):
    b = buffer()
    big = frame_factory.build_data_frame(b"x" * 16385).serialize()
    b.add_data(big[:100])
    assert list(b) == []
    b.add_data(big[100:])
    with pytest.raises(h2.exceptions.FrameTooLargeError):
        list(b)


def test_header_block_assembled(frame_factory):
    block = frame_factory.encoder.encode(EXAMPLE_REQUEST_HEADERS)
    first = HeadersFrame(1, data=block[:4], flags=["END_STREAM"])
    rest = [ContinuationFrame(1, data=block[4:8]),
            ContinuationFrame(1, data=block[8:], flags=["END_HEADERS"])]
    b = buffer()
    b.add_data(first.serialize() + b"".join(f.serialize() for f in rest))
    frames = list(b)
    assert len(frames) == 1 and isinstance(frames[0], HeadersFrame)
    assert frames[0].data == block and frames[0].flags == {"END_STREAM", "END_HEADERS"}


@pytest.mark.parametrize("intruder", [DataFrame(1, data=b"x"), ContinuationFrame(3, data=b"")])
def test_other_frames_inside_block(frame_factory, intruder):
    b = buffer()
    b.add_data(HeadersFrame(1, data=b"\x82").serialize() + intruder.serialize())
    with pytest.raises(h2.exceptions.ProtocolError, match="Invalid frame during header block"):
        list(b)


def test_continuation_limit(frame_factory):
    b = buffer()
    b.add_data(HeadersFrame(1, data=b"\x82").serialize() +
               ContinuationFrame(1, data=b"").serialize() * 63)
    assert list(b) == []
    b.add_data(ContinuationFrame(1, data=b"").serialize())
    with pytest.raises(h2.exceptions.ProtocolError):
        list(b)


def test_malformed_frames(frame_factory):
    b = buffer()
    b.add_data(bytes([0, 0, 3, 8, 0, 0, 0, 0, 0, 0, 0, 1]))  # 3-byte WINDOW_UPDATE
    with pytest.raises(h2.exceptions.FrameDataMissingError):
        list(b)
    b = buffer()
    b.add_data(bytes([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]))  # DATA on stream 0
    with pytest.raises(h2.exceptions.ProtocolError):
        list(b)


def test_unknown_frame_types_pass(frame_factory):
    b = buffer()
    raw = bytes([0, 0, 2, 0xee, 0x3, 0, 0, 0, 5]) + b"hi"
    b.add_data(raw)
    (f,) = list(b)
    assert f.type == 0xee and f.body == b"hi" and f.serialize() == raw
