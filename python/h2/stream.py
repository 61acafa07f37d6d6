"""
h2/stream
~~~~~~~~~

Stream state: h2's enums, the stream state machine (the core's transition table) and
H2Stream, a view of one live stream of a connection.
"""
from __future__ import annotations

from enum import Enum, IntEnum
from typing import Any

from ._h2 import StreamStateMachineCore


class StreamState(IntEnum):
    IDLE = 0
    RESERVED_REMOTE = 1
    RESERVED_LOCAL = 2
    OPEN = 3
    HALF_CLOSED_REMOTE = 4
    HALF_CLOSED_LOCAL = 5
    CLOSED = 6


class StreamInputs(Enum):
    SEND_HEADERS = 0
    SEND_PUSH_PROMISE = 1
    SEND_RST_STREAM = 2
    SEND_DATA = 3
    SEND_WINDOW_UPDATE = 4
    SEND_END_STREAM = 5
    RECV_HEADERS = 6
    RECV_PUSH_PROMISE = 7
    RECV_RST_STREAM = 8
    RECV_DATA = 9
    RECV_WINDOW_UPDATE = 10
    RECV_END_STREAM = 11
    RECV_CONTINUATION = 12  # Added in 2.0.0
    SEND_INFORMATIONAL_HEADERS = 13  # Added in 2.2.0
    RECV_INFORMATIONAL_HEADERS = 14  # Added in 2.2.0
    SEND_ALTERNATIVE_SERVICE = 15  # Added in 2.3.0
    RECV_ALTERNATIVE_SERVICE = 16  # Added in 2.3.0
    UPGRADE_CLIENT = 17  # Added 2.3.0
    UPGRADE_SERVER = 18  # Added 2.3.0


class StreamClosedBy(Enum):
    SEND_END_STREAM = 0
    RECV_END_STREAM = 1
    SEND_RST_STREAM = 2
    RECV_RST_STREAM = 3


class H2StreamStateMachine:
    """RFC 9113 §5.1 for one stream; process_input raises as h2's machine does."""

    def __init__(self, stream_id: int) -> None:
        self._core = StreamStateMachineCore(stream_id)

    @property
    def state(self) -> StreamState:
        return StreamState(self._core.state)

    @property
    def stream_id(self) -> int:
        return self._core.stream_id

    @property
    def client(self) -> bool | None:
        return self._core.client

    @property
    def headers_sent(self) -> bool:
        return self._core.headers_sent

    @property
    def trailers_sent(self) -> bool:
        return self._core.trailers_sent

    @property
    def headers_received(self) -> bool:
        return self._core.headers_received

    @property
    def trailers_received(self) -> bool:
        return self._core.trailers_received

    @property
    def stream_closed_by(self) -> StreamClosedBy | None:
        return self._core.stream_closed_by

    def process_input(self, input_: StreamInputs) -> list[Any]:
        """Applies an input; the connection builds events, so the list is empty."""
        if not isinstance(input_, StreamInputs):
            msg = "Input must be an instance of StreamInputs"
            raise ValueError(msg)  # noqa: TRY004
        self._core.process_input(input_.value)
        return []


class _StreamStateView:
    __slots__ = ("_conn", "_id")

    def __init__(self, conn: Any, stream_id: int) -> None:
        self._conn = conn
        self._id = stream_id

    @property
    def state(self) -> StreamState:
        s = self._conn._stream_state(self._id)
        return StreamState.CLOSED if s is None else s


class H2Stream:
    """A live stream of a connection (read-only view of the core's stream)."""

    def __init__(self, conn: Any, stream_id: int) -> None:
        self.stream_id = stream_id
        self._conn = conn
        self.state_machine = _StreamStateView(conn, stream_id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id:{self.stream_id} state:{self.state_machine.state!r}>"

    @property
    def open(self) -> bool:
        return self.state_machine.state == StreamState.OPEN

    @property
    def closed(self) -> bool:
        return self.state_machine.state == StreamState.CLOSED

    @property
    def inbound_flow_control_window(self) -> int:
        return self._conn.remote_flow_control_window(self.stream_id)

    @property
    def outbound_flow_control_window(self) -> int:
        return self._conn.local_flow_control_window(self.stream_id)
