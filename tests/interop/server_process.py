"""Starts and stops one h2server process for a test: free port, bounded waits, stop by PID.

The binary is $H2SERVER (ctest sets it), else build/bin/h2server of the checkout.
"""

import os
import re
import resource
import signal
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
H2SERVER = os.environ.get("H2SERVER", os.path.join(ROOT, "build", "bin", "h2server"))
# ctest sets H2_SANITIZED=1 for ASan/TSan builds: their allocators keep freed memory in
# quarantine and add shadow memory, so RSS figures say nothing about the engine there.
SANITIZED = os.environ.get("H2_SANITIZED", "0") not in ("", "0", "OFF")


def raise_nofile(want=32768):
    """Soft RLIMIT_NOFILE up to the hard limit, and the hard limit up to `want` where we may
    (root); for the current process and, via preexec_fn, the server. Returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            return want
        except (ValueError, OSError):
            pass
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


class ServerProcess:
    """stdout and stderr go to files (spdlog writes to stdout: a pipe nobody reads could fill
    up and block the server); the "listening on" line is polled from the file."""

    def __init__(self, actors, log_path, extra_args=(), workers=2, log_level="warn"):
        self.args = [H2SERVER, "--port", "0", "--workers", str(workers), "--actors", actors,
                     "--no-pin", "--log-level", log_level, *extra_args]
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, preexec_fn=raise_nofile)
        match = None
        deadline = time.monotonic() + 15
        while match is None and time.monotonic() < deadline and self.alive():
            match = re.search(r"^listening on 127\.0\.0\.1:(\d+)", self.log_text(), re.M)
            if match is None:
                time.sleep(0.01)
        if not match:
            self.kill()
            raise AssertionError(f"h2server did not start; output: {self.log_text()}")
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def rss(self):
        return rss_bytes(self.proc.pid)

    def log_text(self, tail=None):
        with open(self.log_path, "rb") as f:
            text = f.read().decode(errors="replace")
        return text if tail is None else text[-tail:]

    @property
    def stopped_line(self):
        """The counters h2server prints once it stopped ("" before)."""
        found = re.findall(r"^stopped: .*$", self.log_text(), re.M)
        return found[-1] if found else ""

    def terminate(self, timeout=15):
        """SIGTERM (graceful shutdown); returns (exit status, seconds it took to exit)."""
        started = time.monotonic()
        if self.alive():
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"h2server did not exit within {timeout}s of SIGTERM")
        return self.proc.returncode, time.monotonic() - started

    def kill(self):
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
