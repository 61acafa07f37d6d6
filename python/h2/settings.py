"""
h2/settings
~~~~~~~~~~~

HTTP/2 settings with h2's pending/acknowledge semantics, backed by the core's Settings.
"""
from __future__ import annotations

import enum
from collections.abc import Iterator, MutableMapping
from typing import Any

from ._h2 import SettingsCore


class SettingCodes(enum.IntEnum):
    """All known HTTP/2 setting codes."""

    HEADER_TABLE_SIZE = 0x1
    ENABLE_PUSH = 0x2
    MAX_CONCURRENT_STREAMS = 0x3
    INITIAL_WINDOW_SIZE = 0x4
    MAX_FRAME_SIZE = 0x5
    MAX_HEADER_LIST_SIZE = 0x6
    ENABLE_CONNECT_PROTOCOL = 0x8


def _setting_code_from_int(code: int) -> SettingCodes | int:
    """The SettingCodes member for a known code, else the int itself."""
    try:
        return SettingCodes(code)
    except ValueError:
        return code


class ChangedSetting:
    """One setting's change: code, previous value (None if unset), new value."""

    def __init__(self, setting: SettingCodes | int, original_value: int | None,
                 new_value: int) -> None:
        self.setting = setting
        self.original_value = original_value
        self.new_value = new_value

    def __repr__(self) -> str:
        return (f"ChangedSetting(setting={self.setting!s}, "
                f"original_value={self.original_value}, new_value={self.new_value})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChangedSetting):
            return NotImplemented
        return ((self.setting, self.original_value, self.new_value) ==
                (other.setting, other.original_value, other.new_value))

    __hash__ = None  # type: ignore[assignment]


class Settings(MutableMapping):
    """
    HTTP/2 settings state. Reading gives the current value; assigning queues a pending value
    (validated: InvalidSettingsValueError) that becomes current on acknowledge().
    A connection's local_settings / remote_settings are read-only views of the core's.
    """

    def __init__(self, client: bool = True, initial_values: dict[int, int] | None = None,
                 *, _core: SettingsCore | None = None) -> None:
        self._core = _core if _core is not None else SettingsCore(client, initial_values)

    def acknowledge(self) -> dict[SettingCodes | int, ChangedSetting]:
        """Pending values become current; returns what changed."""
        return self._core.acknowledge()

    # Typed accessors (h2's properties); setters queue pending values.
    @property
    def header_table_size(self) -> int:
        return self._core.header_table_size()

    @header_table_size.setter
    def header_table_size(self, value: int) -> None:
        self[SettingCodes.HEADER_TABLE_SIZE] = value

    @property
    def enable_push(self) -> int:
        return self._core.enable_push()

    @enable_push.setter
    def enable_push(self, value: int) -> None:
        self[SettingCodes.ENABLE_PUSH] = value

    @property
    def initial_window_size(self) -> int:
        return self._core.initial_window_size()

    @initial_window_size.setter
    def initial_window_size(self, value: int) -> None:
        self[SettingCodes.INITIAL_WINDOW_SIZE] = value

    @property
    def max_frame_size(self) -> int:
        return self._core.max_frame_size()

    @max_frame_size.setter
    def max_frame_size(self, value: int) -> None:
        self[SettingCodes.MAX_FRAME_SIZE] = value

    @property
    def max_concurrent_streams(self) -> int:
        return self._core.max_concurrent_streams()

    @max_concurrent_streams.setter
    def max_concurrent_streams(self, value: int) -> None:
        self[SettingCodes.MAX_CONCURRENT_STREAMS] = value

    @property
    def max_header_list_size(self) -> int | None:
        return self._core.max_header_list_size()

    @max_header_list_size.setter
    def max_header_list_size(self, value: int) -> None:
        self[SettingCodes.MAX_HEADER_LIST_SIZE] = value

    @property
    def enable_connect_protocol(self) -> int:
        return self._core.enable_connect_protocol()

    @enable_connect_protocol.setter
    def enable_connect_protocol(self, value: int) -> None:
        self[SettingCodes.ENABLE_CONNECT_PROTOCOL] = value

    # Mapping protocol.
    def __getitem__(self, key: SettingCodes | int) -> int:
        value = self._core.get(key) if isinstance(key, int) else None
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: SettingCodes | int, value: int) -> None:
        self._core.set(key, value)

    def __delitem__(self, key: SettingCodes | int) -> None:
        if key not in self:
            raise KeyError(key)
        self._core.erase(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self._core.contains(key)

    def __iter__(self) -> Iterator[SettingCodes | int]:
        return iter([code for code, _ in self._core.current()])

    def __len__(self) -> int:
        return self._core.size()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Settings):
            return (self._core.current() == other._core.current() and
                    self._core.has_pending() == other._core.has_pending())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, Settings):
            return not self == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Settings({dict(self._core.current())!r})"


def _validate_setting(setting: SettingCodes | int, value: int) -> Any:
    """h2's validation entry point: 0 when valid, else the ErrorCodes the value breaks."""
    from .errors import ErrorCodes
    from .exceptions import InvalidSettingsValueError
    probe = SettingsCore(True, None)
    try:
        probe.set(setting, value)
    except InvalidSettingsValueError as e:
        return e.error_code
    return ErrorCodes.NO_ERROR
