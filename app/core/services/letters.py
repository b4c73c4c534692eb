"""Letters to parents and carers: the school's templates, who a letter can go to, and each
letter made, kept with its PDF bytes so a reprint is the identical document.

A letter is filled from the incident, the addressee and the school's settings, rendered
by app.documents (which never queries), stored, and written to the incident's timeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from app.core.clock import today_london, utc_now
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.letter_templates import (
    PLACEHOLDERS,
    LetterTemplate,
    check_placeholders,
    default_templates,
    fill,
    placeholders_in,
)
from app.core.models import (
    DeletionRequest,
    Incident,
    Involvement,
    Letter,
    LetterTemplateVersion,
    ParentChildLink,
    Person,
    SchoolSettings,
    User,
)
from app.core.permissions import Permission, requires, visible_incidents
from app.core.services.chronology import record
from app.core.services.deletion_requests import default_deadline
from app.core.services.lookups import get_incident
from app.core.services.school import get_settings
from app.core.services.validation import atomic, check_text
from app.core.timefmt import to_london
from app.core.vocab import (
    ChronologyKind,
    DeletionOutcome,
    IncidentStatus,
    InvolvementRole,
    PersonKind,
    Platform,
)
from app.documents.base import Letterhead
from app.documents.letters import LetterContent, LetterDocument

#: Letters about the post itself go to whoever posted it (a pupil's parents for a pupil).
POSTER_TEMPLATES = frozenset(
    {"request_removal", "second_request", "images_without_consent", "proper_channels"}
)
#: The most letters made at once (both parents of every pupil in a large incident fits).
MAX_BATCH = 200
#: Lines of a postal address that fit the envelope window (after the name).
ADDRESS_LINES = 6


# --- Templates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    """A template as Settings → Letters lists it."""

    key: str
    title: str
    customised: bool
    changed_at: datetime | None
    changed_by: str


def current_templates(session: Session) -> dict[str, LetterTemplate]:
    """Every template in use: the school's newest version of each, else the shipped one."""
    templates = default_templates()
    for version in _newest_versions(session):
        if version.template_key in templates and not version.is_default:
            templates[version.template_key] = LetterTemplate(
                version.template_key, version.title, version.subject, version.body
            )
    return templates


def get_template(session: Session, key: str) -> LetterTemplate:
    """One template in use, by key."""
    templates = current_templates(session)
    if key not in templates:
        known = ", ".join(templates)
        raise NotFound(f"There is no letter template called “{key}”. The templates are: {known}.")
    return templates[key]


def template_rows(session: Session) -> list[TemplateRow]:
    """The templates with whether the school has changed them, and who did last."""
    newest = {v.template_key: v for v in _newest_versions(session)}
    users = {u.id: u.display_name for u in session.scalars(select(User))}
    rows = []
    for key, template in current_templates(session).items():
        version = newest.get(key)
        rows.append(
            TemplateRow(
                key=key,
                title=template.title,
                customised=version is not None and not version.is_default,
                changed_at=version.created_at if version else None,
                changed_by=users.get(version.created_by_id, "") if version else "",
            )
        )
    return rows


def check_template(title: str, subject: str, body: str) -> LetterTemplate:
    """A template as typed, checked: lengths, characters, and every placeholder known."""
    check_text("title", title, label="The template's name", max_length=120, required=True)
    check_text("subject", subject, label="The subject line", max_length=300, required=True)
    check_text("body", body, label="The letter", max_length=20_000, required=True, multiline=True)
    check_placeholders(subject, "subject")
    check_placeholders(body, "body")
    return LetterTemplate("", title.strip(), subject.strip(), body.strip())


@requires(Permission.LETTER_TEMPLATES)
def save_template(
    session: Session, actor: User, key: str, title: str, subject: str, body: str
) -> LetterTemplate:
    """Save the school's wording for a template (the earlier wording stays as history)."""
    if key not in default_templates():
        raise NotFound(f"There is no letter template called “{key}”.")
    checked = check_template(title, subject, body)
    current = current_templates(session)[key]
    if (current.title, current.subject, current.body) == (
        checked.title,
        checked.subject,
        checked.body,
    ):
        return current  # unchanged: no new version
    with atomic(session):
        session.add(
            LetterTemplateVersion(
                template_key=key,
                title=checked.title,
                subject=checked.subject,
                body=checked.body,
                created_by_id=actor.id,
            )
        )
        session.flush()
    return LetterTemplate(key, checked.title, checked.subject, checked.body)


