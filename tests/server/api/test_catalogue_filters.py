"""The catalogue's filters as pure functions: literal queries and times in, no app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.api.catalogue_filters import in_hours, meeting_matches, parse
from server.api.errors import ApiError


def test_night_wraps_past_midnight_and_from_to_is_half_open() -> None:
    night = parse({"time": "night"}).hours
    assert night == (21, 5)
    assert night is not None
    assert [h for h in range(24) if in_hours(h, night)] == [0, 1, 2, 3, 4, 21, 22, 23]
    assert [h for h in range(24) if in_hours(h, (9, 12))] == [9, 10, 11]


def test_a_day_is_the_viewers_and_counts_from_sunday() -> None:
    start = datetime(2027, 3, 7, 18, 0, tzinfo=UTC)  # a Sunday evening in London
    end, now = start + timedelta(hours=1), start - timedelta(days=1)
    assert meeting_matches(parse({"day": "0"}), start, end, now)
    assert meeting_matches(parse({"day": "sun", "tz": "America/New_York"}), start, end, now)
    assert meeting_matches(parse({"day": "mon", "tz": "Asia/Tokyo"}), start, end, now)
    assert not meeting_matches(parse({"day": "SUN", "tz": "Asia/Tokyo"}), start, end, now)


def test_the_query_keeps_filters_and_drops_defaults() -> None:
    filters = parse({"day": "2", "from": "22", "to": "2", "tz": "UTC", "language": "PT-br"})
    assert filters.query() == {"language": "pt-BR", "day": "tue", "from": "22", "to": "2"}
    assert filters.query(day="", page="3") == {"language": "pt-BR", "from": "22", "to": "2",
                                               "page": "3"}  # fmt: skip


@pytest.mark.parametrize("field", ["day", "tz", "page"])
def test_a_bad_value_names_its_field(field: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse({field: "nonsense"})
    assert list(caught.value.fields) == [field]
