"""The case file of one incident as a PDF, for the police, children's social care, the
LADO or the school's own file: the full record, or a copy for an outside agency with
staff named by their role and other pupils as "Pupil B" (`casefile_names`), optionally
password-protected (AES-256). Each export is on the audit trail and the incident's
timeline: which copy, for whom, whether protected, and the file's SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.clock import utc_now
from app.core.errors import NotAllowed, ValidationError
from app.core.models import (
    DeletionRequest,
    Evidence,
    Incident,
    Involvement,
    Letter,
    Person,
    SchoolSettings,
    User,
)
from app.core.permissions import Permission, requires
from app.core.services import casefile_sections as sections
from app.core.services.casefile_names import (
    REPLACED_KINDS,
    AgencyNaming,
    Naming,
    cast_of,
    children_on_incident,
    default_named,
)
from app.core.services.chronology import record
from app.core.services.letter_values import letterhead
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic, check_text
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import CaseFileVariant, ChronologyKind, PersonKind
from app.documents.base import Letterhead
from app.documents.casefile import CaseFileDocument
from app.documents.casefile_content import CaseFileContent, CasePerson
from app.documents.protection import MIN_PASSWORD_LENGTH, protect_pdf

AGENCY_NOTE = (
    "Copy for an outside agency: members of staff are named by their role, and pupils "
    "other than those this case concerns as “Pupil B”, “Pupil C” and so on (in the text "
    "too). The school keeps the full record."
)
CONFIDENTIAL = (
    "Confidential: share only with those who need it to keep a child safe, and store it securely."
)


@dataclass(frozen=True)
class PersonChoice:
    """Someone on the incident, for choosing who an agency copy names."""

    person_id: int
    name: str
    kind: PersonKind
    role: str
    #: Pupils and adults working for the school are replaced unless named.
    replaceable: bool
    named_by_default: bool


@dataclass(frozen=True)
class EvidenceChoice:
    """A piece of evidence, for ticking the pictures to print."""

    evidence_id: int
    label: str
    may_picture: bool


@dataclass(frozen=True)
class CaseFileOptions:
    """What the export dialog offers for one incident."""

    incident_id: int
    reference: str
    people: tuple[PersonChoice, ...]
    evidence: tuple[EvidenceChoice, ...]


@dataclass(frozen=True)
class CaseFileChoice:
    """How the DSL asked for the case file."""

    variant: CaseFileVariant
    recipient: str
    thumbnails: frozenset[int] = frozenset()
    #: Who an agency copy names (None: the default, `default_named`).
    named: frozenset[int] | None = None
    password: str = ""
    password_again: str = ""


@dataclass(frozen=True)
class CaseFileExport:
    """The finished file and what was recorded about it."""

    pdf: bytes
    sha256: str
    pages: int
    encrypted: bool
    file_name: str


@requires(Permission.CASE_FILES, incident="incident_id")
def case_file_options(session: Session, incident_id: int) -> CaseFileOptions:
    """The people and evidence of an incident, for the export dialog."""
    incident = get_incident(session, incident_id)
    involvements = _involvements(session, incident_id)
    parents = _children(session, incident, involvements)
    named = default_named(((i.person, i.role) for i in involvements), parents)
    roles: dict[int, list[str]] = {}
    for i in involvements:
        if i.withdrawn_at is None:
            roles.setdefault(i.person_id, []).append(i.role.label.lower())
    people_by_id = {i.person_id: i.person for i in involvements}
    people = tuple(
        PersonChoice(
            person_id,
            people_by_id[person_id].full_name,
            people_by_id[person_id].kind,
            ", ".join(dict.fromkeys(parts)),
            replaceable=people_by_id[person_id].kind in REPLACED_KINDS or person_id in parents,
            named_by_default=person_id in named,
        )
        for person_id, parts in roles.items()
    )
    items = session.scalars(
        select(Evidence).where(Evidence.incident_id == incident_id).order_by(Evidence.id)
    ).all()
    evidence = tuple(
        EvidenceChoice(
            e.id,
            f"E{n} · {e.original_filename or e.description[:60] or e.kind.label}",
            sections.may_have_thumbnail(e),
        )
        for n, e in enumerate(items, start=1)
    )
    return CaseFileOptions(incident.id, incident.reference, people, evidence)


def check_choice(choice: CaseFileChoice) -> None:
    """ValidationError for a recipient or password the export can't take."""
    check_text("recipient", choice.recipient, label="Who it is for", max_length=300, required=True)
    if choice.password or choice.password_again:
        if len(choice.password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                "password",
                f"A password needs at least {MIN_PASSWORD_LENGTH} characters: the file may "
                "travel by email, where anyone can try passwords against it.",
            )
        if choice.password != choice.password_again:
            raise ValidationError("password_again", "The two passwords are not the same.")