@requires(Permission.LETTER_TEMPLATES)
def restore_default(session: Session, actor: User, key: str) -> LetterTemplate:
    """Go back to Footprint's wording (recorded as a version, so the history stays whole)."""
    defaults = default_templates()
    if key not in defaults:
        raise NotFound(f"There is no letter template called “{key}”.")
    shipped = defaults[key]
    with atomic(session):
        session.add(
            LetterTemplateVersion(
                template_key=key,
                is_default=True,
                title=shipped.title,
                subject=shipped.subject,
                body=shipped.body,
                created_by_id=actor.id,
            )
        )
        session.flush()
    return shipped


def _newest_versions(session: Session) -> list[LetterTemplateVersion]:
    newest = (
        select(func.max(LetterTemplateVersion.id))
        .group_by(LetterTemplateVersion.template_key)
        .scalar_subquery()
    )
    return list(
        session.scalars(select(LetterTemplateVersion).where(LetterTemplateVersion.id.in_(newest)))
    )


# --- Who a letter can go to --------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Someone a letter about this incident can be addressed to."""

    person_id: int
    name: str
    reason: str
    has_address: bool
    # The pupil the letter is about (for a parent/carer), if any.
    child_id: int | None = None
    suggested: bool = False


@requires(Permission.LETTERS)
def recipients(
    session: Session, incident_id: int, template_key: str, request_id: int | None = None
) -> list[Recipient]:
    """Everyone a letter about the incident could go to, with the usual addressees of
    this template marked `suggested`: for a deletion request, its addressee (or, for a
    pupil, their parents and carers); for letters about the post, the posters; for
    underage use, the parents of a pupil who posted; for letters about a child, the
    parents and carers of every pupil involved. Parents and carers are those linked to
    the pupil to receive letters; a pupil's own letters go to them."""
    incident = get_incident(session, incident_id)
    get_template(session, template_key)  # an unknown template is named, not ignored
    request = _get_request(session, incident, request_id) if request_id is not None else None
    found: dict[int, Recipient] = {}

    def add(person: Person, reason: str, child: Person | None, suggested: bool) -> None:
        existing = found.get(person.id)
        if existing is not None:
            if suggested and not existing.suggested:
                found[person.id] = replace(
                    existing, suggested=True, child_id=child.id if child else existing.child_id
                )
            return
        found[person.id] = Recipient(
            person_id=person.id,
            name=addressee_name(person),
            reason=reason,
            has_address=bool(address_lines(person)),
            child_id=child.id if child is not None else None,
            suggested=suggested,
        )

    about_post = template_key in POSTER_TEMPLATES
    involvements = _involvements(session, incident.id)
    # Posters first, so a parent of two pupils in the incident is written to about the
    # one who posted when the letter is about the post.
    involvements.sort(key=lambda i: i.role is not InvolvementRole.POSTER)
    for involvement in involvements:
        person, role = involvement.person, involvement.role
        is_poster = role is InvolvementRole.POSTER
        if request is not None:
            wanted = request.addressee_id == person.id
        elif about_post:
            wanted = is_poster
        elif template_key == "underage_use":
            wanted = is_poster and person.kind is PersonKind.PUPIL
        else:
            wanted = person.kind is PersonKind.PUPIL
        if person.kind is PersonKind.PUPIL:
            for parent, link in _letter_parents(session, person.id):
                relation = link.relationship_label or "Parent/carer"
                parent_wanted = wanted or (
                    request is not None and request.addressee_id == parent.id
                )
                add(
                    parent,
                    f"{relation} of {person.full_name} ({role.label.lower()})",
                    person,
                    parent_wanted,
                )
        else:
            add(person, f"{person.kind.label} ({role.label.lower()})", None, wanted)
    if request is not None and request.addressee_id not in found:
        # A request to a parent who is not in the incident themselves (their child is).
        addressee = session.get(Person, request.addressee_id)
        if (
            addressee is not None
            and addressee.withdrawn_at is None
            and addressee.kind is not PersonKind.PUPIL  # a pupil's letters go to parents
        ):
            add(
                addressee,
                "The deletion request's addressee",
                _child_in_incident(session, incident, addressee),
                True,
            )
    return sorted(found.values(), key=lambda r: (not r.suggested, r.name.casefold()))


