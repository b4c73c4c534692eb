"""Term dates for the demonstration school, following the usual pattern in England."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.core.vocab import TermName


@dataclass(frozen=True)
class TermDates:
    """One term of an academic year, with its half-term week."""

    academic_year: int
    name: TermName
    starts_on: date
    ends_on: date
    half_term_starts_on: date
    half_term_ends_on: date


def academic_year_of(day: date) -> int:
    """The calendar year the academic year containing `day` started in (September)."""
    return day.year if day.month >= 9 else day.year - 1


def terms_for(academic_year: int) -> list[TermDates]:
    """Autumn, spring and summer terms of one academic year (approximate, invented dates)."""
    start, end = academic_year, academic_year + 1
    autumn_half = _last_weekday_of_month(start, 10, 0)
    spring_starts = _weekday_on_or_after(date(end, 1, 5), 0)
    spring_half = _weekday_on_or_after(date(end, 2, 15), 0)
    spring_ends = _weekday_on_or_before(date(end, 3, 31), 4)
    summer_starts = spring_ends + timedelta(days=17)
    summer_half = _last_weekday_of_month(end, 5, 0)
    return [
        TermDates(
            start,
            TermName.AUTUMN,
            _school_day_on_or_after(date(start, 9, 3)),
            _weekday_on_or_before(date(start, 12, 20), 4),
            autumn_half,
            autumn_half + timedelta(days=4),
        ),
        TermDates(
            start,
            TermName.SPRING,
            spring_starts,
            spring_ends,
            spring_half,
            spring_half + timedelta(days=4),
        ),
        TermDates(
            start,
            TermName.SUMMER,
            summer_starts,
            _school_day_on_or_before(date(end, 7, 21)),
            summer_half,
            summer_half + timedelta(days=4),
        ),
    ]


def is_school_day(day: date, terms: list[TermDates]) -> bool:
    """A weekday inside a term and outside its half-term week."""
    if day.weekday() >= 5:
        return False
    return any(
        t.starts_on <= day <= t.ends_on and not t.half_term_starts_on <= day <= t.half_term_ends_on
        for t in terms
    )


def add_school_days(day: date, count: int, terms: list[TermDates]) -> date:
    """The date `count` school days after `day` (holidays and weekends skipped)."""
    current = day
    remaining = count
    # A year of holidays at most: the loop can't run away if the terms list is short.
    for _ in range(400):
        if remaining == 0:
            return current
        current += timedelta(days=1)
        if is_school_day(current, terms):
            remaining -= 1
    return current


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _school_day_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _school_day_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _last_weekday_of_month(year: int, month: int, weekday: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return _weekday_on_or_before(first_of_next - timedelta(days=1), weekday)
