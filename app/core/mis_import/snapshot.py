"""The log as an import sees it: its people and current links as plain values, loaded in
bulk by the import service (one query per table), with the lookups matching needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from app.core.folding import tokens
from app.core.vocab import PersonKind


def folded_name(given_name: str, family_name: str) -> str:
    """A name as matching compares it: "Zoë  O'Neill" → "zoe o neill"."""
    return " ".join(tokens(f"{given_name} {family_name}"))


def folded_postcode(postcode: str) -> str:
    """ "sm4 5ab" and "SM45AB" are the same postcode."""
    return "".join(tokens(postcode))


def first_line(address: str) -> str:
    """The first line of an address, folded ("12 Oak Road")."""
    for line in address.splitlines():
        if line.strip():
            return " ".join(tokens(line))
    return ""


@dataclass(frozen=True)
class PersonState:
    """A person in the log (never a withdrawn one: they were entered in error)."""

    id: int
    kind: PersonKind
    given_name: str
    family_name: str
    version: int
    title: str = ""
    upn: str | None = None
    mis_id: str | None = None
    preferred_given_name: str = ""
    preferred_family_name: str = ""
    date_of_birth: date | None = None
    year_group: str | None = None
    class_name: str | None = None
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    job_title: str = ""
    mis_import_id: int | None = None
    left_on: date | None = None

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def mis_keeps(self) -> bool:
        """An import brought or matched them (or they carry a key only an MIS gives)."""
        return self.mis_import_id is not None or bool(self.upn) or bool(self.mis_id)


@dataclass(frozen=True)
class LinkState:
    """A current (not withdrawn) parent–pupil link in the log."""

    id: int
    parent_id: int
    child_id: int
    relationship_label: str = ""
    receives_letters: bool = True
    no_contact: bool = False
    no_contact_reason: str = ""
    parental_responsibility: bool | None = None
    priority: int | None = None
    mis_import_id: int | None = None


@dataclass
class LogSnapshot:
    """Everything matching reads, with its lookups built once."""

    people: dict[int, PersonState] = field(default_factory=dict)
    links: list[LinkState] = field(default_factory=list)
    # person id → how many incidents they are on (live involvements only).
    incidents: dict[int, int] = field(default_factory=dict)
    max_person_id: int = 0
    max_link_id: int = 0
    # (parent id, pupil id) → reason, for every "no contact" restriction ever recorded,
    # on ended links too: a link made again between them keeps it.
    restrictions: dict[tuple[int, int], str] = field(default_factory=dict)

    def of_kind(self, kind: PersonKind) -> list[PersonState]:
        return [p for p in self.people.values() if p.kind is kind]

    @cached_property
    def by_upn(self) -> dict[str, PersonState]:
        return {p.upn.upper(): p for p in self.of_kind(PersonKind.PUPIL) if p.upn}

    @cached_property
    def by_mis_id(self) -> dict[tuple[PersonKind, str], PersonState]:
        return {(p.kind, p.mis_id): p for p in self.people.values() if p.mis_id}

    @cached_property
    def pupils_by_name_dob(self) -> dict[tuple[str, date], list[PersonState]]:
        found: dict[tuple[str, date], list[PersonState]] = defaultdict(list)
        for p in self.of_kind(PersonKind.PUPIL):
            if p.date_of_birth is not None:
                found[(folded_name(p.given_name, p.family_name), p.date_of_birth)].append(p)
        return found

    @cached_property
    def contacts_by_address(self) -> dict[tuple[str, str, str], list[PersonState]]:
        found: dict[tuple[str, str, str], list[PersonState]] = defaultdict(list)
        for p in self.of_kind(PersonKind.PARENT):
            key = (
                folded_name(p.given_name, p.family_name),
                folded_postcode(p.postcode),
                first_line(p.address),
            )
            if key[1] or key[2]:
                found[key].append(p)
        return found

    @cached_property
    def staff_by_email(self) -> dict[str, PersonState]:
        return {p.email.casefold(): p for p in self.of_kind(PersonKind.STAFF) if p.email}

    @cached_property
    def staff_by_name(self) -> dict[str, list[PersonState]]:
        found: dict[str, list[PersonState]] = defaultdict(list)
        for p in self.of_kind(PersonKind.STAFF):
            found[folded_name(p.given_name, p.family_name)].append(p)
        return found

    @cached_property
    def links_of_child(self) -> dict[int, list[LinkState]]:
        found: dict[int, list[LinkState]] = defaultdict(list)
        for link in self.links:
            found[link.child_id].append(link)
        return found

    @cached_property
    def links_of_parent(self) -> dict[int, list[LinkState]]:
        found: dict[int, list[LinkState]] = defaultdict(list)
        for link in self.links:
            found[link.parent_id].append(link)
        return found
