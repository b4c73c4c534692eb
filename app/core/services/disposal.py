"""Disposing of an incident whose retention period is over: the one place Footprint
erases. What is erased, and what is kept for the governors' figures, is set out in
docs/architecture.md ("Retention and disposal"); in short:

- erased: the summary, link, account, other free text and the reporter; every timeline
  entry; every piece of evidence (bytes and descriptions); every letter (its PDF); the
  free text of requests and escalations; the link from each role to the person in it
  (the role points at an anonymous stand-in of the same kind instead); the people on no
  record the log keeps (`disposal_people`); and the values of every audit entry about
  any of these (`audit.erasure`), the trail staying verifiable;
- kept: the reference, dates, platform, severity, categories, status and outcome, the
  roles with the year group each pupil was in, the requests' and escalations' kinds,
  dates and outcomes — exactly what the governors' report counts — and a disposal record
  (reference, dates, rule, who authorised it, counts).

Only the DSL may dispose of records, only once they are due, and never under a hold.
After the commit, `Database.erase_freed_space()` pushes the erased pages out of the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Table, case, delete, func, literal, null, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.core.audit.capture import append_entries
from app.core.audit.chain import Action
from app.core.audit.erasure import (
    erase_entries,
    record_states,
    state_entries,
    vouching_entry,
)
from app.core.audit.looks import Record, record_look
from app.core.clock import LONDON, today_london, utc_now
from app.core.errors import Conflict, NotAllowed, NotFound
from app.core.models import (
    Base,
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Incident,
    Involvement,
    Letter,
    ParentChildLink,
    Person,
    RetentionDecision,
    RetentionDisposal,
    User,
)
from app.core.permissions import Permission, requires
from app.core.services import search_index
from app.core.services.disposal_people import PersonFate, fates
from app.core.services.legal_holds import holds_on
from app.core.services.retention import DISPOSE, ReviewItem, review_items
from app.core.timefmt import format_date

#: What a disposal does to each table that refers to an incident or a person. A test
#: fails until a new such table is placed here (and handled in `_erase`), so a record
#: added later can't keep what a disposal should have erased.
TABLES = {
    "incident": "kept as the governors count it: free text, link, account, reporter erased",
    "incident_category": "kept: the governors count categories",
    "chronology_entry": "deleted",
    "evidence": "deleted (bytes and descriptions)",
    "letter": "deleted (the PDF)",
    "deletion_request": "kept: free text erased, the addressee replaced by a stand-in",
    "escalation": "kept: reference, contact, outcome and notes erased",
    "involvement": "kept: notes and class erased, the person replaced by a stand-in",
    "parent_child_link": "deleted where either person is erased",
    "contact_exception": "kept: a person on the register is kept",
    "retention_decision": "kept: the retention history (its reasons name no one)",
    "retention_disposal": "kept: the disposal record",
    "legal_hold_incident": "kept: what a hold named",
    "cp_file_transfer": "kept: the proof a file went to the next school; its pupil is kept",
    "subject_access_request": "kept: how a request was answered; its subject is kept",
}


@dataclass(frozen=True)
class DisposalPreview:
    """What disposing of an incident would do, for the DSL to confirm."""

    incident_id: int
    reference: str
    item: ReviewItem
    counts: dict[str, int]
    people: list[PersonFate]
    holds: tuple[str, ...]
    refusal: str  # why it can't be disposed of now ("" if it can)


@dataclass(frozen=True)
class DisposalRow:
    """A disposal record as the Retention review lists it."""

    id: int
    incident_id: int
    reference: str
    disposed_at: datetime
    authorised_by: str
    seen_on: date
    closed_on: date | None
    rule_reason: str
    counts: dict[str, int]

    @property
    def described(self) -> str:
        return describe_counts(self.counts)


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def describe_counts(counts: dict[str, int]) -> str:
    """A disposal record's counts in words."""
    c = counts.get
    parts = [
        f"{_n(c('timeline entries', 0), 'timeline entry', 'timeline entries')}, "
        f"{_n(c('evidence items', 0), 'evidence item', 'evidence items')} "
        f"({_n(c('stored files', 0), 'stored file', 'stored files')}) and "
        f"{_n(c('letters', 0), 'letter', 'letters')} erased",
        f"the wording of {_n(c('deletion requests', 0), 'request', 'requests')} and "
        f"{_n(c('escalations', 0), 'escalation', 'escalations')} erased",
        f"{_n(c('people on it', 0), 'person', 'people')} unlinked, "
        f"{c('people erased', 0)} of them erased from the log",
    ]
    if "audit entries erased" in counts:
        parts.append(
            f"the values of {_n(counts['audit entries erased'], 'audit entry', 'audit entries')}"
            " erased"
        )
    return "; ".join(parts) + "."


