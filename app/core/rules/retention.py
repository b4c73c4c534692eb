"""How long an incident is kept, and when it comes up for review: a pure function of the
incident's facts and the school's two settings.

The defaults follow the IRMS Information Management Toolkit for Schools: a child
protection record (here, an incident marked as a safeguarding concern) is kept until the
youngest pupil involved is 25 (their date of birth + 25 years); other records for a few
years after they are closed (6 by default). An open incident is never due: its review
date is worked out only once it is closed (or withdrawn, as recorded in error).

Where a safeguarding concern names no pupil whose date of birth is known, the rule says
so and counts 25 years from the day the incident was closed instead. A child is at most
about 19 when they leave school, so that is always at least as long as the pupil's own
date would give, and it keeps the record rather than guessing a birthday.

A date of birth on 29 February reaches its anniversary on 1 March in a year without one
(the later of the two possible days: a retention date errs on the side of keeping).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.timefmt import format_date

#: IRMS: a child protection file until the child's date of birth + 25 years.
DEFAULT_SAFEGUARDING_YEARS = 25
#: Other incidents: this many years after closing.
DEFAULT_YEARS_AFTER_CLOSING = 6
#: What a school may set (a record kept less than a year is not a record; a century is
#: a typing slip).
YEARS_RANGE = range(1, 100)


class RuleKind(StrEnum):
    """Which rule gave an incident its review date."""

    SAFEGUARDING_BIRTH = "safeguarding: youngest pupil's date of birth"
    SAFEGUARDING_CLOSING = "safeguarding: no pupil's date of birth known"
    AFTER_CLOSING = "after closing"
    OPEN = "open"


@dataclass(frozen=True)
class RetentionSettings:
    """The school's choices (Settings), with IRMS's defaults."""

    safeguarding_years: int = DEFAULT_SAFEGUARDING_YEARS
    years_after_closing: int = DEFAULT_YEARS_AFTER_CLOSING


@dataclass(frozen=True)
class RetentionFacts:
    """What the rule reads of an incident: the safeguarding-concern flag, the day it was
    closed (or withdrawn: recorded in error, it is finished with), and the dates of birth
    of the pupils involved (people withdrawn from it, added in error, are not)."""

    safeguarding_concern: bool
    closed_on: date | None
    pupil_births: tuple[date, ...] = ()


@dataclass(frozen=True)
class RetentionRule:
    """An incident's rule: which one, the day it comes up for review (None while open),
    and the reason in words a DSL (or the ICO) reads."""

    kind: RuleKind
    review_on: date | None
    reason: str

    def due(self, today: date) -> bool:
        """Whether its time is up (an open incident never is)."""
        return self.review_on is not None and self.review_on <= today


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


def retention_rule(facts: RetentionFacts, settings: RetentionSettings) -> RetentionRule:
    """The rule that applies to an incident with these facts."""
    if facts.closed_on is None:
        return RetentionRule(
            RuleKind.OPEN,
            None,
            "Open: its retention period starts when it is closed.",
        )
    closed = format_date(facts.closed_on)
    if facts.safeguarding_concern:
        years = settings.safeguarding_years
        youngest = max(facts.pupil_births, default=None)
        if youngest is not None:
            return RetentionRule(
                RuleKind.SAFEGUARDING_BIRTH,
                add_years(youngest, years),
                f"Safeguarding concern: kept until the youngest pupil involved is {years} "
                "(their date of birth + "
                f"{years} years, as the IRMS toolkit advises for child protection records).",
            )
        return RetentionRule(
            RuleKind.SAFEGUARDING_CLOSING,
            add_years(facts.closed_on, years),
            f"Safeguarding concern with no pupil's date of birth recorded: kept {years} years "
            f"from closing ({closed}) instead of {years} years from the youngest pupil's "
            "date of birth. Add the date of birth to shorten it to the IRMS period.",
        )
    years = settings.years_after_closing
    return RetentionRule(
        RuleKind.AFTER_CLOSING,
        add_years(facts.closed_on, years),
        f"Kept {years} years after closing ({closed}), the school's setting.",
    )


def check_years(value: int) -> bool:
    """Whether a number of years is one a school may set."""
    return value in YEARS_RANGE


def known_births(births: Iterable[date | None]) -> tuple[date, ...]:
    """The dates of birth that are known, as the facts take them."""
    return tuple(sorted(b for b in births if b is not None))
