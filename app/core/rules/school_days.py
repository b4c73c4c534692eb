"""School days: weekdays in term time that are not bank holidays in England and Wales.

Deadlines for deleting a post run in school days (two by default), so a request sent on
the Friday before half term is not overdue on the Monday of the holiday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from app.core.vocab import TermName


@dataclass(frozen=True)
class Term:
    """One term, with its half-term break (inclusive dates)."""

    academic_year: int
    name: TermName
    starts_on: date
    ends_on: date
    half_term_starts_on: date | None = None
    half_term_ends_on: date | None = None

    def contains(self, day: date) -> bool:
        """In this term and not in its half term."""
        if not self.starts_on <= day <= self.ends_on:
            return False
        if self.half_term_starts_on and self.half_term_ends_on:
            return not self.half_term_starts_on <= day <= self.half_term_ends_on
        return True

    @property
    def key(self) -> str:
        """ "2026-autumn": how the command line names a term."""
        return f"{self.academic_year}-{self.name.value}"

    @property
    def title(self) -> str:
        """ "Autumn term 2026" or "Spring term 2027" (the calendar year it falls in)."""
        year = self.academic_year if self.name is TermName.AUTUMN else self.academic_year + 1
        return f"{self.name.label} term {year}"


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England and Wales (the `holidays` library's list)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (Monday to Friday, not a bank holiday):
    when a letter posted on `start` should have arrived. Saturdays are not counted, so a
    letter is never taken to arrive sooner than it might."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    for _ in range(count):
        day += timedelta(days=1)
        while day.weekday() >= 5 or day in bank_holidays(day.year):
            day += timedelta(days=1)
    return day


def academic_year_of(day: date) -> int:
    """The calendar year the academic year holding `day` began in (1 August onwards)."""
    return day.year if day.month >= 8 else day.year - 1


class SchoolCalendar:
    """Which days are school days, from the school's terms and the bank holidays.

    For an academic year with no terms entered, every weekday that is not a bank holiday
    counts: a deadline is then early rather than late.
    """

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = sorted(terms, key=lambda t: t.starts_on)
        self._years = {t.academic_year for t in self.terms}

    def is_school_day(self, day: date) -> bool:
        """A weekday, not a bank holiday, inside a term (outside half term)."""
        if day.weekday() >= 5 or day in bank_holidays(day.year):
            return False
        if academic_year_of(day) not in self._years:
            return True
        return any(term.contains(day) for term in self.terms)

    def add_school_days(self, start: date, count: int) -> date:
        """The `count`-th school day after `start` (`start` itself never counts)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        for _ in range(count):
            day += timedelta(days=1)
            # Summer holidays are the longest run of non-school days (~7 weeks).
            for _ in range(120):
                if self.is_school_day(day):
                    break
                day += timedelta(days=1)
        return day

    def school_days_between(self, start: date, end: date) -> int:
        """School days after `start` up to and including `end` (0 if `end` ≤ `start`)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_school_day(day)
        return count

    def term_of(self, day: date) -> Term | None:
        """The term whose dates (half term included) contain `day`."""
        return next((t for t in self.terms if t.starts_on <= day <= t.ends_on), None)
