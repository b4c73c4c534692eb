"""Deadlines in school days: weekends, bank holidays in England and Wales, and term breaks."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.db import Database
from app.core.errors import NotFound, ValidationError
from app.core.models import User
from app.core.rules.school_days import SchoolCalendar, Term, academic_year_of, bank_holidays
from app.core.rules.term_defaults import default_terms
from app.core.services.terms import (
    ensure_default_terms,
    list_terms,
    save_term,
    school_calendar,
    term_by_key,
)
from app.core.vocab import TermName

CALENDAR = SchoolCalendar([*default_terms(2025), *default_terms(2026)])


@pytest.mark.parametrize(
    ("sent", "days", "deadline", "why"),
    [
        (date(2026, 11, 24), 2, date(2026, 11, 26), "Tuesday → Thursday"),
        (date(2026, 5, 1), 2, date(2026, 5, 6), "May Day bank holiday in term time"),
        (date(2027, 5, 28), 1, date(2027, 6, 7), "spring bank holiday and half term 2027"),
        (date(2026, 11, 26), 2, date(2026, 11, 30), "Thursday → Monday (weekend skipped)"),
        (date(2026, 11, 28), 2, date(2026, 12, 1), "sent on a Saturday"),
        (date(2026, 4, 2), 2, date(2026, 4, 14), "Easter: holidays then Tuesday"),
        (date(2027, 3, 24), 1, date(2027, 3, 25), "the last school day before Easter 2027"),
        (date(2027, 3, 25), 1, date(2027, 4, 12), "Good Friday (in term) is a bank holiday"),
        (date(2026, 5, 22), 2, date(2026, 6, 2), "late May bank holiday and half term"),
        (date(2026, 10, 23), 2, date(2026, 11, 3), "autumn half term"),
        (date(2026, 12, 17), 2, date(2027, 1, 4), "Christmas holidays"),
        (date(2026, 2, 13), 3, date(2026, 2, 25), "February half term"),
    ],
)
def test_deadlines_skip_what_is_not_a_school_day(
    sent: date, days: int, deadline: date, why: str
) -> None:
    assert CALENDAR.add_school_days(sent, days) == deadline, why


def test_bank_holidays_come_from_the_library() -> None:
    assert date(2026, 4, 6) in bank_holidays(2026)  # Easter Monday
    assert date(2026, 5, 25) in bank_holidays(2026)  # late May bank holiday
    assert date(2026, 8, 31) in bank_holidays(2026)  # summer bank holiday (England, Wales)
    assert date(2026, 8, 3) not in bank_holidays(2026)  # Scotland's August holiday


def test_without_terms_weekdays_count_but_bank_holidays_never_do() -> None:
    no_terms = SchoolCalendar([])
    assert no_terms.add_school_days(date(2026, 4, 2), 2) == date(2026, 4, 8)  # Fri, Mon out
    assert no_terms.is_school_day(date(2026, 8, 12))
    assert not CALENDAR.is_school_day(date(2026, 8, 12))  # summer holidays


def test_school_days_between_and_term_of() -> None:
    assert CALENDAR.school_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert CALENDAR.school_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0
    term = CALENDAR.term_of(date(2026, 10, 28))
    assert term is not None and term.key == "2026-autumn" and term.title == "Autumn term 2026"
    assert CALENDAR.term_of(date(2026, 8, 10)) is None
    assert academic_year_of(date(2027, 3, 1)) == 2026


def test_default_terms_are_added_once_and_edits_are_kept(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        assert ensure_default_terms(s, actor, around=date(2026, 11, 24)) == 9
        save_term(
            s,
            actor,
            2026,
            TermName.AUTUMN,
            starts_on=date(2026, 9, 2),
            ends_on=date(2026, 12, 16),
            half_term_starts_on=date(2026, 10, 19),
            half_term_ends_on=date(2026, 10, 30),
        )
        assert ensure_default_terms(s, actor, around=date(2026, 11, 24)) == 0
    with database.read(actor) as s:
        assert len(list_terms(s)) == 9
        autumn = term_by_key(s, "2026-autumn")
        assert (autumn.starts_on, autumn.half_term_ends_on) == (
            date(2026, 9, 2),
            date(2026, 10, 30),
        )
        calendar = school_calendar(s)
        assert not calendar.is_school_day(date(2026, 10, 21))  # the school's two-week break
        with pytest.raises(NotFound, match="2026-autumn"):
            term_by_key(s, "autumn-2026")


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ((date(2026, 9, 2), date(2026, 9, 1), None, None), "ends_on"),
        ((date(2026, 9, 2), date(2026, 12, 16), date(2026, 10, 19), None), "half_term_ends_on"),
        (
            (date(2026, 9, 2), date(2026, 12, 16), date(2026, 8, 19), date(2026, 8, 23)),
            "half_term_starts_on",
        ),
        ((date(2026, 9, 2), date(2027, 1, 20), None, None), "starts_on"),  # overlaps spring
    ],
)
def test_term_dates_that_make_no_sense_are_refused(
    database: Database, actor: User, dates: tuple[date, date, date | None, date | None], field: str
) -> None:
    with database.write(actor) as s:
        ensure_default_terms(s, actor, around=date(2026, 11, 24))
    starts, ends, half_start, half_end = dates
    with pytest.raises(ValidationError) as raised, database.write(actor) as s:
        save_term(
            s,
            actor,
            2026,
            TermName.AUTUMN,
            starts_on=starts,
            ends_on=ends,
            half_term_starts_on=half_start,
            half_term_ends_on=half_end,
        )
    assert raised.value.field == field


def test_a_term_knows_its_key() -> None:
    term = Term(2026, TermName.SPRING, date(2027, 1, 4), date(2027, 3, 26))
    assert (term.key, term.title) == ("2026-spring", "Spring term 2027")
