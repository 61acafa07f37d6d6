"""h2bench's network driver on loopback (issue 6 point 4): against h2server (the engine),
Debian's nghttpd and a misbehaving python3-h2 server (misbehaving_server.py).

- `-n N` gives exactly N responses, for several -c/-m/-t, and `{n}` reaches the server;
- `--rate` holds 10k and 100k requests/s (achieved rate from the JSON of a -D run);
- percentiles of /delay/50 agree with the delay within the histogram's precision;
- resets, closed connections, GOAWAY, malformed responses, refused and unreachable servers
  are counted with their reason, exit status 2, never a hang;
- the JSON keys are the documented set, the HTML report is well-formed and self-contained;
- bad flags: usage message, exit status 1.

Binaries: $H2BENCH and $H2SERVER (ctest sets them), else build/bin of the checkout. Every
server is started on a port the kernel picks, stopped by PID in a fixture finaliser, and every
wait is bounded (subprocess timeouts).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest

from server_process import ROOT, SANITIZED, ServerProcess

HERE = os.path.dirname(os.path.abspath(__file__))
H2BENCH = os.environ.get("H2BENCH", os.path.join(ROOT, "build", "bin", "h2bench"))
TIMEOUT = 60  # seconds for any one h2bench run


# ---- helpers ------------------------------------------------------------------------------

class Run:
    def __init__(self, proc, elapsed, json_path):
        self.status = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.elapsed = elapsed
        self.json = None
        if json_path and os.path.exists(json_path):
            with open(json_path) as f:
                self.json = json.load(f)

    def summary_counts(self):
        """The numbers of the h2load-style "requests:" line."""
        m = re.search(r"^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                      r"(\d+) failed, (\d+) errored, (\d+) timeout$", self.stdout, re.M)
        assert m, self.stdout
        keys = ("total", "started", "done", "succeeded", "failed", "errored", "timeout")
        return dict(zip(keys, map(int, m.groups())))

    def errors(self):
        return {k: v for k, v in self.json["errors"].items() if v}


def h2bench(tmp_path, *args, timeout=TIMEOUT, json_file=True):
    json_path = str(tmp_path / f"run-{time.monotonic_ns()}.json") if json_file else None
    cmd = [H2BENCH, "--no-progress", *map(str, args)] + (["--json", json_path] if json_path else [])
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    run = Run(proc, time.monotonic() - started, json_path)
    assert "Sanitizer" not in run.stderr, run.stderr
    assert "runtime error" not in run.stderr, run.stderr
    return run


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc):
    """SIGTERM, then SIGKILL after 5 s: by PID, never by name."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def wait_for_port(proc, port, what):
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                pytest.fail(f"{what} did not start")
            time.sleep(0.02)


# ---- servers ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def h2server(tmp_path_factory):
    """One h2server for the module (2 workers, inline actors); killed by PID at the end."""
    srv = ServerProcess("inline", str(tmp_path_factory.mktemp("h2server") / "h2server.log"))
    yield srv
    srv.kill()


@pytest.fixture(scope="module")
def nghttpd(tmp_path_factory):
    if not shutil.which("nghttpd"):
        pytest.skip("nghttpd not installed")
    www = tmp_path_factory.mktemp("www")
    (www / "f1k").write_bytes(b"x" * 1000)
    for i in range(10):  # /f{n} for n in 0..9: file n holds n bytes
        (www / f"f{i}").write_bytes(b"y" * i)
    port = free_port()
    proc = subprocess.Popen(["nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", str(www), str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(proc, port, "nghttpd")
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture
def misbehaving(tmp_path):
    """misbehaving("reset-odd") -> base URL of a misbehaving_server.py in that mode."""
    started = []

    def start(*mode):
        log = open(tmp_path / f"misbehaving-{len(started)}.log", "w+")
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "misbehaving_server.py"),
                                 *map(str, mode)], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        started.append(proc)
        deadline = time.monotonic() + 10
        while True:
            log.seek(0)
            m = re.search(r"listening on (\d+)", log.read())
            if m:
                return f"http://127.0.0.1:{m.group(1)}"
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("misbehaving_server.py did not start")
            time.sleep(0.02)

    yield start
    for proc in started:
        stop(proc)