def _t(model: type) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def _ids(session: Session, model: type, incident_id: int) -> list[int]:
    columns = _t(model).c
    return list(session.scalars(select(columns.id).where(columns.incident_id == incident_id)))


def _plan(session: Session, incident_id: int) -> DisposalPreview:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("That incident does not exist.")
    if incident.disposed_at is not None:
        raise Conflict(f"{incident.reference} was already disposed of.")
    items = review_items(session, [Incident.id == incident_id])
    if not items:
        raise NotFound("That incident does not exist.")
    item = items[0]
    holds = tuple(holds_on(session, [incident_id]).get(incident_id, ()))
    people = fates(session, incident_id)
    files = session.scalar(
        select(func.count())
        .select_from(Evidence)
        .where(Evidence.incident_id == incident_id, Evidence.content.is_not(None))
    )
    counts = {
        "timeline entries": len(_ids(session, ChronologyEntry, incident_id)),
        "evidence items": len(_ids(session, Evidence, incident_id)),
        "stored files": files or 0,
        "letters": len(_ids(session, Letter, incident_id)),
        "deletion requests": len(_ids(session, DeletionRequest, incident_id)),
        "escalations": len(_ids(session, Escalation, incident_id)),
        "people on it": sum(1 for p in people if p.on_incident),
        "people erased": sum(1 for p in people if p.erased),
    }
    refusal = ""
    today = today_london()
    if holds:
        refusal = (
            f"{incident.reference} is under the legal hold “{'”, “'.join(holds)}”: it can't be "
            "disposed of until the hold is lifted."
        )
    elif item.review_on is None:
        refusal = f"{incident.reference} is open: {item.rule.reason}"
    elif not item.due(today):
        refusal = (
            f"{incident.reference} is not due for disposal until {format_date(item.review_on)}."
        )
    return DisposalPreview(incident_id, incident.reference, item, counts, people, holds, refusal)


@requires(Permission.DISPOSE_RECORDS, incident="incident_id")
def preview_disposal(session: Session, incident_id: int) -> DisposalPreview:
    """What disposing of the incident would erase and keep (it names the people it would
    erase, so the look is on the trail: open it in a writing unit of work)."""
    preview = _plan(session, incident_id)
    record_look(session, Action.READ, Record.INCIDENT, incident_id, purpose="disposal preview")
    return preview


@requires(Permission.DISPOSE_RECORDS, incident="incident_id")
def dispose_of_incident(session: Session, actor: User, incident_id: int) -> RetentionDisposal:
    """Erase a due incident's content (see the module's notes), in this transaction."""
    # Two PCs disposing of it at once (PostgreSQL): the second waits here, then finds it
    # disposed of (SQLite's writers already queue).
    session.get(Incident, incident_id, with_for_update=True, populate_existing=True)
    plan = _plan(session, incident_id)
    if plan.refusal:
        raise NotAllowed(plan.refusal)
    incident = session.get(Incident, incident_id)
    assert incident is not None
    now = utc_now()
    disposal = RetentionDisposal(
        incident_id=incident_id,
        reference=incident.reference,
        seen_on=incident.seen_at.astimezone(LONDON).date(),
        closed_on=plan.item.closed_on,
        rule=str(plan.item.rule.kind),
        rule_reason=plan.item.rule.reason,
        review_on=plan.item.review_on,
        counts=json.dumps(plan.counts),
        created_by_id=actor.id,
    )
    session.add(disposal)
    session.add(
        RetentionDecision(
            incident_id=incident_id,
            decision=DISPOSE,
            reason=f"Review date {format_date(plan.item.review_on)} reached; disposed of.",
            created_by_id=actor.id,
        )
    )
    # Each person on it is replaced in its roles by an anonymous stand-in of the same kind
    # (the governors count who posted and year groups), and so unlinked from it.
    stand_ins: dict[int, Person] = {}
    for fate in plan.people:
        if fate.on_incident:
            stand_ins[fate.person_id] = Person(
                kind=fate.kind,
                given_name="",
                created_by_id=actor.id,
                withdrawn_at=now,
                withdrawn_by_id=actor.id,
                withdrawn_reason=f"Stands for someone on {incident.reference}, disposed of.",
            )
    session.add_all(stand_ins.values())
    session.flush()
    erased = _erase(session, actor, disposal.id, incident, now, stand_ins, plan.people)
    session.expire_all()
    counts = {**plan.counts, "audit entries erased": erased}
    disposal.counts = json.dumps(counts)
    session.flush()
    search_index.refresh(session, [incident_id])
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # Merge the search index so no earlier version of its text is left in it.
        connection.exec_driver_sql(
            "INSERT INTO incident_search(incident_search) VALUES('optimize')"
        )
    session.expire_all()
    session.refresh(disposal)  # what it returns stays readable after the unit of work
    return disposal


