"""The inspection list: the incident list as filtered on screen, every matching row (not
the window of rows the screen holds), as the "list of referrals and their resolution"
with a summary of prejudice-based incidents by type.

Rows are read by one query in the list's own order and streamed a partition at a time
(`yield_per`): a CSV of 100,000 incidents never holds them all. The filter and the
visibility rule are the list's own (`incident_queries.matching`), so an export shows what
the same account sees on screen, restricted incidents included or not exactly as there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.core.audit import Action
from app.core.audit.looks import Record, record_look
from app.core.clock import today_london
from app.core.errors import ValidationError
from app.core.files import ByteSink, Fingerprinted
from app.core.id_lists import among
from app.core.inspection import InspectionHeading, InspectionRow, PrejudiceCount
from app.core.mis_import.records import Cancelled, ImportCancelled, Progress
from app.core.models import Escalation, Incident, IncidentCategory, Person
from app.core.permissions import Permission, requires
from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentSort,
    count_incidents,
    matching,
    sort_expression,
)
from app.core.services.letter_values import letterhead
from app.core.services.school import find_settings
from app.core.timefmt import format_date
from app.core.vocab import Category, IncidentStatus, PrejudiceType
from app.documents.base import Letterhead
from app.documents.inspection_csv import write_inspection_csv
from app.documents.inspection_list import InspectionListDocument

#: Rows read from the database at a time (each partition's categories and escalations
#: are read in two queries for its ids).
PARTITION = 1_000

_SORT_WORDS = {
    IncidentSort.REFERENCE: ("reference", "highest first", "lowest first"),
    IncidentSort.SEEN_AT: ("date seen", "newest first", "oldest first"),
    IncidentSort.PLATFORM: ("platform", "Z to A", "A to Z"),
    IncidentSort.CATEGORIES: ("category", "Z to A", "A to Z"),
    IncidentSort.POSTER: ("who posted", "Z to A", "A to Z"),
    IncidentSort.TARGETS: ("who was targeted", "Z to A", "A to Z"),
    IncidentSort.SEVERITY: ("severity", "most severe first", "least severe first"),
    IncidentSort.STATUS: ("status", "closed first", "new first"),
    IncidentSort.NEXT_ACTION_DUE: ("next action due", "latest first", "soonest first"),
}


#: A PDF longer than this many rows (about 3,000 pages) is refused: no inspector reads
#: it, and reportlab holds every page until the last. The CSV has no limit.
PDF_MOST_ROWS = 20_000


class ExportFormat(StrEnum):
    """What the inspection list is saved as."""

    CSV = "csv"
    PDF = "pdf"


@dataclass(frozen=True)
class ExportFacts:
    """What an export produced: rows written and the file's SHA-256."""

    rows: int
    sha256: str


