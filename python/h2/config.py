"""
h2/config
~~~~~~~~~

H2Configuration: h2's options. The connection reads them live: every assignment bumps
``_generation`` and the core picks the new values up on its next call.
"""
from __future__ import annotations

import sys
from typing import Any, TextIO


class _BooleanConfigOption:
    """A boolean option: anything but a real bool is a ValueError (as in h2)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.attr_name = f"_{name}"

    def __get__(self, instance: Any, owner: Any) -> bool:
        return getattr(instance, self.attr_name)

    def __set__(self, instance: Any, value: bool) -> None:
        if not isinstance(value, bool):
            msg = f"{self.name} must be a bool"
            raise ValueError(msg)
        setattr(instance, self.attr_name, value)
        instance._generation += 1


class DummyLogger:
    """A logger that logs nothing (the default); the core skips logging entirely for it."""

    _h2_dummy_logger = True

    def __init__(self, *vargs: Any) -> None:
        pass

    def debug(self, *vargs: Any, **kwargs: Any) -> None:
        """No-op."""

    def trace(self, *vargs: Any, **kwargs: Any) -> None:
        """No-op."""


class OutputLogger:
    """Prints log lines to stderr (or `file`); trace lines only with trace_level."""

    def __init__(self, file: TextIO | None = None, trace_level: bool = False) -> None:
        super().__init__()
        self.file = file or sys.stderr
        self.trace_level = trace_level

    def debug(self, fmtstr: str, *args: Any) -> None:
        print(f"h2 (debug): {fmtstr % args}", file=self.file)

    def trace(self, fmtstr: str, *args: Any) -> None:
        if self.trace_level:
            print(f"h2 (trace): {fmtstr % args}", file=self.file)


_LIMIT_NAMES = frozenset({
    "rapid_reset_burst", "rapid_reset_per_second", "max_continuation_frames",
    "max_header_block_bytes", "max_queued_ping_acks", "max_queued_settings_acks",
    "max_empty_frames", "max_priority_frames", "max_outbound_buffer", "max_closed_streams"})
_ENCODER_STRATEGIES = ("python-hpack", "default")


class H2Configuration:
    """
    The options of one HTTP/2 connection (see h2's documentation for each).

    Beyond h2's options, keyword-only, the core's own (docs/behaviour-differences.md):
    ``complete_streams_after_goaway`` and ``refuse_excess_streams`` (RFC 9113 behaviour where
    h2 differs; both off, as in h2), ``limits`` (a dict overriding the core's denial-of-service
    limits by name, 0 disables one; assign a new dict to change them) and
    ``encoder_strategy`` ("python-hpack": h2's bytes exactly, the default; "default": the
    core's own, smaller choices), read when the connection is created.
    """

    client_side = _BooleanConfigOption("client_side")
    validate_outbound_headers = _BooleanConfigOption("validate_outbound_headers")
    normalize_outbound_headers = _BooleanConfigOption("normalize_outbound_headers")
    split_outbound_cookies = _BooleanConfigOption("split_outbound_cookies")
    validate_inbound_headers = _BooleanConfigOption("validate_inbound_headers")
    normalize_inbound_headers = _BooleanConfigOption("normalize_inbound_headers")
    complete_streams_after_goaway = _BooleanConfigOption("complete_streams_after_goaway")
    refuse_excess_streams = _BooleanConfigOption("refuse_excess_streams")

    def __init__(self,
                 client_side: bool = True,
                 header_encoding: bool | str | None = None,
                 validate_outbound_headers: bool = True,
                 normalize_outbound_headers: bool = True,
                 split_outbound_cookies: bool = False,
                 validate_inbound_headers: bool = True,
                 normalize_inbound_headers: bool = True,
                 logger: DummyLogger | OutputLogger | None = None,
                 *,
                 complete_streams_after_goaway: bool = False,
                 refuse_excess_streams: bool = False,
                 limits: dict[str, int] | None = None,
                 encoder_strategy: str = "python-hpack") -> None:
        self._generation = 0
        self.client_side = client_side
        self.header_encoding = header_encoding
        self.validate_outbound_headers = validate_outbound_headers
        self.normalize_outbound_headers = normalize_outbound_headers
        self.split_outbound_cookies = split_outbound_cookies
        self.validate_inbound_headers = validate_inbound_headers
        self.normalize_inbound_headers = normalize_inbound_headers
        self.logger = logger or DummyLogger(__name__)
        self.complete_streams_after_goaway = complete_streams_after_goaway
        self.refuse_excess_streams = refuse_excess_streams
        self.limits = limits
        if encoder_strategy not in _ENCODER_STRATEGIES:
            msg = f"encoder_strategy must be one of {_ENCODER_STRATEGIES}"
            raise ValueError(msg)
        self.encoder_strategy = encoder_strategy

    @property
    def header_encoding(self) -> bool | str | None:
        """None/False: headers in events are bytes; a codec name: they are decoded text."""
        return self._header_encoding

    @header_encoding.setter
    def header_encoding(self, value: bool | str | None) -> None:
        if not isinstance(value, (bool, str, type(None))):
            msg = "header_encoding must be bool, string, or None"
            raise ValueError(msg)  # noqa: TRY004
        if value is True:
            msg = "header_encoding cannot be True"
            raise ValueError(msg)
        self._header_encoding = value
        self._generation += 1

    @property
    def logger(self) -> Any:
        return self._logger

    @logger.setter
    def logger(self, value: Any) -> None:
        self._logger = value
        self._generation += 1

    @property
    def limits(self) -> dict[str, int] | None:
        """Overrides of the core's denial-of-service limits (None: the core's defaults)."""
        return self._limits

    @limits.setter
    def limits(self, value: dict[str, int] | None) -> None:
        if value is not None:
            unknown = set(value) - _LIMIT_NAMES
            if unknown:
                msg = f"unknown limits {sorted(unknown)}; known: {sorted(_LIMIT_NAMES)}"
                raise ValueError(msg)
            value = dict(value)
        self._limits = value
        self._generation += 1
