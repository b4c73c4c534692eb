"""The case file and transfer documents from plain data: every piece of hostile text prints
as typed, corrections sit beside what they correct, a long entry runs on, only given
pictures are drawn, the bundle's index gives real pages, no name in the metadata."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from app.documents.base import Letterhead
from app.documents.casefile import CaseFileDocument
from app.documents.casefile_content import (
    CaseAmendment,
    CaseEntry,
    CaseEvidence,
    CaseFileContent,
    CasePerson,
    ReceiptSlip,
    TransferBundleContent,
)
from app.documents.protection import protect_pdf
from app.documents.transfer_bundle import TransferBundleDocument

HOSTILE = 'Zoë & <b>Ольга</b> O\'Neill "Nguyễn" Şükrü ﷺ 👍 Łukasz'
HEAD = Letterhead("St Mary's & St John's <Primary>", ["1 Church Lane"], "01632 960000")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 500), "teal").save(out, "JPEG")
    return out.getvalue()


def _content(**more: object) -> CaseFileContent:
    values: dict[str, object] = {
        "reference": "SM-2026-0042",
        "variant": "Full record",
        "preface": (f"Produced for {HOSTILE}",),
        "facts": (("Summary", HOSTILE), ("Empty", "")),
        "people": (CasePerson(HOSTILE, "Pupil", "Target", "Year 5"),),
        "chronology": (
            CaseEntry(
                "01/02/2026 09:00",
                "01/02/2026 09:05",
                "DSL",
                "Note",
                "First said 9pm.",
                (CaseAmendment("02/02/2026 10:00", "Deputy DSL", "It was 10pm."),),
            ),
            CaseEntry("01/02/2026 11:00", "01/02/2026 11:00", "DSL", "Note", "Second."),
        ),
        "evidence": (
            CaseEvidence(1, "File", HOSTILE, "shot.png", "image/png", "2 KB", "a" * 64, "", "x"),
            CaseEvidence(2, "File", "", "pic.jpg", "image/jpeg", "5 KB", "b" * 64, "", "x", "",
                         _jpeg()),
        ),
    } | more  # fmt: skip
    return CaseFileContent(**values)  # type: ignore[arg-type]


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_hostile_text_prints_and_corrections_sit_beside_their_entry() -> None:
    pdf = CaseFileDocument(HEAD, _content()).render()
    text = _text(pdf)
    assert text.count(HOSTILE.replace("ﷺ ", "").split(" ")[0]) >= 3
    assert "&" in text and "<b>Ольга</b>" in text and "Şükrü" in text
    assert text.index("First said 9pm.") < text.index("It was 10pm.") < text.index("Second.")
    assert "Corrected 02/02/2026 10:00 by Deputy DSL" in text
    assert "(written 01/02/2026 09:05)" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert sum(len(p.images) for p in reader.pages) == 1  # only the item given a picture
    meta: dict[str, object] = dict(reader.metadata or {})
    assert str(meta["/Title"]) == "Case file SM-2026-0042" and "Ольга" not in str(meta)
    assert "Empty" not in text  # a fact with no value is left out


def test_the_same_data_renders_the_same_bytes() -> None:
    assert (
        CaseFileDocument(HEAD, _content()).render() == CaseFileDocument(HEAD, _content()).render()
    )


def test_a_long_entry_runs_over_pages_marked_continued() -> None:
    long = CaseEntry("01/02/2026 09:00", "", "DSL", "Note", "word " * 3000)
    document = CaseFileDocument(HEAD, _content(chronology=(long,)))
    text = _text(document.render())
    assert document.page_count >= 3 and "01/02/2026 09:00 (continued)" in text


def test_the_bundle_index_gives_the_page_each_part_starts_on() -> None:
    parts = tuple(_content(reference=f"SM-2026-00{n}0") for n in range(1, 4))
    bundle = TransferBundleContent(
        title="Child protection file",
        cover_lines=(("Pupil", HOSTILE),),
        notice="Confidential.",
        case_files=parts,
        index_titles=tuple(p.reference for p in parts),
        receipt=ReceiptSlip(HOSTILE, "01/09/2015", "", "A", "B", 3, "3 incidents", "ref", "x", "y"),
    )
    document = TransferBundleDocument(HEAD, bundle)
    pdf = document.render()
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    cover = pages[0].splitlines()
    for part in parts:
        start = next(i for i, p in enumerate(pages) if f"Case file {part.reference}" in p) + 1
        line = cover.index(next(line for line in cover if part.reference in line))
        assert str(start) in cover[line : line + 2], (part.reference, start)
    assert f"({len(pages)} pages in all)" in pages[-1] and document.page_count == len(pages)
    assert "Ольга" not in str(dict(PdfReader(io.BytesIO(pdf)).metadata or {}))


def test_protection_needs_the_password() -> None:
    locked = protect_pdf(CaseFileDocument(HEAD, _content()).render(), "long password 1")
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted and not reader.decrypt("wrong")
    reader = PdfReader(io.BytesIO(locked))
    assert reader.decrypt("long password 1") and "Case file" in reader.pages[0].extract_text()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=300))
def test_any_text_renders(text: str) -> None:
    entry = CaseEntry("01/02/2026 09:00", "", text[:40], text[:20], text)
    pdf = CaseFileDocument(HEAD, _content(chronology=(entry,), facts=(("Summary", text),))).render()
    assert pdf.startswith(b"%PDF")
