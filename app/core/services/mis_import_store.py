"""The database side of an import: the log read in bulk as a `LogSnapshot` (one query per
table), and a plan's writes made in one go (a few flushes, every row on the audit trail
through the usual recorder)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.core.clock import today_london, utc_now
from app.core.mis_import.matching import KEPT
from app.core.mis_import.plan import Plan
from app.core.mis_import.records import ImportFile
from app.core.mis_import.snapshot import LinkState, LogSnapshot, PersonState
from app.core.mis_import.work import Ref, Work
from app.core.models import Incident, Involvement, MisImport, ParentChildLink, Person, User
from app.core.services import search_index
from app.core.services.people import searchable_name
from app.core.timefmt import format_date

T = TypeVar("T")
#: Ids per `IN (...)`: well under any database's limit on bound values.
_CHUNK = 500
_NAME_FIELDS = frozenset({"given_name", "family_name"})
_PERSON_COLUMNS = (
    Person.id,
    Person.kind,
    Person.given_name,
    Person.family_name,
    Person.version,
    Person.title,
    Person.upn,
    Person.mis_id,
    Person.preferred_given_name,
    Person.preferred_family_name,
    Person.date_of_birth,
    Person.year_group,
    Person.class_name,
    Person.address,
    Person.postcode,
    Person.phone,
    Person.email,
    Person.job_title,
    Person.mis_import_id,
    Person.left_on,
)
_LINK_COLUMNS = (
    ParentChildLink.id,
    ParentChildLink.parent_id,
    ParentChildLink.child_id,
    ParentChildLink.relationship_label,
    ParentChildLink.receives_letters,
    ParentChildLink.no_contact,
    ParentChildLink.no_contact_reason,
    ParentChildLink.parental_responsibility,
    ParentChildLink.priority,
    ParentChildLink.mis_import_id,
)


def load_snapshot(session: Session) -> LogSnapshot:
    """The log's people (not withdrawn), current links and incident counts."""
    people = {
        row.id: PersonState(**row._asdict())
        for row in session.execute(select(*_PERSON_COLUMNS).where(Person.withdrawn_at.is_(None)))
    }
    links = [
        LinkState(**row._asdict())
        for row in session.execute(
            select(*_LINK_COLUMNS)
            .where(ParentChildLink.withdrawn_at.is_(None))
            .order_by(ParentChildLink.id)
        )
        if row.parent_id in people and row.child_id in people
    ]
    incidents = {
        person_id: count
        for person_id, count in session.execute(
            select(Involvement.person_id, func.count(distinct(Involvement.incident_id)))
            .join(Incident, Incident.id == Involvement.incident_id)
            .where(Involvement.withdrawn_at.is_(None), Incident.withdrawn_at.is_(None))
            .group_by(Involvement.person_id)
        )
    }
    restrictions = {
        (parent_id, child_id): reason or "restriction recorded"
        for parent_id, child_id, reason in session.execute(
            select(
                ParentChildLink.parent_id,
                ParentChildLink.child_id,
                ParentChildLink.no_contact_reason,
            ).where(ParentChildLink.no_contact.is_(True))
        )
    }
    return LogSnapshot(
        people=people,
        links=links,
        incidents=incidents,
        restrictions=restrictions,
        max_person_id=session.scalar(select(func.max(Person.id))) or 0,
        max_link_id=session.scalar(select(func.max(ParentChildLink.id))) or 0,
    )


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _load(session: Session, model: type[T], ids: Iterable[int]) -> dict[int, T]:
    found: dict[int, T] = {}
    for chunk in _chunks(ids):
        for row in session.scalars(select(model).where(model.id.in_(chunk))):  # type: ignore[attr-defined]
            found[row.id] = row  # type: ignore[attr-defined]
    return found


def write(
    session: Session, actor: User, import_file: ImportFile, plan: Plan, work: Work
) -> MisImport:
    """Make the writes `work` describes, as import `plan`; returns the import's row."""
    today = today_london()
    stamp = format_date(today)
    now = utc_now()
    row = MisImport(
        source=import_file.source,
        file_name=import_file.file_name,
        file_sha256=import_file.sha256,
        schema_version=import_file.schema_version,
        source_school=import_file.source_school,
        file_date=import_file.file_date,
        mapping_name=import_file.mapping_name,
        whole_school=plan.whole_school,
        counts=json.dumps(plan.counts()),
        created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    new_people = {
        key: Person(
            kind=kind,
            created_by_id=actor.id,
            mis_import_id=row.id,
            search_name=searchable_name(str(values["given_name"]), str(values["family_name"])),
            **values,
        )
        for key, (kind, values) in work.new_people.items()
    }
    session.add_all(new_people.values())
    renamed = _update_people(session, actor, row.id, work, today)
    session.flush()

    def person_id(ref: Ref) -> int:
        return ref if isinstance(ref, int) else new_people[ref].id

    links = []
    for new in work.new_links:
        values: dict[str, Any] = dict(new.values)
        kept = values.pop("restriction_kept", False)  # its reason already says where from
        if values["no_contact"] and not kept:
            values["no_contact_reason"] = _from_import(str(values["no_contact_reason"]), stamp)
        links.append(
            ParentChildLink(
                parent_id=person_id(new.parent),
                child_id=person_id(new.child),
                created_by_id=actor.id,
                mis_import_id=row.id,
                **values,
            )
        )
    session.add_all(links)
    stored = _load(session, ParentChildLink, [*work.link_updates, *work.links_ended])
    for link_id, changes in work.link_updates.items():
        link = stored[link_id]
        for name, value in changes.items():
            if name == KEPT:
                link.mis_import_id = row.id
            elif name == "no_contact_reason":
                link.no_contact_reason = _from_import(str(value), stamp)
            else:
                setattr(link, name, value)
    for link_id in work.links_ended:
        link = stored[link_id]
        link.ended_on = today
        link.withdrawn_at = now
        link.withdrawn_by_id = actor.id
        link.withdrawn_reason = f"No longer linked in the MIS (import of {stamp})"
    session.flush()
    for person in renamed:
        search_index.refresh_for_person(session, person)
    return row


def _from_import(reason: str, stamp: str) -> str:
    return f"{reason} (from the MIS import of {stamp})"


def _update_people(
    session: Session, actor: User, import_id: int, work: Work, today: date
) -> list[int]:
    """Change the people the plan changes and mark its leavers; the ids whose names
    changed (their incidents' search text is rewritten)."""
    people = _load(session, Person, [*work.updates, *work.leavers])
    renamed = []
    for person_id, changes in work.updates.items():
        person = people[person_id]
        for name, value in changes.items():
            if name == KEPT:
                person.mis_import_id = import_id
            else:
                setattr(person, name, value)
        if _NAME_FIELDS & changes.keys():
            person.search_name = searchable_name(person.given_name, person.family_name)
            renamed.append(person_id)
        person.updated_by_id = actor.id
    for person_id in work.leavers:
        person = people[person_id]
        person.left_on = today
        person.updated_by_id = actor.id
    return renamed
