"""When a subject access request must be answered (UK GDPR Art. 12(3); the ICO's guidance
on the right of access).

- One calendar month, counted from the day the request is received (that day is day one,
  whether or not it is a working day): the answer is due on the corresponding calendar
  day of the next month. Received on 3 September, due on 3 October.
- A month without that day (received on 31 January) gives the last day of that month
  (28 or 29 February).
- A due day that falls on a weekend or a bank holiday (England and Wales) moves to the
  next working day.
- School holidays change nothing: the law counts calendar months, not school days.
- A complex request may be extended by up to two further months (counted the same way,
  from the day of receipt); the requester must be told within the first month, with the
  reason, so an extension is refused once that month is over.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from app.core.rules.school_days import bank_holidays

#: The most a complex request may be extended by (months).
MOST_EXTENSION_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """The corresponding calendar day `months` later; the last day of that month when it
    has no such day (31 January + 1 month → 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date) -> date:
    """`day`, or the first day after it that is neither a weekend nor a bank holiday."""
    while day.weekday() >= 5 or day in bank_holidays(day.year):
        day += timedelta(days=1)
    return day


def response_due(received_on: date, extension_months: int = 0) -> date:
    """The last day to answer a request received on `received_on`, with an extension of
    `extension_months` (0, 1 or 2) for a complex request."""
    if not 0 <= extension_months <= MOST_EXTENSION_MONTHS:
        raise ValueError("an extension is of one or two months")
    return next_working_day(add_months(received_on, 1 + extension_months))


def extension_still_possible(received_on: date, today: date) -> bool:
    """Whether an extension can still be decided: only within the first month, when the
    requester must be told of it."""
    return today <= response_due(received_on)
