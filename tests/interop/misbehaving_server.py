#!/usr/bin/python3
"""A tiny HTTP/2 (h2c, prior knowledge) server on Debian's python3-h2 that misbehaves on
purpose, for the failure-counting tests of h2bench (tests/interop/h2bench_test.py).

    misbehaving_server.py MODE [K]

Every request that is answered gets "200" and a 10-byte body. MODE says how the server fails:

    reset-odd       resets every other stream (the 2nd, 4th, ... of each connection) with
                    INTERNAL_ERROR; answers the others
    close-after K   answers K requests per connection, then closes the socket (no GOAWAY)
    goaway-after K  answers K requests per connection, then sends GOAWAY(NO_ERROR) naming the
                    last stream it answered, and closes once the client does (or after 5 s)
    no-status       answers with a HEADERS block without :status (a malformed response,
                    RFC 9113 §8.3.2)

It listens on 127.0.0.1 on a port the kernel picks and prints "listening on PORT" once ready.
One thread per connection; the process ends on SIGTERM/SIGKILL (the test stops it by PID).
"""

import socket
import sys
import threading
import time

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

BODY = b"0123456789"


def serve_connection(sock, mode, k):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False,
                                                                header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    seen = 0      # requests received on this connection
    answered = 0  # responses completed on this connection
    goaway_at = None
    try:
        while True:
            sock.settimeout(0.5 if goaway_at else 30)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                if goaway_at and time.monotonic() - goaway_at > 5:
                    return
                continue
            if not data:
                return
            events = conn.receive_data(data)
            for ev in events:
                if not isinstance(ev, h2.events.RequestReceived) or goaway_at:
                    continue
                seen += 1
                sid = ev.stream_id
                if mode == "reset-odd" and seen % 2 == 0:
                    conn.reset_stream(sid, h2.errors.ErrorCodes.INTERNAL_ERROR)
                    continue
                if mode == "no-status":
                    # python3-h2 validates outbound headers: switch that off for this block.
                    conn.config.validate_outbound_headers = False
                    conn.send_headers(sid, [("content-length", str(len(BODY)))])
                else:
                    conn.send_headers(sid, [(":status", "200"),
                                            ("content-length", str(len(BODY)))])
                conn.send_data(sid, BODY, end_stream=True)
                answered += 1
                if mode == "close-after" and answered >= k:
                    sock.sendall(conn.data_to_send())
                    return
                if mode == "goaway-after" and answered >= k:
                    conn.close_connection(last_stream_id=sid)
                    goaway_at = time.monotonic()
            out = conn.data_to_send()
            if out:
                sock.sendall(out)
    except (OSError, h2.exceptions.ProtocolError):
        return
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    mode = sys.argv[1]
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if mode not in ("reset-odd", "close-after", "goaway-after", "no-status"):
        sys.exit(f"unknown mode {mode}")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(f"listening on {listener.getsockname()[1]}", flush=True)
    while True:
        sock, _ = listener.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve_connection, args=(sock, mode, k), daemon=True).start()


if __name__ == "__main__":
    main()
