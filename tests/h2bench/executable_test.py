#!/usr/bin/python3
"""h2bench end to end, mostly without a network (--simulate): exit statuses, the JSON file and
the HTML report; plus one refused loopback connection. The report must parse with html.parser and as XML, and fetch nothing: no
element or attribute that loads a resource, no url() or @import in the CSS.

Usage: executable_test.py /path/to/h2bench
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

H2BENCH = sys.argv[1]
URI = "http://127.0.0.1:1/item/{n}"
failures = []


def run(*args, timeout=60):
    return subprocess.run([H2BENCH, *args], capture_output=True, text=True, timeout=timeout)


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


class ResourceFinder(HTMLParser):
    """Collects the tags seen and anything that would make a browser fetch a resource."""
    FETCHING_TAGS = {"script", "link", "img", "iframe", "object", "embed", "video", "audio",
                     "source", "image", "use"}

    def __init__(self):
        super().__init__()
        self.tags = []
        self.fetches = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.in_style = tag == "style"
        if tag in self.FETCHING_TAGS:
            self.fetches.append("<%s>" % tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "action", "data", "poster"):
                self.fetches.append("%s=%r" % (name, value))
            if value and ("http://" in value or "https://" in value or "url(" in value):
                self.fetches.append("%s=%r" % (name, value))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.in_style = False

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style and ("url(" in data or "@import" in data):
            self.fetches.append("css: " + data.strip()[:60])


with tempfile.TemporaryDirectory() as tmp:
    json_path = os.path.join(tmp, "run.json")
    report_path = os.path.join(tmp, "run.html")

    # A clean run: exit 0, the h2load summary, both files written.
    done = run("--simulate", "latency=100us,body=100", "-n", "2000", "-c", "4", "-t", "2",
               "-m", "8", "--json", json_path, "--report", report_path, URI)
    check(done.returncode == 0, "clean run exits 0 (got %d: %s)" % (done.returncode, done.stderr))
    check("requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed" in done.stdout,
          "summary counts every request")
    check("time for request:" in done.stdout and "p99.99" in done.stdout,
          "summary has the table and the percentiles")

    with open(json_path) as f:
        figures = json.load(f)
    check(figures["requests"]["succeeded"] == 2000, "JSON counts the requests")
    check(figures["verdict"]["exit_status"] == 0, "JSON has the verdict")
    check(figures["config"]["uris"] == [URI], "JSON echoes the URIs")

    with open(report_path, encoding="utf-8") as f:
        html = f.read()
    finder = ResourceFinder()
    finder.feed(html)
    finder.close()
    check(finder.tags.count("svg") == 2, "report has two inline SVG plots")
    check(not finder.fetches, "report loads nothing: %s" % finder.fetches)
    try:
        ElementTree.fromstring(html.replace("<!DOCTYPE html>", "", 1))
    except ElementTree.ParseError as error:
        check(False, "report is well-formed XML: %s" % error)

    # Failures beyond --max-error-rate: exit 2; within it: 0.
    failing = run("--simulate", "reset-every=10", "-n", "100", URI)
    check(failing.returncode == 2, "10%% resets exit 2 by default (got %d)" % failing.returncode)
    check("errors: 10 stream_reset" in failing.stdout, "reasons are reported")
    tolerated = run("--simulate", "reset-every=10", "-n", "100", "--max-error-rate", "10%", URI)
    check(tolerated.returncode == 0, "10% resets pass with --max-error-rate 10%")
    statuses = run("--simulate", "status=404", "-n", "10", URI)
    check(statuses.returncode == 2, "4xx responses count as failed")

    # Bad command lines: exit 1 with a usage message.
    for args in (["--no-such-flag", URI], ["https://127.0.0.1/"], ["-c", "0", URI], []):
        bad = run(*args)
        check(bad.returncode == 1 and "Usage: h2bench" in bad.stderr,
              "bad command line %s exits 1 with usage" % args)
    check(run("--help").returncode == 0, "--help exits 0")

    # A refused connection (a port nobody listens on) is counted with its reason: exit 2,
    # promptly, never a hang.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refused = run("-n", "3", "--connect-timeout", "5s",
                  "http://127.0.0.1:%d/" % closed_port, timeout=60)
    check(refused.returncode == 2, "refused connection exits 2 (got %d)" % refused.returncode)
    check("connect_refused" in refused.stdout, "refusal is reported with its reason")

sys.exit(1 if failures else 0)
