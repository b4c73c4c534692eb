"""Letters to parents and carers: who a letter can go to, and each letter made, kept
with its PDF bytes so a reprint is the identical document. The wording is in
letter_wording, the values that fill it in letter_values.

A letter is filled from the incident, the addressee and the school's settings, rendered
by app.documents (which never queries), stored, and written to the incident's timeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.clock import today_london, utc_now
from app.core.errors import NotAllowed, ValidationError
from app.core.letter_templates import (
    PLACEHOLDERS,
    LetterTemplate,
    fill,
    placeholders_in,
)
from app.core.models import (
    DeletionRequest,
    Incident,
    Involvement,
    Letter,
    Person,
    SchoolSettings,
    User,
)
from app.core.permissions import Permission, requires
from app.core.services.chronology import record
from app.core.services.deletion_requests import default_deadline, delivery_date
from app.core.services.letter_recipients import get_request, no_contact_children, recipients
from app.core.services.letter_values import (
    address_lines,
    addressee_name,
    letter_values,
    letterhead,
    long_date,
    platform_name,
    salutation,
    signatory,
)
from app.core.services.letter_wording import get_template
from app.core.services.lookups import get_incident
from app.core.services.platforms import minimum_age
from app.core.services.school import get_settings
from app.core.services.validation import atomic
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    DeletionOutcome,
    IncidentStatus,
    InvolvementRole,
    LetterDelivery,
    LetterSigner,
    PersonKind,
)
from app.documents.letters import LetterContent, LetterDocument

#: What a letter handed over or emailed shows in the window instead of an address.
DELIVERY_NOTES = {LetterDelivery.HAND: "By hand", LetterDelivery.EMAIL: "By email"}

#: The most letters made at once (both parents of every pupil in a large incident fits).
MAX_BATCH = 200
#: Lines of a postal address that fit the envelope window (after the name).
ADDRESS_LINES = 6


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
    signed_by: str = ""


@requires(Permission.LETTERS, incident="incident_id")
def prepare_letters(
    session: Session,
    incident_id: int,
    template_key: str,
    addressee_ids: Sequence[int],
    *,
    request_id: int | None = None,
    template: LetterTemplate | None = None,
    delivery: LetterDelivery = LetterDelivery.POST,
    signer: LetterSigner = LetterSigner.HEADTEACHER,
) -> list[PreparedLetter]:
    """Fill and render the letters for the preview; no letter is stored, but the look at
    them (which letter, for which incident, how many) is on the audit trail. A letter
    that can't be filled is a ValidationError naming everyone affected and why.

    `delivery`: a posted letter needs a postal address, and its deadline must fall after
    it should arrive; `signer`: the headteacher, or the deputy or the chair of governors
    (when the letter concerns the headteacher)."""
    prepared = _prepare(
        session,
        incident_id,
        template_key,
        addressee_ids,
        request_id=request_id,
        template=template,
        delivery=delivery,
        signer=signer,
    )
    record_look(
        session,
        Action.READ,
        Record.LETTER,
        None,
        incident=incident_id,
        template=template_key,
        letters=len(prepared),
    )
    return prepared


def _prepare(
    session: Session,
    incident_id: int,
    template_key: str,
    addressee_ids: Sequence[int],
    *,
    request_id: int | None = None,
    template: LetterTemplate | None = None,
    delivery: LetterDelivery = LetterDelivery.POST,
    signer: LetterSigner = LetterSigner.HEADTEACHER,
) -> list[PreparedLetter]:
    incident = get_incident(session, incident_id)
    if not addressee_ids:
        raise ValidationError("addressee", "Choose who the letter is to.")
    if len(addressee_ids) > MAX_BATCH:
        raise ValidationError("addressee", f"At most {MAX_BATCH} letters can be made at once.")
    delivery = LetterDelivery(delivery)
    chosen = template or get_template(session, template_key)
    settings = get_settings(session)
    signed_by, signed_as, signature = signatory(settings, LetterSigner(signer))
    head = letterhead(settings)
    involvements = list(
        session.scalars(
            select(Involvement).where(
                Involvement.incident_id == incident.id, Involvement.withdrawn_at.is_(None)
            )
        )
    )
    posters = {i.person_id for i in involvements if i.role is InvolvementRole.POSTER}
    pupils_in_incident = {i.person_id for i in involvements if i.person.kind is PersonKind.PUPIL}
    age = minimum_age(session, incident.platform)
    request = get_request(session, incident, request_id) if request_id is not None else None
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
        restricted = no_contact_children(session, person.id) & pupils_in_incident
        if restricted:
            problems.append(
                f"{addressee_name(person)} is recorded as having no contact with a pupil in "
                "this incident, so no letter about it can go to them."
            )
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
        mine = sorted(
            (i for i in involvements if child is not None and i.person_id == child.id),
            key=lambda i: i.id,
        )
        roles = [i.role for i in mine]
        try:
            values, warnings = _fill_values(
                session,
                chosen,
                settings,
                incident,
                person,
                child,
                person_request,
                today,
                delivery=delivery,
                posters=posters,
                child_roles=roles,
                age=age,
                child_then=mine[0] if mine else None,
            )
            subject, paragraphs = fill(chosen, values)
        except ValidationError as exc:
            problems.append(exc.message)
            continue
        lines = address_lines(person)
        if not lines and delivery is LetterDelivery.POST:
            problems.append(
                f"There is no postal address for {addressee_name(person)}: add it in People, "
                "or choose “Hand delivered” or “By email”."
            )
            continue
        if delivery is not LetterDelivery.POST:
            lines = []
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
            signatory_name=signed_by,
            signatory_title=signed_as,
            signature_image=signature,
            title=chosen.title,
            delivery_note=DELIVERY_NOTES.get(delivery, ""),
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
                signed_by=signed_by,
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


@requires(Permission.LETTERS, incident="incident_id")
def make_letters(
    session: Session,
    actor: User,
    incident_id: int,
    template_key: str,
    addressee_ids: Sequence[int],
    *,
    request_id: int | None = None,
    delivery: LetterDelivery = LetterDelivery.POST,
    signer: LetterSigner = LetterSigner.HEADTEACHER,
) -> list[Letter]:
    """Make the letters and put them on record (PDF bytes, SHA-256, template, addressee,
    date, who made them), each with an entry on the incident's timeline."""
    with atomic(session):
        incident = get_incident(session, incident_id)
        if incident.withdrawn_at is not None:
            raise NotAllowed("This incident was withdrawn; letters can't be made for it.")
        prepared = _prepare(
            session,
            incident_id,
            template_key,
            addressee_ids,
            request_id=request_id,
            delivery=delivery,
            signer=signer,
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
            how = "" if delivery is LetterDelivery.POST else f", {delivery.label.lower()}"
            record(
                session,
                actor,
                incident,
                ChronologyKind.LETTER,
                f"Letter “{item.template.title}” to {item.addressee_name} ({pages}{how}; "
                f"signed by {item.signed_by}).",
            )
            letters.append(letter)
    return letters


def _fill_values(
    session: Session,
    template: LetterTemplate,
    settings: SchoolSettings,
    incident: Incident,
    person: Person,
    child: Person | None,
    request: DeletionRequest | None,
    today: date,
    *,
    delivery: LetterDelivery,
    posters: set[int],
    child_roles: list[InvolvementRole],
    age: int | None,
    child_then: Involvement | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The values for one letter, and warnings; a placeholder the letter needs but that
    can't be filled truthfully is a ValidationError naming the person."""
    used = set(placeholders_in(template.subject, "subject")) | set(
        placeholders_in(template.body, "body")
    )
    name = addressee_name(person)
    warnings: list[str] = []
    if {"child_name", "child_class", "child_involvement"} & used and child is None:
        raise ValidationError(
            "addressee",
            f"This letter is about a pupil, but {name} is not the parent or carer of a pupil "
            "in this incident (link them to their child in People first).",
        )
    if "poster" in used and person.id not in posters and (child is None or child.id not in posters):
        raise ValidationError(
            "addressee",
            f"This letter is to whoever posted, but neither {name} nor a child of theirs is "
            "recorded as the poster.",
        )
    deadline = None
    if "deadline" in used:
        deadline = _deadline(session, template.key, name, request, today, warnings, delivery)
    first = None
    if "reply_so_far" in used:
        first = _first_request(session, name, request)
    if "age_rule" in used and child is not None and age is not None:
        _check_underage(child, age, platform_name(incident), today)
    if "headteacher_name" in used and not settings.headteacher_name.strip():
        raise ValidationError("template", "The headteacher's name is not set (Settings → School).")
    values = letter_values(
        settings,
        incident,
        person,
        child,
        deadline,
        today,
        request=request,
        first_request=first,
        posters=posters,
        child_roles=child_roles,
        minimum_age=age,
        child_then=child_then,
    )
    for placeholder in sorted(used):
        if not values[placeholder].strip():
            warnings.append(
                f"{{{placeholder}}} is blank in the letter to {name}: "
                f"{PLACEHOLDERS[placeholder].lower()} is not recorded."
            )
    if incident.status is IncidentStatus.CLOSED:
        warnings.append("This incident is closed.")
    return values, warnings


def _first_request(session: Session, name: str, request: DeletionRequest | None) -> DeletionRequest:
    """The request a second request follows, whose recorded outcome the letter reports."""
    first = (
        session.get(DeletionRequest, request.follow_up_of_id)
        if request is not None and request.follow_up_of_id is not None
        else None
    )
    if first is None:
        raise ValidationError(
            "addressee",
            f"No second request to {name} has been recorded. Use “Second request…” on "
            "the Requests & escalations tab first; its new deadline goes into the letter.",
        )
    if first.outcome not in (
        DeletionOutcome.NO_REPLY,
        DeletionOutcome.REFUSED,
        DeletionOutcome.PARTLY_REMOVED,
    ):
        raise ValidationError(
            "addressee",
            f"The first request to {name} is recorded as “{first.outcome.label.lower()}”, so "
            "the letter can't say truthfully what happened to it: record its outcome "
            "(no reply, refused or partly removed) first.",
        )
    return first


def _check_underage(child: Person, age: int, platform: str, today: date) -> None:
    """An underage-use letter is never sent about a child old enough for the platform."""
    born = child.date_of_birth
    if born is None:
        return
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if years >= age:
        raise ValidationError(
            "addressee",
            f"{child.full_name} is {years}, and {platform}'s minimum age is {age}: a letter "
            "about underage use would not be true. (If the age is wrong, correct it in "
            "Settings → Letters.)",
        )


def _deadline(
    session: Session,
    template_key: str,
    name: str,
    request: DeletionRequest | None,
    today: date,
    warnings: list[str],
    delivery: LetterDelivery,
) -> date:
    """The deadline a letter gives: the request's, which must still be open and one the
    addressee can meet: after the letter's date, and after it arrives if it is posted."""
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
    posted = delivery is LetterDelivery.POST
    if request.sent_at is None or request.deadline is None:
        method = DeletionMethod.LETTER if posted else None
        deadline = default_deadline(session, utc_now(), method)
        counted = "from when a letter posted today should arrive" if posted else "from today"
        warnings.append(
            f"The request to {name} is not marked as sent, so the deadline "
            f"({long_date(deadline)}) is counted {counted}. Mark it sent when the letter goes."
        )
        return deadline
    if request.deadline <= today:
        raise ValidationError(
            "addressee",
            f"The deadline in the deletion request to {name} ({long_date(request.deadline)}) "
            "is today or has passed. Record a second request with a new deadline, and make "
            "the letter from that.",
        )
    if posted:
        arrives = delivery_date(session, today)
        if request.deadline <= arrives:
            raise ValidationError(
                "addressee",
                f"A letter posted today should arrive by {long_date(arrives)}, but the "
                f"deadline in the deletion request to {name} is {long_date(request.deadline)}"
                ": it could not be met. Hand the letter over or email it instead, or record "
                "a second request with a new deadline.",
            )
    return request.deadline


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
