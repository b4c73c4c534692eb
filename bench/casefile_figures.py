"""Issue 17's figure: the case file of a long incident — 200 timeline entries and 50
evidence items (phone screenshots, 1080 × 2340) — exported and committed, as the DSL
waits for it after Save. Target: under 2 s. Measured without pictures (the usual export:
evidence listed with fingerprints) and with all 50 pictures ticked (the worst case: every
screenshot is decoded and scaled). Importing registers them."""

from __future__ import annotations

import io
import statistics
import struct
import time
import zlib
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.models import ChronologyEntry, Evidence, User
from app.core.services.casefile import CaseFileChoice, export_case_file
from app.core.services.chronology import add_note
from app.core.services.evidence import add_evidence_file
from app.core.services.incidents import IncidentDetails, create_incident
from app.core.services.involvements import add_involvement
from app.core.services.people import PersonDetails, create_person
from app.core.vocab import (
    CaseFileVariant,
    Category,
    InvolvementRole,
    PersonKind,
    Platform,
    Severity,
    UserRole,
)
from bench.figures import Bench, Measurement, figure

ENTRIES = 200
ITEMS = 50
TARGET_SECONDS = 2.0


def screenshot_png() -> bytes:
    """A phone screenshot's worth of pixels: white, with lines of text."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1080, 2340), "white")
    draw = ImageDraw.Draw(image)
    for y in range(40, 2300, 44):
        draw.text((40, y), f"{y:04d} what was said in the group chat, word for word " * 2, "black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def numbered_copies(png: bytes, count: int) -> Iterator[bytes]:
    """The same picture `count` times with a different fingerprint each (a text chunk
    before the end), so nothing is re-encoded."""
    end = png.rindex(b"IEND") - 4
    for number in range(count):
        data = b"Comment\x00" + str(number).encode()
        chunk = struct.pack(">I", len(data)) + b"tEXt" + data
        chunk += struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF)
        yield png[:end] + chunk + png[end:]


def build_long_incident(session: Session, actor: User, png: bytes | None = None) -> int:
    """An incident with ENTRIES timeline entries (notes naming a pupil) and ITEMS pieces of
    evidence; its id."""
    from app.core.clock import utc_now

    incident = create_incident(
        session,
        actor,
        IncidentDetails(
            seen_at=utc_now(),
            platform=Platform.WHATSAPP,
            summary="A long-running group chat in which one pupil was targeted for weeks.",
            severity=Severity.HIGH,
            categories=frozenset({Category.BULLYING}),
            safeguarding_concern=True,
        ),
    )
    pupil = create_person(
        session,
        actor,
        PersonDetails(kind=PersonKind.PUPIL, given_name="Łucja", family_name="Nguyễn-O'Brien"),
    )
    add_involvement(session, actor, incident.id, pupil.id, InvolvementRole.TARGET)
    witness = create_person(
        session,
        actor,
        PersonDetails(kind=PersonKind.PUPIL, given_name="Bartholomew", family_name="Adeyemi"),
    )
    add_involvement(session, actor, incident.id, witness.id, InvolvementRole.WITNESS)
    for number in range(_entries(session, incident.id), ENTRIES):
        add_note(
            session,
            actor,
            incident.id,
            f"Entry {number}: spoke to Bartholomew Adeyemi and to Łucja's parents; the messages "
            "were checked again and screenshots kept. Next check after the weekend.",
        )
    for number, content in enumerate(numbered_copies(png or screenshot_png(), ITEMS)):
        add_evidence_file(session, actor, incident.id, f"chat {number}.png", content)
    return incident.id


def _entries(session: Session, incident_id: int) -> int:
    """Entries already written (recording the incident and its people writes some)."""
    return (
        session.scalar(select(func.count()).where(ChronologyEntry.incident_id == incident_id)) or 0
    )


def _long_incident(bench: Bench) -> tuple[int, frozenset[int]]:
    if "casefile" not in bench.shared:
        with bench.database.write(_dsl_id(bench)) as session:
            actor = session.get(User, _dsl_id(bench))
            assert actor is not None
            incident_id = build_long_incident(session, actor)
        with bench.database.read(_dsl_id(bench)) as session:
            items = frozenset(
                session.scalars(select(Evidence.id).where(Evidence.incident_id == incident_id))
            )
        bench.shared["casefile"] = (incident_id, items)
    found: tuple[int, frozenset[int]] = bench.shared["casefile"]
    return found


def _dsl_id(bench: Bench) -> int:
    """The DSL's account in the bench log (exports are the DSL team's)."""
    if "casefile_user" not in bench.shared:
        with bench.database.read(SYSTEM) as session:
            user_id = session.scalars(
                select(User.id).where(User.role == UserRole.DSL).order_by(User.id)
            ).first()
        assert user_id is not None
        bench.shared["casefile_user"] = user_id
    found: int = bench.shared["casefile_user"]
    return found


def _export_seconds(bench: Bench, pictures: bool) -> tuple[float, int]:
    incident_id, items = _long_incident(bench)
    user_id = _dsl_id(bench)
    times, pages = [], 0
    for _ in range(max(1, min(bench.runs, 3))):
        choice = CaseFileChoice(
            CaseFileVariant.AGENCY, "Bench", thumbnails=items if pictures else frozenset()
        )
        started = time.perf_counter()
        with bench.database.write(user_id) as session:
            actor = session.get(User, user_id)
            assert actor is not None
            pages = export_case_file(session, actor, incident_id, choice).pages
        times.append(time.perf_counter() - started)
    return statistics.median(times), pages


@figure("Case file: 200 timeline entries, 50 evidence items, agency copy, committed (median)")
def case_file(bench: Bench) -> Measurement:
    seconds, pages = _export_seconds(bench, pictures=False)
    return Measurement(seconds, "s", note=f"target < {TARGET_SECONDS:g} s; {pages} pages")


@figure("Case file: the same with all 50 screenshots pictured (median)")
def case_file_pictures(bench: Bench) -> Measurement:
    seconds, pages = _export_seconds(bench, pictures=True)
    return Measurement(seconds, "s", note=f"worst case, every picture ticked; {pages} pages")
