"""Reading the audit trail (Settings → Audit) and checking it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit.erasure import erased_by
from app.core.clock import LONDON
from app.core.models import AuditEntry, Incident, User
from app.core.permissions import Permission, requires


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str
    action: str
    record: str
    changes: str


@requires(Permission.AUDIT)
def audit_entries(
    session: Session,
    *,
    user_id: int | None = None,
    table_name: str | None = None,
    record_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> list[AuditRow]:
    """The newest entries matching the filters (dates are London days, inclusive)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if table_name:
        query = query.where(AuditEntry.table_name == table_name)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    if since is not None:
        query = query.where(AuditEntry.at >= datetime.combine(since, time(), LONDON))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), LONDON)
        query = query.where(AuditEntry.at < end)
    names = {u.id: u.display_name for u in session.scalars(select(User))}
    entries = list(session.scalars(query))
    incident_ids = {e.record_id for e in entries if e.table_name == "incident" and e.record_id}
    references = {
        incident_id: reference
        for incident_id, reference in session.execute(
            select(Incident.id, Incident.reference).where(Incident.id.in_(incident_ids))
        )
    }
    return [
        AuditRow(
            id=entry.id,
            at=entry.at,
            user=names.get(entry.user_id, "—") if entry.user_id is not None else "Footprint",
            action=entry.action,
            record=_record(entry, references),
            changes=_describe(entry.changes),
        )
        for entry in entries
    ]


#: What each kind of record is called on the Audit screen.
RECORD_NAMES = {
    "app_user": "account",
    "chronology_entry": "timeline entry",
    "contact_exception": "exception",
    "deletion_request": "deletion request",
    "incident_category": "category",
    "letter_template_version": "letter wording",
    "parent_child_link": "family link",
    "report_commentary": "governors' commentary",
    "school_settings": "school settings",
    "school_term": "term",
    "retention_decision": "retention decision",
    "retention_disposal": "disposal",
    "legal_hold": "legal hold",
    "legal_hold_incident": "legal hold's incident",
    "governors_report": "governors' report",
    "inspection_list": "inspection list",
    "subject_access_request": "subject access request",
    "subject_access_redaction": "redaction log line",
}


def record_name(table: str) -> str:
    return RECORD_NAMES.get(table, table.replace("_", " "))


def _record(entry: AuditEntry, references: dict[int, str]) -> str:
    name = record_name(entry.table_name)
    if entry.table_name == "incident" and entry.record_id in references:
        return f"incident {references[entry.record_id]}"
    return f"{name} {entry.record_id}" if entry.record_id else name


def _describe(changes: str) -> str:
    """Field: before → after, briefly (long values shortened); a disposal's entries and
    the entries it erased, in words."""
    disposal = erased_by(changes)
    if disposal is not None:
        return f"(its values were erased by disposal {disposal})"
    data = json.loads(changes)
    if isinstance(data.get("entries"), dict) and "disposal" in data:
        return f"disposal {data['disposal']} erased the values of {len(data['entries'])} entries"
    if "disposal" in data and ("row" in data or "removed" in data):
        what = "removed" if data.get("removed") else "kept without its erased values"
        return f"disposal {data['disposal']}: {what}"
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{key}: {_short(value[0])} → {_short(value[1])}")
        else:
            parts.append(f"{key}: {_short(value)}")
    return "; ".join(parts)


def _short(value: object) -> str:
    if isinstance(value, dict) and "sha256" in value:
        return "(a file)" if "bytes" in value else "(changed; not shown)"
    text = "—" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


@requires(Permission.AUDIT)
def account_names(session: Session) -> list[tuple[int, str]]:
    """Every account (active or not) as (id, name), by name: the trail's "who" filter."""
    return [
        (user.id, user.display_name)
        for user in session.scalars(select(User).order_by(User.display_name, User.id))
    ]


@requires(Permission.AUDIT)
def audited_tables(session: Session) -> list[str]:
    return sorted({t for t in session.scalars(select(AuditEntry.table_name).distinct()) if t})


@requires(Permission.AUDIT)
def verify_trail(
    session: Session,
    head_file: Path | None,
    checkpoints: tuple[audit.Checkpoint, ...] = (),
    *,
    progress: audit.Progress | None = None,
    cancelled: audit.Cancelled | None = None,
) -> audit.Verification:
    """`audit.verify`; `progress` and `cancelled` as there (the window's progress bar and
    its Cancel button)."""
    return audit.verify(
        session, head_file, checkpoints=checkpoints, progress=progress, cancelled=cancelled
    )
