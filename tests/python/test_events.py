"""Event classes: fields, reprs, the common base (BEHAVIOUR.md §3 test_events)."""
from __future__ import annotations

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

import h2.errors
import h2.events
import h2.settings


@given(st.dictionaries(st.integers(0, 65535), st.integers(0, 2**32 - 1)),
       st.dictionaries(st.integers(0, 65535), st.integers(0, 2**32 - 1)))
def test_remote_settings_changed_from_settings(old, new):
    e = h2.events.RemoteSettingsChanged.from_settings(old, new)
    assert len(e.changed_settings) == len(new)
    for code, value in new.items():
        changed = e.changed_settings[code]
        assert changed.setting == code and changed.new_value == value
        assert changed.original_value == old.get(code)


def test_reprs():
    hdrs = [(b":method", b"GET")]
    assert repr(h2.events.RequestReceived(stream_id=5, headers=hdrs)) == (
        "<RequestReceived stream_id:5, headers:[(b':method', b'GET')]>")
    assert repr(h2.events.ResponseReceived(stream_id=5, headers=hdrs)).startswith(
        "<ResponseReceived stream_id:5")
    assert repr(h2.events.TrailersReceived(stream_id=5, headers=hdrs)).startswith(
        "<TrailersReceived stream_id:5")
    assert repr(h2.events.InformationalResponseReceived(stream_id=5, headers=hdrs)).startswith(
        "<InformationalResponseReceived stream_id:5")
    assert repr(h2.events.DataReceived(stream_id=5, data=b"\xff" * 30,
                                       flow_controlled_length=30)) == (
        "<DataReceived stream_id:5, flow_controlled_length:30, data:" + "ff" * 20 + ">")
    assert repr(h2.events.WindowUpdated(stream_id=5, delta=10)) == (
        "<WindowUpdated stream_id:5, delta:10>")
    cs = h2.settings.ChangedSetting(h2.settings.SettingCodes.ENABLE_PUSH, 1, 0)
    e = h2.events.RemoteSettingsChanged()
    e.changed_settings[2] = cs
    assert repr(e) == ("<RemoteSettingsChanged changed_settings:{ChangedSetting(setting=2, "
                       "original_value=1, new_value=0)}>")
    assert repr(h2.events.PingReceived(ping_data=b"\x01" * 8)) == (
        "<PingReceived ping_data:0101010101010101>")
    assert repr(h2.events.PingAckReceived(ping_data=b"\x01" * 8)).startswith("<PingAckReceived")
    assert repr(h2.events.StreamEnded(stream_id=3)) == "<StreamEnded stream_id:3>"
    assert repr(h2.events.StreamReset(stream_id=3, error_code=h2.errors.ErrorCodes.CANCEL)) == (
        "<StreamReset stream_id:3, error_code:8, remote_reset:True>")
    assert repr(h2.events.PushedStreamReceived(pushed_stream_id=2, parent_stream_id=1,
                                               headers=hdrs)) == (
        "<PushedStreamReceived pushed_stream_id:2, parent_stream_id:1, "
        "headers:[(b':method', b'GET')]>")
    assert repr(h2.events.PriorityUpdated(stream_id=1, weight=16, depends_on=0,
                                          exclusive=False)) == (
        "<PriorityUpdated stream_id:1, weight:16, depends_on:0, exclusive:False>")
    assert repr(h2.events.ConnectionTerminated(error_code=1, last_stream_id=5,
                                               additional_data=b"\x02" * 30)) == (
        "<ConnectionTerminated error_code:1, last_stream_id:5, additional_data:"
        + "02" * 20 + ">")
    assert repr(h2.events.ConnectionTerminated(error_code=1, last_stream_id=5)).endswith(
        "additional_data:None>")
    assert repr(h2.events.AlternativeServiceAvailable(origin=b"example.com",
                                                      field_value=b'h2=":8000"')) == (
        '<AlternativeServiceAvailable origin:example.com, field_value:h2=":8000">')
    assert repr(h2.events.UnknownFrameReceived(frame=None)) == "<UnknownFrameReceived>"


@pytest.mark.parametrize("cls", [c for _, c in inspect.getmembers(h2.events, inspect.isclass)
                                 if c.__module__ == "h2.events" and not c.__name__.startswith("_")])
def test_every_event_derives_from_event(cls):
    assert issubclass(cls, h2.events.Event)


def test_received_events_take_user_attributes(frame_factory):
    from conftest import EXAMPLE_REQUEST_HEADERS, open_server
    s = open_server(frame_factory)
    (event,) = s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS).serialize())
    event.handled_by = "app"  # h2's events are plain objects; code relying on that works
    assert event.handled_by == "app" and event.stream_id == 1
