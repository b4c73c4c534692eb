"""People: create, correct, withdraw, find; parent–child links."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.clock import today_london, utc_now
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.folding import search_words, tokens
from app.core.models import ParentChildLink, Person, User
from app.core.permissions import Permission, requires
from app.core.services import search_index
from app.core.services.validation import (
    atomic,
    check_choice,
    check_email,
    check_past_date,
    check_text,
)
from app.core.vocab import YEAR_GROUPS, PersonKind

NAME_MAX = 100


@dataclass(frozen=True)
class PersonDetails:
    """Everything that can be typed about a person (kind-specific fields may stay empty)."""

    kind: PersonKind
    given_name: str
    family_name: str = ""
    title: str = ""
    year_group: str | None = None
    class_name: str | None = None
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""
    email: str = ""
    phone: str = ""
    job_title: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PersonRow:
    """One line of the people directory."""

    id: int
    kind: PersonKind
    given_name: str
    family_name: str
    year_group: str | None
    class_name: str | None
    withdrawn: bool
    # A leaver: the date the MIS import found them gone (they stay on their incidents).
    left_on: date | None = None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


def _validate(details: PersonDetails) -> PersonKind:
    kind = check_choice("kind", PersonKind, details.kind, label="Kind of person")
    check_text(
        "given_name", details.given_name, label="The first name", max_length=NAME_MAX, required=True
    )
    check_text("family_name", details.family_name, label="The surname", max_length=NAME_MAX)
    check_text("title", details.title, label="The title", max_length=20)
    check_text("address", details.address, label="The address", max_length=500, multiline=True)
    check_text("postcode", details.postcode, label="The postcode", max_length=12)
    check_email("email", details.email)
    check_text("phone", details.phone, label="The phone number", max_length=40)
    check_text("job_title", details.job_title, label="The job title", max_length=200)
    check_text("notes", details.notes, label="The notes", max_length=5_000, multiline=True)
    if kind is not PersonKind.PUPIL and (
        details.year_group or details.class_name or details.date_of_birth
    ):
        raise ValidationError("year_group", "Year group, class and date of birth are for pupils.")
    if details.year_group is not None and details.year_group not in YEAR_GROUPS:
        raise ValidationError("year_group", "Choose a year group from the list (R, 1, 2 …).")
    if details.class_name is not None:
        check_text("class_name", details.class_name, label="The class", max_length=40)
    check_past_date("date_of_birth", details.date_of_birth, label="The date of birth")
    if details.date_of_birth is not None and details.date_of_birth.year < today_london().year - 25:
        raise ValidationError("date_of_birth", "That date of birth is too long ago for a pupil.")
    return kind


@requires(Permission.ADD_PERSON)
def create_person(session: Session, actor: User, details: PersonDetails) -> Person:
    """Add a person to the directory."""
    _validate(details)
    with atomic(session):
        person = Person(created_by_id=actor.id, **_values(details))
        person.search_name = searchable_name(details.given_name, details.family_name)
        session.add(person)
        session.flush()
    return person


@requires(Permission.MANAGE_PEOPLE)
def update_person(
    session: Session, actor: User, person_id: int, details: PersonDetails, *, expected_version: int
) -> Person:
    """Correct a person's details; Conflict if someone else saved first."""
    _validate(details)
    with atomic(session):
        person = get_person(session, person_id)
        if person.version != expected_version:
            raise Conflict(
                "Someone else changed this person while you were editing. Reopen it to see "
                "their changes; your typing is still in the form."
            )
        for key, value in _values(details).items():
            setattr(person, key, value)
        person.search_name = searchable_name(details.given_name, details.family_name)
        person.updated_by_id = actor.id
        session.flush()
        search_index.refresh_for_person(session, person.id)
    return person


