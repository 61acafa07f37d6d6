"""The blocking-socket examples (h2-sync-server, h2-sync-client) against real peers on loopback.

Peers from Debian: curl --http2-prior-knowledge and nghttp as clients of our server, nghttpd as
the server of our client, and python3-h2 driving a socket by hand. Every port is picked free
(our server takes --port 0 and prints the one it got), every process is stopped by its PID and
every wait is bounded, so no test can hang.

Binaries: $H2_SYNC_SERVER and $H2_SYNC_CLIENT (ctest sets them), else build/bin of the checkout.
"""

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.environ.get("H2_SYNC_SERVER", os.path.join(ROOT, "build", "bin", "h2-sync-server"))
CLIENT = os.environ.get("H2_SYNC_CLIENT", os.path.join(ROOT, "build", "bin", "h2-sync-client"))
TIMEOUT = 20  # seconds for any one command
HELLO = b"Hello from h2-sync-server\n"
TRAILERS_BODY = b"This response ends with trailers.\n"
MIB = 1 << 20


def need(tool):
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} not installed")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, timeout=TIMEOUT, **kwargs)


def stop(proc, sig=signal.SIGTERM):
    """Stops one process we started, by its PID; returns its exit status."""
    if proc.poll() is None:
        os.kill(proc.pid, sig)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    return proc.returncode


