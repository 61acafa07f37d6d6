"""A raw HTTP/2 peer on a plain socket: frames built with hyperframe, headers with hpack.

No protocol library decides anything here, so a test can send what a well-behaved client never
would (floods, bombs, more streams than allowed) and see exactly which frames come back.
Every read is bounded by a deadline; a closed or reset socket reads as the end of the stream.
"""

import socket
import struct
import time

import hpack
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame,
                              PingFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame)

# What _take_frame returns for a frame it only counted.
SKIMMED = object()

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# RFC 9113 §7 error codes the tests look for.
NO_ERROR = 0x0
PROTOCOL_ERROR = 0x1
FLOW_CONTROL_ERROR = 0x3
REFUSED_STREAM = 0x7
CANCEL = 0x8
COMPRESSION_ERROR = 0x9
ENHANCE_YOUR_CALM = 0xB

ERROR_NAMES = {0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR",
               0x3: "FLOW_CONTROL_ERROR", 0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED",
               0x6: "FRAME_SIZE_ERROR", 0x7: "REFUSED_STREAM", 0x8: "CANCEL",
               0x9: "COMPRESSION_ERROR", 0xA: "CONNECT_ERROR", 0xB: "ENHANCE_YOUR_CALM",
               0xC: "INADEQUATE_SECURITY", 0xD: "HTTP_1_1_REQUIRED"}


def error_name(code):
    return ERROR_NAMES.get(code, hex(code)) if code is not None else "none"


