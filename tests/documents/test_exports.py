"""The inspection list's CSV and PDF, and the subject access pack, with hostile text: what
was typed comes back exactly (CSV) or prints as typed (PDF), every script the fonts cover
prints, and nothing long breaks a page."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from app.core.inspection import COLUMNS, InspectionHeading, InspectionRow, PrejudiceCount
from app.core.subject_access_data import PackItem, PackLine, PackSection, SubjectAccessPack
from app.documents.base import FONT, Letterhead
from app.documents.inspection_csv import cell_for_excel, write_inspection_csv
from app.documents.inspection_list import InspectionListDocument
from app.documents.paged_table import MAX_LINES, SHORTENED, wrap
from app.documents.subject_access import SubjectAccessDocument

NAMES = "Łukasz Wójcik, Zoë O'Neill-Brown, Nguyễn Thị Lan, Şükrü Yılmaz, Ольга Іваненко, Aoife"
HOSTILE = f"<b>{NAMES}</b> & &amp; \"quoted\" 'single' =SUM(A1) @here +44 -1"
# Text a spreadsheet cell can hold: any character but the surrogates no file can encode.
cell_text = st.text(st.characters(codec="utf-8"), max_size=200)


def _row(text: str, reference: str = "SM-2026-0001") -> InspectionRow:
    return InspectionRow(reference, "01/02/2026", "", text, "High", "Closed", "", text, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(cell_text, min_size=1, max_size=5))
def test_csv_gives_back_what_was_written(values: list[str]) -> None:
    out = io.BytesIO()
    rows = [_row(value) for value in values]
    assert write_inspection_csv(rows, out) == len(values)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[0] == list(COLUMNS)
    assert read[1:] == [[cell_for_excel(c) for c in r.cells()] for r in rows]
    for row in read[1:]:
        assert not any(cell and cell[0] in "=+-@\t\r" for cell in row)


def test_every_script_and_markup_prints_in_the_list_as_typed() -> None:
    heading = InspectionHeading(
        f"School of {NAMES} & <i>", date(2026, 2, 3), (f"Matching the search “{HOSTILE}”",), 1,
        (PrejudiceCount("Racist", 1),), 1,
    )  # fmt: skip
    pdf = InspectionListDocument(Letterhead("A & B <School>"), heading, [_row(HOSTILE)]).render()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count(" ".join(HOSTILE.split())) >= 3  # the filter line, the two table cells
    assert "A & B <School>" in text


def test_a_word_wider_than_its_column_is_broken_and_a_huge_cell_is_shortened() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    link = "https://example.com/" + "a" * 300
    lines = wrap(link, 100)
    assert "".join(lines) == link and all(stringWidth(x, FONT, 8) <= 100 for x in lines)
    assert wrap("", 100) == [""] and wrap("one\ntwo", 100) == ["one", "two"]
    rows = [_row("word " * 2_000)]  # one cell longer than a page
    heading = InspectionHeading("School", date(2026, 2, 3), ("Every incident",), 1, (), 0)
    pdf = InspectionListDocument(Letterhead("School"), heading, rows).render()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert SHORTENED in text and len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert MAX_LINES == 30


def test_the_pack_prints_every_script_as_typed_and_its_metadata_names_no_one() -> None:
    pack = SubjectAccessPack(
        school_name="Kestrel & <Vale>",
        subject_name="Ольга Іваненко",
        requester_name="Şükrü Yılmaz",
        requester_relationship="her father's solicitor",
        received_on=date(2026, 11, 3),
        produced_on=date(2026, 11, 20),
        sections=(
            PackSection(
                "Incident SM-2026-0042",
                "An incident the person is involved in.",
                (PackItem("The incident", (PackLine("What happened", HOSTILE),)),),
            ),
            PackSection("Empty", "", ()),
        ),
    )
    pdf = SubjectAccessDocument(Letterhead("Kestrel & <Vale>"), pack).render()
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert " ".join(HOSTILE.split()) in text
    assert "Asked for by Şükrü Yılmaz (her father's solicitor)" in text
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert "Ольга" not in meta and "Şükrü" not in meta
