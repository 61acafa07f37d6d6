"""
h2/utilities
~~~~~~~~~~~~

h2's header utilities on the core's header rules.
"""
from __future__ import annotations

import collections
from typing import Any, NamedTuple

from ._h2 import (
    extract_method_header,
    normalize_inbound_headers,
    normalize_outbound_headers,
    utf8_encode_headers,
    validate_headers,
    validate_outbound_headers,
)


class HeaderValidationFlags(NamedTuple):
    """What kind of header block is checked."""

    is_client: bool
    is_trailer: bool
    is_response_header: bool
    is_push_promise: bool


class SizeLimitDict(collections.OrderedDict):
    """An ordered dict that evicts its oldest entries beyond size_limit (None: no limit)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._size_limit = kwargs.pop("size_limit", None)
        super().__init__(*args, **kwargs)
        self._check_size_limit()

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._check_size_limit()

    def _check_size_limit(self) -> None:
        if self._size_limit is not None:
            while len(self) > self._size_limit:
                self.popitem(last=False)


__all__ = [
    "HeaderValidationFlags",
    "SizeLimitDict",
    "extract_method_header",
    "normalize_inbound_headers",
    "normalize_outbound_headers",
    "utf8_encode_headers",
    "validate_headers",
    "validate_outbound_headers",
]
