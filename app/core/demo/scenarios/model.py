"""What a scenario is: one recurring kind of incident and how it usually goes.

Summaries and notes are factual and calm and never quote what was posted. Placeholders:
{year} is the year group involved ("Year 4"), {event} a school event from the weeks before.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.vocab import (
    Audience,
    Category,
    EscalationKind,
    IncidentOutcome,
    Platform,
    PrejudiceType,
    Severity,
)


@dataclass(frozen=True)
class Where:
    """A platform and the kind of place on it (with the name of an "other" platform)."""

    platform: Platform
    audience: Audience
    other: str = ""


@dataclass(frozen=True)
class Scenario:
    """One recurring kind of incident: who posts, where, about whom, and how it ends.

    `poster` is a person kind ("parent", "pupil", "staff", "governor", "volunteer",
    "contractor") or "tp:<tag>" for a third party; `target` is "teacher", "head",
    "assistant", "pupil", "parent" or "school"; `reporter` is "parent", "teacher",
    "target", "pupil" or "search" (found by the DSL's own check of the school's name).
    """

    key: str
    weight: int
    categories: tuple[Category, ...]
    poster: str
    target: str
    places: tuple[Where, ...]
    severities: tuple[Severity, ...]
    summaries: tuple[str, ...]
    notes: tuple[str, ...]
    reporter: str
    outcomes: tuple[IncidentOutcome, ...]
    escalations: tuple[EscalationKind, ...] = ()
    removal: bool = True
    extra_categories: tuple[Category, ...] = ()
    image: bool = False
    safeguarding: float = 0.0
    min_year: int = 3
    #: For a prejudice-based scenario: the types of prejudice it is recorded under.
    prejudice: tuple[PrejudiceType, ...] = ()


#: Outcomes when the school can ask the poster to delete (most agree).
REMOVED = (
    IncidentOutcome.POST_REMOVED,
    IncidentOutcome.POST_REMOVED,
    IncidentOutcome.POST_PARTLY_REMOVED,
    IncidentOutcome.RESOLVED_WITHOUT_REMOVAL,
)
#: Outcomes when only the platform can take the post down.
THIRD_PARTY = (
    IncidentOutcome.POST_REMOVED,
    IncidentOutcome.POST_REMAINS,
    IncidentOutcome.POST_PARTLY_REMOVED,
)
