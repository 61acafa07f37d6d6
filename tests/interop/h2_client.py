"""A small blocking HTTP/2 client on Debian's python3-h2, for the "normal client" of the tests.

Each call is bounded by a deadline; a request that does not finish in time is an error.
"""

import select
import socket
import time

import h2.config
import h2.connection
import h2.events
import h2.settings


class Response:
    def __init__(self):
        self.status = None
        self.headers = []
        self.body = bytearray()
        self.trailers = []
        self.reset = None
        self.ended = False


class H2Client:
    def __init__(self, port, stream_window=None, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.port = port
        self.timeout = timeout
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        if stream_window is not None:
            self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: stream_window})
        self.responses = {}
        self.goaway = None
        self.closed = False
        self.flush()

    def flush(self):
        out = self.conn.data_to_send()
        if out:
            self.sock.sendall(out)

    def _handle(self, events):
        for ev in events:
            r = self.responses.get(getattr(ev, "stream_id", None))
            if isinstance(ev, h2.events.ResponseReceived) and r:
                r.headers = ev.headers
                r.status = int(dict(ev.headers)[":status"])
            elif isinstance(ev, h2.events.DataReceived) and r:
                r.body += ev.data
                # Acknowledge as we read: the window opens only as fast as we consume.
                self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.TrailersReceived) and r:
                r.trailers = ev.headers
            elif isinstance(ev, h2.events.StreamEnded) and r:
                r.ended = True
            elif isinstance(ev, h2.events.StreamReset) and r:
                r.reset = ev.error_code
                r.ended = True
            elif isinstance(ev, h2.events.ConnectionTerminated):
                self.goaway = ev

    def pump(self, wait):
        """Reads what arrived within `wait` seconds; returns False once the connection is gone."""
        # poll, not select: the tests hold thousands of sockets, beyond select's FD_SETSIZE.
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        if poller.poll(max(wait, 0) * 1000):
            try:
                data = self.sock.recv(1 << 18)
            except ConnectionResetError:
                data = b""
            if not data:
                self.closed = True
                return False
            self._handle(self.conn.receive_data(data))
            self.flush()
        return True

    def start(self, path, method="GET", body=None, extra=()):
        sid = self.conn.get_next_available_stream_id()
        headers = [(":method", method), (":scheme", "http"),
                   (":authority", f"127.0.0.1:{self.port}"), (":path", path), *extra]
        self.conn.send_headers(sid, headers, end_stream=body is None)
        self.responses[sid] = Response()
        if body is not None:
            self.conn.send_data(sid, body, end_stream=True)  # small bodies only: fits the window
        self.flush()
        return sid

    def wait(self, sids, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not all(self.responses[s].ended for s in sids):
            if time.monotonic() > deadline:
                raise AssertionError(f"streams {sids} not finished in time")
            if not self.pump(deadline - time.monotonic()):
                raise AssertionError("connection closed before the responses ended")
        return [self.responses[s] for s in sids]

    def get(self, path, timeout=None):
        return self.wait([self.start(path)], timeout)[0]

    def echo(self, payload, timeout=60.0):
        """POSTs payload to /echo, sending only what the windows allow; returns the echo."""
        sid = self.conn.get_next_available_stream_id()
        self.conn.send_headers(sid, [(":method", "POST"), (":scheme", "http"),
                                     (":authority", f"127.0.0.1:{self.port}"), (":path", "/echo")])
        self.responses[sid] = r = Response()
        self.flush()
        deadline = time.monotonic() + timeout
        sent = 0
        view = memoryview(payload)
        while not r.ended:
            if time.monotonic() > deadline:
                raise AssertionError(f"echo not done in {timeout}s: sent {sent}, got {len(r.body)}")
            if sent < len(payload):
                room = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size,
                           len(payload) - sent)
                if room > 0:
                    self.conn.send_data(sid, view[sent:sent + room].tobytes(),
                                        end_stream=sent + room == len(payload))
                    sent += room
                    self.flush()
                    continue
            if not self.pump(min(1.0, deadline - time.monotonic())):
                raise AssertionError("connection closed during the echo")
        return r

    def close(self):
        try:
            self.conn.close_connection()
            self.flush()
        except OSError:
            pass
        self.sock.close()


def get_once(port, path, timeout=10.0):
    """A fresh connection, one GET, closed again."""
    c = H2Client(port, timeout=timeout)
    try:
        return c.get(path)
    finally:
        c.close()
