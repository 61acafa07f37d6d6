"""Settings with pending/acknowledge semantics (BEHAVIOUR.md §3 test_settings, §1.5)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import h2.connection
import h2.errors
import h2.exceptions
import h2.settings
from h2.settings import SettingCodes as SC


@pytest.mark.parametrize("client,push", [(True, 1), (False, 0)])
def test_defaults(client, push):
    s = h2.settings.Settings(client=client)
    assert s[SC.HEADER_TABLE_SIZE] == 4096
    assert s[SC.ENABLE_PUSH] == push
    assert s[SC.INITIAL_WINDOW_SIZE] == 65535
    assert s[SC.MAX_FRAME_SIZE] == 16384
    assert s[SC.ENABLE_CONNECT_PROTOCOL] == 0
    assert len(s) == 5


@pytest.mark.parametrize("client", [True, False])
def test_initial_values_current_at_once(client):
    initial = {SC.HEADER_TABLE_SIZE: 8080, SC.MAX_FRAME_SIZE: 16388,
               SC.MAX_CONCURRENT_STREAMS: 100, SC.MAX_HEADER_LIST_SIZE: 2**16,
               SC.ENABLE_CONNECT_PROTOCOL: 1}
    s = h2.settings.Settings(client=client, initial_values=initial)
    for k, v in initial.items():
        assert s[k] == v
    assert s[SC.INITIAL_WINDOW_SIZE] == 65535


@pytest.mark.parametrize("setting,value", [
    (SC.ENABLE_PUSH, 2), (SC.ENABLE_PUSH, -1), (SC.INITIAL_WINDOW_SIZE, -1),
    (SC.INITIAL_WINDOW_SIZE, 2**34), (SC.MAX_FRAME_SIZE, 1), (SC.MAX_FRAME_SIZE, 2**30),
    (SC.MAX_HEADER_LIST_SIZE, -1), (SC.ENABLE_CONNECT_PROTOCOL, -1)])
def test_invalid_initial_values(setting, value):
    with pytest.raises(h2.exceptions.InvalidSettingsValueError):
        h2.settings.Settings(initial_values={setting: value})


def test_assignment_pending_until_acknowledged():
    s = h2.settings.Settings()
    s[SC.HEADER_TABLE_SIZE] = 8000
    s[SC.INITIAL_WINDOW_SIZE] = 100
    assert s[SC.HEADER_TABLE_SIZE] == 4096
    changes = s.acknowledge()
    assert s[SC.HEADER_TABLE_SIZE] == 8000 and s[SC.INITIAL_WINDOW_SIZE] == 100
    assert set(changes) == {SC.HEADER_TABLE_SIZE, SC.INITIAL_WINDOW_SIZE}
    c = changes[SC.HEADER_TABLE_SIZE]
    assert (c.setting, c.original_value, c.new_value) == (SC.HEADER_TABLE_SIZE, 4096, 8000)
    assert s.acknowledge() == {}
    assert s[SC.HEADER_TABLE_SIZE] == 8000


def test_delete_and_length():
    s = h2.settings.Settings()
    assert len(s) == 5
    s[SC.HEADER_TABLE_SIZE] = 1
    assert len(s) == 5
    s.acknowledge()
    del s[SC.HEADER_TABLE_SIZE]
    assert len(s) == 4
    with pytest.raises(KeyError):
        s[SC.HEADER_TABLE_SIZE]


def test_unknown_code():
    s = h2.settings.Settings()
    s[80] = 81
    with pytest.raises(KeyError):
        s[80]
    changes = s.acknowledge()
    assert s[80] == 81 and changes[80].original_value is None


def test_named_accessors():
    s = h2.settings.Settings()
    assert s.max_concurrent_streams == 2**32 + 1
    assert s.max_header_list_size is None
    for name, value in [("header_table_size", 1), ("enable_push", 0),
                        ("initial_window_size", 2), ("max_frame_size", 20000),
                        ("max_concurrent_streams", 3), ("max_header_list_size", 4),
                        ("enable_connect_protocol", 1)]:
        before = getattr(s, name)
        setattr(s, name, value)
        assert getattr(s, name) == before
    s.acknowledge()
    assert (s.header_table_size, s.enable_push, s.initial_window_size, s.max_frame_size,
            s.max_concurrent_streams, s.max_header_list_size, s.enable_connect_protocol) == (
        1, 0, 2, 20000, 3, 4, 1)


@given(st.integers())
@settings(max_examples=60)
def test_validation_rules(value):
    rules = {SC.ENABLE_PUSH: (lambda v: v in (0, 1), 1),
             SC.ENABLE_CONNECT_PROTOCOL: (lambda v: v in (0, 1), 1),
             SC.INITIAL_WINDOW_SIZE: (lambda v: 0 <= v <= 2**31 - 1, 3),
             SC.MAX_FRAME_SIZE: (lambda v: 2**14 <= v <= 2**24 - 1, 1),
             SC.MAX_HEADER_LIST_SIZE: (lambda v: 0 <= v < 2**32, 1)}
    for code, (ok, error) in rules.items():
        s = h2.settings.Settings()
        old = s.get(code)
        if ok(value):
            s[code] = value
            s.acknowledge()
            assert s[code] == value
        else:
            with pytest.raises(h2.exceptions.InvalidSettingsValueError) as e:
                s[code] = value
            assert e.value.error_code == error
            s.acknowledge()
            assert s.get(code) == old


def test_equality():
    a, b = h2.settings.Settings(), h2.settings.Settings()
    assert a == a and a == b and not (a != b)
    b[SC.HEADER_TABLE_SIZE] = 1
    b.acknowledge()
    assert a != b and not (a == b)
    assert a != object()


def test_connection_settings_are_read_only_views():
    c = h2.connection.H2Connection()
    assert c.local_settings[SC.MAX_CONCURRENT_STREAMS] == 100
    assert c.local_settings.max_header_list_size == 2**16
    with pytest.raises(TypeError):
        c.local_settings[SC.HEADER_TABLE_SIZE] = 1
