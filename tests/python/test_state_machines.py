"""Connection and stream state machines (BEHAVIOUR.md §3 test_state_machines, §2.1, §2.2)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import h2.connection
import h2.exceptions
import h2.stream
from h2.connection import ConnectionInputs, ConnectionState
from h2.stream import StreamInputs, StreamState


@given(st.lists(st.sampled_from(list(ConnectionInputs)), max_size=20))
def test_connection_machine_transitions_or_closes(inputs):
    m = h2.connection.H2ConnectionStateMachine()
    for i in inputs:
        try:
            assert m.process_input(i) == []
        except h2.exceptions.ProtocolError:
            assert m.state == ConnectionState.CLOSED


def test_connection_machine_rejects_non_enum():
    m = h2.connection.H2ConnectionStateMachine()
    with pytest.raises(ValueError):
        m.process_input(1)


@pytest.mark.parametrize("setup", [[], [ConnectionInputs.SEND_HEADERS],
                                   [ConnectionInputs.RECV_HEADERS]])
@pytest.mark.parametrize("priority", [ConnectionInputs.SEND_PRIORITY,
                                      ConnectionInputs.RECV_PRIORITY])
def test_priority_allowed_in_open_states(setup, priority):
    m = h2.connection.H2ConnectionStateMachine()
    for i in setup:
        m.process_input(i)
    m.process_input(priority)
    assert m.state != ConnectionState.CLOSED


def test_connection_machine_roles():
    m = h2.connection.H2ConnectionStateMachine()
    m.process_input(ConnectionInputs.SEND_HEADERS)
    assert m.state == ConnectionState.CLIENT_OPEN
    with pytest.raises(h2.exceptions.ProtocolError):
        m.process_input(ConnectionInputs.SEND_PUSH_PROMISE)
    assert m.state == ConnectionState.CLOSED


@given(st.lists(st.sampled_from(list(StreamInputs)), max_size=20))
def test_stream_machine_transitions_or_closes(inputs):
    m = h2.stream.H2StreamStateMachine(1)
    for i in inputs:
        start = m.state
        try:
            m.process_input(i)
        except h2.exceptions.StreamClosedError:
            assert m.state == StreamState.CLOSED
            assert start in (StreamState.CLOSED, StreamState.HALF_CLOSED_REMOTE) or \
                i == StreamInputs.RECV_DATA
            break
        except h2.exceptions.ProtocolError:
            assert m.state == StreamState.CLOSED
            break


def test_stream_machine_rejects_non_enum():
    with pytest.raises(ValueError):
        h2.stream.H2StreamStateMachine(1).process_input(0)


def test_push_promise_rules_by_side():
    server_side = h2.stream.H2StreamStateMachine(1)
    server_side.process_input(StreamInputs.RECV_HEADERS)
    with pytest.raises(h2.exceptions.ProtocolError):
        server_side.process_input(StreamInputs.RECV_PUSH_PROMISE)
    client_side = h2.stream.H2StreamStateMachine(1)
    client_side.process_input(StreamInputs.SEND_HEADERS)
    with pytest.raises(h2.exceptions.ProtocolError):
        client_side.process_input(StreamInputs.SEND_PUSH_PROMISE)


@pytest.mark.parametrize("i,error", [
    (StreamInputs.SEND_HEADERS, h2.exceptions.StreamClosedError),
    (StreamInputs.SEND_RST_STREAM, h2.exceptions.StreamClosedError),
    (StreamInputs.SEND_DATA, h2.exceptions.StreamClosedError),
    (StreamInputs.SEND_WINDOW_UPDATE, h2.exceptions.StreamClosedError),
    (StreamInputs.SEND_END_STREAM, h2.exceptions.StreamClosedError),
])
def test_sending_on_closed_stream(i, error):
    m = h2.stream.H2StreamStateMachine(1)
    m.process_input(StreamInputs.SEND_HEADERS)
    m.process_input(StreamInputs.SEND_RST_STREAM)
    assert m.state == StreamState.CLOSED
    assert m.stream_closed_by == h2.stream.StreamClosedBy.SEND_RST_STREAM
    with pytest.raises(error):
        m.process_input(i)


def test_push_on_closed_stream_is_protocol_error():
    m = h2.stream.H2StreamStateMachine(1)
    m.process_input(StreamInputs.RECV_HEADERS)
    m.process_input(StreamInputs.SEND_RST_STREAM)
    with pytest.raises(h2.exceptions.ProtocolError) as e:
        m.process_input(StreamInputs.SEND_PUSH_PROMISE)
    assert not isinstance(e.value, h2.exceptions.StreamClosedError)


def test_connection_state_seen_through_connection():
    c = h2.connection.H2Connection()
    assert c.state_machine.state == ConnectionState.IDLE
    c.send_headers(1, [(":method", "GET"), (":path", "/"), (":scheme", "https"),
                       (":authority", "x")])
    assert c.state_machine.state == ConnectionState.CLIENT_OPEN
    assert c.streams[1].state_machine.state == StreamState.OPEN