class RawPeer:
    """One client connection speaking frames by hand."""

    def __init__(self, port, settings=None, rcvbuf=None, timeout=10.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            # Before connect, so the advertised TCP window is small from the start.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.timeout = timeout
        self.encoder = hpack.Encoder()
        # Our own bound on what the server may send us; the server's answers are small.
        self.decoder = hpack.Decoder(max_header_list_size=1 << 20)
        self.port = port
        self.settings = dict(settings or {})
        self.inbuf = bytearray()
        self.closed = False  # reading reached the end: the server closed (or reset) it
        self.send_failed = False
        self.goaway = None  # the first GOAWAY frame received
        self.resets = {}  # stream id -> RST_STREAM error code
        self.responses = {}  # stream id -> decoded response header list
        self.data = {}  # stream id -> bytearray of DATA received
        self.data_frames = 0
        self.counts = {}  # frame type -> frames received
        self.ended = set()  # streams the server ended (END_STREAM seen)
        self.server_settings = {}
        self.settings_frames = 0
        self.auto_ack = False  # set by handshake()

    # ---- sending ----

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, *frames):
        self.sock.sendall(b"".join(f.serialize() for f in frames))

    def try_send(self, data):
        """Sends unless the server has closed the connection; False once it has."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            # What the server said before it closed may still wait in our receive queue.
            self.send_failed = True
            return False
        except socket.timeout:
            # The server stopped reading us (its limits can do that): no longer sendable.
            return False

    def handshake(self):
        """Preface and our SETTINGS; waits for the server's SETTINGS and acknowledges them."""
        settings = SettingsFrame(0)
        settings.settings = self.settings
        self.send_raw(PREFACE + settings.serialize())
        self.auto_ack = True
        self.read_until(lambda: bool(self.server_settings) or self.closed)
        if not self.server_settings:
            raise AssertionError("no SETTINGS from the server")
        # The server's SETTINGS may come as more than one frame; take what is there already.
        self.read_until(lambda: False, timeout=0.05)
        return self

    def request_block(self, path, method="GET", extra=()):
        headers = [(":method", method), (":scheme", "http"), (":authority", f"127.0.0.1:{self.port}"),
                   (":path", path), *extra]
        return self.encoder.encode(headers)

    def headers_frame(self, stream_id, path, method="GET", end_stream=True, extra=()):
        flags = ["END_HEADERS"] + (["END_STREAM"] if end_stream else [])
        return HeadersFrame(stream_id, self.request_block(path, method, extra), flags=flags)

    def request(self, stream_id, path, method="GET", end_stream=True, extra=()):
        self.send(self.headers_frame(stream_id, path, method, end_stream, extra))

    def window_update(self, stream_id, increment):
        self.send(WindowUpdateFrame(stream_id, window_increment=increment))

    # ---- receiving ----

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(min(remaining, self.timeout))
        try:
            chunk = self.sock.recv(1 << 18)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.inbuf += chunk
        return True

    def _take_frame(self):
        """The next whole frame from the input, or None. Floods bring back hundreds of
        thousands of tiny frames, so PING, WINDOW_UPDATE, SETTINGS ACK and DATA are skimmed
        from their 9-byte headers (counted, DATA kept) without building frame objects."""
        buf = self.inbuf
        if len(buf) < 9:
            return None
        length = int.from_bytes(buf[0:3], "big")
        if len(buf) < 9 + length:
            return None
        ftype, flags = buf[3], buf[4]
        stream_id = int.from_bytes(buf[5:9], "big") & 0x7FFFFFFF
        if ftype in (0x6, 0x8) or (ftype == 0x4 and flags & 0x1):
            self.counts[ftype] = self.counts.get(ftype, 0) + 1
            del buf[:9 + length]
            return SKIMMED
        if ftype == 0x0:
            self.counts[0] = self.counts.get(0, 0) + 1
            pad = buf[9] if flags & 0x8 else 0
            start = 10 if flags & 0x8 else 9
            payload = bytes(buf[start:9 + length - pad])
            self.data.setdefault(stream_id, bytearray()).extend(payload)
            self.data_frames += 1
            if flags & 0x1:
                self.ended.add(stream_id)
            del buf[:9 + length]
            return SKIMMED
        frame, _ = Frame.parse_frame_header(memoryview(bytes(buf[:9])))
        frame.parse_body(memoryview(bytes(buf[9:9 + length])))
        del buf[:9 + length]
        return frame

    def _note(self, frame):
        if frame is SKIMMED:
            return
        self.counts[frame.type] = self.counts.get(frame.type, 0) + 1
        if isinstance(frame, SettingsFrame) and "ACK" not in frame.flags:
            # Like any peer, acknowledge every SETTINGS frame (the server may send several).
            self.server_settings.update(frame.settings)
            self.settings_frames += 1
            if self.auto_ack:
                self.try_send(SettingsFrame(0, flags=["ACK"]).serialize())
        elif isinstance(frame, GoAwayFrame):
            if self.goaway is None:
                self.goaway = frame
        elif isinstance(frame, RstStreamFrame):
            self.resets[frame.stream_id] = frame.error_code
        elif isinstance(frame, HeadersFrame):
            # Responses here are always one frame (END_HEADERS); the decoder must see every
            # block to stay in step with the server's encoder.
            decoded = self.decoder.decode(frame.data)
            if frame.stream_id not in self.responses:
                self.responses[frame.stream_id] = decoded
        if "END_STREAM" in getattr(frame, "flags", ()):
            self.ended.add(frame.stream_id)

    def read_frame(self, timeout=None):
        """The next frame, or None at end of stream or when the deadline passes."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            frame = self._take_frame()
            if frame is not None:
                self._note(frame)
                return frame
            if self.closed or not self._fill(deadline):
                return None

    def read_until(self, done, timeout=None):
        """Reads frames until done() holds, the connection ends or the deadline passes."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not done():
            frame = self._take_frame()
            if frame is not None:
                self._note(frame)
                continue
            if self.closed or not self._fill(deadline):
                break
        return done()

    def read_goaway(self, timeout=None):
        """Reads until a GOAWAY or the end of the connection; returns its error code or None."""
        self.read_until(lambda: self.goaway is not None or self.closed, timeout)
        return None if self.goaway is None else self.goaway.error_code

    def status(self, stream_id):
        for name, value in self.responses.get(stream_id, ()):
            if name in (":status", b":status"):
                return int(value)
        return None

    def close(self, abortive=False):
        if abortive:
            # SO_LINGER 0: close() sends RST instead of FIN.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


__all__ = ["RawPeer", "PREFACE", "ContinuationFrame", "DataFrame", "GoAwayFrame", "HeadersFrame",
           "PingFrame", "RstStreamFrame", "SettingsFrame", "WindowUpdateFrame", "error_name"]
