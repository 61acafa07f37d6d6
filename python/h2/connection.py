"""
h2/connection
~~~~~~~~~~~~~

H2Connection: h2's connection API on the C++ core (h2._h2.Connection). The Python layer only
adds the attribute objects h2 exposes (streams, state_machine, encoder/decoder, settings).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any

from ._h2 import Connection as _CoreConnection
from ._h2 import ConnectionStateMachineCore
from .settings import Settings
from .stream import H2Stream


class ConnectionState(Enum):
    IDLE = 0
    CLIENT_OPEN = 1
    SERVER_OPEN = 2
    CLOSED = 3


class ConnectionInputs(Enum):
    SEND_HEADERS = 0
    SEND_PUSH_PROMISE = 1
    SEND_DATA = 2
    SEND_GOAWAY = 3
    SEND_WINDOW_UPDATE = 4
    SEND_PING = 5
    SEND_SETTINGS = 6
    SEND_RST_STREAM = 7
    SEND_PRIORITY = 8
    RECV_HEADERS = 9
    RECV_PUSH_PROMISE = 10
    RECV_DATA = 11
    RECV_GOAWAY = 12
    RECV_WINDOW_UPDATE = 13
    RECV_PING = 14
    RECV_SETTINGS = 15
    RECV_RST_STREAM = 16
    RECV_PRIORITY = 17
    SEND_ALTERNATIVE_SERVICE = 18  # Added in 2.3.0
    RECV_ALTERNATIVE_SERVICE = 19  # Added in 2.3.0


class AllowedStreamIDs(Enum):
    EVEN = 0
    ODD = 1


class H2ConnectionStateMachine:
    """The connection-level state machine (the core's table)."""

    def __init__(self) -> None:
        self._core = ConnectionStateMachineCore()

    @property
    def state(self) -> ConnectionState:
        return ConnectionState(self._core.state)

    def process_input(self, input_: ConnectionInputs) -> list[Any]:
        """Applies an input; a forbidden one closes the machine and raises ProtocolError."""
        if not isinstance(input_, ConnectionInputs):
            msg = "Input must be an instance of ConnectionInputs"
            raise ValueError(msg)  # noqa: TRY004
        self._core.process_input(input_.value)
        return []


class _ConnectionStateView:
    """conn.state_machine: reads the core connection's state."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    @property
    def state(self) -> ConnectionState:
        return self._conn._connection_state()


class _StreamsView(Mapping):
    """conn.streams: the streams the core still holds (closed ones leave at once)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __getitem__(self, stream_id: int) -> H2Stream:
        if not isinstance(stream_id, int) or self._conn._stream_state(stream_id) is None:
            raise KeyError(stream_id)
        return H2Stream(self._conn, stream_id)

    def __contains__(self, stream_id: object) -> bool:
        return isinstance(stream_id, int) and self._conn._stream_state(stream_id) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(self._conn._live_stream_ids())

    def __len__(self) -> int:
        return self._conn._live_stream_count()

    def __repr__(self) -> str:
        return repr({k: self[k] for k in self})


class _HpackView:
    """conn.encoder / conn.decoder: the core HPACK context's table state."""

    __slots__ = ("_conn", "_encoder")

    def __init__(self, conn: Any, encoder: bool) -> None:
        self._conn = conn
        self._encoder = encoder

    def __getattr__(self, name: str) -> Any:
        state = self._conn._hpack_state(self._encoder)
        try:
            return state[name]
        except KeyError:
            raise AttributeError(name) from None


class H2Connection(_CoreConnection):
    """
    A low-level HTTP/2 connection object (h2's API). Bytes in through receive_data, events
    out; method calls in, bytes out through data_to_send.
    """

    DEFAULT_MAX_OUTBOUND_FRAME_SIZE = 65535
    DEFAULT_MAX_INBOUND_FRAME_SIZE = 2**24

    @property
    def state_machine(self) -> _ConnectionStateView:
        return _ConnectionStateView(self)

    @property
    def streams(self) -> _StreamsView:
        return _StreamsView(self)

    @property
    def local_settings(self) -> Settings:
        return Settings(_core=self._settings_core(True))

    @property
    def remote_settings(self) -> Settings:
        return Settings(_core=self._settings_core(False))

    @property
    def encoder(self) -> _HpackView:
        return _HpackView(self, True)

    @property
    def decoder(self) -> _HpackView:
        return _HpackView(self, False)
