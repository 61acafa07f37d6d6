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


class H2Configuration:
    """The options of one HTTP/2 connection (see h2's documentation for each)."""

    client_side = _BooleanConfigOption("client_side")
    validate_outbound_headers = _BooleanConfigOption("validate_outbound_headers")
    normalize_outbound_headers = _BooleanConfigOption("normalize_outbound_headers")
    split_outbound_cookies = _BooleanConfigOption("split_outbound_cookies")
    validate_inbound_headers = _BooleanConfigOption("validate_inbound_headers")
    normalize_inbound_headers = _BooleanConfigOption("normalize_inbound_headers")

    def __init__(self,
                 client_side: bool = True,
                 header_encoding: bool | str | None = None,
                 validate_outbound_headers: bool = True,
                 normalize_outbound_headers: bool = True,
                 split_outbound_cookies: bool = False,
                 validate_inbound_headers: bool = True,
                 normalize_inbound_headers: bool = True,
                 logger: DummyLogger | OutputLogger | None = None) -> None:
        self._generation = 0
        self.client_side = client_side
        self.header_encoding = header_encoding
        self.validate_outbound_headers = validate_outbound_headers
        self.normalize_outbound_headers = normalize_outbound_headers
        self.split_outbound_cookies = split_outbound_cookies
        self.validate_inbound_headers = validate_inbound_headers
        self.normalize_inbound_headers = normalize_inbound_headers
        self.logger = logger or DummyLogger(__name__)

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
