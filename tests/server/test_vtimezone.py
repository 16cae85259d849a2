"""server/vtimezone.py: each change of offset is one observance, its onset in the local
time before the change (TZOFFSETFROM), as RFC 5545's own US-Eastern example has it."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.vtimezone import vtimezone


def _observances(name: str, first: int, last: int) -> list[tuple[str, datetime, int, int, str]]:
    tz = vtimezone(name, first, last)
    return [
        (
            part.name,
            part.decoded("dtstart"),
            int(part.decoded("tzoffsetfrom") / timedelta(hours=1)),
            int(part.decoded("tzoffsetto") / timedelta(hours=1)),
            str(part["tzname"]),
        )
        for part in tz.subcomponents
    ]


def test_new_york_changes_at_two_in_the_morning_local_time() -> None:
    assert _observances("America/New_York", 2027, 2027) == [
        ("STANDARD", datetime(2027, 1, 1, 0, 0) - timedelta(hours=5), -5, -5, "EST"),
        ("DAYLIGHT", datetime(2027, 3, 14, 2, 0), -5, -4, "EDT"),
        ("STANDARD", datetime(2027, 11, 7, 2, 0), -4, -5, "EST"),
    ]


def test_london_over_two_years_and_a_zone_without_changes() -> None:
    london = _observances("Europe/London", 2027, 2028)
    assert [(o[0], o[1]) for o in london[1:]] == [
        ("DAYLIGHT", datetime(2027, 3, 28, 1, 0)), ("STANDARD", datetime(2027, 10, 31, 2, 0)),
        ("DAYLIGHT", datetime(2028, 3, 26, 1, 0)), ("STANDARD", datetime(2028, 10, 29, 2, 0)),
    ]  # fmt: skip
    assert _observances("Asia/Kolkata", 2027, 2029) == [
        ("STANDARD", datetime(2027, 1, 1, 5, 30), 5, 5, "IST")
    ]
    assert str(vtimezone("UTC", 2027, 2027)["tzid"]) == "UTC"