@requires(Permission.READ_INCIDENTS)
def inspection_rows(
    session: Session,
    flt: IncidentFilter,
    *,
    sort: IncidentSort = IncidentSort.SEEN_AT,
    descending: bool = True,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Iterator[InspectionRow]:
    """Every incident the list shows for `flt`, in the list's order, one partition of rows
    in memory at a time. `progress(done, total)` is told after each partition; when
    `cancelled()` turns true the reading stops with ImportCancelled."""
    total = count_incidents(session, flt) if progress is not None else 0
    key = sort_expression(sort)
    order = [key.desc(), Incident.id.desc()] if descending else [key.asc(), Incident.id.asc()]
    query = matching(
        session,
        select(
            Incident.id,
            Incident.reference,
            Incident.seen_at,
            Incident.reported_at,
            Incident.severity,
            Incident.status,
            Incident.outcome,
            Incident.outcome_rationale,
            Incident.closed_at,
            Incident.prejudice_type,
            Incident.withdrawn_at,
        ),
        flt,
    ).order_by(*order)
    dialect = session.get_bind().dialect.name
    done = 0
    result = session.execute(query.execution_options(yield_per=PARTITION))
    for partition in result.partitions():
        if cancelled is not None and cancelled():
            result.close()
            raise ImportCancelled
        ids = [row.id for row in partition]
        categories = _categories(session, ids, dialect)
        referrals = _referrals(session, ids, dialect)
        for row in partition:
            yield _row(row, categories.get(row.id, []), referrals.get(row.id, []))
        done += len(partition)
        if progress is not None:
            progress(done, max(total, done))


def _categories(session: Session, ids: list[int], dialect: str) -> dict[int, list[Category]]:
    found: dict[int, list[Category]] = {}
    for incident_id, category in session.execute(
        select(IncidentCategory.incident_id, IncidentCategory.category)
        .where(among(IncidentCategory.incident_id, ids, dialect))
        .order_by(IncidentCategory.incident_id, IncidentCategory.category)
    ):
        found.setdefault(incident_id, []).append(category)
    return found


def _referrals(session: Session, ids: list[int], dialect: str) -> dict[int, list[str]]:
    """Each incident's escalations (not withdrawn), in the order they were made: where to,
    the other body's reference, and where it stands."""
    found: dict[int, list[str]] = {}
    for incident_id, kind, number, status in session.execute(
        select(
            Escalation.incident_id,
            Escalation.kind,
            Escalation.reference_number,
            Escalation.status,
        )
        .where(among(Escalation.incident_id, ids, dialect), Escalation.withdrawn_at.is_(None))
        .order_by(Escalation.incident_id, Escalation.escalated_at, Escalation.id)
    ):
        reference = f", ref. {one_line(number)}" if number.strip() else ""
        found.setdefault(incident_id, []).append(f"{kind.label}{reference}: {status.label}")
    return found


def _row(row: Any, categories: list[Category], referrals: list[str]) -> InspectionRow:
    labels = []
    for category in categories:
        if category is Category.PREJUDICE_BASED and row.prejudice_type is not None:
            labels.append(f"{category.label} ({row.prejudice_type.label.lower()})")
        else:
            labels.append(category.label)
    status = row.status.label + (" (withdrawn)" if row.withdrawn_at is not None else "")
    return InspectionRow(
        reference=row.reference,
        seen_on=format_date(row.seen_at),
        reported_on=format_date(row.reported_at),
        categories="; ".join(labels),
        severity=row.severity.label,
        status=status,
        outcome=row.outcome.label if row.outcome is not None else "",
        referred_to="; ".join(referrals),
        resolution=resolution(row.status, row.closed_at, row.outcome_rationale),
    )


def resolution(status: IncidentStatus, closed_at: Any, rationale: str) -> str:
    """How the incident was resolved, in one line: closed on which day, with the reason
    recorded; or that it is still open (never a resolution it hasn't had)."""
    reason = one_line(rationale)
    if status is IncidentStatus.CLOSED:
        closed = f"Closed on {format_date(closed_at)}" if closed_at is not None else "Closed"
        return f"{closed}: {reason}" if reason else closed
    return f"Not resolved yet: {reason}" if reason else "Not resolved yet"


def one_line(text: str) -> str:
    """Every run of white space (line breaks and tabs included) as one space."""
    return " ".join(text.split())


@requires(Permission.READ_INCIDENTS)
def inspection_heading(
    session: Session,
    flt: IncidentFilter,
    *,
    sort: IncidentSort = IncidentSort.SEEN_AT,
    descending: bool = True,
) -> InspectionHeading:
    """The school, the day, the filter in words, how many incidents match, and the
    prejudice-based ones among them by type (counted in SQL over the same filter)."""
    settings = find_settings(session)
    counted = session.execute(
        matching(
            session,
            select(Incident.prejudice_type, func.count(Incident.id)).where(
                exists().where(
                    IncidentCategory.incident_id == Incident.id,
                    IncidentCategory.category == Category.PREJUDICE_BASED,
                )
            ),
            flt,
        ).group_by(Incident.prejudice_type)
    ).all()
    by_type: dict[PrejudiceType | None, int] = {kind: count for kind, count in counted}
    prejudice = [PrejudiceCount(t.label, by_type.get(t, 0)) for t in PrejudiceType]
    if by_type.get(None):  # recorded before the type was asked for
        prejudice.append(PrejudiceCount("Type not recorded", by_type[None]))
    return InspectionHeading(
        school_name=settings.name if settings is not None else "",
        produced_on=today_london(),
        filter_lines=tuple(describe_filter(session, flt, sort=sort, descending=descending)),
        total=count_incidents(session, flt),
        prejudice=tuple(prejudice),
        prejudice_total=sum(by_type.values()),
    )


@requires(Permission.READ_INCIDENTS)
def describe_filter(
    session: Session,
    flt: IncidentFilter,
    *,
    sort: IncidentSort = IncidentSort.SEEN_AT,
    descending: bool = True,
) -> list[str]:
    """The list's filter and order in words, as the PDF prints them above the table."""
    lines = []
    if flt.statuses:
        lines.append("Status: " + ", ".join(s.label for s in sorted(flt.statuses)))
    if flt.open_only:
        lines.append("Status: open (not closed)")
    for title, chosen in (
        ("Category", flt.categories),
        ("Platform", flt.platforms),
        ("Severity", flt.severities),
    ):
        if chosen:
            lines.append(f"{title}: " + ", ".join(c.label for c in sorted(chosen)))
    if flt.seen_from is not None or flt.seen_to is not None:
        lines.append(_seen_between(flt.seen_from, flt.seen_to))
    if flt.person_id is not None:
        name = session.execute(
            select(Person.given_name, Person.family_name).where(Person.id == flt.person_id)
        ).first()
        lines.append("Involving " + (f"{name[0]} {name[1]}".strip() if name else "one person"))
    if flt.safeguarding_only:
        lines.append("Safeguarding concerns only")
    if flt.overdue_only:
        lines.append(f"Only those with something overdue on {format_date(today_london())}")
    if flt.text.strip():
        lines.append(f"Matching the search “{one_line(flt.text)}”")
    lines.append(
        "Withdrawn incidents included" if flt.include_withdrawn else "Withdrawn incidents left out"
    )
    if len(lines) == 1:
        lines.insert(0, "Every incident")
    words, down, up = _SORT_WORDS[sort]
    lines.append(f"In order of {words}, {down if descending else up}")
    return lines


def _seen_between(start: date | None, end: date | None) -> str:
    if start is not None and end is not None:
        return f"Seen from {format_date(start)} to {format_date(end)}"
    if start is not None:
        return f"Seen on or after {format_date(start)}"
    return f"Seen on or before {format_date(end)}"


@requires(Permission.READ_INCIDENTS)
def record_inspection_export(
    session: Session,
    flt: IncidentFilter,
    *,
    file_format: ExportFormat,
    facts: ExportFacts,
    by: str,
) -> None:
    """The inspection list was saved: on the trail with its format, filter, row count and
    SHA-256. The filter is recorded by its values; a search's text is not (as for people
    searches: it may be a name), only that there was one."""
    record_look(
        session,
        Action.EXPORT,
        Record.INSPECTION_LIST,
        None,
        format=str(file_format),
        filter=filter_for_trail(flt),
        rows=facts.rows,
        sha256=facts.sha256,
        by=by,
    )


def filter_for_trail(flt: IncidentFilter) -> dict[str, object]:
    """The filter's values the trail keeps (plain JSON; no search text)."""
    kept: dict[str, object] = {}
    for name in ("statuses", "categories", "platforms", "severities"):
        values = getattr(flt, name)
        if values:
            kept[name] = sorted(str(v) for v in values)
    for name in ("seen_from", "seen_to"):
        value = getattr(flt, name)
        if value is not None:
            kept[name] = value.isoformat()
    if flt.person_id is not None:
        kept["person_id"] = flt.person_id
    for name in ("open_only", "safeguarding_only", "overdue_only", "include_withdrawn"):
        if getattr(flt, name):
            kept[name] = True
    if flt.text.strip():
        kept["search"] = "(text not recorded)"
    return kept


@requires(Permission.READ_INCIDENTS)
def write_inspection_list(
    session: Session,
    flt: IncidentFilter,
    out: ByteSink,
    file_format: ExportFormat,
    *,
    sort: IncidentSort = IncidentSort.SEEN_AT,
    descending: bool = True,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportFacts:
    """Write the list to `out` as CSV (streamed) or PDF; how many rows, and the SHA-256 of
    what was written. Nothing is recorded here: the caller records the export
    (`record_inspection_export`) in the unit of work that makes the file appear."""
    written = Fingerprinted(out)
    rows = inspection_rows(
        session, flt, sort=sort, descending=descending, progress=progress, cancelled=cancelled
    )
    if file_format is ExportFormat.CSV:
        count = write_inspection_csv(rows, written)
        return ExportFacts(count, written.sha256)
    heading = inspection_heading(session, flt, sort=sort, descending=descending)
    if heading.total > PDF_MOST_ROWS:
        raise ValidationError(
            "format",
            f"The list holds {heading.total:,} incidents: too many for a PDF (at most "
            f"{PDF_MOST_ROWS:,}). Narrow it, by the dates seen for example, or save it as CSV.",
        )
    settings = find_settings(session)
    head = letterhead(settings) if settings is not None else Letterhead(school_name="")
    document = InspectionListDocument(head, heading, rows)
    written.write(document.render())
    return ExportFacts(document.row_count, written.sha256)
