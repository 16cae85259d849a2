"""Local wall-clock scheduling across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.schedule import (
    known_zone,
    local_wall_clock,
    localize,
    monthly,
    opens_at,
    status,
    weekly,
    within_two_years,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def test_weekly_1900_london_stays_1900_across_the_last_sunday_of_march() -> None:
    starts = [localize(d, LONDON) for d in weekly(datetime(2027, 3, 16, 19, 0), LONDON, count=4)]
    assert [s.astimezone(LONDON).hour for s in starts] == [19, 19, 19, 19]
    # British Summer Time begins on Sunday 28 March 2027: UTC moves from 19:00 to 18:00.
    assert [s.hour for s in starts] == [19, 19, 18, 18]
    assert all(s.tzinfo == UTC for s in starts)


def test_weekly_in_new_york_across_november() -> None:
    starts = [
        localize(d, NEW_YORK) for d in weekly(datetime(2026, 10, 27, 18, 30), NEW_YORK, count=3)
    ]
    assert [s.astimezone(NEW_YORK).strftime("%H:%M") for s in starts] == ["18:30"] * 3
    assert [s.hour for s in starts] == [22, 23, 23]


def test_weekly_in_new_york_across_march_and_its_gap() -> None:
    local_times = weekly(datetime(2027, 3, 7, 2, 30), NEW_YORK, count=3)
    starts = [localize(d, NEW_YORK) for d in local_times]
    # 02:30 on 14 March 2027 does not exist in New York; that week only moves to 03:30.
    assert [local_wall_clock(s, "America/New_York")[11:] for s in starts] == [
        "02:30",
        "03:30",
        "02:30",
    ]
    assert [s.hour for s in starts] == [7, 7, 6]


def test_weekly_until_includes_the_last_day() -> None:
    days = weekly(datetime(2027, 1, 5, 19, 0), LONDON, until=date(2027, 1, 19))
    assert [d.day for d in days] == [5, 12, 19]


def test_a_time_in_the_spring_forward_gap_moves_forward() -> None:
    at = localize(datetime(2027, 3, 28, 1, 30), LONDON)
    assert at.astimezone(LONDON).strftime("%H:%M") == "02:30"


def test_an_ambiguous_time_takes_the_first_occurrence() -> None:
    at = localize(datetime(2026, 10, 25, 1, 30), LONDON)
    assert at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_status_follows_the_window() -> None:
    start = datetime(2027, 1, 1, 19, tzinfo=UTC)
    end = start + timedelta(hours=1)

    def at(minutes: int, cancelled: bool = False, ended_at: datetime | None = None) -> str:
        return status(start, end, cancelled, ended_at, start + timedelta(minutes=minutes), 15)

    assert at(-16) == "scheduled"
    assert at(-15) == "open"
    assert at(59) == "open"
    assert at(60) == "ended"
    assert at(0, ended_at=start) == "ended"
    assert at(0, cancelled=True) == "cancelled"


def test_known_zone_takes_iana_names_only() -> None:
    assert known_zone("Europe/London") == LONDON
    assert known_zone("UTC") is not None
    for name in ("localtime", "Factory", "posixrules", "posix/Europe/London", "", "Mars/Base"):
        assert known_zone(name) is None, name
    assert known_zone("../../etc/passwd") is None


def test_opens_at_and_count_and_until_caps() -> None:
    start = datetime(2027, 1, 1, 19, tzinfo=UTC)
    assert opens_at(start, 15) == datetime(2027, 1, 1, 18, 45, tzinfo=UTC)
    assert len(weekly(datetime(2027, 1, 5, 19), LONDON, count=104)) == 104
    assert len(weekly(datetime(2027, 1, 5, 19), LONDON, until=date(2029, 1, 5))) == 104


def test_monthly_by_weekday_from_the_first_matching_day() -> None:
    """The 2nd Monday from 1 March 2027 is the 8th; the last Friday of February, the 26th."""
    assert monthly(datetime(2027, 3, 1, 19), "MO", 2, count=3) == [
        datetime(2027, 3, 8, 19), datetime(2027, 4, 12, 19), datetime(2027, 5, 10, 19),
    ]  # fmt: skip
    assert monthly(datetime(2027, 2, 1, 10), "FR", -1, until=date(2027, 4, 30)) == [
        datetime(2027, 2, 26, 10), datetime(2027, 3, 26, 10), datetime(2027, 4, 30, 10),
    ]  # fmt: skip


def test_fortnightly_and_the_two_year_bound() -> None:
    days = weekly(datetime(2027, 1, 5, 19), LONDON, count=3, interval=2)
    assert [d.date() for d in days] == [date(2027, 1, 5), date(2027, 1, 19), date(2027, 2, 2)]
    assert within_two_years(weekly(datetime(2027, 1, 5, 19), LONDON, count=104))
    # 53 fortnights span exactly 104 weeks; one more is past two years.
    assert within_two_years(weekly(datetime(2027, 1, 5, 19), LONDON, count=53, interval=2))
    assert not within_two_years(weekly(datetime(2027, 1, 5, 19), LONDON, count=54, interval=2))
