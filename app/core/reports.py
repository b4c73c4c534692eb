"""The governors' termly report as plain data: what the services count and the document
draws (counts and labels only, never a name). Here, between the two, so that
`app/documents` imports neither services nor models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.core.rules.suppression import Row, RowGroup, shown


@dataclass(frozen=True)
class TermFigures:
    """The key figures of one term, for the trend."""

    title: str
    incidents: int
    safeguarding: int
    requests_sent: int
    removed: int
    escalations: int

    def values(self) -> list[int]:
        return [
            self.incidents,
            self.safeguarding,
            self.requests_sent,
            self.removed,
            self.escalations,
        ]


TREND_LABELS = [
    "Incidents recorded",
    "Safeguarding concerns",
    "Deletion requests sent",
    "Requests that ended with the post removed",
    "Escalations",
]


@dataclass(frozen=True)
class GovernorsReport:
    """Everything the report prints: counts and labels only."""

    school_name: str
    term_key: str
    term_title: str
    period_start: date
    period_end: date
    produced_on: date
    suppress: bool
    incidents: int
    safeguarding: int
    by_category: list[Row]
    by_platform: list[Row]
    by_poster: list[Row]
    by_severity: list[Row]
    requests_sent: int
    requests: list[Row]
    removal_days_median: float | None
    removal_days_longest: int | None
    removals_timed: int
    escalations_total: int
    escalations_by_kind: list[Row]
    escalations_by_status: list[Row]
    trend: list[TermFigures]
    open_incidents_at_end: int
    requests_waiting: int
    escalations_open: int
    commentary: str = ""
    #: Escalations by where they went, in groups never combined with each other
    #: (referrals outside the school, reports online, the school's own procedures).
    escalation_groups: list[RowGroup] = field(default_factory=list)
    #: Praise and other positive mentions of the school recorded in the period: not
    #: incidents, so counted in no other figure.
    mentions: int = 0
    notes: list[str] = field(default_factory=list)
    #: The audit trail's newest entry when the report was made ("1234:4f3a 9c12 0b7e
    #: 55d1"): the clerk's printed copy proves later that history before it is unchanged.
    checkpoint: str = ""
    #: Prejudice-based incidents by the type of prejudice (Ofsted looks for this analysis);
    #: an incident counts once, under its recorded type.
    by_prejudice_type: list[Row] = field(default_factory=list)
    #: Incidents by the year group of the pupils involved, as it was when each was added
    #: (an incident counts under each year group it involved).
    by_year_group: list[Row] = field(default_factory=list)

    def show(self, count: int) -> str:
        return shown(count, self.suppress)
