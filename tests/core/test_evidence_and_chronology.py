"""Evidence (type from content, hash, cap), people on incidents, and the append-only timeline."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import utc_now
from app.core.db import Database
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import AppendOnlyViolation, ChronologyEntry, Evidence, User
from app.core.services.chronology import add_note, amend_entry, list_chronology
from app.core.services.evidence import (
    MAX_EVIDENCE_BYTES,
    add_evidence_description,
    add_evidence_file,
    detect_media_type,
    evidence_content,
    list_evidence,
    withdraw_evidence,
)
from app.core.services.involvements import (
    add_involvement,
    list_involvements,
    withdraw_involvement,
)
from app.core.vocab import ChronologyKind, EvidenceKind, InvolvementRole, PersonKind
from tests.factories import make_incident, make_person

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
)


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n%", "application/pdf"),
        (b"MZ\x90\x00 an .exe renamed to .png", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_type_is_detected_from_content(content: bytes, media_type: str | None) -> None:
    assert detect_media_type(content) == media_type


def test_a_screenshot_is_stored_with_its_fingerprint(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        evidence_id = add_evidence_file(
            s,
            actor,
            incident_id,
            "Screenshot 2026-11-20 at 09.14.png",
            PNG,
            description="The post as it appeared at 09:14",
        ).id
    with database.read(actor) as s:
        [row] = list_evidence(s, incident_id)
        assert row.media_type == "image/png" and row.size_bytes == len(PNG)
        assert row.sha256 == hashlib.sha256(PNG).hexdigest()
        assert evidence_content(s, evidence_id) == PNG
        assert "SHA-256" in list_chronology(s, incident_id)[0].text


def test_files_that_are_not_evidence_are_refused_whatever_their_name(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
    too_big = b"\x89PNG\r\n\x1a\n" + bytes(MAX_EVIDENCE_BYTES)
    for name, content, message in [
        ("notes.png", b"just some text", r"picture \(PNG, JPEG, GIF or WebP\) or a PDF"),
        ("empty.png", b"", "empty"),
        ("huge.png", too_big, "at most 10 MB"),
        ("video.mp4", bytes(20 * 1024 * 1024), "at most 10 MB"),
    ]:
        with pytest.raises(ValidationError, match=message) as raised, database.write(actor) as s:
            add_evidence_file(s, actor, incident_id, name, content)
        assert raised.value.field == "file"
    with database.read(actor) as s:
        assert s.scalar(select(func.count(Evidence.id))) == 0


def test_description_only_evidence_keeps_no_image(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        with pytest.raises(ValidationError):
            add_evidence_description(s, actor, incident_id, "")
        evidence = add_evidence_description(
            s, actor, incident_id, "Image of a pupil; not kept. Seen by the DSL at 10:05."
        )
        evidence_id = evidence.id
    with database.read(actor) as s:
        [row] = list_evidence(s, incident_id)
        assert row.kind is EvidenceKind.DESCRIPTION_ONLY and row.sha256 is None
        with pytest.raises(NotFound):
            evidence_content(s, evidence_id)


def test_withdrawn_evidence_stays_on_record(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        evidence_id = add_evidence_file(s, actor, incident_id, "a.png", PNG).id
        withdraw_evidence(s, actor, evidence_id, "Wrong incident")
    with database.read(actor) as s:
        assert list_evidence(s, incident_id) == []
        assert s.get(Evidence, evidence_id) is not None
        assert list_chronology(s, incident_id)[0].kind is ChronologyKind.EVIDENCE_WITHDRAWN


def test_people_take_roles_on_an_incident(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        poster = make_person(s, actor, given_name="Şükrü", family_name="Demir")
        pupil = make_person(
            s, actor, kind=PersonKind.PUPIL, given_name="Zoë", family_name="Demir", year_group="4"
        )
        add_involvement(s, actor, incident_id, poster.id, InvolvementRole.POSTER)
        add_involvement(s, actor, incident_id, pupil.id, InvolvementRole.TARGET)
        target_two = add_involvement(
            s, actor, incident_id, pupil.id, InvolvementRole.SUBJECT_OF_IMAGE
        )
        with pytest.raises(Conflict, match="already on this incident as poster"):
            add_involvement(s, actor, incident_id, poster.id, InvolvementRole.POSTER)
        withdraw_involvement(s, actor, target_two.id, "Not in the photo after all")
    with database.read(actor) as s:
        rows = list_involvements(s, incident_id)
        assert [(r.person_name, r.role) for r in rows] == [
            ("Şükrü Demir", InvolvementRole.POSTER),
            ("Zoë Demir", InvolvementRole.TARGET),
        ]
        texts = [e.text for e in list_chronology(s, incident_id)]
        assert "Şükrü Demir added as poster." in texts
        assert any(t.startswith("Zoë Demir removed as subject of image") for t in texts)


def test_notes_and_amendments_keep_the_original(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        earlier = utc_now() - timedelta(minutes=30)
        note = add_note(
            s, actor, incident_id, "Phoned Mrs O'Neill; she'll remove it.", occurred_at=earlier
        )
        amendment = amend_entry(s, actor, note.id, "Phoned Mr O'Neill; he'll remove it.")
        with pytest.raises(ValidationError, match="same as the original"):
            amend_entry(s, actor, note.id, "Phoned Mrs O'Neill; she'll remove it.")
        ids = note.id, amendment.id
    with database.read(actor) as s:
        rows = {r.id: r for r in list_chronology(s, incident_id)}
        assert rows[ids[0]].text == "Phoned Mrs O'Neill; she'll remove it."
        assert rows[ids[0]].amended_by_ids == (ids[1],)
        assert rows[ids[1]].amends_id == ids[0]
        assert rows[ids[1]].occurred_at == rows[ids[0]].occurred_at


def test_timeline_is_newest_first(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        add_note(s, actor, incident_id, "second", occurred_at=utc_now() - timedelta(minutes=5))
        add_note(s, actor, incident_id, "first", occurred_at=utc_now() - timedelta(minutes=50))
        add_note(s, actor, incident_id, "third")
    with database.read(actor) as s:
        texts = [r.text for r in list_chronology(s, incident_id) if r.kind is ChronologyKind.NOTE]
        assert texts == ["third", "second", "first"]


def test_chronology_entries_can_not_be_changed_or_deleted(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        entry_id = add_note(s, actor, incident_id, "original").id
    with pytest.raises(AppendOnlyViolation), database.write(actor) as s:
        entry = s.get(ChronologyEntry, entry_id)
        assert entry is not None
        entry.text = "rewritten"
        s.flush()
    with pytest.raises(AppendOnlyViolation), database.write(actor) as s:
        entry = s.get(ChronologyEntry, entry_id)
        s.delete(entry)
        s.flush()
    with database.read(actor) as s:
        entry = s.get(ChronologyEntry, entry_id)
        assert entry is not None and entry.text == "original"


def test_an_image_that_must_not_be_kept_is_erased_from_the_file(
    database: Database, actor: User
) -> None:
    import os
    from pathlib import Path

    from app.core.services.evidence import destroy_evidence_content

    marker = os.urandom(48)  # bytes that can only come from this image
    content = PNG + marker * 20
    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        evidence_id = add_evidence_file(s, actor, incident_id, "mistake.png", content).id
    with pytest.raises(ValidationError), database.write(actor) as s:
        destroy_evidence_content(s, actor, evidence_id, " ")
    with database.write(actor) as s:
        destroy_evidence_content(
            s, actor, evidence_id, "Indecent image of a pupil added by mistake"
        )
    database.scrub_freed_space()
    with database.read(actor) as s:
        [row] = list_evidence(s, incident_id)
        assert row.destroyed_at is not None and row.sha256 == hashlib.sha256(content).hexdigest()
        with pytest.raises(NotFound):
            evidence_content(s, evidence_id)
        assert "Stored file destroyed: mistake.png" in list_chronology(s, incident_id)[0].text
    if database.is_sqlite:
        path = Path(str(database.engine.url.database))
        stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert marker not in stored


def test_the_database_itself_refuses_to_rewrite_the_timeline(
    database: Database, actor: User
) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError as DriverError

    with database.write(actor) as s:
        incident_id = make_incident(s, actor).id
        entry_id = add_note(s, actor, incident_id, "original").id
    for sql in (
        "UPDATE chronology_entry SET text = 'rewritten' WHERE id = :id",
        "DELETE FROM chronology_entry WHERE id = :id",
    ):
        with pytest.raises(DriverError, match="append-only"), database.write(actor) as s:
            s.execute(text(sql), {"id": entry_id})
    with database.read(actor) as s:
        entry = s.get(ChronologyEntry, entry_id)
        assert entry is not None and entry.text == "original"
