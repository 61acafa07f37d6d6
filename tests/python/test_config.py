"""H2Configuration and the loggers (BEHAVIOUR.md §3 test_config)."""
from __future__ import annotations

import pytest

import h2.config
import h2.connection
from conftest import EXAMPLE_REQUEST_HEADERS, open_server

BOOLEAN_OPTIONS = ["client_side", "validate_outbound_headers", "normalize_outbound_headers",
                   "validate_inbound_headers", "normalize_inbound_headers",
                   "split_outbound_cookies"]


def test_defaults():
    config = h2.config.H2Configuration()
    assert config.client_side is True
    assert config.header_encoding is None
    assert isinstance(config.logger, h2.config.DummyLogger)


@pytest.mark.parametrize("option", BOOLEAN_OPTIONS)
@pytest.mark.parametrize("value", [None, "False", 1])
def test_boolean_options_reject_non_bools(option, value):
    with pytest.raises(ValueError):
        h2.config.H2Configuration(**{option: value})
    config = h2.config.H2Configuration()
    with pytest.raises(ValueError):
        setattr(config, option, value)


@pytest.mark.parametrize("option", BOOLEAN_OPTIONS)
@pytest.mark.parametrize("value", [True, False])
def test_boolean_options_round_trip(option, value):
    assert getattr(h2.config.H2Configuration(**{option: value}), option) is value
    config = h2.config.H2Configuration()
    setattr(config, option, value)
    assert getattr(config, option) is value


@pytest.mark.parametrize("value", [True, 1, object()])
def test_header_encoding_rejects(value):
    with pytest.raises(ValueError):
        h2.config.H2Configuration(header_encoding=value)
    config = h2.config.H2Configuration()
    with pytest.raises(ValueError):
        config.header_encoding = value


@pytest.mark.parametrize("value", [False, "ascii", None, "utf-8"])
def test_header_encoding_accepts(value):
    assert h2.config.H2Configuration(header_encoding=value).header_encoding == value


def test_header_encoding_other_codec_decodes_events(frame_factory):
    s = open_server(frame_factory, header_encoding="latin-1")
    events = s.receive_data(frame_factory.build_headers_frame(
        EXAMPLE_REQUEST_HEADERS + [(b"x-latin", "caf\u00e9".encode("latin-1"))]).serialize())
    assert events[0].headers[-1] == ("x-latin", "caf\u00e9")


def test_custom_logger_is_kept_and_called(frame_factory):
    class Recorder:
        def __init__(self):
            self.lines = []

        def debug(self, fmt, *args):
            self.lines.append(("debug", fmt % args))

        def trace(self, fmt, *args):
            self.lines.append(("trace", fmt % args))

    logger = Recorder()
    config = h2.config.H2Configuration(client_side=False, logger=logger)
    assert config.logger is logger
    s = h2.connection.H2Connection(config)
    s.initiate_connection()
    s.receive_data(frame_factory.preamble() + frame_factory.build_settings_frame({}).serialize())
    assert any(level == "trace" for level, _ in logger.lines)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_logger_errors_do_not_break_the_connection(frame_factory):
    class Broken:
        def debug(self, *args):
            raise RuntimeError("debug")

        def trace(self, *args):
            raise RuntimeError("trace")

    s = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, logger=Broken()))
    s.initiate_connection()
    events = s.receive_data(frame_factory.preamble() +
                            frame_factory.build_settings_frame({}).serialize())
    assert len(events) == 1


def test_output_logger(capsys):
    h2.config.OutputLogger().debug("%s %d", "x", 5)
    h2.config.OutputLogger().trace("%s", "hidden")
    h2.config.OutputLogger(trace_level=True).trace("%s", "shown")
    err = capsys.readouterr().err
    assert "h2 (debug): x 5" in err and "h2 (trace): shown" in err and "hidden" not in err


def test_validation_switches_are_read_live(frame_factory):
    s = open_server(frame_factory)
    bad = EXAMPLE_REQUEST_HEADERS + [("connection", "close")]
    s.config.validate_inbound_headers = False
    events = s.receive_data(frame_factory.build_headers_frame(bad).serialize())
    assert (b"connection", b"close") in events[0].headers
