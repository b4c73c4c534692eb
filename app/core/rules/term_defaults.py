"""Default term dates, following the usual pattern of schools in England.

Local authorities set their own dates, so these are only a starting point that the
school edits in Settings; they make deadlines and termly reports right out of the box.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.core.rules.school_days import Term
from app.core.vocab import TermName


def default_terms(academic_year: int) -> list[Term]:
    """Autumn, spring and summer terms of the academic year starting in September of
    `academic_year`, each with a one-week half term."""
    start, end = academic_year, academic_year + 1
    autumn_half = _last_weekday_of_month(start, 10, 0)
    spring_starts = _first_weekday_from(date(end, 1, 4))
    spring_half = _weekday_on_or_after(date(end, 2, 15), 0)
    spring_ends = _weekday_on_or_before(date(end, 3, 31), 4)
    summer_half = _last_weekday_of_month(end, 5, 0)
    return [
        Term(
            start,
            TermName.AUTUMN,
            _first_weekday_from(date(start, 9, 3)),
            _weekday_on_or_before(date(start, 12, 19), 4),
            autumn_half,
            autumn_half + timedelta(days=4),
        ),
        Term(
            start,
            TermName.SPRING,
            spring_starts,
            spring_ends,
            spring_half,
            spring_half + timedelta(days=4),
        ),
        Term(
            start,
            TermName.SUMMER,
            spring_ends + timedelta(days=17),
            _weekday_on_or_before(date(end, 7, 21), 4),
            summer_half,
            summer_half + timedelta(days=4),
        ),
    ]


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _first_weekday_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _last_weekday_of_month(year: int, month: int, weekday: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return _weekday_on_or_before(first_of_next - timedelta(days=1), weekday)