@requires(Permission.CASE_FILES, incident="incident_id")
def export_case_file(
    session: Session, actor: User, incident_id: int, choice: CaseFileChoice
) -> CaseFileExport:
    """Render the case file, protect it if asked, and record the export (audit trail and
    timeline) in this unit of work: the caller writes the file once it is committed."""
    check_choice(choice)
    with atomic(session):
        incident = get_incident(session, incident_id)
        if incident.disposed_at is not None:
            raise NotAllowed(
                f"{incident.reference} was disposed of on {format_date(incident.disposed_at)} "
                "under the school's retention rules: its content was erased, so there is no "
                "case file to make."
            )
        content = gather_case_file(session, actor, incident, choice)
        document = CaseFileDocument(school_letterhead(session), content)
        pdf = document.render()
        encrypted = bool(choice.password)
        if encrypted:
            pdf = protect_pdf(pdf, choice.password)
        sha256 = hashlib.sha256(pdf).hexdigest()
        what = "agency copy" if choice.variant is CaseFileVariant.AGENCY else "full record"
        record(
            session,
            actor,
            incident,
            ChronologyKind.INFORMATION_SHARED,
            f"Case file ({what}) exported for {choice.recipient.strip()}"
            f"{', password-protected' if encrypted else ''}: {document.page_count} pages, "
            f"SHA-256 {sha256}.",
        )
        record_look(
            session,
            Action.EXPORT,
            Record.INCIDENT,
            incident.id,
            file="case file",
            variant=str(choice.variant),
            recipient=choice.recipient.strip(),
            encrypted=encrypted,
            sha256=sha256,
            pictures=sorted(choice.thumbnails),
        )
    short = "agency" if choice.variant is CaseFileVariant.AGENCY else "full"
    return CaseFileExport(
        pdf=pdf,
        sha256=sha256,
        pages=document.page_count,
        encrypted=encrypted,
        file_name=f"{incident.reference} case file ({short}).pdf",
    )


def school_letterhead(session: Session) -> Letterhead:
    settings = session.scalars(select(SchoolSettings).order_by(SchoolSettings.id)).first()
    if settings is None:
        return Letterhead(school_name="")
    return letterhead(settings)


def gather_case_file(
    session: Session,
    actor: User,
    incident: Incident,
    choice: CaseFileChoice,
    *,
    preface: tuple[str, ...] | None = None,
) -> CaseFileContent:
    """The case file's content, worded for the variant (the caller checked access)."""
    involvements = _involvements(session, incident.id)
    entries = sections.timeline(session, incident.id)
    user_ids = {e.created_by_id for e in entries} | {actor.id, incident.case_manager_id}
    user_ids |= set(
        session.scalars(select(Letter.created_by_id).where(Letter.incident_id == incident.id))
    )
    users = sections.users_by_id(session, user_ids)
    naming: Naming = Naming()
    if choice.variant is CaseFileVariant.AGENCY:
        children = _children(session, incident, involvements)
        named = choice.named
        if named is None:
            named = default_named(((i.person, i.role) for i in involvements), children)
        naming = AgencyNaming(
            session,
            cast=cast_of(involvements, [incident.reported_by, *_addressees(session, incident)]),
            users=[users[e.created_by_id] for e in entries] + list(users.values()),
            named=named,
            children=children,
        )
    if preface is None:
        produced = (
            f"Produced {format_datetime(utc_now())} by {naming.user(actor)} for "
            f"{choice.recipient.strip()}."
        )
        preface = (produced, AGENCY_NOTE if naming.agency else "", CONFIDENTIAL)
    people = tuple(
        CasePerson(naming.person(i.person), i.person.kind.label, i.role.label, _detail(i, naming))
        for i in involvements
        if i.withdrawn_at is None
    )
    facts = _facts(incident, users, naming)
    return CaseFileContent(
        reference=incident.reference,
        variant=choice.variant.label,
        preface=tuple(line for line in preface if line),
        facts=facts,
        people=people,
        chronology=tuple(sections.chronology(entries, users, naming)),
        requests=tuple(sections.requests(session, incident.id, naming)),
        escalations=tuple(sections.escalations(session, incident.id, naming)),
        decisions=tuple(sections.decisions(incident, entries, users, naming)),
        letters=tuple(sections.letters(session, incident.id, users, naming)),
        evidence=tuple(sections.evidence(session, incident.id, choice.thumbnails, naming)),
    )


