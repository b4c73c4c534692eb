"""When a child protection file is due at the next school (KCSIE, Part 2: "Information
sharing" and Annex C): within five school days of an in-year move, or within the first
five school days of the new term when the pupil moves between terms. Counting school days
from the day the pupil left does both: the holiday between terms is not school days, so
the fifth falls in the first week of the next term. An academic year with no terms
entered counts every weekday (so the date is early rather than late)."""

from __future__ import annotations

from datetime import date

from app.core.rules.school_days import SchoolCalendar

TRANSFER_SCHOOL_DAYS = 5


def transfer_due_on(calendar: SchoolCalendar, left_on: date) -> date:
    """The last day the file should reach the next school."""
    return calendar.add_school_days(left_on, TRANSFER_SCHOOL_DAYS)
