"""Child protection file transfer for a pupil who leaves (KCSIE): the DSL makes one PDF of
every incident involving the pupil with a receipt slip, sends it to the next school's DSL
and records where, how, by whom and its fingerprints; the five-school-day clock is on the
dashboard until the receipt is confirmed. Nothing is rewritten: confirming receipt is a
change on the audit trail, and a transfer recorded in error is withdrawn with its reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.clock import today_london, utc_now
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import CpFileTransfer, Person, User
from app.core.permissions import Permission, may, requires
from app.core.rules.cp_transfer import transfer_due_on
from app.core.services.casefile import CaseFileChoice, check_choice
from app.core.services.chronology import record
from app.core.services.cp_transfer_bundle import incidents_of, is_mention_only, render_bundle
from app.core.services.terms import school_calendar
from app.core.services.validation import atomic, check_text
from app.core.services.validation import check_choice as check_vocabulary
from app.core.timefmt import format_date, to_london
from app.core.vocab import CaseFileVariant, ChronologyKind, PersonKind, TransferMethod
from app.documents.protection import protect_pdf


@dataclass(frozen=True)
class TransferIncident:
    """An incident the pupil is on, for ticking into the file."""

    incident_id: int
    reference: str
    seen_on: date
    summary: str
    included_by_default: bool
    #: Restricted to the DSL team (e.g. an allegation about staff): the DSL decides.
    restricted: bool = False


@dataclass(frozen=True)
class TransferRow:
    """A transfer on record."""

    id: int
    pupil_id: int
    pupil_name: str
    destination_school: str
    destination_dsl: str
    sent_on: date
    due_on: date
    method: TransferMethod
    incident_count: int
    page_count: int
    bundle_sha256: str
    receipt_confirmed_on: date | None
    receipt_confirmed_by: str
    withdrawn: bool
    version: int


@dataclass(frozen=True)
class TransferOptions:
    """What the transfer dialog offers for one pupil."""

    pupil_id: int
    pupil_name: str
    left_on: date | None
    incidents: tuple[TransferIncident, ...]
    transfers: tuple[TransferRow, ...]


@dataclass(frozen=True)
class TransferDetails:
    """What the DSL typed and chose."""

    pupil_id: int
    destination_school: str
    destination_dsl: str
    destination_contact: str
    left_on: date
    sent_on: date
    method: TransferMethod
    method_note: str = ""
    #: The incidents to include (None: every one offered by default).
    incident_ids: frozenset[int] | None = None
    pictures: bool = False
    password: str = ""
    password_again: str = ""


@dataclass(frozen=True)
class TransferMade:
    """The file to save and what was recorded."""

    transfer_id: int
    pdf: bytes
    sha256: str
    pages: int
    due_on: date
    file_name: str


@requires(Permission.CASE_FILES)
def transfer_options(session: Session, pupil_id: int) -> TransferOptions:
    """The pupil's incidents (praise alone left unticked) and transfers made before."""
    pupil = _pupil(session, pupil_id)
    incidents = tuple(
        TransferIncident(
            i.id,
            i.reference,
            to_london(i.seen_at).date(),
            i.summary[:120],
            included_by_default=not is_mention_only(session, i.id),
            restricted=i.dsl_only,
        )
        for i in incidents_of(session, pupil.id)
    )
    return TransferOptions(
        pupil.id,
        pupil.full_name,
        pupil.left_on,
        incidents,
        tuple(list_transfers(session, pupil.id)),
    )


def due_on_for(session: Session, left_on: date) -> date:
    """Five school days from the day the pupil left, in the school's calendar."""
    return transfer_due_on(school_calendar(session), left_on)