def _involvements(session: Session, incident_id: int) -> list[Involvement]:
    return list(
        session.scalars(
            select(Involvement)
            .where(Involvement.incident_id == incident_id)
            .order_by(Involvement.id)
        )
    )


def _children(
    session: Session, incident: Incident, involvements: list[Involvement]
) -> dict[int, list[int]]:
    """The parents and carers in the case file, each with their children on the incident."""
    cast = cast_of(involvements, [incident.reported_by, *_addressees(session, incident)])
    return children_on_incident(
        session,
        [p.id for p in cast if p.kind is PersonKind.PARENT],
        [i.person_id for i in involvements if i.person.kind is PersonKind.PUPIL],
    )


def _addressees(session: Session, incident: Incident) -> list[Person]:
    ids = set(
        session.scalars(
            select(DeletionRequest.addressee_id).where(DeletionRequest.incident_id == incident.id)
        )
    ) | set(session.scalars(select(Letter.addressee_id).where(Letter.incident_id == incident.id)))
    if not ids:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def _detail(involvement: Involvement, naming: Naming) -> str:
    person = involvement.person
    if person.kind is PersonKind.PUPIL:
        year = involvement.year_group_then or person.year_group
        parts = [f"Year {year}" if year and year not in ("N", "R") else (year or "")]
        if naming.is_named(person):
            parts.append(involvement.class_name_then or person.class_name or "")
            if person.date_of_birth is not None:
                parts.append(f"born {format_date(person.date_of_birth)}")
        text = ", ".join(p for p in parts if p)
    elif naming.is_named(person):
        text = person.job_title
    else:
        text = ""
    notes = naming.text(involvement.notes)
    return "; ".join(p for p in (text, notes) if p)


def _facts(
    incident: Incident, users: dict[int, User], naming: Naming
) -> tuple[tuple[str, str], ...]:
    categories = ", ".join(c.category.label for c in incident.categories)
    if incident.prejudice_type is not None:
        categories += f" ({incident.prejudice_type.label.lower()})"
    platform = incident.platform.label
    if incident.platform_other.strip():
        platform = f"{platform}: {incident.platform_other}"
    still_up = {True: "Yes", False: "No", None: "Not known"}[incident.still_live]
    parents = "Not recorded"
    if incident.parent_informed:
        by = f" by {incident.parent_informed_by}" if incident.parent_informed_by.strip() else ""
        when = format_datetime(incident.parent_informed_at)
        parents = f"Yes{', ' + when if when else ''}{by}"
    elif incident.parent_informed is False:
        parents = f"No: {incident.parent_not_informed_reason or 'no reason recorded'}"
    manager = users.get(incident.case_manager_id) if incident.case_manager_id else None
    restricted = ""
    if incident.dsl_only:
        restricted = "Yes" + (f" (case manager: {naming.user(manager)})" if manager else "")
    return (
        ("Reference", incident.reference),
        ("Status", incident.status.label),
        ("Withdrawn", _withdrawn(incident)),
        ("Happened", format_datetime(incident.happened_at) or "Not known"),
        ("Seen", format_datetime(incident.seen_at)),
        ("Reported", format_datetime(incident.reported_at) or "Not recorded"),
        ("Reported by", naming.person(incident.reported_by) if incident.reported_by else ""),
        ("Platform", naming.text(platform)),
        ("Where", incident.audience.label if incident.audience else "Not recorded"),
        ("Link", naming.text(incident.url)),
        ("Account", naming.text(incident.account_handle)),
        ("Still up", still_up),
        ("Summary", naming.text(incident.summary)),
        ("Categories", categories),
        ("Severity", incident.severity.label),
        ("Safeguarding concern", "Yes" if incident.safeguarding_concern else "No"),
        ("Restricted", restricted),
        ("Parents told", naming.text(parents)),
        ("Outcome", incident.outcome.label if incident.outcome else "Not yet decided"),
        ("Rationale", naming.text(incident.outcome_rationale)),
        ("Closed", format_datetime(incident.closed_at)),
    )


def _withdrawn(incident: Incident) -> str:
    if incident.withdrawn_at is None:
        return ""
    return f"{format_date(incident.withdrawn_at)}: {incident.withdrawn_reason or ''}"
