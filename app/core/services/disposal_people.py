"""Who a disposal erases: the people on the incident (and the parents and carers of the
pupils it erases) who are on no record the log keeps.

A person is kept when they are on another incident (in any role, as the addressee of a
request or a letter, or as the one who reported it), on the exceptions register, kept by
the MIS (a current pupil, contact or member of staff from an import), or a parent or
carer with a current family link to a pupil the log keeps, the pupil of a child protection
file transfer, or the subject of a subject access request. A pupil is not kept for being
a kept parent's child: a child is in the log for what happened to them, a parent for
their children. Accounts (`app_user`) are never people and never erased.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from app.core.models import (
    ContactException,
    CpFileTransfer,
    DeletionRequest,
    Incident,
    Involvement,
    Letter,
    ParentChildLink,
    Person,
    SubjectAccessRequest,
)
from app.core.vocab import PersonKind


@dataclass(frozen=True)
class PersonFate:
    """What a disposal does to one person: erased (`kept_because` empty) or kept."""

    person_id: int
    name: str
    kind: PersonKind
    on_incident: bool  # on the incident itself (else a parent or carer of a pupil erased)
    kept_because: str

    @property
    def erased(self) -> bool:
        return not self.kept_because


def people_on(session: Session, incident_id: int) -> set[int]:
    """Everyone the incident names: involved (in any role, withdrawn or not), addressed
    by its requests or letters, or as the one who reported it."""
    found: set[int] = set()
    for query in (
        select(Involvement.person_id).where(Involvement.incident_id == incident_id),
        select(DeletionRequest.addressee_id).where(DeletionRequest.incident_id == incident_id),
        select(Letter.addressee_id).where(Letter.incident_id == incident_id),
        select(Incident.reported_by_id).where(Incident.id == incident_id),
    ):
        found.update(p for p in session.scalars(query) if p is not None)
    return found


def _elsewhere(incident_id: int) -> list[tuple[str, ColumnElement[bool]]]:
    """(why, condition on Person) for each reason a person is kept for their own sake."""
    other = Incident.id != incident_id
    return [
        (
            "on another incident",
            or_(
                exists().where(
                    Involvement.person_id == Person.id, Involvement.incident_id != incident_id
                ),
                exists().where(
                    DeletionRequest.addressee_id == Person.id,
                    DeletionRequest.incident_id != incident_id,
                ),
                exists().where(Letter.addressee_id == Person.id, Letter.incident_id != incident_id),
                exists().where(Incident.reported_by_id == Person.id, other),
            ),
        ),
        (
            "on the exceptions register",
            exists().where(
                or_(ContactException.pupil_id == Person.id, ContactException.adult_id == Person.id)
            ),
        ),
        (
            # The record that a child protection file went to the next school is kept
            # (the receipt is the school's proof), and so is the pupil it names.
            "named on a child protection file transfer",
            exists().where(CpFileTransfer.pupil_id == Person.id),
        ),
        (
            # A subject access request and its redaction log are the school's record of
            # how it answered; the person they are about is kept with them.
            "the subject of a subject access request",
            exists().where(SubjectAccessRequest.person_id == Person.id),
        ),
        (
            "kept by the school's MIS (current)",
            and_(
                Person.mis_import_id.is_not(None),
                Person.left_on.is_(None),
                Person.withdrawn_at.is_(None),
            ),
        ),
    ]


def _own_reasons(session: Session, incident_id: int, ids: set[int]) -> dict[int, str]:
    """For each person, the first reason they are kept for their own sake ("" if none)."""
    reasons = dict.fromkeys(ids, "")
    for why, condition in _elsewhere(incident_id):
        for person_id in session.scalars(
            select(Person.id).where(Person.id.in_(sorted(ids)), condition)
        ):
            reasons[person_id] = reasons[person_id] or why
    return reasons


def _children(session: Session, parent_ids: set[int]) -> dict[int, set[int]]:
    """Each parent's children by a current family link (not ended, not withdrawn)."""
    found: dict[int, set[int]] = {p: set() for p in parent_ids}
    for parent, child in session.execute(
        select(ParentChildLink.parent_id, ParentChildLink.child_id).where(
            ParentChildLink.parent_id.in_(sorted(parent_ids)),
            ParentChildLink.withdrawn_at.is_(None),
            ParentChildLink.ended_on.is_(None),
        )
    ):
        found[parent].add(child)
    return found


def _parents_of(session: Session, child_ids: set[int]) -> set[int]:
    """Everyone ever linked as a parent or carer of these people (any link)."""
    if not child_ids:
        return set()
    return set(
        session.scalars(
            select(ParentChildLink.parent_id).where(ParentChildLink.child_id.in_(sorted(child_ids)))
        )
    )


def fates(session: Session, incident_id: int) -> list[PersonFate]:
    """Everyone the disposal of this incident touches, erased or kept and why."""
    direct = people_on(session, incident_id)
    candidates = set(direct)
    reasons = _own_reasons(session, incident_id, candidates)
    while True:
        erased = {p for p in candidates if not reasons[p]}
        # A parent or carer of a pupil the log keeps is kept with them; a parent of a
        # pupil erased now is looked at too (they may be on nothing else).
        children = _children(session, candidates)
        for parent, linked in children.items():
            if not reasons[parent] and linked - erased:
                reasons[parent] = "parent or carer of a pupil the log keeps"
        erased = {p for p in candidates if not reasons[p]}
        more = _parents_of(session, erased) - candidates
        if not more:
            break
        candidates |= more
        reasons.update(_own_reasons(session, incident_id, more))
    people = {
        p.id: p for p in session.scalars(select(Person).where(Person.id.in_(sorted(candidates))))
    }
    return sorted(
        (
            PersonFate(
                person_id=p,
                name=people[p].full_name,
                kind=people[p].kind,
                on_incident=p in direct,
                kept_because=reasons[p],
            )
            for p in candidates
            if p in people
        ),
        key=lambda f: (not f.on_incident, f.name.casefold(), f.person_id),
    )
