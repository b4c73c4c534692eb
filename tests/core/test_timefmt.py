"""British dates: stored in UTC, shown in London time as DD/MM/YYYY."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.errors import ValidationError
from app.core.timefmt import format_date, format_datetime, london_to_utc, parse_date


def test_summer_and_winter_times_are_shown_in_london() -> None:
    assert format_datetime(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "02/07/2026 00:30"
    assert format_datetime(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == "01/12/2026 23:30"
    assert format_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "02/07/2026"
    assert format_date(date(2026, 3, 9)) == "09/03/2026"
    assert format_date(None) == "" and format_datetime(None) == ""


def test_naive_times_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 7, 1, 12, 0))


def test_dates_are_read_day_first() -> None:
    assert parse_date("05/11/2026") == date(2026, 11, 5)
    assert parse_date(" 5/1/2027 ") == date(2027, 1, 5)
    for bad in ("2026-11-05", "31/02/2026", "11/31/2026", ""):
        with pytest.raises(ValidationError, match="DD/MM/YYYY") as raised:
            parse_date(bad, "seen_on")
        assert raised.value.field == "seen_on"


def test_a_wall_clock_time_at_school_becomes_utc() -> None:
    assert london_to_utc(datetime(2026, 7, 1, 9, 0)) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert london_to_utc(datetime(2026, 1, 5, 9, 0)) == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
