"""Every calendar the server sends, read by two parsers written apart: the icalendar
package and Mozilla's ical.js (the parser Thunderbird uses), pinned by
tests/calendar/icaljs/package-lock.json. Each is reduced to the same plain shape, what
a calendar would show, so a test compares the two and then checks one of them.

CI installs ical.js (`.ci/run`); on a developer machine the first read runs `npm ci`
when npm is there. Without node or npm the second reading is unavailable: skipped
here, failed in CI.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import icalendar

from tests.services import unavailable

ICALJS = Path(__file__).resolve().parent / "icaljs"
SCRIPT = ICALJS / "parse.mjs"


def _installed() -> bool:
    return (ICALJS / "node_modules" / "ical.js" / "package.json").is_file()


def _node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        unavailable("node (for ical.js)")
    if not _installed():
        if npm is None:
            unavailable("ical.js (npm is not installed)")
        done = subprocess.run(
            [str(npm), "ci", "--prefix", str(ICALJS), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not _installed():
            unavailable(f"ical.js (npm ci failed: {done.stderr[-300:]})")
    return str(node)


def icaljs(ics: bytes) -> dict[str, Any]:
    """The calendar as ical.js reads it (see parse.mjs for the shape)."""
    done = subprocess.run(
        [_node(), str(SCRIPT)], input=ics, capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def _when(value: datetime) -> dict[str, Any]:
    offset = value.utcoffset()
    return {
        "local": value.strftime("%Y-%m-%dT%H:%M"),
        "tzid": str(value.tzinfo),
        "utc_offset_seconds": int(offset.total_seconds()) if offset is not None else 0,
        "unix": int(value.timestamp()),
    }


def _ical(value: Any) -> str:
    raw = value.to_ical()
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def _text(component: icalendar.cal.Component, name: str) -> str | None:
    return str(component[name]) if name in component else None


def with_icalendar(ics: bytes) -> dict[str, Any]:
    """The calendar as the icalendar package reads it, in parse.mjs's shape."""
    cal = icalendar.Calendar.from_ical(ics)
    events = []
    for e in cal.walk("VEVENT"):
        events.append(
            {
                "uid": str(e["uid"]),
                "status": _text(e, "status"),
                "sequence": int(e.get("sequence", 0)),
                "summary": _text(e, "summary"),
                "description": _text(e, "description"),
                "url": _text(e, "url"),
                "location": _text(e, "location"),
                "start": _when(e.decoded("dtstart")),
                "end": _when(e.decoded("dtend")),
                "last_modified": int(e.decoded("last-modified").timestamp()),
                "dtstamp": int(e.decoded("dtstamp").timestamp()),
                "alarms": [
                    {
                        "action": str(a["action"]),
                        "trigger": _ical(a["trigger"]),
                        "description": _text(a, "description"),
                    }
                    for a in e.walk("VALARM")
                ],
            }
        )
    return {
        "name": _text(cal, "name"),
        "x_wr_calname": _text(cal, "x-wr-calname"),
        "refresh_interval": _ical(cal["refresh-interval"]) if "refresh-interval" in cal else None,
        "url": _text(cal, "url"),
        "method": _text(cal, "method"),
        "timezones": [str(z["tzid"]) for z in cal.walk("VTIMEZONE")],
        "events": events,
    }


def read_both(ics: bytes) -> dict[str, Any]:
    """The calendar as both parsers read it, after checking that they agree."""
    ours, theirs = with_icalendar(ics), icaljs(ics)
    for event in theirs["events"]:
        for key in ("last_modified", "dtstamp"):
            event[key] = event[key]["unix"] if event[key] else None
    if ours != theirs:
        a, b = (json.dumps(x, indent=1, sort_keys=True).splitlines() for x in (ours, theirs))
        diff = "\n".join(difflib.unified_diff(a, b, "icalendar", "ical.js", lineterm=""))
        raise AssertionError(f"the two parsers read the calendar differently:\n{diff}")
    return ours