@requires(Permission.CASE_FILES)
def make_transfer(session: Session, actor: User, details: TransferDetails) -> TransferMade:
    """Make the file, record the transfer and put it on each incident's timeline and the
    trail, in this unit of work: the caller saves the file once it is committed."""
    check_details(details)
    with atomic(session):
        pupil = _pupil(session, details.pupil_id)
        offered = {i.id: i for i in incidents_of(session, pupil.id)}
        wanted = details.incident_ids
        if wanted is None:
            wanted = frozenset(i for i in offered if not is_mention_only(session, i))
        if not wanted:
            raise ValidationError("incidents", "Tick at least one incident to send.")
        if not wanted <= offered.keys():
            raise ValidationError("incidents", "Only incidents involving this pupil can be sent.")
        incidents = [offered[i] for i in offered if i in wanted]
        due_on = due_on_for(session, details.left_on)
        destination = _destination(details)
        pdf, pages, contents = render_bundle(
            session,
            actor,
            pupil,
            incidents,
            destination=destination,
            left_on=details.left_on,
            due_on=due_on,
            sent_on=details.sent_on,
            method=details.method,
            method_note=details.method_note.strip(),
            pictures=details.pictures,
        )
        if details.password:
            pdf = protect_pdf(pdf, details.password)
        sha256 = hashlib.sha256(pdf).hexdigest()
        transfer = CpFileTransfer(
            pupil_id=pupil.id,
            destination_school=details.destination_school.strip(),
            destination_dsl=details.destination_dsl.strip(),
            destination_contact=details.destination_contact.strip(),
            left_on=details.left_on,
            due_on=due_on,
            sent_on=details.sent_on,
            method=details.method,
            method_note=details.method_note.strip(),
            sent_by_id=actor.id,
            incident_count=len(incidents),
            page_count=pages,
            bundle_sha256=sha256,
            contents_sha256=contents,
            encrypted=bool(details.password),
            receipt_confirmed_by="",
            receipt_note="",
            created_by_id=actor.id,
        )
        session.add(transfer)
        session.flush()
        for incident in incidents:
            record(
                session,
                actor,
                incident,
                ChronologyKind.INFORMATION_SHARED,
                f"Included in the child protection file of {pupil.full_name} sent to "
                f"{destination} on {format_date(details.sent_on)} "
                f"({details.method.label.lower()}): {len(incidents)} incidents, {pages} "
                f"pages, SHA-256 {sha256}. Due by {format_date(due_on)}.",
            )
        record_look(
            session,
            Action.EXPORT,
            Record.PERSON,
            pupil.id,
            file="child protection file",
            transfer=transfer.id,
            incidents=sorted(i.reference for i in incidents),
            encrypted=bool(details.password),
            sha256=sha256,
        )
    return TransferMade(
        transfer.id,
        pdf,
        sha256,
        pages,
        due_on,
        # No name in the file's name: it shows in every email and folder it passes through.
        f"Child protection file (transfer {transfer.id}).pdf",
    )


@requires(Permission.CASE_FILES)
def confirm_receipt(
    session: Session,
    actor: User,
    transfer_id: int,
    *,
    received_on: date,
    confirmed_by: str,
    note: str = "",
) -> CpFileTransfer:
    """The receiving school confirmed it has the file (the signed slip came back)."""
    check_text("confirmed_by", confirmed_by, label="Who confirmed", max_length=200, required=True)
    check_text("receipt_note", note, label="The note", max_length=2_000, multiline=True)
    with atomic(session):
        transfer = _transfer(session, transfer_id)
        if transfer.withdrawn_at is not None:
            raise Conflict("This transfer was withdrawn: its receipt can't be confirmed.")
        if transfer.receipt_confirmed_on is not None:
            raise Conflict(
                f"Receipt was already confirmed on {format_date(transfer.receipt_confirmed_on)}."
            )
        if received_on > today_london():
            raise ValidationError("received_on", "The date of receipt can't be in the future.")
        if received_on < transfer.sent_on:
            raise ValidationError("received_on", "The file can't arrive before it was sent.")
        transfer.receipt_confirmed_on = received_on
        transfer.receipt_confirmed_by = confirmed_by.strip()
        transfer.receipt_note = note.strip()
        transfer.updated_by_id = actor.id
        session.flush()
    return transfer


