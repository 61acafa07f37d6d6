"""A client and a server of ours talking (BEHAVIOUR.md §3 test_interacting_stacks)."""
from __future__ import annotations

import pytest

import h2.config
import h2.connection
import h2.events
import h2.settings
from conftest import EXAMPLE_REQUEST_HEADERS, EXAMPLE_REQUEST_HEADERS_BYTES


@pytest.mark.parametrize("request_headers", [EXAMPLE_REQUEST_HEADERS,
                                             EXAMPLE_REQUEST_HEADERS_BYTES])
def test_full_exchange(request_headers):
    c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    s = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    assert c.initiate_connection() is None and s.initiate_connection() is None
    events = s.receive_data(c.data_to_send())
    assert [type(e) for e in events] == [h2.events.RemoteSettingsChanged]
    changed = events[0].changed_settings
    assert changed[h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS].new_value == 100
    events = c.receive_data(s.data_to_send())
    assert {type(e) for e in events} == {h2.events.SettingsAcknowledged,
                                         h2.events.RemoteSettingsChanged}
    assert c.send_headers(1, request_headers, end_stream=True) is None
    events = s.receive_data(c.data_to_send())
    assert [type(e) for e in events] == [h2.events.SettingsAcknowledged,
                                         h2.events.RequestReceived, h2.events.StreamEnded]
    assert events[1].headers == EXAMPLE_REQUEST_HEADERS_BYTES
    assert s.send_headers(1, [(":status", "204")], end_stream=True) is None
    events = c.receive_data(s.data_to_send())
    assert [type(e) for e in events] == [h2.events.ResponseReceived, h2.events.StreamEnded]
