"""What a reader takes from one pupil (a CTF Pupil element, or a CSV pupil's rows) before
it is checked, and the checks both readers share: names, UPN, date of birth, duplicate
UPNs, and contacts merged into one record per person with a link per child."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.core.folding import tokens
from app.core.mis_import.cleaning import clean_fields, too_long
from app.core.mis_import.records import (
    ContactRecord,
    LinkRecord,
    Position,
    PupilRecord,
    Refusal,
)
from app.core.mis_import.upn import normalise_upn, upn_problem

#: A pupil born longer ago than this is an error in the file (sixth form ends at 19).
OLDEST_YEARS = 25


@dataclass
class ContactDraft:
    """One contact as one pupil's entry (or one CSV row) has them."""

    position: Position
    given_name: str = ""
    family_name: str = ""
    title: str = ""
    mis_id: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    relationship: str = ""
    relationship_code: str = ""
    parental_responsibility: bool | None = None
    priority: int | None = None
    no_contact: bool | None = None
    no_contact_reason: str = ""


@dataclass
class PupilDraft:
    """One pupil as the file has them, unchecked."""

    position: Position
    upn: str = ""
    mis_id: str = ""
    given_name: str = ""
    family_name: str = ""
    preferred_given_name: str = ""
    preferred_family_name: str = ""
    date_of_birth: date | None = None
    # Set when the file's date of birth can't be read at all (the reader's words).
    date_problem: str = ""
    year_group: str | None = None
    class_name: str | None = None
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    contacts: list[ContactDraft] = field(default_factory=list)

    @property
    def who(self) -> str:
        """Who the pupil seems to be, to find them in the MIS."""
        parts = [f"UPN {self.upn}" if self.upn else ""]
        parts.append(" ".join(p for p in (self.given_name, self.family_name) if p))
        who = ", ".join(p for p in parts if p)
        return who if len(who) <= 80 else who[:79] + "…"


def name_key(*parts: str) -> str:
    """Folded words: "O’Brien " and "o'brien" give the same key."""
    return " ".join(tokens(" ".join(parts)))


def dob_problem(dob: date | None, today: date) -> str:
    """Why a date of birth is impossible for a pupil ("" when it is fine or absent)."""
    if dob is None:
        return ""
    if dob > today:
        return f"The date of birth {dob:%d/%m/%Y} is in the future."
    if (today.year - dob.year, today.month, today.day) > (OLDEST_YEARS, dob.month, dob.day):
        return (
            f"The date of birth {dob:%d/%m/%Y} is more than {OLDEST_YEARS} years ago, "
            "which is not possible for a pupil."
        )
    return ""


def check_pupils(
    drafts: list[PupilDraft], *, today: date, upn_required: bool
) -> tuple[list[tuple[PupilRecord, PupilDraft]], list[Refusal]]:
    """The pupils that pass the checks (with their drafts, for their contacts), and the
    refusals, in file order."""
    refused: list[tuple[Position, Refusal]] = []
    by_upn: dict[str, list[PupilDraft]] = {}
    for draft in drafts:
        clean_fields(draft)
        for contact in draft.contacts:
            clean_fields(contact)
        draft.upn = normalise_upn(draft.upn)
        if draft.upn:
            by_upn.setdefault(draft.upn, []).append(draft)
    accepted: list[tuple[PupilRecord, PupilDraft]] = []
    for draft in drafts:
        reasons = _problems(draft, today=today, upn_required=upn_required)
        others = [d for d in by_upn.get(draft.upn, []) if d is not draft]
        if draft.upn and others:
            where = ", ".join(str(d.position) for d in others)
            reasons.append(
                f"The UPN {draft.upn} is also given to the pupil at {where}: a UPN belongs "
                "to one pupil, so neither is imported until the MIS is corrected."
            )
        if reasons:
            keys = tuple(k for k in (draft.upn, draft.mis_id) if k)
            refusal = Refusal(draft.position, " ".join(reasons), draft.who, keys)
            refused.append((draft.position, refusal))
            continue
        accepted.append((_record(draft), draft))
    return accepted, [r for _, r in refused]


def _problems(draft: PupilDraft, *, today: date, upn_required: bool) -> list[str]:
    reasons: list[str] = too_long(draft)
    if not draft.family_name.strip():
        reasons.append("The pupil has no surname.")
    if not draft.given_name.strip():
        reasons.append("The pupil has no forename.")
    if draft.upn:
        problem = upn_problem(draft.upn)
        if problem:
            reasons.append(problem)
    elif upn_required:
        reasons.append("The pupil has no UPN, which every pupil in a Common Transfer File has.")
    if draft.date_problem:
        reasons.append(draft.date_problem)
    else:
        problem = dob_problem(draft.date_of_birth, today)
        if problem:
            reasons.append(problem)
    return reasons


def pupil_key(draft: PupilDraft) -> str:
    if draft.upn:
        return draft.upn
    if draft.mis_id:
        return f"mis:{draft.mis_id}"
    pos = draft.position
    return f"row:{pos.row}" if pos.row is not None else f"line:{pos.line}"