def assert_exactly(run, n, data_bytes=None):
    assert run.status == 0, run.stdout + run.stderr
    counts = run.summary_counts()
    assert counts == {"total": n, "started": n, "done": n, "succeeded": n, "failed": 0,
                      "errored": 0, "timeout": 0}
    r = run.json["requests"]
    assert (r["total"], r["started"], r["done"], r["succeeded"], r["failed"]) == (n, n, n, n, 0)
    assert run.json["status_codes"]["2xx"] == n
    assert run.json["time_for_request"]["count"] == n
    assert sum(s["completed"] for s in run.json["timeline"]) == n
    if data_bytes is not None:
        assert run.json["traffic"]["data_bytes"] == data_bytes


# ---- --tcp-congestion ------------------------------------------------------------------

def test_tcp_congestion_reaches_the_client_sockets(h2server, tmp_path):
    with open("/proc/sys/net/ipv4/tcp_congestion_control") as f:
        want = "cubic" if f.read().strip() == "reno" else "reno"  # not the default, so it shows
    ss = shutil.which("ss")
    if not ss:
        pytest.skip("ss (iproute2) not installed")
    # /delay keeps the connection open long enough for ss to see it.
    proc = subprocess.Popen([H2BENCH, "--no-progress", "-n", "2", "-c", "1", "--tcp-congestion",
                             want, f"{h2server.url}/delay/1000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = ""
        deadline = time.monotonic() + TIMEOUT
        while not re.search(rf"\b{want}\b", seen) and time.monotonic() < deadline \
                and proc.poll() is None:
            seen = subprocess.run([ss, "-tinH", "state", "established",
                                   f"( dport = :{h2server.port} )"], capture_output=True,
                                  text=True, timeout=TIMEOUT).stdout
            time.sleep(0.02)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        stop(proc)
    assert re.search(rf"\b{want}\b", seen), seen
    assert proc.returncode == 0, out + err
    assert "2 succeeded" in out, out


# ---- -n N: exactly N responses ------------------------------------------------------------

SHAPES = [  # (n, c, m, t)
    (1, 1, 1, 1),
    (1000, 1, 1, 1),
    (5000, 4, 10, 2),
    (3001, 7, 3, 2),  # n not a multiple of c, c not a multiple of t
    (20000, 64, 32, 2),
]


@pytest.mark.parametrize("n,c,m,t", SHAPES)
def test_n_requests_give_exactly_n_responses_from_h2server(h2server, tmp_path, n, c, m, t):
    run = h2bench(tmp_path, "-n", n, "-c", c, "-m", m, "-t", t, f"{h2server.url}/bytes/100")
    assert_exactly(run, n, data_bytes=100 * n)


@pytest.mark.parametrize("n,c,m,t", SHAPES)
def test_n_requests_give_exactly_n_responses_from_nghttpd(nghttpd, tmp_path, n, c, m, t):
    run = h2bench(tmp_path, "-n", n, "-c", c, "-m", m, "-t", t, f"{nghttpd}/f1k")
    assert_exactly(run, n, data_bytes=1000 * n)


def test_header_bytes_and_space_savings_match_h2load(h2server, tmp_path):
    """The compressed header bytes are read off the wire (HEADERS + CONTINUATION payloads), so
    against the same server with the same shape they equal h2load's, and so does the saving."""
    if not shutil.which("h2load"):
        pytest.skip("h2load not installed")
    args = ["-n", "3000", "-c", "3", "-m", "4", f"{h2server.url}/bytes/100"]
    pattern = r"traffic: .* \((\d+)\) headers \(space savings ([\d.]+)%\)"
    ours = re.search(pattern, h2bench(tmp_path, *args).stdout)
    ref = subprocess.run(["h2load", *args], capture_output=True, text=True, timeout=TIMEOUT)
    theirs = re.search(pattern, ref.stdout)
    assert ours and theirs, ref.stdout
    assert int(ours.group(1)) > 0
    assert (ours.group(1), ours.group(2)) == (theirs.group(1), theirs.group(2))


@pytest.mark.parametrize("c,m,t", [(1, 1, 1), (3, 8, 2)])
def test_path_counter_reaches_h2server(h2server, tmp_path, c, m, t):
    # /bytes/{n}: request n asks for n bytes, so the body total is 0 + 1 + ... + (N-1) exactly
    # when every counter value from 0 to N-1 was sent once.
    n = 500
    run = h2bench(tmp_path, "-n", n, "-c", c, "-m", m, "-t", t, f"{h2server.url}/bytes/{{n}}")
    assert_exactly(run, n, data_bytes=n * (n - 1) // 2)


def test_path_counter_reaches_nghttpd(nghttpd, tmp_path):
    # Files f0..f9 hold 0..9 bytes: ten requests for /f{n} fetch each file once.
    run = h2bench(tmp_path, "-n", 10, "-c", 2, "-m", 2, f"{nghttpd}/f{{n}}")
    assert_exactly(run, 10, data_bytes=45)


def test_counter_with_several_uris_goes_round_robin(h2server, tmp_path):
    # Request s uses URI s mod 2: /bytes/{n} for even s, /bytes/1 for odd s.
    n = 100
    run = h2bench(tmp_path, "-n", n, f"{h2server.url}/bytes/{{n}}", f"{h2server.url}/bytes/1")
    assert_exactly(run, n, data_bytes=sum(range(0, n, 2)) + n // 2)


# ---- --rate -------------------------------------------------------------------------------

def achieved_rate(run):
    """Requests sent per second of measurement (the schedule's output), and completions/s."""
    measured = run.json["measured_s"]
    return run.json["requests"]["started"] / measured, run.json["requests_per_s"]


@pytest.mark.parametrize("rate", [10000, 100000])
def test_rate_is_held_within_two_percent(h2server, tmp_path, rate):
    run = h2bench(tmp_path, "--rate", rate, "-D", "2s", "--warm-up-time", "0.5s", "-c", 8,
                  "-m", 64, f"{h2server.url}/bytes/10")
    assert run.status == 0, run.stdout + run.stderr
    sent, completed = achieved_rate(run)
    print(f"--rate {rate}: sent {sent:.0f}/s, completed {completed:.0f}/s, service p99 "
          f"{run.json['service_time']['percentiles_us']['p99']:.0f} us")
    assert run.json["config"]["rate"] == rate
    if SANITIZED and rate > 10000:
        pytest.skip(f"sanitizer build: {completed:.0f}/s of {rate}/s (reported, not asserted)")
    assert abs(sent - rate) <= 0.02 * rate
    assert abs(completed - rate) <= 0.02 * rate


# ---- latency against /delay/MS ------------------------------------------------------------

def test_delay_percentiles_agree_with_the_delay(h2server, tmp_path):
    run = h2bench(tmp_path, "-n", 40, "-c", 4, "-m", 10, f"{h2server.url}/delay/50")
    assert run.status == 0, run.stdout + run.stderr
    t = run.json["time_for_request"]
    p = t["percentiles_us"]
    # The server's timer wheel ticks every 1 ms; loopback and scheduling add a little more.
    bound = 50000 + (40000 if SANITIZED else 15000)
    assert t["min_us"] >= 50000
    assert 50000 <= p["p50"] <= bound
    assert p["p50"] <= p["p90"] <= p["p99"] <= p["max"] == t["max_us"]
    # Percentiles are the top of a bucket clamped to the exact max: over by < 1/1024.
    assert p["p99"] <= t["max_us"] * (1 + 1 / 1024)
    assert t["max_us"] <= bound + 50000


def test_open_loop_latency_counts_from_the_intended_start(h2server, tmp_path):
    # 2 requests/s on one connection with -m 1 and a 50 ms server: never queued, so the
    # corrected latency equals the service time, and both are >= 50 ms.
    run = h2bench(tmp_path, "--rate", 20, "-n", 10, "-c", 1, "-m", 1, f"{h2server.url}/delay/50")
    assert run.status == 0, run.stdout + run.stderr
    assert run.json["service_time"]["min_us"] >= 50000
    assert run.json["time_for_request"]["min_us"] >= run.json["service_time"]["min_us"] - 1000


# ---- failures: counted with their reason, exit 2, no hang ---------------------------------

def assert_failed_run(run, n, max_seconds=20):
    assert run.status == 2, run.stdout + run.stderr
    assert run.elapsed < max_seconds
    r = run.json["requests"]
    assert r["total"] == n
    assert r["failed"] == n - r["succeeded"]
    assert sum(run.json["errors"].values()) == r["errored"]
    assert run.json["verdict"]["exit_status"] == 2
    assert re.search(r"h2bench: \d+ of \d+ requests failed", run.stderr), run.stderr


def test_reset_streams_are_counted(misbehaving, tmp_path):
    url = misbehaving("reset-odd")
    run = h2bench(tmp_path, "-n", 40, "-c", 1, "-m", 4, f"{url}/x")
    assert_failed_run(run, 40)
    assert run.json["requests"]["succeeded"] == 20
    assert run.errors() == {"stream_reset": 20}
    assert "errors: 20 stream_reset" in run.stdout


def test_closed_connections_are_counted(misbehaving, tmp_path):
    url = misbehaving("close-after", 5)
    run = h2bench(tmp_path, "-n", 40, "-c", 2, "-m", 4, f"{url}/x")
    assert_failed_run(run, 40)
    assert run.json["requests"]["succeeded"] == 10
    assert run.errors() == {"connection_closed": 30}
    # Nothing is reported as started that never left the client.
    assert run.json["requests"]["started"] <= 10 + 2 * 4


def test_goaway_mid_run_is_counted(misbehaving, tmp_path):
    url = misbehaving("goaway-after", 5)
    run = h2bench(tmp_path, "-n", 40, "-c", 2, "-m", 4, f"{url}/x")
    # The server waits 5 s for us to close: we must not wait for it.
    assert_failed_run(run, 40, max_seconds=4)
    assert run.json["requests"]["succeeded"] == 10
    assert run.errors() == {"goaway": 30}


def test_goaway_mid_duration_run_ends(misbehaving, tmp_path):
    url = misbehaving("goaway-after", 5)
    run = h2bench(tmp_path, "-D", "1s", "-c", 2, "-m", 4, f"{url}/x")
    assert run.status == 2, run.stdout + run.stderr
    assert run.elapsed < 4
    assert run.json["requests"]["succeeded"] == 10
    assert run.json["errors"]["goaway"] > 0


def test_malformed_responses_are_counted(misbehaving, tmp_path):
    url = misbehaving("no-status")
    run = h2bench(tmp_path, "-n", 20, "-c", 2, "-m", 4, f"{url}/x")
    assert_failed_run(run, 20)
    assert run.json["requests"]["succeeded"] == 0
    assert run.json["errors"]["protocol_error"] > 0
    assert set(run.errors()) <= {"protocol_error", "connection_closed"}


def test_refused_port_is_counted(tmp_path):
    port = free_port()  # nobody listens there any more
    run = h2bench(tmp_path, "-n", 10, "-c", 2, f"http://127.0.0.1:{port}/")
    assert_failed_run(run, 10)
    assert run.errors() == {"connect_refused": 10}
    assert run.json["connection_errors"]["connect_refused"] == 2


def test_unreachable_address_is_counted(tmp_path):
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): no route (this sandbox answers with a refusal), or
    # a SYN nobody answers.
    run = h2bench(tmp_path, "-n", 4, "-c", 2, "--connect-timeout", "1s", "http://192.0.2.1:80/")
    assert_failed_run(run, 4, max_seconds=10)
    assert set(run.errors()) <= {"connect_timeout", "connect_error", "connect_refused"}
    assert sum(run.errors().values()) == 4


def test_connect_timeout_is_counted_and_ends_the_run(tmp_path):
    # A listener whose accept queue is full: SYNs are dropped, connect() hangs.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        try:
            for _ in range(3):
                s = socket.socket()
                s.setblocking(False)
                try:
                    s.connect(("127.0.0.1", port))
                except BlockingIOError:
                    pass
                fillers.append(s)
            time.sleep(0.2)
            run = h2bench(tmp_path, "-n", 4, "-c", 2, "--connect-timeout", "1s",
                          f"http://127.0.0.1:{port}/", timeout=8)
        finally:
            for s in fillers:
                s.close()
    assert_failed_run(run, 4, max_seconds=8)
    assert run.errors() == {"connect_timeout": 4}


def test_server_stopping_mid_run_is_counted(tmp_path):
    # h2server's SIGTERM: GOAWAY, in-flight streams finish, then the connections close.
    srv = ServerProcess("inline", str(tmp_path / "h2server.log"), workers=1)
    try:
        proc = subprocess.Popen([H2BENCH, "--no-progress", "-D", "30s", "-c", "4", "-m", "8",
                                 "--json", str(tmp_path / "stop.json"),
                                 f"{srv.url}/delay/5"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        srv.terminate()
        out, err = proc.communicate(timeout=20)
    finally:
        srv.kill()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
    assert proc.returncode == 2, out + err
    with open(tmp_path / "stop.json") as f:
        result = json.load(f)
    assert result["requests"]["succeeded"] > 0
    assert sum(result["errors"].values()) > 0


# ---- JSON and HTML ------------------------------------------------------------------------

REASONS = ["connect_refused", "connect_timeout", "connect_error", "connection_closed", "goaway",
           "stream_reset", "protocol_error", "malformed_response", "inactivity_timeout",
           "active_timeout", "stopped", "other"]
STATS = ["count", "min_us", "max_us", "mean_us", "sd_us", "within_sd_percent"]
PERCENTILES = ["p50", "p90", "p99", "p99_9", "p99_99", "max"]
# docs/h2bench.md "JSON", flattened.
DOCUMENTED_KEYS = (
    {"schema", "tool", "finished_in_s", "measured_s", "requests_per_s", "bytes_per_s", "timeline"}
    | {f"config.{k}" for k in ["uris", "method", "requests", "clients", "threads",
                                "max_concurrent_streams", "duration_s", "warm_up_s", "rate",
                                "headers", "body_bytes", "connect_timeout_s",
                                "inactivity_timeout_s", "active_timeout_s", "max_error_rate"]}
    | {f"requests.{k}" for k in ["total", "started", "done", "succeeded", "failed", "errored",
                                  "timeout", "not_sent", "abandoned"]}
    | {f"status_codes.{k}" for k in ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]}
    | {f"errors.{r}" for r in REASONS} | {f"connection_errors.{r}" for r in REASONS}
    | {f"traffic.{k}" for k in ["total_bytes", "header_bytes", "header_decoded_bytes",
                                 "header_space_savings_percent", "data_bytes"]}
    | {f"{h}.{k}" for h in ["time_for_request", "time_to_response_headers", "service_time"]
       for k in STATS + [f"percentiles_us.{p}" for p in PERCENTILES] + ["percentile_curve_us"]}
    | {f"{h}.{k}" for h in ["time_for_connect", "time_to_1st_byte"] for k in STATS}
    | {f"client_requests_per_s.{k}" for k in ["count", "min", "max", "mean", "sd",
                                               "within_sd_percent"]}
    | {f"verdict.{k}" for k in ["error_rate", "max_error_rate", "exit_status"]})


def flatten(obj, prefix=""):
    if isinstance(obj, dict):
        keys = set()
        for k, v in obj.items():
            keys |= flatten(v, f"{prefix}.{k}" if prefix else k)
        return keys
    return {prefix}


def test_json_keys_are_the_documented_set(h2server, tmp_path):
    run = h2bench(tmp_path, "-n", 200, "-c", 2, "-m", 4, f"{h2server.url}/bytes/10")
    assert run.status == 0
    assert flatten(run.json) == DOCUMENTED_KEYS
    assert set(run.json["timeline"][0]) == {"second", "completed", "succeeded", "errors",
                                            "data_bytes"}
    with open(os.path.join(ROOT, "docs", "h2bench.md")) as f:
        doc = f.read()
    for key in DOCUMENTED_KEYS:  # every leaf name is in the documentation
        assert key.split(".")[-1] in doc, key


class ReportChecker(HTMLParser):
    FETCHING_TAGS = {"script", "link", "img", "iframe", "object", "embed", "video", "audio",
                     "source", "image", "use", "base", "frame"}

    def __init__(self):
        super().__init__()
        self.tags = []
        self.fetches = []
        self.style = ""
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.in_style = tag == "style"
        if tag in self.FETCHING_TAGS:
            self.fetches.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "action", "data", "poster"):
                self.fetches.append(f"{name}={value!r}")
            if value and re.search(r"https?://|url\(", value):
                self.fetches.append(f"{name}={value!r}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.in_style = False

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data


@pytest.mark.parametrize("mode", ["closed", "open"])
def test_html_report_is_well_formed_and_self_contained(h2server, tmp_path, mode):
    report = tmp_path / "report.html"
    extra = ["--rate", "2000", "-D", "1s"] if mode == "open" else ["-n", "2000"]
    run = h2bench(tmp_path, *extra, "-c", 2, "-m", 8, "--report", str(report),
                  f"{h2server.url}/bytes/{{n}}")
    assert run.status == 0, run.stdout + run.stderr
    text = report.read_text()
    checker = ReportChecker()
    checker.feed(text)
    checker.close()
    assert checker.fetches == []
    assert "url(" not in checker.style and "@import" not in checker.style
    assert {"html", "head", "body", "svg"} <= set(checker.tags)
    assert checker.tags.count("svg") >= 2  # percentiles and throughput
    ElementTree.fromstring(text[text.index("<html"):])  # well-formed as XML too
    # http:// appears only as the text of the URI under test.
    for m in re.finditer(r"https?://[^\s<\"']*", text):
        assert m.group(0).startswith(h2server.url), m.group(0)


# ---- bad flags ----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--no-such-flag", "http://127.0.0.1:1/"],
    ["-n", "many", "http://127.0.0.1:1/"],
    ["-c", "0", "http://127.0.0.1:1/"],
    ["-c", "1", "-t", "2", "http://127.0.0.1:1/"],
    ["--rate", "-5", "http://127.0.0.1:1/"],
    ["-D", "soon", "http://127.0.0.1:1/"],
    ["-H", "connection: close", "http://127.0.0.1:1/"],
    ["https://127.0.0.1:1/"],
    ["ftp://127.0.0.1:1/"],
    [],
])
def test_bad_flags_give_usage_and_status_1(tmp_path, args):
    run = h2bench(tmp_path, *args, timeout=10, json_file=False)
    assert run.status == 1, (args, run.stdout, run.stderr)
    assert "Usage: h2bench" in run.stderr
    assert "Try 'h2bench --help'" in run.stderr
    assert run.stdout == ""
