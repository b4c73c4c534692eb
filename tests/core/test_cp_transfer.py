"""Child protection file transfer: one PDF (cover and index, every incident as a case file,
a receipt slip), a transfer record with its fingerprints, the KCSIE five school days on
the dashboard until receipt is confirmed (a change on the trail), withdrawal kept."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core import clock
from app.core.db import Database
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.core.models import AuditEntry, ChronologyEntry, CpFileTransfer, User
from app.core.services.cp_transfer import (
    TransferDetails,
    confirm_receipt,
    list_transfers,
    make_transfer,
    transfer_options,
    withdraw_transfer,
)
from app.core.services.due import due_items, due_list
from app.core.services.involvements import add_involvement
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import save_term
from app.core.vocab import (
    Category,
    ChronologyKind,
    InvolvementRole,
    PersonKind,
    TermName,
    TransferMethod,
    UserRole,
)
from tests.factories import make_account, make_incident, make_person

# A Wednesday in the summer term of 2026–27 (the school's own dates below).
NOW = datetime(2027, 6, 9, 10, 0, tzinfo=UTC)


@pytest.fixture
def pupil(database: Database, actor: User) -> dict[str, int]:
    clock.set_clock(lambda: NOW)
    with database.write(actor) as s:
        save_settings(
            s,
            actor,
            SchoolDetails(name="Kestrel Vale Primary", address="Kestrel Way\nElmford\nEF4 7QX"),
        )
        for name, starts, ends in ((TermName.SUMMER, date(2027, 4, 19), date(2027, 7, 21)),):
            save_term(
                s, actor, 2026, name, starts_on=starts, ends_on=ends,
                half_term_starts_on=date(2027, 5, 31), half_term_ends_on=date(2027, 6, 4),
            )  # fmt: skip
        save_term(
            s, actor, 2027, TermName.AUTUMN, starts_on=date(2027, 9, 2),
            ends_on=date(2027, 12, 17), half_term_starts_on=date(2027, 10, 25),
            half_term_ends_on=date(2027, 10, 29),
        )  # fmt: skip
        child = make_person(
            s, actor, kind=PersonKind.PUPIL, given_name="Zoë", family_name="O'Connor-Łuk",
            date_of_birth=date(2016, 3, 4), year_group="5",
        )  # fmt: skip
        child.upn = "A123456789012"
        first = make_incident(
            s, actor, seen_at=NOW - timedelta(days=40), happened_at=None, summary="First <&>"
        )
        second = make_incident(
            s, actor, seen_at=NOW - timedelta(days=20), happened_at=None, summary="Second one"
        )
        praise = make_incident(
            s, actor, summary="A thank-you post", categories=frozenset({Category.PRAISE})
        )
        for incident in (first, second, praise):
            add_involvement(s, actor, incident.id, child.id, InvolvementRole.TARGET)
        return {"pupil": child.id, "first": first.id, "second": second.id, "praise": praise.id}


def _details(pupil_id: int, **more: object) -> TransferDetails:
    values: dict[str, object] = {
        "pupil_id": pupil_id,
        "destination_school": "Harbour Academy",
        "destination_dsl": "Mr Ade Bello",
        "destination_contact": "dsl@harbour.example.org",
        "left_on": date(2027, 6, 9),
        "sent_on": date(2027, 6, 9),
        "method": TransferMethod.SECURE_TRANSFER_SYSTEM,
        "method_note": "CPOMS transfer",
    } | more
    return TransferDetails(**values)  # type: ignore[arg-type]


def test_the_file_holds_every_incident_an_index_and_a_receipt_slip(
    database: Database, actor: User, pupil: dict[str, int]
) -> None:
    with database.read(actor) as s:
        options = transfer_options(s, pupil["pupil"])
    ticked = {i.incident_id: i.included_by_default for i in options.incidents}
    assert ticked == {pupil["first"]: True, pupil["second"]: True, pupil["praise"]: False}
    with database.write(actor) as s:
        made = make_transfer(s, actor, _details(pupil["pupil"]))
    reader = PdfReader(io.BytesIO(made.pdf))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    text = " ".join(pages)
    assert "Zoë O'Connor-Łuk" in pages[0] and "04/03/2016" in pages[0]
    assert "Harbour Academy" in pages[0] and "Secure transfer system" in pages[0]
    # The index gives the page each incident starts on, and that page starts it.
    for reference in ("SM-2027-0001", "SM-2027-0002"):
        assert f"{reference} · seen" in pages[0]
    assert "A thank-you post" not in text and "First <&>" in text
    slip = pages[-1]
    assert "Receipt slip" in slip and "A123456789012" in slip and "2 incidents" in slip
    assert f"({len(pages)} pages in all)" in slip and "Signature" in slip
    with database.read(actor) as s:
        transfer = s.get(CpFileTransfer, made.transfer_id)
        assert transfer is not None
        assert transfer.bundle_sha256 == hashlib.sha256(made.pdf).hexdigest() == made.sha256
        assert transfer.contents_sha256 in slip.replace(" ", "")
        assert (transfer.incident_count, transfer.page_count) == (2, len(pages))
        assert transfer.sent_by_id == actor.id and not transfer.encrypted
        shared = s.scalars(
            select(ChronologyEntry.incident_id).where(
                ChronologyEntry.kind == ChronologyKind.INFORMATION_SHARED
            )
        ).all()
        assert sorted(shared) == [pupil["first"], pupil["second"]]
        export = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert (export.table_name, export.record_id) == ("person", pupil["pupil"])
        assert json.loads(export.changes)["sha256"] == made.sha256
    meta = str(dict(reader.metadata or {}))
    assert "Zoë" not in meta and "Connor" not in meta


def test_the_index_points_at_the_page_each_incident_starts_on(
    database: Database, actor: User, pupil: dict[str, int]
) -> None:
    with database.write(actor) as s:
        made = make_transfer(s, actor, _details(pupil["pupil"]))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(made.pdf)).pages]
    for reference in ("SM-2027-0001", "SM-2027-0002"):
        start = next(i for i, p in enumerate(pages) if f"Case file {reference}" in p) + 1
        line = next(line for line in pages[0].splitlines() if reference in line)
        index = pages[0].splitlines().index(line)
        assert str(start) in " ".join(pages[0].splitlines()[index : index + 3])
    assert "Receipt slip" in pages[-1]


def test_five_school_days_on_the_dashboard_until_receipt_is_confirmed(
    database: Database, actor: User, pupil: dict[str, int]
) -> None:
    with database.write(actor) as s:
        made = make_transfer(s, actor, _details(pupil["pupil"]))
    assert made.due_on == date(2027, 6, 16)  # Wednesday to the next Wednesday
    today = NOW.date()
    with database.read(actor) as s:
        items = [i for i in due_list(s, today).items if i.kind == "transfer"]
        assert [(i.due_on, i.record_id) for i in items] == [(made.due_on, made.transfer_id)]
        assert "Zoë O'Connor-Łuk" in items[0].what and "Harbour Academy" in items[0].what
        assert items[0].days_overdue(date(2027, 6, 17)) == 1  # overdue once past
    with pytest.raises(ValidationError), database.write(actor) as s:
        confirm_receipt(s, actor, made.transfer_id, received_on=date(2027, 6, 1), confirmed_by="x")
    with database.write(actor) as s:
        confirm_receipt(
            s, actor, made.transfer_id, received_on=date(2027, 6, 9), confirmed_by="Ade Bello"
        )
    with database.read(actor) as s:
        assert not [i for i in due_items(s, today) if i.kind == "transfer"]
        [row] = list_transfers(s, pupil["pupil"])
        assert row.receipt_confirmed_on == date(2027, 6, 9) and row.version == 2
        change = s.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "cp_file_transfer", AuditEntry.action == "update"
            )
        ).one()
        assert "receipt_confirmed_on" in change.changes and change.user_id == actor.id
    with pytest.raises(Conflict), database.write(actor) as s:
        confirm_receipt(s, actor, made.transfer_id, received_on=today, confirmed_by="Again")


def test_a_pupil_who_leaves_at_the_end_of_term_is_due_in_the_first_week_of_the_next(
    database: Database, actor: User, pupil: dict[str, int]
) -> None:
    clock.set_clock(lambda: datetime(2027, 7, 22, 9, 0, tzinfo=UTC))
    with database.write(actor) as s:
        made = make_transfer(
            s, actor, _details(pupil["pupil"], left_on=date(2027, 7, 21), sent_on=date(2027, 7, 22))
        )
    assert made.due_on == date(2027, 9, 8)  # the fifth school day of the autumn term


def test_a_transfer_recorded_in_error_is_withdrawn_and_leaves_the_dashboard(
    database: Database, actor: User, pupil: dict[str, int]
) -> None:
    with database.write(actor) as s:
        made = make_transfer(s, actor, _details(pupil["pupil"]))
        withdraw_transfer(s, actor, made.transfer_id, "Sent to the wrong school")
    with database.read(actor) as s:
        assert not [i for i in due_items(s, NOW.date()) if i.kind == "transfer"]
        [row] = list_transfers(s, pupil["pupil"])
        assert row.withdrawn
    with pytest.raises(Conflict), database.write(actor) as s:
        confirm_receipt(s, actor, made.transfer_id, received_on=NOW.date(), confirmed_by="x")


def test_what_the_transfer_refuses(database: Database, actor: User, pupil: dict[str, int]) -> None:
    cases = [
        (_details(pupil["pupil"], destination_school=" "), "destination_school"),
        (_details(pupil["pupil"], incident_ids=frozenset()), "incidents"),
        (_details(pupil["pupil"], sent_on=date(2027, 7, 1)), "sent_on"),
        (_details(pupil["pupil"], password="short", password_again="short"), "password"),
    ]
    for details, field in cases:
        with pytest.raises(ValidationError) as raised, database.write(actor) as s:
            make_transfer(s, actor, details)
        assert raised.value.field == field
    with database.write(actor) as s:
        adult = make_person(s, actor, given_name="Not", family_name="A pupil")
    with pytest.raises(ValidationError), database.write(actor) as s:
        make_transfer(s, actor, _details(adult.id))
    with database.write(actor) as s:
        head = make_account(s, actor, UserRole.HEADTEACHER, "head")
    with pytest.raises(NotAllowed), database.write(head) as s:
        make_transfer(s, head, _details(pupil["pupil"]))
    with database.read(head) as s:
        assert not [i for i in due_items(s, NOW.date()) if i.kind == "transfer"]


def test_a_protected_file_opens_with_its_password(
    database: Database, actor: User, pupil: dict[str, int]
) -> None:
    with database.write(actor) as s:
        made = make_transfer(
            s,
            actor,
            _details(pupil["pupil"], password="tidal orchard 9", password_again="tidal orchard 9"),
        )
    reader = PdfReader(io.BytesIO(made.pdf))
    assert reader.is_encrypted and reader.decrypt("tidal orchard 9")
    assert "Receipt slip" in reader.pages[-1].extract_text()