@requires(Permission.LETTERS)
def pupils_without_parents(session: Session, incident_id: int) -> list[str]:
    """Pupils in the incident with no parent or carer linked to receive letters (so
    their families can't be written to until someone is linked in People)."""
    names = []
    for involvement in _involvements(session, incident_id):
        person = involvement.person
        if person.kind is PersonKind.PUPIL and not _letter_parents(session, person.id):
            names.append(f"{person.full_name} ({involvement.role.label.lower()})")
    return list(dict.fromkeys(names))


def _involvements(session: Session, incident_id: int) -> list[Involvement]:
    return list(
        session.scalars(
            select(Involvement)
            .join(Person, Person.id == Involvement.person_id)
            .where(
                Involvement.incident_id == incident_id,
                Involvement.withdrawn_at.is_(None),
                Person.withdrawn_at.is_(None),
            )
            .order_by(Involvement.id)
        )
    )


def _letter_parents(session: Session, child_id: int) -> list[tuple[Person, ParentChildLink]]:
    rows = session.execute(
        select(Person, ParentChildLink)
        .join(ParentChildLink, ParentChildLink.parent_id == Person.id)
        .where(
            ParentChildLink.child_id == child_id,
            ParentChildLink.withdrawn_at.is_(None),
            ParentChildLink.receives_letters.is_(True),
            Person.withdrawn_at.is_(None),
        )
        .order_by(ParentChildLink.id)
    )
    return [(person, link) for person, link in rows]


def addressee_name(person: Person) -> str:
    """ "Mrs Anna Byrne", or "Anna Byrne" without a title."""
    return " ".join(part for part in (person.title.strip(), person.full_name) if part)


def salutation(person: Person) -> str:
    """ "Dear Mrs Byrne," with a title and family name; otherwise the full name."""
    if person.title.strip() and person.family_name.strip():
        return f"Dear {person.title.strip()} {person.family_name.strip()},"
    return f"Dear {person.full_name},"


