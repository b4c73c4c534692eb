"""A long incident's case file: 200 timeline entries in order and 50 evidence items, in
under 2 s (the bench measures the same with phone-sized screenshots), and a very long
entry runs over pages rather than failing."""

from __future__ import annotations

import io
import re
import time

from PIL import Image
from pypdf import PdfReader

from app.core.db import Database
from app.core.models import User
from app.core.services.casefile import CaseFileChoice, export_case_file
from app.core.services.chronology import TEXT_MAX, add_note, amend_entry
from app.core.vocab import CaseFileVariant
from bench.casefile_figures import ENTRIES, ITEMS, TARGET_SECONDS, build_long_incident
from tests.factories import make_incident


def _small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 260), "white").save(out, "PNG")
    return out.getvalue()


def test_a_long_incident_in_under_two_seconds(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = build_long_incident(s, actor, _small_png())
    best = float("inf")
    for _ in range(2):  # the better of two: the first run also loads the fonts
        started = time.perf_counter()
        with database.write(actor) as s:
            export = export_case_file(
                s, actor, incident_id, CaseFileChoice(CaseFileVariant.AGENCY, "Bench")
            )
        best = min(best, time.perf_counter() - started)
    assert best < TARGET_SECONDS, f"{best:.2f} s"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(export.pdf)).pages)
    numbers = [int(n) for n in re.findall(r"Entry (\d+): spoke to", text)]
    assert len(numbers) >= ENTRIES - 5 and numbers == sorted(numbers)  # oldest first
    assert all(f"E{n} · File" in text for n in range(1, ITEMS + 1))
    assert "Adeyemi" not in text and "Pupil B" in text  # a witness, in 200 entries


def test_a_very_long_entry_and_its_corrections_run_over_pages(
    database: Database, actor: User
) -> None:
    words = ("Word " * (TEXT_MAX // 5))[: TEXT_MAX - 1]
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        note = add_note(s, actor, incident.id, words)
        for n in range(3):
            amend_entry(s, actor, note.id, f"Correction {n}: " + words[: TEXT_MAX // 2])
        export = export_case_file(
            s, actor, incident.id, CaseFileChoice(CaseFileVariant.FULL, "File")
        )
    reader = PdfReader(io.BytesIO(export.pdf))
    assert len(reader.pages) >= 4
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "(continued)" in text and "Correction 2" in text
