#!/usr/bin/env python3
"""In-memory HTTP/2 exchange loop in Python, our h2 binding beside Debian's python3-h2.

The loop of bench/bench_exchange.cc written against h2's API: a client and a server
H2Connection joined by buffers, 100 streams in flight, a GET with 8 headers answered by
200 + content-type + content-length + a 100-byte body. Each implementation runs in its own
process (both are imported as `h2`); the parent prints exchanges/s for both and the ratio.

  /usr/bin/python3 bench/bench_python_exchange.py --build build      # both, with the ratio
  /usr/bin/python3 bench/bench_python_exchange.py --impl ours --build build
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

IN_FLIGHT = 100
BODY = b"b" * 100
REQUEST = [
    (":method", "GET"),
    (":scheme", "https"),
    (":authority", "www.example.com"),
    (":path", "/index.html"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"),
    ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("accept-encoding", "gzip, deflate, br"),
    ("cookie", "session=8f14e45fceea167a5a36dedd4bea2543; theme=dark"),
]
RESPONSE = [(":status", "200"), ("content-type", "text/html; charset=utf-8"),
            ("content-length", "100")]


def run_loop(seconds: float) -> dict:
    """Runs rounds of IN_FLIGHT exchanges for about `seconds`; returns the measurement."""
    import h2.config
    import h2.connection
    import h2.events

    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    server = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    request_received = h2.events.RequestReceived
    data_received = h2.events.DataReceived
    stream_ended = h2.events.StreamEnded
    responses = 0

    def pump() -> None:
        nonlocal responses
        moved = True
        while moved:
            moved = False
            out = client.data_to_send()
            if out:
                for e in server.receive_data(out):
                    if type(e) is request_received:
                        server.send_headers(e.stream_id, RESPONSE)
                        server.send_data(e.stream_id, BODY, end_stream=True)
                moved = True
            out = server.data_to_send()
            if out:
                for e in client.receive_data(out):
                    if type(e) is data_received:
                        client.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                    elif type(e) is stream_ended:
                        responses += 1
                moved = True

    def one_round() -> None:
        for _ in range(IN_FLIGHT):
            client.send_headers(client.get_next_available_stream_id(), REQUEST, end_stream=True)
        pump()

    client.initiate_connection()
    server.initiate_connection()
    pump()
    one_round()  # warm-up
    rounds = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        one_round()
        rounds += 1
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    exchanges = rounds * IN_FLIGHT
    if responses < (rounds + 1) * IN_FLIGHT:
        raise SystemExit(f"responses missing: {responses} of {(rounds + 1) * IN_FLIGHT}")
    return {"module": h2.__file__, "exchanges": exchanges, "wall_s": wall, "cpu_s": cpu,
            "exchanges_per_s": exchanges / cpu, "us_per_exchange": cpu / exchanges * 1e6}


def child_env(impl: str, build: str) -> dict:
    env = dict(os.environ)
    if impl == "ours":
        env["PYTHONPATH"] = os.path.join(os.path.abspath(build), "python")
    else:
        env.pop("PYTHONPATH", None)  # Debian's python3-h2 from /usr/lib/python3/dist-packages
    return env


def measure(impl: str, build: str, seconds: float) -> dict:
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", "--seconds", str(seconds)],
        env=child_env(impl, build), check=True, capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default="build", help="build directory holding python/h2")
    p.add_argument("--impl", choices=["ours", "debian", "both"], default="both")
    p.add_argument("--seconds", type=float, default=3.0, help="measuring time per run")
    p.add_argument("--repetitions", type=int, default=3, help="runs per implementation (best)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(run_loop(args.seconds)))
        return
    impls = ["ours", "debian"] if args.impl == "both" else [args.impl]
    best = {}
    for _ in range(args.repetitions):
        for impl in impls:
            r = measure(impl, args.build, args.seconds)
            if impl not in best or r["exchanges_per_s"] > best[impl]["exchanges_per_s"]:
                best[impl] = r
    for impl, r in best.items():
        print(f"{impl:7s} {r['exchanges_per_s']:12.0f} exchanges/s  "
              f"{r['us_per_exchange']:8.2f} us CPU/exchange  ({r['module']})")
    if len(best) == 2:
        print(f"Ratio   ours/debian = {best['ours']['exchanges_per_s'] / best['debian']['exchanges_per_s']:.1f}x")


if __name__ == "__main__":
    main()
