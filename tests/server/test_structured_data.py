"""The pure builders behind the group page: slugs and schema.org schedules, from literals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from server.slugs import slugify
from server.structured_data import Plan, Slot, schedule, usual_slot


def test_slugs_keep_every_script_and_drop_the_rest() -> None:
    assert slugify("Grief & Loss — Evenings") == "grief-loss-evenings"
    assert slugify("Café Crème") == "cafe-creme"
    assert slugify("مجموعة الدعم") == "مجموعة-الدعم"
    assert slugify("हिन्दी समूह") == "हिन्दी-समूह"
    assert slugify("🙂 !!") == ""


def test_a_monthly_rule_says_which_week_and_a_fortnightly_one_its_interval() -> None:
    slot = Slot(0, time(18, 30), 90)
    monthly = Plan({"monthly": {"weekday": "MO", "nth": -1, "count": 6}}, "Asia/Beirut", slot,
                   date(2027, 1, 25), date(2027, 6, 28))  # fmt: skip
    out = schedule(monthly)
    assert out["repeatFrequency"] == "P1M" and out["byMonthWeek"] == -1
    assert out["byDay"] == "https://schema.org/Monday" and out["repeatCount"] == 6
    assert (out["startTime"], out["endTime"], out["duration"]) == ("18:30", "20:00", "PT90M")
    fortnightly = Plan({"weekly": {"interval": 2, "until": "2027-06-01"}}, "UTC", slot,
                       date(2027, 1, 4), date(2027, 5, 31))  # fmt: skip
    assert schedule(fortnightly)["repeatFrequency"] == "P2W"
    assert "repeatCount" not in schedule(fortnightly)


def test_the_usual_slot_is_what_most_meetings_keep() -> None:
    def at(day: int, hour: int) -> tuple[datetime, datetime]:
        start = datetime(2027, 1, day, hour, tzinfo=UTC)
        return start, start.replace(hour=hour + 1)

    # Three Tuesdays at 19:00 London and one moved to Wednesday 20:00.
    assert usual_slot([at(5, 19), at(13, 20), at(19, 19), at(26, 19)], "Europe/London") == Slot(
        1, time(19, 0), 60
    )
    assert usual_slot([], "UTC") is None