@requires(Permission.MANAGE_PEOPLE)
def withdraw_person(session: Session, actor: User, person_id: int, reason: str) -> Person:
    """Withdraw a person entered in error (their past involvements stay on record)."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        person = get_person(session, person_id)
        if person.withdrawn_at is not None:
            raise Conflict("This person has already been withdrawn.")
        person.withdrawn_at = utc_now()
        person.withdrawn_by_id = actor.id
        person.withdrawn_reason = reason
        session.flush()
    return person


@requires(Permission.READ_PERSON_DETAILS)
def open_person(session: Session, person_id: int) -> Person:
    """A person the actor is opening to read, with the look on the audit trail."""
    person = get_person(session, person_id)
    record_look(session, Action.READ, Record.PERSON, person.id)
    return person


@requires(Permission.READ_PERSON_DETAILS)
def get_person(session: Session, person_id: int) -> Person:
    """A person by id (withdrawn ones included: history needs them)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That person is not in the directory.")
    return person


_ROW_COLUMNS = (
    Person.id,
    Person.kind,
    Person.given_name,
    Person.family_name,
    Person.year_group,
    Person.class_name,
    Person.withdrawn_at,
    Person.left_on,
)


def _person_row(r: Any) -> PersonRow:
    return PersonRow(
        r.id,
        r.kind,
        r.given_name,
        r.family_name,
        r.year_group,
        r.class_name,
        r.withdrawn_at is not None,
        r.left_on,
    )


@requires(Permission.READ_PEOPLE)
def person_row(session: Session, person_id: int) -> PersonRow:
    """A person as the directory lists them (name, kind, year and class): what anyone who
    picks people may see, office staff included; their details need `get_person`."""
    row = session.execute(select(*_ROW_COLUMNS).where(Person.id == person_id)).first()
    if row is None:
        raise NotFound("That person is not in the directory.")
    return _person_row(row)


@requires(Permission.READ_PEOPLE)
def find_people(
    session: Session,
    text: str = "",
    *,
    kind: PersonKind | None = None,
    include_withdrawn: bool = False,
    limit: int = 100,
    offset: int = 0,
    record: bool = True,
) -> list[PersonRow]:
    """People with a name word starting with each word of `text` (any order), sorted by
    surname. Any text may be given: only its first few distinct words count (see
    `search_words`), and text with no words in it finds everyone. The search is on the
    audit trail (that one was made and how many it found; never what was typed) unless
    it only re-shows, after a save, a search already recorded (`record=False`)."""
    query = select(*_ROW_COLUMNS)
    for word in search_words(text):
        query = query.where(Person.search_name.like(f"% {word}%"))
    if kind is not None:
        query = query.where(Person.kind == kind)
    if not include_withdrawn:
        query = query.where(Person.withdrawn_at.is_(None))
    query = query.order_by(Person.family_name, Person.given_name, Person.id)
    rows = session.execute(query.limit(limit).offset(offset)).all()
    if record:
        record_look(session, Action.SEARCH, Record.PERSON, None, results=len(rows))
    return [_person_row(r) for r in rows]


@requires(Permission.MANAGE_PEOPLE)
def link_parent(
    session: Session,
    actor: User,
    parent_id: int,
    child_id: int,
    *,
    relationship_label: str = "",
    receives_letters: bool = True,
    no_contact: bool = False,
) -> ParentChildLink:
    """Link a parent/carer to a pupil; `no_contact` (a court order or the school's own
    restriction) means no letter about the pupil ever goes to them."""
    check_text("relationship_label", relationship_label, label="The relationship", max_length=60)
    with atomic(session):
        parent = get_person(session, parent_id)
        child = get_person(session, child_id)
        if parent.kind is not PersonKind.PARENT:
            raise ValidationError("parent", f"{parent.full_name} is not a parent or carer.")
        if child.kind is not PersonKind.PUPIL:
            raise ValidationError("child", f"{child.full_name} is not a pupil.")
        existing = session.scalars(
            select(ParentChildLink).where(
                ParentChildLink.parent_id == parent_id,
                ParentChildLink.child_id == child_id,
                ParentChildLink.withdrawn_at.is_(None),
            )
        ).first()
        if existing is not None:
            raise Conflict(f"{parent.full_name} is already linked to {child.full_name}.")
        link = ParentChildLink(
            parent_id=parent_id,
            child_id=child_id,
            relationship_label=relationship_label,
            receives_letters=receives_letters,
            no_contact=no_contact,
            created_by_id=actor.id,
        )
        session.add(link)
        session.flush()
    return link