def start_server():
    """Starts h2-sync-server on a free port; returns (process, port)."""
    proc = subprocess.Popen([SERVER, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    line = proc.stdout.readline().decode() if ready else ""
    match = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not match:
        stop(proc, signal.SIGKILL)
        pytest.fail(f"h2-sync-server did not start: {line!r}")
    return proc, int(match.group(1))


@pytest.fixture(scope="module")
def server():
    proc, port = start_server()
    yield f"http://127.0.0.1:{port}"
    assert stop(proc) == 0


@pytest.fixture(scope="module")
def payload(tmp_path_factory):
    """1 MiB of bytes that are not all alike, in a file."""
    path = tmp_path_factory.mktemp("payload") / "one-mib.bin"
    path.write_bytes(os.urandom(MIB))
    return path


@pytest.fixture(scope="module")
def nghttpd(payload):
    need("nghttpd")
    port = free_port()
    www = payload.parent
    (www / "index.html").write_bytes(b"<p>nghttpd</p>\n")
    proc = subprocess.Popen(["nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", str(www), str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc, signal.SIGKILL)
                pytest.fail("nghttpd did not start")
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


# ---- curl --http2-prior-knowledge against our server ----

def curl(*args):
    return run([need("curl"), "-sS", "--http2-prior-knowledge", "--max-time", str(TIMEOUT), *args])


def test_curl_get_root(server):
    r = curl("-w", "\n%{http_code} %{http_version}", f"{server}/")
    assert r.returncode == 0, r.stderr
    assert r.stdout == HELLO + b"\n200 2"


def test_curl_post_root_reads_body_then_answers(server):
    r = curl("--data-binary", "some form data", "-w", "\n%{http_code}", f"{server}/")
    assert r.returncode == 0, r.stderr
    assert r.stdout == HELLO + b"\n200"


def test_curl_echo_100k_exactly(server, tmp_path):
    body = os.urandom(100 * 1000)
    (tmp_path / "in").write_bytes(body)
    r = curl("--data-binary", f"@{tmp_path / 'in'}", "-o", str(tmp_path / "out"), f"{server}/echo")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out").read_bytes() == body


def test_curl_unknown_path_is_404(server):
    r = curl("-o", "/dev/null", "-w", "%{http_code}", f"{server}/nowhere")
    assert r.stdout == b"404"


# ---- nghttp against our server ----

def nghttp(*args):
    return run([need("nghttp"), *args])


def test_nghttp_get(server):
    r = nghttp(f"{server}/")
    assert r.returncode == 0, r.stderr
    assert r.stdout == HELLO


def test_nghttp_100_concurrent_streams(server):
    r = nghttp("-n", "-s", "-m", "100", f"{server}/")
    assert r.returncode == 0, r.stderr
    # -s prints one line per request: id, times, status, size, path.
    rows = re.findall(rb"^\s*\d+\s+\S+\s+\S+\s+\S+\s+(\d{3})\s+(\d+)\s+/$", r.stdout, re.M)
    assert len(rows) == 100, r.stdout
    assert all(status == b"200" and int(size) == len(HELLO) for status, size in rows)


def test_nghttp_post_1mib_through_16k_windows_echoed_intact(server, payload):
    # -w/-W 14: nghttp's stream and connection windows are 2^14-1, so the server's echo
    # stalls on flow control again and again and must wait for WINDOW_UPDATE.
    r = nghttp("-w", "14", "-W", "14", "-d", str(payload), f"{server}/echo")
    assert r.returncode == 0, r.stderr
    assert r.stdout == payload.read_bytes()


def test_nghttp_trailers(server):
    r = nghttp("-v", f"{server}/trailers")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert TRAILERS_BODY.decode() in out
    # The trailer block comes after the body and carries END_STREAM.
    after_body = out[out.index(TRAILERS_BODY.decode()):]
    assert "x-trailer: done" in after_body
    assert f"x-body-length: {len(TRAILERS_BODY)}" in after_body


# ---- our client against nghttpd ----

def client(*args):
    return run([CLIENT, "--timeout", "10", *args])


def test_client_gets_file_from_nghttpd(nghttpd, payload, tmp_path):
    r = client("-o", str(tmp_path / "got"), f"{nghttpd}/{payload.name}")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"HTTP/2 200\n")
    assert f"content-length: {MIB}".encode() in r.stdout
    assert (tmp_path / "got").read_bytes() == payload.read_bytes()


def test_client_100_concurrent_urls_from_nghttpd(nghttpd):
    r = client("-q", *[f"{nghttpd}/index.html?n={i}" for i in range(100)])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines == [f"200 {nghttpd}/index.html?n={i}" for i in range(100)]


def test_client_keeps_to_nghttpd_max_concurrent_streams(nghttpd):
    # nghttpd allows 100 streams at a time; the other 150 wait for free slots.
    r = client("-q", *[f"{nghttpd}/index.html?n={i}" for i in range(250)])
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 250
    assert all(line.startswith(b"200 ") for line in r.stdout.splitlines())


def test_client_posts_1mib_to_nghttpd(nghttpd, payload):
    # nghttpd reads and drops request bodies; the whole 1 MiB must get through its windows.
    r = client("-q", "--data", str(payload), f"{nghttpd}/index.html")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"200 {nghttpd}/index.html\n".encode()


def test_client_ping_nghttpd(nghttpd):
    r = client("-q", "--ping", f"{nghttpd}/index.html")
    assert r.returncode == 0, r.stderr
    assert re.search(rb"^PING ack h2-sync! in [\d.]+ ms$", r.stdout, re.M)


def test_client_missing_file_is_an_error_unless_allowed(nghttpd):
    assert client("-q", f"{nghttpd}/missing").returncode == 1
    assert client("-q", "--allow-errors", f"{nghttpd}/missing").returncode == 0


# ---- our client against our server ----

def test_client_get_prints_status_headers_body(server):
    r = client(f"{server}/")
    assert r.returncode == 0, r.stderr
    head, body = r.stdout.split(b"\n\n", 1)
    assert head.splitlines()[0] == b"HTTP/2 200"
    assert b"content-type: text/plain; charset=utf-8" in head.splitlines()
    assert body == HELLO


def test_client_prints_trailers_after_body(server):
    r = client(f"{server}/trailers")
    assert r.returncode == 0, r.stderr
    trailers = f"x-trailer: done\nx-body-length: {len(TRAILERS_BODY)}\n".encode()
    assert r.stdout.endswith(TRAILERS_BODY + trailers)


def test_client_100_concurrent_urls(server):
    urls = [f"{server}/?n={i}" for i in range(100)]
    r = client("-q", *urls)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().splitlines() == [f"200 {u}" for u in urls]


def test_client_post_1mib_echo(server, payload, tmp_path):
    r = client("--data", str(payload), "-o", str(tmp_path / "echo"), f"{server}/echo")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "echo").read_bytes() == payload.read_bytes()


def test_client_ping(server):
    r = client("-q", "--ping", f"{server}/")
    assert r.returncode == 0, r.stderr
    assert re.search(rb"^PING ack h2-sync! in [\d.]+ ms$", r.stdout, re.M)


def test_client_exit_status_follows_404(server):
    assert client("-q", f"{server}/nowhere").returncode == 1
    assert client("-q", "--allow-errors", f"{server}/nowhere").returncode == 0


def test_client_connection_refused_is_an_error():
    assert client(f"http://127.0.0.1:{free_port()}/").returncode == 2


# ---- python3-h2 driving a socket against our server ----

class H2Client:
    """A minimal blocking h2 client; windows are acknowledged only as the body is consumed."""

    def __init__(self, url, window=None):
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        if window is not None:
            self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window})
        self.flush()
        self.responses = {}  # stream id -> what arrived so far
        self.ping_acks = []
        self.largest_data_frame = 0

    def flush(self):
        self.sock.sendall(self.conn.data_to_send())

    def read_events(self):
        data = self.sock.recv(65536)
        assert data, "server closed the connection"
        for event in self.conn.receive_data(data):
            response = self.responses.get(getattr(event, "stream_id", None))
            if isinstance(event, h2.events.ResponseReceived):
                response["headers"] = dict(event.headers)
            elif isinstance(event, h2.events.DataReceived):
                response["body"] += event.data
                self.largest_data_frame = max(self.largest_data_frame, len(event.data))
                # Consumed: only now may the server send more.
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.TrailersReceived):
                response["trailers"] = dict(event.headers)
            elif isinstance(event, h2.events.StreamEnded):
                response["ended"] = True
            elif isinstance(event, h2.events.StreamReset):
                pytest.fail(f"stream {event.stream_id} reset: {event.error_code!r}")
            elif isinstance(event, h2.events.PingAckReceived):
                self.ping_acks.append(event.ping_data)
            elif isinstance(event, h2.events.ConnectionTerminated):
                pytest.fail(f"GOAWAY: {event.error_code!r}")
        self.flush()

    def request(self, method, path, body=b""):
        sid = self.conn.get_next_available_stream_id()
        response = self.responses[sid] = {"headers": None, "body": b"", "trailers": None,
                                          "ended": False}
        self.conn.send_headers(sid, [(":method", method), (":scheme", "http"),
                                     (":authority", "localhost"), (":path", path)],
                               end_stream=not body)
        self.flush()
        sent = 0
        while sent < len(body):
            n = min(len(body) - sent, self.conn.local_flow_control_window(sid),
                    self.conn.max_outbound_frame_size)
            if n > 0:
                self.conn.send_data(sid, body[sent:sent + n], end_stream=sent + n == len(body))
                sent += n
                self.flush()
            else:
                self.read_events()  # window exhausted: wait for WINDOW_UPDATE
        while not response["ended"]:
            self.read_events()
        return response

    def ping(self, opaque):
        self.conn.ping(opaque)
        self.flush()
        while opaque not in self.ping_acks:
            self.read_events()

    def close(self):
        self.conn.close_connection()
        self.flush()
        self.sock.close()


