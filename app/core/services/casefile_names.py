"""How people are named in a case file: as recorded (the full copy), or for an outside
agency — members of staff and other adults working for the school by their role, pupils
other than those the case is about as "Pupil B", "Pupil C" …, the same label for the same
person everywhere in the document, free text included.

Who stays named in the agency copy: the pupils the incident is about — those involved as
its target or as the subject of an image (or, when no pupil is, the pupils who posted:
a self-harm post is about its poster) — unless the DSL chooses otherwise at export;
third parties (the poster of a public page, an agency's officer) and parents and carers
are named, except a parent or carer of a pupil left unnamed (and of no pupil named), who
would name the child: "Parent/carer of Pupil B". The DSL may tick anyone on the incident
to be named (a LADO referral names the adult it is about), or untick them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.folding import tokens
from app.core.models import Involvement, ParentChildLink, Person, SchoolSettings, User
from app.core.rules.commentary import TITLES
from app.core.rules.name_redaction import NameRedactor, NameToReplace
from app.core.vocab import InvolvementRole, PersonKind

#: People whose names an agency copy replaces (unless ticked to be named): pupils, and
#: adults who work for the school, by their role.
REPLACED_KINDS = frozenset(
    {
        PersonKind.PUPIL,
        PersonKind.STAFF,
        PersonKind.GOVERNOR,
        PersonKind.VOLUNTEER,
        PersonKind.CONTRACTOR,
    }
)
_SUBJECT_ROLES = frozenset({InvolvementRole.TARGET, InvolvementRole.SUBJECT_OF_IMAGE})


def default_named(
    involvements: Iterable[tuple[Person, InvolvementRole]],
    children: dict[int, list[int]] | None = None,
) -> frozenset[int]:
    """Whom an agency copy names among those it could leave unnamed, unless the DSL says
    otherwise (see the module): the pupils it is about, and their parents and carers."""
    pairs = [(p, role) for p, role in involvements if p.kind is PersonKind.PUPIL]
    pupils = {p.id for p, role in pairs if role in _SUBJECT_ROLES}
    if not pupils:
        pupils = {p.id for p, role in pairs if role is InvolvementRole.POSTER}
    parents = {
        parent for parent, kids in (children or {}).items() if any(k in pupils for k in kids)
    }
    return frozenset(pupils | parents)


class Naming:
    """The full copy: everyone as recorded."""

    agency = False

    def person(self, person: Person) -> str:
        return person.full_name

    def user(self, user: User) -> str:
        return user.display_name

    def text(self, text: str) -> str:
        return text

    def is_named(self, person: Person) -> bool:
        return True


@dataclass(frozen=True)
class _Identity:
    key: str
    given: str
    family: str
    #: The role printed instead of the name; None for a pupil (a letter is given).
    role: str | None
    preferred_given: str = ""
    preferred_family: str = ""
    #: A parent or carer named by their child's label ("Parent/carer of Pupil B").
    parent_of: str | None = None


class AgencyNaming(Naming):
    """The agency copy: roles and pupil letters for everyone not named."""

    agency = True

    def __init__(
        self,
        session: Session,
        *,
        cast: Iterable[Person],
        users: Iterable[User],
        named: frozenset[int],
        children: dict[int, list[int]] | None = None,
    ) -> None:
        self.named = named
        cast = list(dict.fromkeys(cast))
        by_id = {p.id: p for p in cast}
        #: Parents and carers of pupils left unnamed (and of no named pupil here) would
        #: name their child by their own name: they are "Parent/carer of Pupil B".
        self._parent_of: dict[int, int] = {}
        for parent_id, child_ids in (children or {}).items():
            parent = by_id.get(parent_id)
            pupils = [by_id[c] for c in child_ids if c in by_id]
            if parent is None or parent.id in named or parent.kind is not PersonKind.PARENT:
                continue
            unnamed = [child for child in pupils if self._replaced(child)]
            if unnamed:
                self._parent_of[parent.id] = unnamed[0].id
        users = list(dict.fromkeys(users))
        kept = [p for p in cast if not self._replaced(p)]
        identities: dict[str, _Identity] = {}
        order: list[str] = []
        #: A person and an account with the same name are one person (the account wins).
        by_name: dict[tuple[str, ...], str] = {}

        def add(identity: _Identity, in_cast: bool) -> None:
            name = tuple(tokens(f"{identity.given} {identity.family}"))
            if name and name in by_name:
                self._alias[identity.key] = by_name[name]
                return
            if name:
                by_name[name] = identity.key
            identities[identity.key] = identity
            if in_cast:
                order.append(identity.key)

        self._alias: dict[str, str] = {}
        for user in users:
            add(_user_identity(user), True)
        for person in cast:
            if person.id in self._parent_of:
                child = f"person:{self._parent_of[person.id]}"
                add(replace(_person_identity(person), role=None, parent_of=child), True)
            elif self._replaced(person):
                add(_person_identity(person), True)
        for user in session.scalars(select(User)):
            add(_user_identity(user), False)
        for person in session.scalars(select(Person).where(Person.kind.in_(REPLACED_KINDS))):
            if person.id not in named:
                add(_person_identity(person), False)
        for identity in _settings_identities(session):
            add(identity, False)
        self._labels = _Labels(identities, order)
        cast_keys = set(order)
        replaced = [
            NameToReplace(
                i.given,
                i.family,
                i.key,
                i.preferred_given,
                i.preferred_family,
                whole_and_parts=i.key in cast_keys,
                titled=i.role is not None or i.parent_of is not None,
            )
            for i in identities.values()
        ]
        keep = [
            NameToReplace(
                p.given_name,
                p.family_name,
                None,
                p.preferred_given_name,
                p.preferred_family_name,
                whole_and_parts=True,
                titled=p.kind is not PersonKind.PUPIL,
            )
            for p in kept
        ]
        self._redactor = NameRedactor([*keep, *replaced], label=self._labels)

    def _replaced(self, person: Person) -> bool:
        if person.id in self._parent_of:
            return True
        return person.kind in REPLACED_KINDS and person.id not in self.named

    def is_named(self, person: Person) -> bool:
        return not self._replaced(person)

    def person(self, person: Person) -> str:
        if not self._replaced(person):
            return person.full_name
        key = f"person:{person.id}"
        return self._labels(self._alias.get(key, key))

    def user(self, user: User) -> str:
        key = f"user:{user.id}"
        return self._labels(self._alias.get(key, key))

    def text(self, text: str) -> str:
        return self._redactor(text)


class _Labels:
    """Labels given in order of first appearance: "Pupil B", "Pupil C" …; a role, and
    "Class teacher 1", "Class teacher 2" where two people on the incident share one."""

    def __init__(self, identities: dict[str, _Identity], cast_order: list[str]) -> None:
        self._identities = identities
        self._given: dict[str, str] = {}
        self._used: set[str] = set()
        self._pupils = 0
        roles: dict[str, list[str]] = {}
        for key in cast_order:
            role = identities[key].role
            if role is not None:
                roles.setdefault(role, []).append(key)
        for role, keys in roles.items():
            for number, key in enumerate(keys, start=1):
                label = role if len(keys) == 1 else f"{role} {number}"
                self._given[key] = label
                self._used.add(label)

    def __call__(self, key: str) -> str:
        if key in self._given:
            return self._given[key]
        identity = self._identities.get(key)
        if identity is not None and identity.parent_of is not None:
            label = f"Parent/carer of {self(identity.parent_of)}"
            self._given[key] = label
            return label
        if identity is None or identity.role is None:
            self._pupils += 1
            label = f"Pupil {_letters(self._pupils)}"
        else:
            label, number = identity.role, 1
            while label in self._used:
                number += 1
                label = f"{identity.role} {number}"
        self._given[key] = label
        self._used.add(label)
        return label


def _letters(number: int) -> str:
    """1 → B, 25 → Z, 26 → BA …: Pupil A would be the child the case is about."""
    out = ""  # base 26 with A as nought: 1 is B
    while number:
        number, rest = divmod(number, 26)
        out = chr(ord("A") + rest) + out
    return out


def _role_of(person: Person) -> str | None:
    if person.kind is PersonKind.PUPIL:
        return None
    job = person.job_title.strip()
    return job or ("Member of staff" if person.kind is PersonKind.STAFF else person.kind.label)


def _person_identity(person: Person) -> _Identity:
    return _Identity(
        f"person:{person.id}",
        person.given_name,
        person.family_name,
        _role_of(person),
        person.preferred_given_name,
        person.preferred_family_name,
    )


def _split_name(name: str) -> tuple[str, str]:
    """A name typed in one box ("Ms Harriet Fairbairn") as given and family names."""
    words = name.split()
    while words and tokens(words[0]) and tokens(words[0])[0] in TITLES and len(words) > 1:
        words = words[1:]
    if not words:
        return "", ""
    return words[0], " ".join(words[1:])


def _user_identity(user: User) -> _Identity:
    given, family = _split_name(user.display_name)
    return _Identity(f"user:{user.id}", given, family, user.role.label)


def _settings_identities(session: Session) -> list[_Identity]:
    """The senior people the school's settings name (letters are signed by them)."""
    settings = session.scalars(select(SchoolSettings).order_by(SchoolSettings.id)).first()
    if settings is None:
        return []
    found = []
    for key, name, role in (
        ("headteacher", settings.headteacher_name, settings.signatory_title or "Headteacher"),
        ("deputy", settings.deputy_name, settings.deputy_title or "Deputy headteacher"),
        ("chair", settings.chair_of_governors_name, "Chair of governors"),
    ):
        given, family = _split_name(name)
        if given:
            found.append(_Identity(f"setting:{key}", given, family, role.strip() or "Staff"))
    # "Mr Tomás Gonçalves (DSL); Mrs Niamh O'Sullivan (deputy DSL)", as the school typed it.
    for number, part in enumerate(re.split(r"[;,\n]| and ", settings.dsl_names)):
        said = re.search(r"\(([^)]*)\)", part)
        given, family = _split_name(re.sub(r"\([^)]*\)", " ", part))
        if given:
            label = (said.group(1).strip() if said else "") or "DSL"
            label = label[:1].upper() + label[1:]
            found.append(_Identity(f"setting:dsl{number}", given, family, label))
    return found


def children_on_incident(
    session: Session, parent_ids: Iterable[int], pupil_ids: Iterable[int]
) -> dict[int, list[int]]:
    """Each parent or carer's current links to the pupils on the incident."""
    parents, pupils = set(parent_ids), set(pupil_ids)
    if not parents or not pupils:
        return {}
    found: dict[int, list[int]] = {}
    for parent_id, child_id in session.execute(
        select(ParentChildLink.parent_id, ParentChildLink.child_id)
        .where(
            ParentChildLink.parent_id.in_(parents),
            ParentChildLink.child_id.in_(pupils),
            ParentChildLink.withdrawn_at.is_(None),
        )
        .order_by(ParentChildLink.id)
    ):
        found.setdefault(parent_id, []).append(child_id)
    return found


def cast_of(involvements: Iterable[Involvement], others: Iterable[Person | None]) -> list[Person]:
    """Everyone a case file names: people on the incident, then addressees and the rest."""
    people = [i.person for i in involvements]
    people += [p for p in others if p is not None]
    return list(dict.fromkeys(people))
