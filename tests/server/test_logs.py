"""The log's two guards, fed literal records: no address gets through either, and no text
can forge a line."""

from __future__ import annotations

import logging
import sys

import pytest

from server.logs import (
    ClientAddressFilter,
    RedactingFormatter,
    escape_controls,
    is_address,
    redact,
)

FORMAT = "%(levelname)s %(name)s: %(message)s"


@pytest.mark.parametrize(
    "form",
    [
        "127.0.0.1",
        "127.0.0.1:55555",
        "::1",
        "::1:55555",  # as uvicorn writes an IPv6 client: "%s:%d"
        "[::1]:5555",
        "[::1]",
        "::ffff:127.0.0.1",
        "::ffff:127.0.0.1:55555",
        "[::ffff:127.0.0.1]:443",
        "2001:db8::8a2e:370:7334",
        "2001:db8::",
        "fe80::1%eth0",
        "fe80::1%eth0:443",
    ],
)
def test_every_written_form_of_an_address_is_redacted(form: str) -> None:
    """Alone, inside a sentence, after a scheme and before a full stop."""
    assert is_address(form)
    assert redact(form) == "[addr]"
    assert redact(f"from {form} - x") == "from [addr] - x"
    assert redact(f"at http://{form}/path") == "at http://[addr]/path"
    assert redact(f"it was {form}.") == "it was [addr]."


@pytest.mark.parametrize(
    "text",
    ["at 10:30:00 it", "Python 3.11", "uvicorn 0.55.0", "Error::Foo", "[accepted]", "abc:def"],
)
def test_clock_times_versions_and_words_are_left_alone(text: str) -> None:
    """Not addresses: the redaction leaves them as they are."""
    assert redact(text) == text


def test_the_older_line_still_comes_out_redacted() -> None:
    """Quoted IPv4, bare IPv6 and IPv4 with a port in one line."""
    line = "('127.0.0.1', 50312) - \"WebSocket /ws/meetings/x\" [accepted] from ::1 and 10.1.2.3:80"
    assert redact(line) == (
        "('[addr]', 50312) - \"WebSocket /ws/meetings/x\" [accepted] from [addr] and [addr]"
    )


def _format(
    msg: str, *args: object, name: str = "uvicorn.error", exc: bool = False
) -> tuple[logging.LogRecord, str]:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad path /x\r\n2026-01-01 INFO hearth.access: GET / 200")
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, exc_info)
    assert ClientAddressFilter().filter(record)
    return record, RedactingFormatter(FORMAT).format(record)


@pytest.mark.parametrize("client", ["::1:55555", "127.0.0.1:55555", "::ffff:127.0.0.1:5"])
def test_uvicorns_websocket_lines_are_handed_no_address(client: str) -> None:
    """The filter rewrites the record's arguments: the address is gone before any
    formatter runs, and so is the query string of the path."""
    for msg, tail in (
        ('%s - "WebSocket %s" [accepted]', "[accepted]"),
        ('%s - "WebSocket %s" 403', "403"),
    ):
        record, line = _format(msg, client, "/ws/meetings/m1?invite=SECRET")
        assert record.args == ("[client]", "/ws/meetings/m1")
        assert line == f'INFO uvicorn.error: [client] - "WebSocket /ws/meetings/m1" {tail}'
    record, _ = _format('%s - "WebSocket %s" %d', "proxy-named-client", "/ws/x", 500)
    assert record.args == ("[client]", "/ws/x", 500)  # whatever the client is called
    record, _ = _format('%s - "%s %s HTTP/%s" %d', client, "GET", "/x?code=1", "1.1", 200)
    assert record.args == ("[client]", "GET", "/x", "1.1", 200)


def test_address_arguments_of_any_record_are_replaced() -> None:
    """uvicorn's trace prefix, a (host, port) tuple and IPv6's four-tuple."""
    record, _ = _format("%sHTTP connection made", "::1:55555 - ")
    assert record.args == ("[client]",)
    record, _ = _format("peer %s", ("::ffff:10.0.0.1", 443))
    assert record.args == ("[client]",)
    record, _ = _format("peer %s", ("fe80::1", 443, 0, 2), name="websockets.server")
    assert record.args == ("[client]",)
    record, _ = _format("%s rooms, %s", "12", "10:30:00")
    assert record.args == ("12", "10:30:00")


def test_the_servers_own_address_in_the_startup_line_is_kept() -> None:
    """The operator's bind address is theirs, not a person's: shown as uvicorn wrote it."""
    msg = "Uvicorn running on %s://[%s]:%d (Press CTRL+C to quit)"
    _, line = _format(msg, "http", "::1", 8000)
    assert line == "INFO uvicorn.error: Uvicorn running on http://[::1]:8000 (Press CTRL+C to quit)"
    _, line = _format(msg, "http", "::1", 8000, name="hearth.anything")
    assert "::1" not in line  # only uvicorn's own line is exempt


def test_control_characters_cannot_forge_a_line() -> None:
    """CR, LF, ESC, NEL, line separators and bidi overrides are escaped in the message;
    a traceback's lines are indented and escaped, so none starts a record."""
    _, line = _format("GET %s", "/x\r\n2026-01-01 INFO hearth.access: GET / 200\x1b[2J\u2028\u202e")
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert line == (
        "INFO uvicorn.error: GET /x\\x0d\\x0a2026-01-01 INFO hearth.access: GET / 200"
        "\\x1b[2J\\u2028\\u202e"
    )
    _, text = _format("failed", name="hearth.ws", exc=True)
    first, *rest = text.split("\n")
    assert first == "INFO hearth.ws: failed" and rest
    assert all(part.startswith("  ") for part in rest), rest
    assert "\r" not in text and rest[-2].startswith("  ValueError: bad path /x\\x0d")
    assert rest[-1] == "  2026-01-01 INFO hearth.access: GET / 200"  # plainly a continuation
    assert escape_controls("tab\there\x85") == "tab\\x09here\\x85"