@requires(Permission.MANAGE_PEOPLE)
def set_no_contact(
    session: Session, actor: User, link_id: int, no_contact: bool
) -> ParentChildLink:
    """Record (or lift) a "no contact" restriction on a parent–pupil link: while it is
    set, no letter about the pupil goes to that parent, whatever else the link says."""
    with atomic(session):
        link = session.get(ParentChildLink, link_id)
        if link is None or link.withdrawn_at is not None:
            raise NotFound("That family link does not exist.")
        link.no_contact = bool(no_contact)
        session.flush()
    return link


@requires(Permission.MANAGE_PEOPLE)
def unlink_parent(session: Session, actor: User, link_id: int, reason: str) -> ParentChildLink:
    """Withdraw a parent–child link (it stays on record as withdrawn)."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        link = session.get(ParentChildLink, link_id)
        if link is None or link.withdrawn_at is not None:
            raise NotFound("That link does not exist or was already removed.")
        link.withdrawn_at = utc_now()
        link.withdrawn_by_id = actor.id
        link.withdrawn_reason = reason
        session.flush()
    return link


@requires(Permission.READ_PERSON_DETAILS)
def parents_of(session: Session, child_id: int) -> list[Person]:
    """A pupil's current parents/carers."""
    return list(
        session.scalars(
            select(Person)
            .join(ParentChildLink, ParentChildLink.parent_id == Person.id)
            .where(ParentChildLink.child_id == child_id, ParentChildLink.withdrawn_at.is_(None))
            .order_by(ParentChildLink.id)
        )
    )


@requires(Permission.READ_PERSON_DETAILS)
def children_of(session: Session, parent_id: int) -> list[Person]:
    """A parent/carer's current linked pupils."""
    return list(
        session.scalars(
            select(Person)
            .join(ParentChildLink, ParentChildLink.child_id == Person.id)
            .where(ParentChildLink.parent_id == parent_id, ParentChildLink.withdrawn_at.is_(None))
            .order_by(ParentChildLink.id)
        )
    )


def searchable_name(given_name: str, family_name: str) -> str:
    """The folded words of a name, each preceded by a space, so `LIKE '% word%'` matches
    the start of any word: "zoe" and "oka" find "Zoë Okafor"; "kaf" does not."""
    return "".join(f" {word}" for word in tokens(f"{given_name} {family_name}"))


def _values(details: PersonDetails) -> dict[str, object]:
    return {f.name: getattr(details, f.name) for f in fields(details)}


@dataclass(frozen=True)
class FamilyLink:
    """A current parent–child link, seen from one side."""

    link_id: int
    other_id: int
    other_name: str
    relationship_label: str
    no_contact: bool = False


@requires(Permission.READ_PERSON_DETAILS)
def family_links(session: Session, person_id: int) -> list[FamilyLink]:
    """A person's current links: their children if a parent, their parents if a pupil."""
    links = session.scalars(
        select(ParentChildLink)
        .where(
            ParentChildLink.withdrawn_at.is_(None),
            or_(ParentChildLink.parent_id == person_id, ParentChildLink.child_id == person_id),
        )
        .order_by(ParentChildLink.id)
    )
    result = []
    for link in links:
        other = link.child if link.parent_id == person_id else link.parent
        result.append(
            FamilyLink(link.id, other.id, other.full_name, link.relationship_label, link.no_contact)
        )
    return result
