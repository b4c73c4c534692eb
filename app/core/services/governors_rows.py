"""The governors' anonymised rows: one per incident of a term's period, vocabulary values
and numbers only, as CSV for their own analysis."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import LONDON
from app.core.models import (
    DeletionRequest,
    Escalation,
    Incident,
    IncidentCategory,
    Involvement,
    Person,
)
from app.core.permissions import Permission, requires
from app.core.rules.school_days import Term
from app.core.services.governors import (
    incidents_in,
    school_days_to_removal,
    term_context,
)
from app.core.services.governors_people import POSTER_GROUPS, POSTER_ORDER
from app.core.vocab import (
    DeletionOutcome,
    IncidentOutcome,
    InvolvementRole,
)

#: The rows' columns, with the headings a governor reads in a spreadsheet.
CSV_HEADINGS = {
    "term": "Term",
    "week_commencing": "Week commencing",
    "categories": "Categories",
    "platform": "Platform",
    "poster_kinds": "Who posted",
    "severity": "Severity",
    "status": "Status now",
    "outcome": "Outcome",
    "school_days_to_removal": "School days to removal",
    "escalation_kinds": "Escalated to",
}
CSV_COLUMNS = list(CSV_HEADINGS)


@requires(Permission.GOVERNORS_REPORT)
def anonymised_rows(session: Session, term: Term) -> list[dict[str, str]]:
    """One row per incident seen in the term's period: vocabulary values and numbers only,
    sorted by week and values (never by record order, which would follow the log)."""
    _terms, calendar, period = term_context(session, term)
    in_period = incidents_in(period)
    incidents = session.execute(
        select(
            Incident.id,
            Incident.seen_at,
            Incident.platform,
            Incident.severity,
            Incident.status,
            Incident.outcome,
        ).where(in_period)
    ).all()
    ids_query = select(Incident.id).where(in_period)
    categories: dict[int, list[str]] = defaultdict(list)
    for incident_id, category in session.execute(
        select(IncidentCategory.incident_id, IncidentCategory.category).where(
            IncidentCategory.incident_id.in_(ids_query)
        )
    ):
        categories[incident_id].append(category.label)
    posters: dict[int, set[str]] = defaultdict(set)
    for incident_id, kind in session.execute(
        select(Involvement.incident_id, Person.kind)
        .join(Person, Person.id == Involvement.person_id)
        .where(
            Involvement.incident_id.in_(ids_query),
            Involvement.role == InvolvementRole.POSTER,
            Involvement.withdrawn_at.is_(None),
        )
    ):
        posters[incident_id].add(POSTER_GROUPS[kind])
    removal: dict[int, int] = {}
    removals = session.execute(
        select(
            DeletionRequest.incident_id,
            DeletionRequest.follow_up_of_id,
            DeletionRequest.sent_at,
            DeletionRequest.removal_verified_at,
        ).where(
            DeletionRequest.incident_id.in_(ids_query),
            DeletionRequest.withdrawn_at.is_(None),
            DeletionRequest.outcome == DeletionOutcome.REMOVED,
            DeletionRequest.sent_at.is_not(None),
            DeletionRequest.removal_verified_at.is_not(None),
        )
    ).all()
    # Counted as the report counts them: from the first request of the chain (a second
    # request follows on from the first) to the day the removal was checked.
    timed = [(i, f, s, v) for i, f, s, v in removals if s is not None and v is not None]
    days_each = school_days_to_removal(session, calendar, [(f, s, v) for _, f, s, v in timed])
    for (request_incident, *_), days in zip(timed, days_each, strict=True):
        removal[request_incident] = min(days, removal.get(request_incident, days))
    escalations: dict[int, set[str]] = defaultdict(set)
    for escalated_incident, escalation_kind in session.execute(
        select(Escalation.incident_id, Escalation.kind).where(
            Escalation.incident_id.in_(ids_query), Escalation.withdrawn_at.is_(None)
        )
    ):
        escalations[escalated_incident].add(escalation_kind.label)
    rows = []
    for incident_id, seen_at, platform, severity, status, outcome in incidents:
        seen = seen_at.astimezone(LONDON).date()
        rows.append(
            {
                "term": term.title,
                "week_commencing": (seen - timedelta(days=seen.weekday())).isoformat(),
                "categories": "; ".join(sorted(categories[incident_id])),
                "platform": platform.label,
                "poster_kinds": "; ".join(
                    sorted(posters[incident_id], key=POSTER_ORDER.index) or ["Unknown"]
                ),
                "severity": severity.label,
                "status": status.label,
                "outcome": _outcome_label(outcome),
                "school_days_to_removal": (
                    str(removal[incident_id]) if incident_id in removal else ""
                ),
                "escalation_kinds": "; ".join(sorted(escalations[incident_id])),
            }
        )
    rows.sort(key=lambda r: tuple(r[c] for c in CSV_COLUMNS))
    return rows


def _outcome_label(outcome: IncidentOutcome | None) -> str:
    return outcome.label if outcome is not None else ""


def rows_csv(rows: Iterable[dict[str, str]]) -> bytes:
    """The rows as CSV for Excel: UTF-8 with a byte-order mark, a header, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, dialect="excel")
    writer.writerow(CSV_HEADINGS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
