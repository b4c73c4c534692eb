"""The case file of an incident: the whole record in the full copy; staff by their role
and other pupils as "Pupil B" in the agency copy (free text too); pictures only where
ticked and kept; AES-256 when asked; every export on the trail and the timeline."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.core.clock import utc_now
from app.core.db import Database
from app.core.errors import NotAllowed, NotFound, ValidationError
from app.core.models import AuditEntry, ChronologyEntry, User
from app.core.services.casefile import (
    CaseFileChoice,
    case_file_options,
    export_case_file,
)
from app.core.services.chronology import add_note, amend_entry
from app.core.services.deletion_requests import create_request, record_reply
from app.core.services.escalations import create_escalation
from app.core.services.evidence import (
    add_evidence_description,
    add_evidence_file,
    destroy_evidence_content,
)
from app.core.services.involvements import add_involvement
from app.core.vocab import (
    CaseFileVariant,
    ChronologyKind,
    DeletionMethod,
    EscalationKind,
    InvolvementRole,
    PersonKind,
    UserRole,
)
from tests.factories import make_account, make_incident, make_person

AGENCY, FULL = CaseFileVariant.AGENCY, CaseFileVariant.FULL


def _png(colour: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _text(pdf: bytes, password: str = "") -> str:
    reader = PdfReader(io.BytesIO(pdf))
    if password:
        reader.decrypt(password)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def case(database: Database, actor: User) -> dict[str, int]:
    """An incident about Amira (target) with a pupil poster, a pupil witness, a class
    teacher, a parent, a timeline naming them all, a request, an escalation, evidence."""
    with database.write(actor) as s:
        incident = make_incident(
            s,
            actor,
            summary="Bilal Okonkwo posted a photo of Amira Khan; Mrs Whitlock saw it & <b>.",
            safeguarding_concern=True,
            parent_informed=False,
            parent_not_informed_reason="Telling Bilal Okonkwo's family first could alert him.",
        )
        amira = make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Amira",
            family_name="Khan",
            year_group="5",
        )
        bilal = make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Bilal",
            family_name="Okonkwo",
            year_group="5",
        )
        zoe = make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Zoë",
            family_name="Łukasiewicz",
            year_group="6",
        )
        teacher = make_person(
            s,
            actor,
            kind=PersonKind.STAFF,
            given_name="Hilary",
            family_name="Whitlock",
            title="Mrs",
            job_title="Class teacher",
        )
        parent = make_person(s, actor, given_name="Farah", family_name="Khan", title="Mrs")
        add_involvement(s, actor, incident.id, amira.id, InvolvementRole.TARGET)
        add_involvement(s, actor, incident.id, bilal.id, InvolvementRole.POSTER)
        add_involvement(s, actor, incident.id, zoe.id, InvolvementRole.WITNESS)
        add_involvement(s, actor, incident.id, teacher.id, InvolvementRole.REPORTER)
        add_involvement(s, actor, incident.id, parent.id, InvolvementRole.WITNESS)
        note = add_note(
            s, actor, incident.id, "Zoe Lukasiewicz told Hilary that Bilal sent it at 9pm."
        )
        amend_entry(s, actor, note.id, "Zoë told Mrs Whitlock that Bilal sent it at 10pm.")
        request = create_request(
            s,
            actor,
            incident.id,
            addressee_id=bilal.id,
            method=DeletionMethod.EMAIL,
            sent_at=utc_now() - timedelta(minutes=30),
        )
        record_reply(
            s,
            actor,
            request.id,
            reply_at=utc_now() - timedelta(minutes=5),
            summary="Mrs Khan says Bilal Okonkwo has deleted it.",
        )
        create_escalation(
            s,
            actor,
            incident.id,
            kind=EscalationKind.CHILDRENS_SOCIAL_CARE,
            escalated_at=utc_now() - timedelta(minutes=20),
            reference_number="CSC/77",
            contact="Duty desk",
            notes="Discussed with Bilal's year leader.",
        )
        shot = add_evidence_file(s, actor, incident.id, "Bilal Okonkwo post.png", _png())
        gone = add_evidence_file(s, actor, incident.id, "second.png", _png("blue"))
        destroy_evidence_content(s, actor, gone.id, "Added by mistake")
        described = add_evidence_description(s, actor, incident.id, "Photo described only.")
        return {
            "incident": incident.id, "amira": amira.id, "bilal": bilal.id, "zoe": zoe.id,
            "teacher": teacher.id, "shot": shot.id, "gone": gone.id, "described": described.id,
        }  # fmt: skip


def _export(database: Database, actor: User, incident_id: int, choice: CaseFileChoice) -> bytes:
    with database.write(actor) as s:
        return export_case_file(s, actor, incident_id, choice).pdf


def test_the_full_copy_holds_the_whole_record_in_order(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    pdf = _export(database, actor, case["incident"], CaseFileChoice(FULL, "Our own file"))
    text = _text(pdf)
    for expected in (
        "Bilal Okonkwo posted a photo of Amira Khan; Mrs Whitlock saw it & <b>.",
        "Zoë Łukasiewicz",
        "Hilary Whitlock",
        "Class teacher",
        # The original entry and, beside it, its correction.
        "Zoe Lukasiewicz told Hilary that Bilal sent it at 9pm.",
        "Zoë told Mrs Whitlock that Bilal sent it at 10pm.",
        "Mrs Khan says Bilal Okonkwo has deleted it.",
        "CSC/77",
        "Children",  # the escalation's route
        "Parents and carers not told",
        "Telling Bilal Okonkwo's family first could alert him.",
        "SHA-256",
        "Described only: no file is kept.",
        "Added by mistake",
    ):
        assert expected in text, expected
    assert text.index("9pm") < text.index("10pm") < text.index("Escalations")
    reader = PdfReader(io.BytesIO(pdf))
    meta: dict[str, object] = dict(reader.metadata or {})
    assert str(meta.get("/Title")) == f"Case file {_reference(database, actor, case)}"
    assert "Khan" not in str(dict(meta)) and "Okonkwo" not in str(dict(meta))


def _reference(database: Database, actor: User, case: dict[str, int]) -> str:
    with database.read(actor) as s:
        return case_file_options(s, case["incident"]).reference


def test_the_agency_copy_names_the_child_and_no_one_else_it_must_not(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    pdf = _export(database, actor, case["incident"], CaseFileChoice(AGENCY, "PC Smith"))
    text = _text(pdf)
    assert "Amira Khan" in text
    for name in (
        "Bilal",
        "Okonkwo",
        "Zoë",
        "Zoe",
        "Łukasiewicz",
        "Lukasiewicz",
        "Whitlock",
        "Hilary",
    ):
        assert name not in text, name
    # The same pupil has the same letter everywhere, free text included.
    assert "Pupil B posted a photo of Amira Khan; Class teacher saw it" in text
    assert "Pupil C told Class teacher that Pupil B sent it at 10pm" in text
    assert "Class teacher says" not in text  # the parent stays named: "Mrs Khan says"
    assert "Mrs Khan says Pupil B has deleted it." in text
    assert "Discussed with Pupil B's year leader." in text
    assert "To Pupil B" in text  # the request to the poster
    assert "Telling Pupil B's family first could alert him." in text  # a decision's reason
    assert "Pupil B post.png" in text  # a file name is free text too


def test_the_dsl_may_name_someone_else_in_the_agency_copy(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    named = frozenset({case["amira"], case["teacher"]})  # e.g. a LADO referral
    pdf = _export(database, actor, case["incident"], CaseFileChoice(AGENCY, "LADO", named=named))
    text = _text(pdf)
    assert "Hilary Whitlock" in text and "Okonkwo" not in text
    with database.read(actor) as s:
        options = case_file_options(s, case["incident"])
    by_id = {p.person_id: p for p in options.people}
    assert by_id[case["amira"]].named_by_default and not by_id[case["bilal"]].named_by_default
    assert by_id[case["teacher"]].replaceable and not by_id[case["teacher"]].named_by_default


def test_pictures_only_where_ticked_and_kept(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.read(actor) as s:
        options = case_file_options(s, case["incident"])
    may = {e.evidence_id: e.may_picture for e in options.evidence}
    assert may == {case["shot"]: True, case["gone"]: False, case["described"]: False}
    none = _export(database, actor, case["incident"], CaseFileChoice(FULL, "File"))
    assert _images(none) == 0
    everything = frozenset({case["shot"], case["gone"], case["described"]})
    ticked = _export(
        database, actor, case["incident"], CaseFileChoice(FULL, "File", thumbnails=everything)
    )
    assert _images(ticked) == 1  # the destroyed image and the description print none


def test_a_password_protects_the_file_with_aes_256(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    password = "correct horse 7"
    with database.write(actor) as s:
        export = export_case_file(
            s, actor, case["incident"],
            CaseFileChoice(AGENCY, "PC Smith", password=password, password_again=password),
        )  # fmt: skip
    assert export.encrypted
    reader = PdfReader(io.BytesIO(export.pdf))
    assert reader.is_encrypted
    encrypt: Any = reader.trailer["/Encrypt"]
    assert encrypt["/V"] == 5  # AES-256
    assert not PdfReader(io.BytesIO(export.pdf)).decrypt("wrong password")
    assert "Pupil B" in _text(export.pdf, password)
    assert password.encode() not in export.pdf
    with database.read(actor) as s:
        trail = "".join(e.changes for e in s.scalars(select(AuditEntry)))
    assert password not in trail


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [("short", "short", "password"), ("long enough 1", "long enough 2", "password_again")],
)
def test_a_weak_or_mistyped_password_is_refused(
    database: Database, actor: User, case: dict[str, int], password: str, again: str, field: str
) -> None:
    choice = CaseFileChoice(FULL, "File", password=password, password_again=again)
    with pytest.raises(ValidationError) as raised, database.write(actor) as s:
        export_case_file(s, actor, case["incident"], choice)
    assert raised.value.field == field


def test_each_export_is_on_the_trail_and_the_timeline(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        export = export_case_file(
            s, actor, case["incident"],
            CaseFileChoice(AGENCY, "PC Smith, Thames Valley Police",
                           thumbnails=frozenset({case["shot"]})),
        )  # fmt: skip
    with database.read(actor) as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None
        assert (entry.table_name, entry.record_id) == ("incident", case["incident"])
        detail = json.loads(entry.changes)
        assert detail == {
            "file": "case file",
            "variant": "agency",
            "recipient": "PC Smith, Thames Valley Police",
            "encrypted": False,
            "sha256": export.sha256,
            "pictures": [case["shot"]],
        }
        shared = s.scalars(
            select(ChronologyEntry).where(ChronologyEntry.kind == ChronologyKind.INFORMATION_SHARED)
        ).one()
    assert "agency copy" in shared.text and "PC Smith, Thames Valley Police" in shared.text
    assert export.sha256 in shared.text


def test_a_recipient_is_required(database: Database, actor: User, case: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as raised, database.write(actor) as s:
        export_case_file(s, actor, case["incident"], CaseFileChoice(FULL, "  "))
    assert raised.value.field == "recipient"


@pytest.mark.parametrize("role", [UserRole.HEADTEACHER, UserRole.OFFICE])
def test_only_the_dsl_team_exports(
    database: Database, actor: User, case: dict[str, int], role: UserRole
) -> None:
    with database.write(actor) as s:
        other = make_account(s, actor, role, f"user{role.value}")
    with pytest.raises(NotAllowed), database.write(other) as s:
        export_case_file(s, other, case["incident"], CaseFileChoice(FULL, "File"))
    with database.write(actor) as s:
        deputy = make_account(s, actor, UserRole.DEPUTY_DSL, "deputy")
    with database.write(deputy) as s:
        assert export_case_file(s, deputy, case["incident"], CaseFileChoice(FULL, "x")).pages >= 1


def test_an_unknown_incident_is_not_found(database: Database, actor: User) -> None:
    with pytest.raises(NotFound), database.write(actor) as s:
        export_case_file(s, actor, 999_999, CaseFileChoice(FULL, "File"))


def test_hostile_text_prints_as_typed(database: Database, actor: User) -> None:
    hostile = "Ольга & <script>'x'</script> Nguyễn \"quoted\" Şükrü"
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary=hostile)
        add_note(s, actor, incident.id, hostile)
    text = _text(_export(database, actor, incident.id, CaseFileChoice(FULL, hostile)))
    assert text.count(hostile) >= 3  # summary, note, and the line saying who it is for


def test_a_parent_of_an_unnamed_pupil_is_named_by_the_child_label(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    from app.core.services.people import link_parent

    with database.write(actor) as s:
        dad = make_person(s, actor, title="Mr", given_name="Piotr", family_name="Łukasiewicz")
        link_parent(s, actor, dad.id, case["zoe"])
        add_involvement(s, actor, case["incident"], dad.id, InvolvementRole.WITNESS)
        add_note(s, actor, case["incident"], "Mr Łukasiewicz rang about Zoë.")
    text = _text(_export(database, actor, case["incident"], CaseFileChoice(AGENCY, "PC Smith")))
    assert "Piotr" not in text and "Łukasiewicz" not in text
    assert "Parent/carer of Pupil C rang about Pupil C." in text
    with database.read(actor) as s:
        options = case_file_options(s, case["incident"])
    choice = next(p for p in options.people if p.person_id == dad.id)
    assert choice.replaceable and not choice.named_by_default
    # Named on purpose (ticked at export): he is, and his child is still not.
    named = frozenset({case["amira"], dad.id})
    text = _text(
        _export(database, actor, case["incident"], CaseFileChoice(AGENCY, "x", named=named))
    )
    assert "Piotr Łukasiewicz" in text and "Zoë" not in text