@pytest.fixture
def h2client(server):
    c = H2Client(server, window=16384)
    yield c
    c.close()


def test_python_h2_get(h2client):
    r = h2client.request("GET", "/")
    assert r["headers"][b":status"] == b"200"
    assert r["headers"][b"content-type"] == b"text/plain; charset=utf-8"
    assert r["body"] == HELLO


def test_python_h2_post_1mib_through_16k_window(h2client, payload):
    # The client's stream window is 16 KiB and it acknowledges only what it has read, so
    # the echo must follow the window; h2 raises FlowControlError if the server overruns it.
    body = payload.read_bytes()
    r = h2client.request("POST", "/echo", body)
    assert r["headers"][b":status"] == b"200"
    assert r["body"] == body
    assert 0 < h2client.largest_data_frame <= 16384


def test_python_h2_trailers(h2client):
    r = h2client.request("GET", "/trailers")
    assert r["headers"][b":status"] == b"200"
    assert r["body"] == TRAILERS_BODY
    assert r["trailers"] == {b"x-trailer": b"done",
                             b"x-body-length": str(len(TRAILERS_BODY)).encode()}


def test_python_h2_ping(h2client):
    h2client.ping(b"py-h2-ok")
    assert h2client.ping_acks == [b"py-h2-ok"]


def test_python_h2_several_requests_on_one_connection(h2client):
    assert h2client.request("POST", "/echo", b"abc")["body"] == b"abc"
    assert h2client.request("PUT", "/echo", b"")["body"] == b""
    assert h2client.request("GET", "/nowhere")["headers"][b":status"] == b"404"
    assert h2client.request("GET", "/echo")["headers"][b":status"] == b"405"


# ---- shutdown ----

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_server_exits_cleanly_on_signal_with_a_connection_open(sig):
    proc, port = start_server()
    c = H2Client(f"http://127.0.0.1:{port}")
    assert c.request("GET", "/")["body"] == HELLO
    os.kill(proc.pid, sig)
    try:
        assert proc.wait(timeout=5) == 0
    finally:
        stop(proc, signal.SIGKILL)
    # The open connection was told with a GOAWAY before the socket closed.
    events = []
    while data := c.sock.recv(65536):
        events += c.conn.receive_data(data)
    assert any(isinstance(e, h2.events.ConnectionTerminated) and e.error_code == 0 for e in events)
    c.sock.close()
