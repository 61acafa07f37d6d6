#!/usr/bin/env python3
"""
Runs scripted client/server scenarios against whichever `h2` the interpreter imports and
prints, as JSON, everything observable: the bytes each call queued, the events each read
returned, and the class of the first exception (which ends the scenario).

test_differential.py runs it twice, once on our binding (PYTHONPATH=<build>/python) and once
on Debian's python3-h2 (/usr/lib/python3/dist-packages), with the same scenarios, and
compares the traces.

Input on stdin: a list of scenarios, each a list of actions [name, args...] (see ACTIONS).
"""
from __future__ import annotations

import json
import sys

import h2.config
import h2.connection
import h2.events
import h2.exceptions
from hpack import HeaderTuple, NeverIndexedHeaderTuple


def header_list(spec):
    """[[flavour, name, value, as_text]] -> the header list the action passes."""
    out = []
    for flavour, name, value, as_text in spec:
        if not as_text:
            name, value = name.encode(), value.encode()
        if flavour == "never":
            out.append(NeverIndexedHeaderTuple(name, value))
        elif flavour == "tuple":
            out.append(HeaderTuple(name, value))
        else:
            out.append((name, value))
    return out


def plain(value):
    """Event field values as JSON."""
    if isinstance(value, (bytes, bytearray)):
        return {"b": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        flavour = "never" if isinstance(value, NeverIndexedHeaderTuple) else "idx"
        items = [plain(v) for v in value]
        return [flavour, *items] if isinstance(value, tuple) and len(value) == 2 else items
    if isinstance(value, dict):
        return sorted([int(k), plain(v)] for k, v in value.items())
    if isinstance(value, h2.events.Event):
        return type(value).__name__
    if hasattr(value, "new_value"):
        return [int(value.setting), value.original_value, value.new_value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    return repr(value)


EVENT_FIELDS = ("stream_id", "headers", "data", "flow_controlled_length", "stream_ended",
                "priority_updated", "delta", "changed_settings", "ping_data", "error_code",
                "remote_reset", "pushed_stream_id", "parent_stream_id", "weight", "depends_on",
                "exclusive", "last_stream_id", "additional_data", "origin", "field_value")


def event_record(e):
    rec = {"type": type(e).__name__}
    for f in EVENT_FIELDS:
        if hasattr(e, f):
            rec[f] = plain(getattr(e, f))
    return rec


class Pair:
    def __init__(self, header_encoding, options):
        self.conns = {
            "c": h2.connection.H2Connection(h2.config.H2Configuration(
                client_side=True, header_encoding=header_encoding, **options)),
            "s": h2.connection.H2Connection(h2.config.H2Configuration(
                client_side=False, header_encoding=header_encoding, **options)),
        }
        self.wire = {"c": b"", "s": b""}  # bytes each side queued, not yet delivered
        self.trace = []

    def collect(self, side):
        self.wire[side] += self.conns[side].data_to_send()

    def run(self, action):
        name, side, *args = action
        conn = self.conns[side]
        result = None
        if name == "deliver":  # everything `side` queued, to its peer, whole
            peer = "s" if side == "c" else "c"
            self.collect(side)
            data, self.wire[side] = self.wire[side], b""
            self.trace.append(["bytes", side, data.hex()])
            events = self.conns[peer].receive_data(data) if data else []
            self.trace.append(["events", peer, [event_record(e) for e in events]])
            for e in events:  # acknowledge what arrived, as an application would
                if isinstance(e, h2.events.DataReceived) and args and args[0]:
                    self.conns[peer].acknowledge_received_data(e.flow_controlled_length,
                                                               e.stream_id)
            self.collect(peer)
            return
        if name == "send_headers":
            sid, headers, end, prio = args
            kwargs = {}
            if prio:
                kwargs = {"priority_weight": prio[0], "priority_depends_on": prio[1],
                          "priority_exclusive": prio[2]}
            conn.send_headers(sid, header_list(headers), end_stream=end, **kwargs)
        elif name == "send_data":
            sid, size, end, pad = args
            conn.send_data(sid, b"d" * size, end_stream=end, pad_length=pad)
        elif name == "end_stream":
            conn.end_stream(args[0])
        elif name == "reset_stream":
            conn.reset_stream(args[0], args[1])
        elif name == "ping":
            conn.ping(bytes.fromhex(args[0]))
        elif name == "update_settings":
            conn.update_settings({int(k): v for k, v in args[0]})
        elif name == "increment":
            conn.increment_flow_control_window(args[0], stream_id=args[1])
        elif name == "prioritize":
            conn.prioritize(args[0], weight=args[1], depends_on=args[2], exclusive=args[3])
        elif name == "push_stream":
            conn.push_stream(args[0], args[1], header_list(args[2]))
        elif name == "close_connection":
            conn.close_connection(args[0])
        elif name == "next_id":
            result = conn.get_next_available_stream_id()
        elif name == "windows":
            result = [conn.local_flow_control_window(args[0]),
                      conn.remote_flow_control_window(args[0])]
        elif name == "initiate":
            conn.initiate_connection()
        else:
            raise SystemExit(f"unknown action {name}")
        self.collect(side)
        self.trace.append(["call", side, name, result])


def run_scenario(scenario):
    pair = Pair(scenario["header_encoding"], scenario.get("options", {}))
    for index, action in enumerate(scenario["actions"]):
        pair.trace.append(["action", index])
        try:
            pair.run(action)
        except h2.exceptions.H2Error as e:
            pair.trace.append(["error", type(e).__name__, int(getattr(e, "error_code", 0) or 0)])
            break
        except (ValueError, TypeError, KeyError) as e:
            pair.trace.append(["error", type(e).__name__])
            break
    pair.trace.append(["wire", pair.wire["c"].hex(), pair.wire["s"].hex()])
    return pair.trace


def main():
    scenarios = json.load(sys.stdin)
    json.dump({"h2": h2.__file__, "traces": [run_scenario(s) for s in scenarios]}, sys.stdout)


if __name__ == "__main__":
    main()