def _record(draft: PupilDraft) -> PupilRecord:
    return PupilRecord(
        key=pupil_key(draft),
        given_name=draft.given_name.strip(),
        family_name=draft.family_name.strip(),
        position=draft.position,
        upn=draft.upn or None,
        mis_id=draft.mis_id or None,
        preferred_given_name=draft.preferred_given_name.strip(),
        preferred_family_name=draft.preferred_family_name.strip(),
        date_of_birth=draft.date_of_birth,
        year_group=draft.year_group,
        class_name=draft.class_name or None,
        address=draft.address,
        postcode=draft.postcode,
        phone=draft.phone,
        email=draft.email,
    )


def merge_contacts(
    accepted: list[tuple[PupilRecord, PupilDraft]],
    refused: list[Refusal],
    warnings: list[str],
) -> tuple[list[ContactRecord], list[LinkRecord]]:
    """One ContactRecord per person (the same MIS id; else the same name, postcode and
    first address line), with a link to each of their children."""
    contacts: dict[tuple[str, ...], ContactDraft] = {}
    keys: dict[tuple[str, ...], str] = {}
    used: set[str] = set()
    links: list[LinkRecord] = []
    linked: set[tuple[str, str]] = set()
    for pupil, draft in accepted:
        for contact in draft.contacts:
            if not contact.family_name.strip():
                refused.append(
                    Refusal(
                        contact.position,
                        f"A contact of {pupil.given_name} {pupil.family_name} has no "
                        "surname, so they can't be told apart from anyone else.",
                        " ".join(p for p in (contact.title, contact.given_name) if p),
                    )
                )
                continue
            if problems := too_long(contact):
                refused.append(
                    Refusal(
                        contact.position,
                        f"A contact of {pupil.given_name} {pupil.family_name}: "
                        + " ".join(problems),
                        " ".join(p for p in (contact.title, contact.given_name) if p)[:100],
                    )
                )
                continue
            identity = _identity(contact, draft)
            if identity not in contacts:
                contacts[identity] = contact
                keys[identity] = _unique_key(contact, used)
            else:
                _fill_blanks(contacts[identity], contact)
            key = keys[identity]
            if (pupil.key, key) in linked:
                warnings.append(
                    f"{contact.given_name} {contact.family_name} is listed twice as a contact "
                    f"of {pupil.given_name} {pupil.family_name} ({contact.position}): the "
                    "first entry is used."
                )
                continue
            linked.add((pupil.key, key))
            links.append(_link(pupil.key, key, contact))
    records = [_contact_record(keys[i], c) for i, c in contacts.items()]
    return records, links


def _identity(contact: ContactDraft, pupil: PupilDraft) -> tuple[str, ...]:
    if contact.mis_id.strip():
        return ("mis", contact.mis_id.strip())
    names = (name_key(contact.given_name), name_key(contact.family_name))
    if contact.address or contact.postcode:
        first_line = contact.address.split("\n", 1)[0]
        return ("name", *names, name_key(contact.postcode), name_key(first_line))
    # No address: the same name in the same household (siblings share one), rather than
    # every "Jo Smith" in the school made one person.
    first_line = pupil.address.split("\n", 1)[0]
    return ("household", *names, name_key(pupil.postcode), name_key(first_line))


def _unique_key(contact: ContactDraft, used: set[str]) -> str:
    if contact.mis_id.strip():
        key = f"mis:{contact.mis_id.strip()}"
    else:
        names = name_key(contact.given_name, contact.family_name)
        key = f"name:{names}|{name_key(contact.postcode)}"
        first_line = name_key(contact.address.split("\n", 1)[0])
        if key in used and first_line:
            # Two different people of the same name at the same postcode.
            key += f"|{first_line}"
        n = 2
        base = key
        while key in used:
            key, n = f"{base}|{n}", n + 1
    used.add(key)
    return key


def _fill_blanks(kept: ContactDraft, other: ContactDraft) -> None:
    for name in ("title", "phone", "email"):
        if not getattr(kept, name) and getattr(other, name):
            setattr(kept, name, getattr(other, name))


def _contact_record(key: str, c: ContactDraft) -> ContactRecord:
    return ContactRecord(
        key=key,
        given_name=c.given_name.strip(),
        family_name=c.family_name.strip(),
        position=c.position,
        mis_id=c.mis_id.strip() or None,
        title=c.title.strip(),
        address=c.address,
        postcode=c.postcode,
        phone=c.phone,
        email=c.email,
    )


def _link(pupil: str, contact: str, c: ContactDraft) -> LinkRecord:
    return LinkRecord(
        pupil_key=pupil,
        contact_key=contact,
        position=c.position,
        relationship=c.relationship,
        relationship_code=c.relationship_code,
        parental_responsibility=c.parental_responsibility,
        priority=c.priority,
        no_contact=c.no_contact,
        no_contact_reason=c.no_contact_reason,
    )
