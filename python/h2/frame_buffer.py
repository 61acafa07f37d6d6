"""
h2/frame_buffer
~~~~~~~~~~~~~~~

FrameBuffer: bytes in, hyperframe frames out, with h2's checks (preamble, frame size,
per-frame rules, CONTINUATION assembly), all done by the core's frame reader.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hyperframe.exceptions import InvalidDataError, InvalidFrameError, InvalidPaddingError
from hyperframe.frame import Frame

from ._h2 import FrameBufferCore
from .exceptions import FrameDataMissingError, ProtocolError


class FrameBuffer:
    """Buffers received bytes and yields complete frames (header blocks assembled)."""

    def __init__(self, server: bool = False) -> None:
        self._core = FrameBufferCore(server)

    @property
    def max_frame_size(self) -> int:
        return self._core.max_frame_size

    @max_frame_size.setter
    def max_frame_size(self, value: int) -> None:
        self._core.max_frame_size = value

    def add_data(self, data: bytes) -> None:
        """Adds data to the buffer (a wrong preamble raises ProtocolError at once)."""
        self._core.add_data(data)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        item = self._core.next_frame()
        if item is None:
            raise StopIteration
        raw, continuation = item
        try:
            f, length = Frame.parse_frame_header(memoryview(raw[:9]))
            f.parse_body(memoryview(raw[9:9 + length]))
        except InvalidDataError as e:  # pragma: no cover - the core checked the frame
            msg = "Received frame with non-compliant data"
            raise ProtocolError(msg) from e
        except (InvalidFrameError, InvalidPaddingError) as e:  # pragma: no cover
            raise FrameDataMissingError("Frame data missing or invalid") from e
        if continuation is not None:
            f.data += continuation
            f.flags.add("END_HEADERS")
        return f