def _erase(
    session: Session,
    actor: User,
    disposal_id: int,
    incident: Incident,
    now: datetime,
    stand_ins: dict[int, Person],
    people: list[PersonFate],
) -> int:
    """The erasure itself, below the ORM (so nothing erased is written to the trail as a
    deletion's "before"); returns how many audit entries were erased."""
    connection = session.connection()
    incident_id = incident.id
    changed: dict[str, list[int]] = {}
    removed: dict[str, list[int]] = {}
    i = _t(Incident)
    # The incident first: its timeline may only be deleted once it is marked disposed.
    connection.execute(
        update(i)
        .where(i.c.id == incident_id)
        .values(
            summary=f"Disposed of on {format_date(now)} under the school's retention rules: "
            "its content was erased.",
            url="",
            account_handle="",
            platform_other="",
            reported_by_id=None,
            parent_not_informed_reason="",
            parent_informed_by="",
            outcome_rationale="",
            withdrawn_reason=_blanked(i),
            disposed_at=now,
            updated_at=now,
            updated_by_id=actor.id,
            version=i.c.version + 1,
        )
    )
    changed[i.name] = [incident_id]
    for model in (ChronologyEntry, Evidence, Letter):
        table = _t(model)
        removed[table.name] = _ids_where(connection, table, table.c.incident_id == incident_id)
        connection.execute(delete(table).where(table.c.incident_id == incident_id))
    # Requests and escalations keep their kinds, dates and outcomes (the governors' figures)
    # but no reminder: nothing about a disposed incident is ever due.
    r, e, v = _t(DeletionRequest), _t(Escalation), _t(Involvement)
    erase_text: dict[Table, dict[str, object]] = {
        r: {"reply_summary": "", "notes": "", "post_description": "", "deadline": None},
        e: {
            "reference_number": "",
            "contact": "",
            "outcome": "",
            "notes": "",
            "next_follow_up_on": None,
            "reference_due_on": None,
        },
        v: {"notes": "", "class_name_then": None},
    }
    for table, values in erase_text.items():
        changed[table.name] = _ids_where(connection, table, table.c.incident_id == incident_id)
        if "version" in table.c:
            values = {
                **values,
                "updated_at": now,
                "updated_by_id": actor.id,
                "version": table.c.version + 1,
            }
        connection.execute(
            update(table)
            .where(table.c.incident_id == incident_id)
            .values(withdrawn_reason=_blanked(table), **values)
        )
    for person_id, stand_in in stand_ins.items():
        for table, column in ((v, v.c.person_id), (r, r.c.addressee_id)):
            connection.execute(
                update(table)
                .where(table.c.incident_id == incident_id, column == person_id)
                .values({column.name: stand_in.id})
            )
    gone = sorted(f.person_id for f in people if f.erased)
    links = _t(ParentChildLink)
    on_link = links.c.parent_id.in_(gone) | links.c.child_id.in_(gone)
    removed[links.name] = _ids_where(connection, links, on_link)
    connection.execute(delete(links).where(on_link))
    p = _t(Person)
    removed[p.name] = gone
    connection.execute(delete(p).where(p.c.id.in_(gone)))
    # The trail: the values of every entry about these records erased, what each record
    # holds now, and the entry that vouches for the erasure (app.core.audit.erasure).
    erased = erase_entries(connection, disposal_id, {**changed, **removed})
    entries = []
    for name, ids in changed.items():
        states = record_states(connection, Base.metadata.tables[name], ids)
        entries += state_entries(actor.id, disposal_id, name, states)
    for name, ids in removed.items():
        entries += state_entries(actor.id, disposal_id, name, dict.fromkeys(ids))
    entries.append(vouching_entry(actor.id, disposal_id, erased))
    append_entries(session, entries)
    return len(erased)


def _blanked(table: Table) -> ColumnElement[str | None]:
    """A withdrawal's reason (free text) erased; no reason stays none."""
    column = table.c.withdrawn_reason
    return case((column.is_(None), null()), else_=literal(""))


def _ids_where(connection: Connection, table: Table, condition: ColumnElement[bool]) -> list[int]:
    return list(connection.scalars(select(table.c.id).where(condition).order_by(table.c.id)))


@requires(Permission.REVIEW_RETENTION)
def list_disposals(session: Session) -> list[DisposalRow]:
    """Every disposal record, newest first."""
    names: dict[int, str] = {u: n for u, n in session.execute(select(User.id, User.display_name))}
    return [
        DisposalRow(
            id=d.id,
            incident_id=d.incident_id,
            reference=d.reference,
            disposed_at=d.created_at,
            authorised_by=names.get(d.created_by_id, ""),
            seen_on=d.seen_on,
            closed_on=d.closed_on,
            rule_reason=d.rule_reason,
            counts=json.loads(d.counts),
        )
        for d in session.scalars(select(RetentionDisposal).order_by(RetentionDisposal.id.desc()))
    ]