@requires(Permission.CASE_FILES)
def withdraw_transfer(session: Session, actor: User, transfer_id: int, reason: str) -> None:
    """A transfer recorded in error (the wrong pupil or school): kept, marked withdrawn."""
    check_text("reason", reason, label="The reason", max_length=2_000, required=True)
    with atomic(session):
        transfer = _transfer(session, transfer_id)
        if transfer.withdrawn_at is not None:
            raise Conflict("This transfer has already been withdrawn.")
        transfer.withdrawn_at = utc_now()
        transfer.withdrawn_by_id = actor.id
        transfer.withdrawn_reason = reason.strip()
        session.flush()


@requires(Permission.CASE_FILES)
def list_transfers(session: Session, pupil_id: int | None = None) -> list[TransferRow]:
    """Transfers on record (one pupil's, or all), newest first."""
    query = (
        select(CpFileTransfer, Person)
        .join(Person, Person.id == CpFileTransfer.pupil_id)
        .order_by(CpFileTransfer.sent_on.desc(), CpFileTransfer.id.desc())
    )
    if pupil_id is not None:
        query = query.where(CpFileTransfer.pupil_id == pupil_id)
    return [_row(t, p) for t, p in session.execute(query)]


def awaiting_receipt(session: Session) -> list[TransferRow]:
    """Transfers whose receipt is not confirmed (for what is due), for the DSL team only."""
    if not may(session, Permission.CASE_FILES):
        return []
    rows = session.execute(
        select(CpFileTransfer, Person)
        .join(Person, Person.id == CpFileTransfer.pupil_id)
        .where(
            CpFileTransfer.receipt_confirmed_on.is_(None),
            CpFileTransfer.withdrawn_at.is_(None),
        )
    )
    return [_row(t, p) for t, p in rows]


def _row(transfer: CpFileTransfer, pupil: Person) -> TransferRow:
    return TransferRow(
        transfer.id,
        pupil.id,
        pupil.full_name,
        transfer.destination_school,
        transfer.destination_dsl,
        transfer.sent_on,
        transfer.due_on,
        transfer.method,
        transfer.incident_count,
        transfer.page_count,
        transfer.bundle_sha256,
        transfer.receipt_confirmed_on,
        transfer.receipt_confirmed_by,
        transfer.withdrawn_at is not None,
        transfer.version,
    )


def check_details(details: TransferDetails) -> None:
    """ValidationError for what the form can't take (before anything is made)."""
    check_text(
        "destination_school",
        details.destination_school,
        label="The school it goes to",
        max_length=300,
        required=True,
    )
    check_text("destination_dsl", details.destination_dsl, label="Their DSL", max_length=200)
    check_text(
        "destination_contact",
        details.destination_contact,
        label="How to reach them",
        max_length=300,
    )
    check_vocabulary("method", TransferMethod, details.method, label="How it was sent")
    check_text("method_note", details.method_note, label="The detail", max_length=300)
    if details.sent_on > today_london():
        raise ValidationError("sent_on", "The date sent can't be in the future.")
    # The password rules are the case file's (ten characters, typed twice).
    check_choice(
        CaseFileChoice(
            CaseFileVariant.FULL,
            details.destination_school or "-",
            password=details.password,
            password_again=details.password_again,
        )
    )


def _destination(details: TransferDetails) -> str:
    parts = [details.destination_school.strip()]
    if details.destination_dsl.strip():
        parts.append(f"DSL {details.destination_dsl.strip()}")
    if details.destination_contact.strip():
        parts.append(details.destination_contact.strip())
    return ", ".join(parts)


def _pupil(session: Session, pupil_id: int) -> Person:
    pupil = session.get(Person, pupil_id)
    if pupil is None:
        raise NotFound("That person is not on record.")
    if pupil.kind is not PersonKind.PUPIL:
        raise ValidationError("pupil", "A child protection file is sent for a pupil.")
    return pupil


def _transfer(session: Session, transfer_id: int) -> CpFileTransfer:
    transfer = session.get(CpFileTransfer, transfer_id)
    if transfer is None:
        raise NotFound("That transfer is not on record.")
    return transfer