def address_lines(person: Person) -> list[str]:
    """The postal address as printed: each line of the address, then the postcode."""
    lines = [line.strip() for line in person.address.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if person.postcode.strip() and person.postcode.strip() not in lines:
        lines.append(person.postcode.strip())
    return lines


# --- Making letters ----------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedLetter:
    """One letter, rendered but not yet on record."""

    addressee_id: int
    addressee_name: str
    template: LetterTemplate
    letter_date: date
    deletion_request_id: int | None
    subject: str
    pdf: bytes
    page_count: int
    warnings: tuple[str, ...] = field(default=())


@requires(Permission.LETTERS)
def prepare_letters(
    session: Session,
    incident_id: int,
    template_key: str,
    addressee_ids: Sequence[int],
    *,
    request_id: int | None = None,
    template: LetterTemplate | None = None,
) -> list[PreparedLetter]:
    """Fill and render the letters (for the preview); nothing is stored. A letter that
    can't be filled is a ValidationError naming everyone affected and why."""
    incident = get_incident(session, incident_id)
    if not addressee_ids:
        raise ValidationError("addressee", "Choose who the letter is to.")
    if len(addressee_ids) > MAX_BATCH:
        raise ValidationError("addressee", f"At most {MAX_BATCH} letters can be made at once.")
    chosen = template or get_template(session, template_key)
    settings = get_settings(session)
    head = letterhead(settings)
    request = _get_request(session, incident, request_id) if request_id is not None else None
    candidates = {
        r.person_id: r for r in recipients(session, incident_id, template_key, request_id)
    }
    today = today_london()
    letters, problems = [], []
    for person_id in dict.fromkeys(addressee_ids):
        person = session.get(Person, person_id)
        if person is None or person.withdrawn_at is not None:
            problems.append("One of the people chosen is no longer in the log.")
            continue
        candidate = candidates.get(person_id)
        if candidate is None:
            problems.append(
                f"{addressee_name(person)} is not in this incident, nor a parent or carer "
                "of a pupil who is."
            )
            continue
        child = session.get(Person, candidate.child_id) if candidate.child_id else None
        if person.kind is PersonKind.PUPIL:
            child = person
        if request is not None and request.addressee_id in (person.id, candidate.child_id):
            person_request: DeletionRequest | None = request
        else:
            person_request = _request_for(session, incident, person, child, template_key)
        try:
            values, warnings = _fill_values(
                session, chosen, settings, incident, person, child, person_request, today
            )
            subject, paragraphs = fill(chosen, values)
        except ValidationError as exc:
            problems.append(exc.message)
            continue
        lines = address_lines(person)
        if not lines:
            warnings.append(f"There is no postal address for {addressee_name(person)}.")
        elif len(lines) > ADDRESS_LINES:
            warnings.append(
                f"{addressee_name(person)}'s address has {len(lines)} lines; some are joined "
                "so that the postcode still shows in the envelope window."
            )
        content = LetterContent(
            letter_date=today,
            reference=incident.reference,
            addressee_name=addressee_name(person),
            address_lines=lines,
            salutation=salutation(person),
            subject=subject,
            paragraphs=paragraphs,
            signatory_name=settings.headteacher_name,
            signatory_title=settings.signatory_title,
            signature_image=settings.signature_image,
        )
        document = LetterDocument(head, content)
        pdf = document.render()
        letters.append(
            PreparedLetter(
                addressee_id=person.id,
                addressee_name=addressee_name(person),
                template=LetterTemplate(template_key, chosen.title, chosen.subject, chosen.body),
                letter_date=today,
                deletion_request_id=person_request.id if person_request else None,
                subject=subject,
                pdf=pdf,
                page_count=document.page_count,
                warnings=tuple(warnings),
            )
        )
    if problems:
        if len(problems) == 1:
            raise ValidationError("addressee", problems[0])
        raise ValidationError(
            "addressee",
            f"{len(problems)} of these letters can't be made: " + " ".join(problems),
        )
    return letters


@requires(Permission.LETTERS)
def make_letters(
    session: Session,
    actor: User,
    incident_id: int,
    template_key: str,
    addressee_ids: Sequence[int],
    *,
    request_id: int | None = None,
) -> list[Letter]:
    """Make the letters and put them on record (PDF bytes, SHA-256, template, addressee,
    date, who made them), each with an entry on the incident's timeline."""
    with atomic(session):
        incident = get_incident(session, incident_id)
        if incident.withdrawn_at is not None:
            raise NotAllowed("This incident was withdrawn; letters can't be made for it.")
        prepared = prepare_letters(
            session, incident_id, template_key, addressee_ids, request_id=request_id
        )
        letters = []
        for item in prepared:
            letter = Letter(
                incident_id=incident.id,
                deletion_request_id=item.deletion_request_id,
                addressee_id=item.addressee_id,
                template_key=template_key,
                template_title=item.template.title,
                subject=item.subject,
                letter_date=item.letter_date,
                pdf=item.pdf,
                sha256=hashlib.sha256(item.pdf).hexdigest(),
                size_bytes=len(item.pdf),
                page_count=item.page_count,
                created_by_id=actor.id,
            )
            session.add(letter)
            session.flush()
            pages = "1 page" if item.page_count == 1 else f"{item.page_count} pages"
            record(
                session,
                actor,
                incident,
                ChronologyKind.LETTER,
                f"Letter “{item.template.title}” to {item.addressee_name} ({pages}).",
            )
            letters.append(letter)
    return letters


@dataclass(frozen=True)
class LetterRow:
    """A letter on record, as the incident window and the Letters screen list it."""

    id: int
    incident_id: int
    incident_reference: str
    letter_date: date
    template_title: str
    addressee_name: str
    made_by: str
    made_at: datetime
    page_count: int
    sha256: str


@requires(Permission.LETTERS)
def list_letters(
    session: Session, incident_id: int | None = None, *, limit: int = 500
) -> list[LetterRow]:
    """Letters on record, newest first (for one incident, or across the log)."""
    query = (
        select(Letter, Incident.reference, Person, User.display_name)
        .join(Incident, Incident.id == Letter.incident_id)
        .join(Person, Person.id == Letter.addressee_id)
        .join(User, User.id == Letter.created_by_id)
        .where(Letter.withdrawn_at.is_(None), visible_incidents(session))
        .order_by(Letter.id.desc())
        .limit(limit)
    )
    if incident_id is not None:
        query = query.where(Letter.incident_id == incident_id)
    return [
        LetterRow(
            id=letter.id,
            incident_id=letter.incident_id,
            incident_reference=reference,
            letter_date=letter.letter_date,
            template_title=letter.template_title or letter.template_key,
            addressee_name=addressee_name(person),
            made_by=made_by,
            made_at=letter.created_at,
            page_count=letter.page_count,
            sha256=letter.sha256,
        )
        for letter, reference, person, made_by in session.execute(query)
    ]


@requires(Permission.LETTERS)
def withdraw_letter(session: Session, actor: User, letter_id: int, reason: str) -> Letter:
    """A letter made in error (printed twice, wrong person ticked): it stays on record,
    marked withdrawn with the reason, and the timeline says so."""
    check_text(
        "reason", reason, label="The reason", max_length=2_000, required=True, multiline=True
    )
    with atomic(session):
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise NotFound("That letter is not on record.")
        if letter.withdrawn_at is not None:
            raise Conflict("This letter has already been withdrawn.")
        letter.withdrawn_at = utc_now()
        letter.withdrawn_by_id = actor.id
        letter.withdrawn_reason = reason
        addressee = session.get(Person, letter.addressee_id)
        record(
            session,
            actor,
            get_incident(session, letter.incident_id),
            ChronologyKind.LETTER,
            f"Letter “{letter.template_title}” to "
            f"{addressee_name(addressee) if addressee else 'someone'} of "
            f"{long_date(letter.letter_date)} withdrawn: {reason}",
        )
        session.flush()
    return letter


@requires(Permission.LETTERS)
def letter_pdf(session: Session, letter_id: int) -> bytes:
    """The stored PDF of a letter, exactly as first printed (checked against its SHA-256)."""
    letter = session.get(Letter, letter_id, options=[undefer(Letter.pdf)])
    if letter is None:
        raise NotFound("That letter is not on record.")
    get_incident(session, letter.incident_id)  # only for someone who may see the incident
    if hashlib.sha256(letter.pdf).hexdigest() != letter.sha256:
        raise Conflict(
            "The stored copy of this letter doesn't match the fingerprint taken when it was "
            "made, so it can't be reprinted as the same document. Please tell your IT support."
        )
    return letter.pdf


# --- Filling -----------------------------------------------------------------------------


def letterhead(settings: SchoolSettings) -> Letterhead:
    """The school's letterhead from its settings."""
    lines = [line.strip() for line in settings.address.replace("\r\n", "\n").split("\n")]
    contacts = [settings.phone, settings.email, settings.website]
    return Letterhead(
        school_name=settings.name,
        address_lines=[line for line in lines if line],
        contact_line=" · ".join(c.strip() for c in contacts if c.strip()),
        logo=settings.logo,
    )


def long_date(value: date | datetime | None) -> str:
    """ "24 November 2026" (a datetime in London time); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {value:%B %Y}"


def platform_name(incident: Incident) -> str:
    """Where it was posted, as a parent would say it."""
    if incident.platform is Platform.OTHER and incident.platform_other.strip():
        return incident.platform_other.strip()
    return incident.platform.label


def class_of(child: Person) -> str:
    """The pupil's class ("6 Yew"), else their year group ("Year 6", "Reception")."""
    if child.class_name and child.class_name.strip():
        return child.class_name.strip()
    year = (child.year_group or "").strip()
    return {"N": "Nursery", "R": "Reception"}.get(year, f"Year {year}" if year else "")


def school_values(settings: SchoolSettings) -> dict[str, str]:
    """The placeholders the school's settings fill (with wording where one is blank)."""
    return {
        "school_name": settings.name,
        "school_address": ", ".join(letterhead(settings).address_lines),
        "school_phone": settings.phone,
        "school_email": settings.email,
        "complaints_url": settings.complaints_url.strip()
        or "please ask the school office for a copy",
        "headteacher_name": settings.headteacher_name,
        "dsl_names": settings.dsl_names.strip() or "the Designated Safeguarding Lead",
    }


def letter_values(
    settings: SchoolSettings,
    incident: Incident,
    addressee: Person,
    child: Person | None,
    deadline: date | None,
    today: date,
) -> dict[str, str]:
    """Every placeholder's value for one letter (blank where there is nothing to say)."""
    return {
        **school_values(settings),
        "addressee_name": addressee_name(addressee),
        "child_name": child.full_name if child is not None else "",
        "child_class": class_of(child) if child is not None else "",
        "incident_reference": incident.reference,
        "platform": platform_name(incident),
        "date_seen": long_date(incident.seen_at),
        "date_posted": long_date(incident.happened_at),
        "deadline": long_date(deadline),
        "letter_date": long_date(today),
    }


def _fill_values(
    session: Session,
    template: LetterTemplate,
    settings: SchoolSettings,
    incident: Incident,
    person: Person,
    child: Person | None,
    request: DeletionRequest | None,
    today: date,
) -> tuple[dict[str, str], list[str]]:
    """The values for one letter, and warnings; a placeholder the letter needs but that
    can't be filled truthfully is a ValidationError naming the person."""
    used = set(placeholders_in(template.subject, "subject")) | set(
        placeholders_in(template.body, "body")
    )
    name = addressee_name(person)
    warnings: list[str] = []
    if {"child_name", "child_class"} & used and child is None:
        raise ValidationError(
            "addressee",
            f"This letter is about a pupil, but {name} is not the parent or carer of a pupil "
            "in this incident (link them to their child in People first).",
        )
    deadline = None
    if "deadline" in used:
        deadline = _deadline(session, template.key, name, request, today, warnings)
    if "headteacher_name" in used and not settings.headteacher_name.strip():
        raise ValidationError("template", "The headteacher's name is not set (Settings → School).")
    values = letter_values(settings, incident, person, child, deadline, today)
    for placeholder in sorted(used):
        if not values[placeholder].strip():
            warnings.append(
                f"{{{placeholder}}} is blank in the letter to {name}: "
                f"{PLACEHOLDERS[placeholder].lower()} is not recorded."
            )
    if incident.status is IncidentStatus.CLOSED:
        warnings.append("This incident is closed.")
    return values, warnings


def _deadline(
    session: Session,
    template_key: str,
    name: str,
    request: DeletionRequest | None,
    today: date,
    warnings: list[str],
) -> date:
    """The deadline a letter gives: the request's, which must still be open and ahead."""
    if request is None:
        if template_key == "second_request":
            raise ValidationError(
                "addressee",
                f"No second request to {name} has been recorded. Use “Second request…” on "
                "the Requests & escalations tab first; its new deadline goes into the letter.",
            )
        raise ValidationError(
            "addressee",
            f"This letter gives a deadline for deleting the post, but no deletion request to "
            f"{name} has been recorded. Record the request on the Requests & escalations tab "
            "first; its deadline goes into the letter.",
        )
    if request.outcome is not DeletionOutcome.PENDING:
        raise ValidationError(
            "addressee",
            f"The deletion request to {name} is already closed ({request.outcome.label.lower()}),"
            " so a letter asking for the post to be deleted would be out of date.",
        )
    if request.sent_at is None or request.deadline is None:
        deadline = default_deadline(session, utc_now())
        warnings.append(
            f"The request to {name} is not marked as sent, so the deadline "
            f"({long_date(deadline)}) is counted from today. Mark it sent when the letter goes."
        )
        return deadline
    if request.deadline < today:
        raise ValidationError(
            "addressee",
            f"The deadline in the deletion request to {name} ({long_date(request.deadline)}) "
            "has passed. Record a second request with a new deadline, and make the letter "
            "from that.",
        )
    return request.deadline


def _child_in_incident(session: Session, incident: Incident, parent: Person) -> Person | None:
    """A pupil in this incident whom `parent` receives letters about (posters first)."""
    rows = list(
        session.execute(
            select(Person, Involvement.role)
            .join(Involvement, Involvement.person_id == Person.id)
            .join(ParentChildLink, ParentChildLink.child_id == Person.id)
            .where(
                Involvement.incident_id == incident.id,
                Involvement.withdrawn_at.is_(None),
                ParentChildLink.parent_id == parent.id,
                ParentChildLink.withdrawn_at.is_(None),
                ParentChildLink.receives_letters.is_(True),
                Person.kind == PersonKind.PUPIL,
                Person.withdrawn_at.is_(None),
            )
            .order_by(Involvement.id)
        )
    )
    rows.sort(key=lambda row: row[1] is not InvolvementRole.POSTER)
    return rows[0][0] if rows else None


def _request_for(
    session: Session,
    incident: Incident,
    person: Person,
    child: Person | None,
    template_key: str,
) -> DeletionRequest | None:
    """The deletion request a letter to this person is about: the newest one to them (or
    to their child who posted), preferring one still open; for a second-request letter,
    only a second request."""
    ids = [person.id] + ([child.id] if child is not None else [])
    query = select(DeletionRequest).where(
        DeletionRequest.incident_id == incident.id,
        DeletionRequest.addressee_id.in_(ids),
        DeletionRequest.withdrawn_at.is_(None),
    )
    if template_key == "second_request":
        query = query.where(DeletionRequest.follow_up_of_id.is_not(None))
    requests = list(session.scalars(query.order_by(DeletionRequest.id.desc())))
    open_ones = [r for r in requests if r.outcome is DeletionOutcome.PENDING]
    chosen = open_ones or requests
    return chosen[0] if chosen else None


def _get_request(session: Session, incident: Incident, request_id: int) -> DeletionRequest:
    request = session.get(DeletionRequest, request_id)
    if request is None or request.incident_id != incident.id or request.withdrawn_at is not None:
        raise NotFound("That deletion request is not part of this incident.")
    return request


#: Invented values for previewing a template in Settings (no real person appears).
SAMPLE_VALUES = {
    "addressee_name": "Mrs Alex Example",
    "child_name": "Sam Example",
    "child_class": "Year 4",
    "incident_reference": "SM-2026-0001",
    "platform": "Facebook",
}


@requires(Permission.LETTER_TEMPLATES)
def preview_template(session: Session, title: str, subject: str, body: str) -> bytes:
    """A template as typed, filled with invented values, on the school's letterhead."""
    template = check_template(title, subject, body)
    settings = get_settings(session)
    today = today_london()
    values = {name: f"[{name}]" for name in PLACEHOLDERS}
    values.update(
        {
            **school_values(settings),
            "date_seen": long_date(today),
            "date_posted": long_date(today),
            "deadline": long_date(today),
            "letter_date": long_date(today),
            **SAMPLE_VALUES,
        }
    )
    filled_subject, paragraphs = fill(template, values)
    content = LetterContent(
        letter_date=today,
        reference=SAMPLE_VALUES["incident_reference"],
        addressee_name=SAMPLE_VALUES["addressee_name"],
        address_lines=["1 Example Street", "Exampletown", "EX1 2MP"],
        salutation="Dear Mrs Example,",
        subject=filled_subject,
        paragraphs=paragraphs,
        signatory_name=settings.headteacher_name,
        signatory_title=settings.signatory_title,
        signature_image=settings.signature_image,
    )
    return LetterDocument(letterhead(settings), content).render()
